"""An application stack: a role that pulls exactly the repositories it names, checked against the registry.

The role is created (PullerRole), or, with `existing: true` in `ecr:role`, a role that exists gets the same
identity policy (PullerPolicy); the check and the exports are the same either way.
"""

from typing import Any

import pulumi

from ecr_shared_services import PullerPolicy, PullerPolicyArgs, PullerRole, PullerRoleArgs
from ecr_shared_services.access.grant_check import Puller, check_grants
from ecr_shared_services.aws.partitions import partition_for_region
from ecr_shared_services.policy.identity_packing import arn_length_bound, plan_for
from ecr_shared_services.policy.identity_policy import merged_policy
from ecr_shared_services.spec.application import ApplicationStackSpec
from stack_settings import pinned_account

RoleSpec = PullerRoleArgs | PullerPolicyArgs


def _export(outputs: dict[str, Any], name: str) -> Any:
    """One export of the registry stack, or the error StackReference.require_output gives."""
    if name not in outputs:
        raise KeyError(f"Required output '{name}' does not exist on the registry stack")
    return outputs[name]


def _with_arn_bound(spec: RoleSpec, names: list[str]) -> RoleSpec:
    """The role's arguments with the longest its repositories' ARNs can be, unless the config sets it: the
    names are known from the config and the partition from this stack's region (IAM grants within one
    partition only); the registry's region and account only once its outputs resolve, so the longest region
    is assumed."""
    if spec.max_repository_arn_length is not None or not names:
        return spec
    region = pulumi.Config("aws").get("region")
    partition = partition_for_region(region).name if region else None
    bound = max(arn_length_bound(name, partition) for name in names)
    return spec.model_copy(update={"max_repository_arn_length": bound})


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
    role_spec = _with_arn_bound(app.role_spec(), app.repositories)
    role_name, role_path = app.role_identity()
    # The same plan the role's component makes from the same arguments: the check reads the same documents.
    plan = plan_for(role_spec, role_name, first_managed=getattr(role_spec, "attach_as", "inline") == "managed")
    registry = pulumi.StackReference(app.registry_stack)
    # One step over the referenced outputs, taking only the two exports this stack reads: require_output
    # would make an Output of every value of every export of the registry (the SDK's deep lift).
    exports = registry.outputs.apply(
        lambda outputs: (_export(outputs, "repositories"), _export(outputs, "repositoryPolicies"))
    )
    repositories = exports.apply(lambda values: values[0])

    def granted_arns(values: tuple[Any, Any]) -> list[str]:
        repos, policies = values
        arns = [repos[name]["arn"] for name in app.repositories if name in repos]
        check_grants(
            registry_stack=app.registry_stack,
            repositories=repos,
            repository_policies=policies,
            repository_names=app.repositories,
            identity_policy=merged_policy(list(plan.documents(sorted(set(arns))).values())) if arns else {},
            puller=Puller(app.account_id, role_name, role_path, role_spec.access, app.organization_id),
        )
        return arns

    arns = exports.apply(granted_arns)

    def arn_at(index: int) -> pulumi.Output[str]:
        return arns.apply(lambda values: values[index])

    args = app.role_args([arn_at(i) for i in range(len(app.repositories))]).model_copy(
        update={"max_repository_arn_length": role_spec.max_repository_arn_length}
    )
    role = PullerPolicy("puller", args) if isinstance(args, PullerPolicyArgs) else PullerRole("puller", args)
    pulumi.export("roleArn", role.role_arn)
    pulumi.export("roleName", role.role_name)
    pulumi.export("rolePolicy", role.policy)
    pulumi.export("imageRepositories", repositories.apply(lambda repos: {n: repos[n]["url"] for n in app.repositories}))
