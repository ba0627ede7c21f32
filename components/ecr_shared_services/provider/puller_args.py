"""The inputs of `PullerRole` and `PullerPolicy` as the provider's schema shows them to TypeScript, Go, C# and YAML.

The same shapes as `PullerRoleArgs` and `PullerPolicyArgs` of `ecr_shared_services.spec.puller` (the schema
names are the camelCase of these keys). These classes only describe; every rule is checked by the spec the
received data goes to. The keys both share are written out in each: the schema analyzer reads a key's
description from the source of the class it analyzes, not from a base class.
"""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads these annotations at run time.

import pulumi
from typing_extensions import NotRequired, TypedDict

from ecr_shared_services.provider.enums import AccessLevel, AttachAs, TrustService


class Trust(TypedDict):
    """Who may assume the role."""

    service: NotRequired[TrustService]
    """The workload (default ecs-tasks)."""
    oidc_provider_arn: NotRequired[str]
    """eks-irsa: the cluster's IAM OIDC provider ARN."""
    namespace: NotRequired[str]
    """eks-irsa and eks-pod-identity: the service account's namespace."""
    service_account: NotRequired[str]
    """eks-irsa and eks-pod-identity: the service account's name."""
    cluster_name: NotRequired[str]
    """eks-fargate: the cluster whose Fargate profiles may use the role (aws:SourceArn)."""
    cluster_region: NotRequired[str]
    """eks-fargate: the cluster's region, with `clusterName`."""
    github_subjects: NotRequired[list[str]]
    """github-oidc: the `sub` claims allowed, each repo:OWNER/REPO:... (repo:acme/pay:ref:refs/heads/main)."""


class RegistryLocation(TypedDict):
    """Where the repositories live, for giving them by name."""

    account_id: str
    """The registry account."""
    region: str
    """The registry's region."""
    partition: NotRequired[str]
    """The AWS partition; derived from the region when left out."""


class PullerRoleArgs(TypedDict):
    """A role in an application account that may pull (or push) exactly the given repositories."""

    role_name: str
    """The IAM role's name, for example ecsTaskExecutionRole."""
    repository_arns: NotRequired[list[pulumi.Input[str]]]
    """Repository ARNs, for example a SharedRegistry's repository ARNs; checked when they resolve."""
    registry: NotRequired[RegistryLocation]
    """The registry account and region, with `repositories` given by name."""
    repositories: NotRequired[list[str]]
    """Repository names in `registry`."""
    access: NotRequired[AccessLevel]
    """pull (the default) or push, which includes pull."""
    trust: NotRequired[Trust]
    """Who may assume the role (default: ECS tasks)."""
    account_id: NotRequired[str]
    """The role's own account, for aws:SourceAccount in the trust policy; looked up from the provider when left out."""
    cloudwatch_log_groups: NotRequired[list[str]]
    """ECS task execution: log groups (names, no wildcards) the role may write to."""
    max_managed_policies: NotRequired[int]
    """Customer-managed policies this component may attach for repositories beyond the first policy (default 10,
    at most 20). IAM allows 10 managed policies per role by default (20 after a quota increase), counting those
    attached by anything else."""
    max_repository_arn_length: NotRequired[int]
    """The longest a repository ARN from another resource's output can be (default 315, the longest possible)."""
    namespaces: NotRequired[list[str]]
    """Opt-in: namespaces in `registry` whose every repository the role may use (team-a grants repository/team-a/*)."""
    path: NotRequired[str]
    """The role's IAM path (default /)."""
    description: NotRequired[str]
    """The role's description."""
    permissions_boundary: NotRequired[pulumi.Input[str]]
    """A managed policy ARN to use as the role's permissions boundary."""
    max_session_duration: NotRequired[int]
    """Seconds, 3600 (the default) to 43200."""
    tags: NotRequired[dict[str, str]]
    """Tags on the role."""


class PullerPolicyArgs(TypedDict):
    """The identity policy of PullerRole, attached to a role that exists (an ecsTaskExecutionRole, an EKS node role,
    a CI or deploy role)."""

    role: pulumi.Input[str]
    """The existing role's name, or its ARN in the provider's account (outputs of other resources too)."""
    repository_arns: NotRequired[list[pulumi.Input[str]]]
    """Repository ARNs, for example a SharedRegistry's repository ARNs; checked when they resolve."""
    registry: NotRequired[RegistryLocation]
    """The registry account and region, with `repositories` given by name."""
    repositories: NotRequired[list[str]]
    """Repository names in `registry`."""
    access: NotRequired[AccessLevel]
    """pull (the default) or push, which includes pull."""
    cloudwatch_log_groups: NotRequired[list[str]]
    """ECS task execution: log groups (names, no wildcards) the role may write to."""
    max_managed_policies: NotRequired[int]
    """Customer-managed policies this component may attach for repositories beyond the first policy (default 10,
    at most 20). IAM allows 10 managed policies per role by default (20 after a quota increase), counting those
    attached by anything else."""
    max_repository_arn_length: NotRequired[int]
    """The longest a repository ARN from another resource's output can be (default 315, the longest possible)."""
    namespaces: NotRequired[list[str]]
    """Opt-in: namespaces in `registry` whose every repository the role may use (team-a grants repository/team-a/*)."""
    path: NotRequired[str]
    """The role's IAM path when `role` is a name (default /)."""
    account_id: NotRequired[str]
    """The role's account; looked up from the provider when left out."""
    attach_as: NotRequired[AttachAs]
    """inline (the default): an inline policy on the role; managed: a customer-managed policy and its attachment."""
    policy_name: NotRequired[str]
    """The policy's name (default: ecr-images inline; a managed policy is named by Pulumi)."""
