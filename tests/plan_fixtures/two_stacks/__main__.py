"""The registry side when the stack names no registry stack; the application side when it does."""

import pulumi

from ecr_shared_services import (
    AccountConsumerArgsDict,
    PullerRole,
    PullerRoleArgsDict,
    RepositoryArgsDict,
    SharedRegistry,
    SharedRegistryArgsDict,
)

config = pulumi.Config()
registry_stack = config.get("registryStack")
if registry_stack is None:
    pullers: list[str] = config.require_object("pullers")
    consumers: list[AccountConsumerArgsDict] = [{"kind": "account", "account_id": account} for account in pullers]
    repositories: list[RepositoryArgsDict] = [
        {"name": name, "consumers": list(consumers)} for name in config.require_object("repositories")
    ]
    registry_args: SharedRegistryArgsDict = {"region": "us-west-2", "repositories": repositories}
    registry = SharedRegistry("images", registry_args)
    pulumi.export("repositories", registry.repositories)
else:
    found = pulumi.StackReference(registry_stack).require_output("repositories")

    def arn_of(name: str) -> pulumi.Output[str]:
        return found.apply(lambda repos: str(repos[name]["arn"]))

    role_args: PullerRoleArgsDict = {
        "role_name": "web-task",
        "repository_arns": [arn_of(name) for name in config.require_object("pull")],
    }
    role = PullerRole("web", role_args)
    pulumi.export("roleArn", role.role_arn)
