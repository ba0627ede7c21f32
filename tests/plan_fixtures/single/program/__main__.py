"""One program for three accounts: the registry in 111111111111, pullers in 222222222222 and 333333333333."""

import pulumi
import pulumi_aws as aws

from ecr_shared_services import (
    PullerRole,
    PullerRoleArgsDict,
    RepositoryArgsDict,
    RoleConsumerArgsDict,
    SharedRegistry,
    SharedRegistryArgsDict,
)

REGION = "eu-west-1"
TEAMS = {"222222222222": ["api"], "333333333333": ["api", "worker"]}


def consumers(repository: str) -> list[RoleConsumerArgsDict]:
    return [
        {"kind": "role", "account_id": account, "role_names": ["app-runner"]}
        for account, wanted in TEAMS.items()
        if repository in wanted
    ]


repositories: list[RepositoryArgsDict] = [{"name": name, "consumers": consumers(name)} for name in ("api", "worker")]
registry_args: SharedRegistryArgsDict = {"region": REGION, "repositories": repositories}
registry = SharedRegistry("images", registry_args)


def arn_of(name: str) -> pulumi.Output[str]:
    return registry.repositories.apply(lambda repos: repos[name]["arn"])


for account, wanted in TEAMS.items():
    provider = aws.Provider(f"team-{account}", region=REGION, allowed_account_ids=[account])
    role_args: PullerRoleArgsDict = {
        "role_name": "app-runner",
        "account_id": account,
        "repository_arns": [arn_of(name) for name in wanted],
    }
    PullerRole(f"runner-{account}", role_args, opts=pulumi.ResourceOptions(provider=provider))

pulumi.export("repositories", registry.repositories)
