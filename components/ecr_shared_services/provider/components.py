"""`SharedRegistry`, `PullerRole` and `PullerPolicy` as a component provider serves them: the same components,
constructed from the dict the provider host passes, with the outputs declared for the schema.

Class names are the schema's type names (`ecr-shared-services:index:SharedRegistry`), so they repeat the
library's; each subclass only converts its input and documents its outputs.
"""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads these annotations at run time.

import inspect
from typing import Any

import pulumi

from ecr_shared_services import puller_policy, puller_role, shared_registry
from ecr_shared_services.provider.puller_args import PullerPolicyArgs, PullerRoleArgs
from ecr_shared_services.provider.received import policy_spec, puller_spec, registry_spec
from ecr_shared_services.provider.registry_args import SharedRegistryArgs


class SharedRegistry(shared_registry.SharedRegistry):
    """ECR repositories in the registry account, each with the repository policy that grants its consumers and
    its lifecycle policy. Every rule is checked before anything is created; one error lists every violation.
    Child names are `{name}-{repository}` (`-policy`, `-lifecycle`): adding or reordering repositories renames
    nothing."""

    repositories: pulumi.Output[dict[str, dict[str, str]]]
    """Repository name to its `name`, `arn` and `url`."""
    registry_id: pulumi.Output[str]
    """The registry's account ID."""
    grants: pulumi.Output[dict[str, list[dict[str, Any]]]]
    """Repository name to its consumers, each with its `principals` (keys in snake_case, as the Python API has them)."""
    policies: pulumi.Output[dict[str, str]]
    """Repository name to the JSON text of its repository policy (shared repositories only)."""

    def __init__(self, name: str, args: SharedRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, registry_spec(args), opts)


class PullerRole(puller_role.PullerRole):
    """An IAM role in an application account with the identity policy to pull (or push) exactly the given
    repositories, and the trust policy of its workload. Children: the role `{name}` and its inline policies
    `{name}-ecr` (and `{name}-logs` with log groups); with trust ec2, the instance profile `{name}-profile`.
    For a role that exists already, use PullerPolicy."""

    role_arn: pulumi.Output[str]
    """The role's ARN, to give a registry's role consumer in `roleArns`."""
    role_name: pulumi.Output[str]
    """The role's name."""
    policy: pulumi.Output[str]
    """The JSON text of the role's ECR identity policy."""
    policies: pulumi.Output[list[str]]
    """The JSON texts of all the role's ECR identity policies: the inline one first, then the managed parts."""
    # Optional: the host unwraps `| None` into an output that may be absent, and leaves out one that is None.
    instance_profile_arn: pulumi.Output[str] | None
    """With trust ec2: the ARN of the instance profile that gives an instance the role."""

    def __init__(self, name: str, args: PullerRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, puller_spec(args), opts)


class PullerPolicy(puller_policy.PullerPolicy):
    """Gives a role that exists (by name, or ARN in the provider's account) the identity policy to pull (or push)
    exactly the given repositories: the document PullerRole attaches to the role it creates. Children: the inline
    policy `{name}-ecr` (and `{name}-logs` with log groups); with attachAs managed, a customer-managed policy of
    that name and its attachment `{name}-ecr-attachment`."""

    role_arn: pulumi.Output[str]
    """The role's ARN, to give a registry's role consumer in `roleArns`."""
    role_name: pulumi.Output[str]
    """The role's name, once the policy is attached."""
    policy: pulumi.Output[str]
    """The JSON text of the attached ECR identity policy."""
    policies: pulumi.Output[list[str]]
    """The JSON texts of all the ECR identity policies attached: the first one, then the managed parts."""

    def __init__(self, name: str, args: PullerPolicyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, policy_spec(args), opts)


# The schema takes a component's docstring as its description; without the class body's indentation.
for _component in (SharedRegistry, PullerRole, PullerPolicy):
    _component.__doc__ = inspect.cleandoc(_component.__doc__ or "")
