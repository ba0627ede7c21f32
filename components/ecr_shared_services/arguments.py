"""Typed dictionaries for the components' arguments, for type checkers and IDEs.

`SharedRegistry`, `PullerRole` and `PullerPolicy` take either the pydantic spec (`SharedRegistryArgs`,
`PullerRoleArgs`, `PullerPolicyArgs`) or a plain dict; these `TypedDict`s describe that dict, key for key,
so that a misspelt key or a value of the wrong type is a type-checker error. They follow Pulumi's naming
(`RepositoryArgsDict` beside `RepositoryArgs`). They check nothing at run time: the pydantic specs in
`ecr_shared_services.spec` still validate every value and raise one `SpecError` listing every problem.
A test keeps the two in step (same keys, same required keys).
"""

# No `from __future__ import annotations`: TypedDict reads NotRequired from evaluated annotations only.

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.spec.puller import TrustService
from ecr_shared_services.spec.registry import PolicyEncoding
from ecr_shared_services.spec.repository import Encryption, TagMutability

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:
    from typing_extensions import NotRequired, TypedDict

if TYPE_CHECKING:
    # Importing the package must not import Pulumi (see __init__); the checker alone needs Input.
    import pulumi


class LifecycleArgsDict(TypedDict):
    """An ECR lifecycle policy from three knobs, or `raw` (spec: `LifecycleSpec`). By default only untagged
    images expire."""

    expire_untagged_after_days: NotRequired[int | None]
    keep_last_tagged: NotRequired[int | None]
    expire_tagged_after_days: NotRequired[int | None]
    raw: NotRequired[Mapping[str, Any] | None]


class AccountConsumerArgsDict(TypedDict):
    """Every principal of an account that its own IAM allows (spec: `AccountConsumer`)."""

    kind: Literal["account"]
    account_id: str
    access: NotRequired[AccessLevel]
    description: NotRequired[str | None]


# How named roles appear in a repository policy: the account root with ArnEquals aws:PrincipalArn, or the ARN.
PrincipalForm: TypeAlias = Literal["condition", "arn"]


class RoleConsumerArgsDict(TypedDict):
    """Named roles: `account_id` with `role_names`, or `role_arns` (spec: `RoleConsumer`)."""

    kind: Literal["role"]
    account_id: NotRequired[str | None]
    role_names: NotRequired[Sequence[str]]
    role_path: NotRequired[str]
    role_arns: NotRequired[Sequence["pulumi.Input[str]"]]
    principal_form: NotRequired[PrincipalForm]
    access: NotRequired[AccessLevel]
    description: NotRequired[str | None]


class OrganizationConsumerArgsDict(TypedDict):
    """Every account of an organization, or of some of its OUs (spec: `OrganizationConsumer`)."""

    kind: Literal["organization"]
    organization_id: str
    ou_paths: NotRequired[Sequence[str]]
    access: NotRequired[AccessLevel]
    allow_push: NotRequired[bool]
    description: NotRequired[str | None]


class LambdaConsumerArgsDict(TypedDict):
    """Container-image Lambda functions of an account, same region only: the Lambda service, and the roles
    that create or update the functions (`deployer_role_names` or `deployer_role_arns`), or the whole
    account with `allow_account_root` (spec: `LambdaConsumer`)."""

    kind: Literal["lambda"]
    account_id: str
    region: NotRequired[str | None]
    deployer_role_names: NotRequired[Sequence[str]]
    deployer_role_path: NotRequired[str]
    deployer_role_arns: NotRequired[Sequence["pulumi.Input[str]"]]
    deployer_principal_form: NotRequired[PrincipalForm]
    allow_account_root: NotRequired[bool]
    access: NotRequired[Literal["pull"]]
    description: NotRequired[str | None]


# `kind` is required here although the specs default it: it tells the consumer kinds apart.
ConsumerArgsDict: TypeAlias = (
    AccountConsumerArgsDict | RoleConsumerArgsDict | OrganizationConsumerArgsDict | LambdaConsumerArgsDict
)


