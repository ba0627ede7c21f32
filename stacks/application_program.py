"""An application stack: a role that pulls exactly the repositories it names, checked against the registry.

The role is created (PullerRole), or, with `existing: true` in `ecr:role`, a role that exists gets the same
identity policy (PullerPolicy); the check and the exports are the same either way.
"""

from typing import Any

import pulumi

from ecr_shared_services import PullerPolicy, PullerPolicyArgs, PullerRole
from ecr_shared_services.access.grant_check import Puller, check_grants
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.spec.application import ApplicationStackSpec
from stack_settings import pinned_account


def run() -> None:
    config = pulumi.Config("ecr")
    # The whole config is validated before the registry stack is read or anything is created.
    app = ApplicationStackSpec.parse(
        {
            "account_id": pinned_account("application"),
            "registry_stack": config.require("registryStack"),
            "repositories": config.require_object("repositories"),
            "role": config.require_object("role"),
            "organization_id": config.get("organizationId"),
        }
    )
    role_spec = app.role_spec()
    role_name, role_path = app.role_identity()
    registry = pulumi.StackReference(app.registry_stack)
    repositories = registry.require_output("repositories")

    def granted_arns(values: list[Any]) -> list[str]:
        repos, policies = values
        arns = [repos[name]["arn"] for name in app.repositories if name in repos]
        check_grants(
            registry_stack=app.registry_stack,
            repositories=repos,
            repository_policies=policies,
            repository_names=app.repositories,
            identity_policy=identity_policy(arns, role_spec.access) if arns else {},
            puller=Puller(app.account_id, role_name, role_path, role_spec.access, app.organization_id),
        )
        return arns

    arns = pulumi.Output.all(repositories, registry.require_output("repositoryPolicies")).apply(granted_arns)

    def arn_at(index: int) -> pulumi.Output[str]:
        return arns.apply(lambda values: values[index])

    args = app.role_args([arn_at(i) for i in range(len(app.repositories))])
    role = PullerPolicy("puller", args) if isinstance(args, PullerPolicyArgs) else PullerRole("puller", args)
    pulumi.export("roleArn", role.role_arn)
    pulumi.export("roleName", role.role_name)
    pulumi.export("rolePolicy", role.policy)
    pulumi.export("imageRepositories", repositories.apply(lambda repos: {n: repos[n]["url"] for n in app.repositories}))