class RepositorySettingsArgsDict(TypedDict):
    """Repository settings; every key has a safe default (spec: `RepositorySettings`)."""

    image_tag_mutability: NotRequired[TagMutability]
    tag_mutability_exclusions: NotRequired[Sequence[str]]
    scan_on_push: NotRequired[bool]
    encryption: NotRequired[Encryption]
    kms_key: NotRequired[str | None]
    lifecycle: NotRequired[LifecycleArgsDict | None]
    force_delete: NotRequired[bool]
    retain_on_delete: NotRequired[bool]
    protect: NotRequired[bool]
    tags: NotRequired[Mapping[str, str]]


class RepositoryArgsDict(RepositorySettingsArgsDict):
    """One repository: its name, its consumers, and settings that differ from `defaults` (spec: `RepositorySpec`)."""

    name: str
    consumers: NotRequired[Sequence[ConsumerArgsDict]]
    private: NotRequired[bool]


class SharedRegistryArgsDict(TypedDict):
    """The repositories of one registry account and region, and who may use them (spec: `SharedRegistryArgs`)."""

    region: str
    partition: NotRequired[str | None]
    account_id: NotRequired[str | None]
    defaults: NotRequired[RepositorySettingsArgsDict]
    consumers: NotRequired[Sequence[ConsumerArgsDict]]
    repositories: Sequence[RepositoryArgsDict]
    encoding: NotRequired[PolicyEncoding]


class TrustArgsDict(TypedDict):
    """Who may assume a puller role (spec: `TrustSpec`)."""

    service: NotRequired[TrustService]
    oidc_provider_arn: NotRequired[str | None]
    namespace: NotRequired[str | None]
    service_account: NotRequired[str | None]
    cluster_name: NotRequired[str | None]
    cluster_region: NotRequired[str | None]
    github_subjects: NotRequired[Sequence[str]]


class RegistryLocationArgsDict(TypedDict):
    """The registry's account and region, for giving repositories by name (spec: `RegistryLocation`)."""

    account_id: str
    region: str
    partition: NotRequired[str | None]


class _RepositoryAccessArgsDict(TypedDict):
    """The repositories an identity policy covers, and at which access level: the keys `PullerRoleArgsDict`
    and `PullerPolicyArgsDict` share (spec: `RepositoryAccessArgs`).

    Give the repositories as `repository_arns`, or as `registry` with `repositories` (names).
    """

    access: NotRequired[AccessLevel]
    repository_arns: NotRequired[Sequence["pulumi.Input[str]"]]
    # Without the spec's `None` (the same as leaving it out), a bad value inside is reported key for key.
    registry: NotRequired[RegistryLocationArgsDict]
    repositories: NotRequired[Sequence[str]]
    cloudwatch_log_groups: NotRequired[Sequence[str]]
    # Managed policies for repositories beyond the first policy (IAM: 10 per role by default, up to 20).
    max_managed_policies: NotRequired[int]
    max_repository_arn_length: NotRequired[int | None]
    namespaces: NotRequired[Sequence[str]]


class PullerRoleArgsDict(_RepositoryAccessArgsDict):
    """A role that may pull (or push) exactly its repositories, with the trust of its workload
    (spec: `PullerRoleArgs`)."""

    role_name: str
    path: NotRequired[str]
    description: NotRequired[str | None]
    trust: NotRequired[TrustArgsDict]
    account_id: NotRequired[str | None]
    permissions_boundary: NotRequired["pulumi.Input[str] | None"]
    max_session_duration: NotRequired[int]
    tags: NotRequired[Mapping[str, str]]


class PullerPolicyArgsDict(_RepositoryAccessArgsDict):
    """The same identity policy for a role that exists, given by name or ARN (spec: `PullerPolicyArgs`)."""

    role: "pulumi.Input[str]"
    path: NotRequired[str]
    account_id: NotRequired[str | None]
    attach_as: NotRequired[Literal["inline", "managed"]]
    policy_name: NotRequired[str | None]
