"""The inputs of `SharedRegistry` as the provider's schema shows them to TypeScript, Go, C# and YAML.

The same shape as `ecr_shared_services.spec.registry.SharedRegistryArgs` (the schema names are the camelCase
of these keys). These classes only describe; every rule is checked by the spec the received data goes to.
"""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads these annotations at run time,
# and accepts neither Union, Literal nor Annotated (hence the enums and NotRequired).

from typing import Any

import pulumi
from typing_extensions import NotRequired, TypedDict

from ecr_shared_services.provider.enums import (
    AccessLevel,
    ConsumerKind,
    Encryption,
    ImageTagMutability,
    PolicyEncoding,
    PrincipalForm,
)


class Consumer(TypedDict):
    """Who may use a repository, and at which access level. Which other fields apply depends on `kind`."""

    kind: ConsumerKind
    """account, role, organization or lambda."""
    access: NotRequired[AccessLevel]
    """pull (the default) or push, which includes pull. Lambda consumers pull only."""
    description: NotRequired[str]
    """Why this consumer has access (who owns it, which team); kept in grants and reports. At most 256 characters."""
    account_id: NotRequired[str]
    """The 12-digit account: for kind account and lambda, and for role with `roleNames`."""
    role_names: NotRequired[list[str]]
    """Role names (not ARNs) in `accountId`; kind role."""
    role_path: NotRequired[str]
    """The roles' IAM path, for example /service-role/ (default /); kind role with `roleNames`."""
    role_arns: NotRequired[list[pulumi.Input[str]]]
    """Role ARNs (outputs of other resources too), instead of `accountId` with `roleNames`; kind role."""
    principal_form: NotRequired[PrincipalForm]
    """condition (the default) or arn; kind role."""
    organization_id: NotRequired[str]
    """The organization, o-...; kind organization."""
    ou_paths: NotRequired[list[str]]
    """Limit an organization grant to these OU paths (o-.../r-.../ou-.../); empty means the whole organization."""
    allow_push: NotRequired[bool]
    """The explicit opt-in a whole organization needs for access push; kind organization."""
    region: NotRequired[str]
    """The functions' region, which must be the registry's (Lambda pulls only from its own region); kind lambda."""
    deployer_role_names: NotRequired[list[str]]
    """Roles in `accountId` that create or update the functions (CreateFunction, UpdateFunctionCode); kind lambda."""
    deployer_role_path: NotRequired[str]
    """The deployer roles' IAM path (default /); kind lambda with `deployerRoleNames`."""
    deployer_role_arns: NotRequired[list[pulumi.Input[str]]]
    """Deployer role ARNs in `accountId` (outputs of other resources too), instead of `deployerRoleNames`."""
    deployer_principal_form: NotRequired[PrincipalForm]
    """How the deployers are named: condition (the default) or arn, as `principalForm`; kind lambda."""
    allow_account_root: NotRequired[bool]
    """Grant every principal of `accountId` instead of naming the deployers: an opt-in that needs a `description`."""


class Lifecycle(TypedDict):
    """An ECR lifecycle policy, from three simple rules or given raw. By default only untagged images expire."""

    expire_untagged_after_days: NotRequired[int]
    """Expire untagged images this many days after push (default 14; 0 turns this rule off)."""
    keep_last_tagged: NotRequired[int]
    """Keep the newest N tagged images and expire older ones (off by default, or with 0)."""
    expire_tagged_after_days: NotRequired[int]
    """Expire tagged images this many days after push (off by default, or with 0)."""
    raw: NotRequired[dict[str, Any]]
    """A complete ECR lifecycle policy document ({"rules": [...]}); replaces the rules above."""
    enabled: NotRequired[bool]
    """false for no lifecycle policy at all (default true)."""


class RepositorySettings(TypedDict):
    """Settings every repository inherits unless it sets its own. Each default is the safe choice."""

    image_tag_mutability: NotRequired[ImageTagMutability]
    """Default IMMUTABLE: a tag cannot be moved to another image."""
    tag_mutability_exclusions: NotRequired[list[str]]
    """Tag filters (letters, digits, . _ - and *) exempt from the mutability setting; only with *_WITH_EXCLUSION."""
    scan_on_push: NotRequired[bool]
    """Scan each image for vulnerabilities on push (default true)."""
    encryption: NotRequired[Encryption]
    """AES256 (the default) or KMS. AWS fixes it when a repository is created: changing it replaces the repository."""
    kms_key: NotRequired[str]
    """With encryption KMS, a customer-managed key by its full key ARN (default: the AWS-managed key aws/ecr)."""
    lifecycle: NotRequired[Lifecycle]
    """The lifecycle policy (default: expire untagged images after 14 days; tagged images never expire)."""
    force_delete: NotRequired[bool]
    """Allow deleting a repository that still holds images (default false)."""
    retain_on_delete: NotRequired[bool]
    """Keep the repository in AWS when it leaves the program (default true)."""
    protect: NotRequired[bool]
    """Pulumi's protect option: refuse to delete or replace the repository until it is unset (default false)."""
    tags: NotRequired[dict[str, str]]
    """Tags on the repositories."""


class Repository(TypedDict):
    """One repository: its name, who may use it, and any settings that differ from the registry's `defaults`."""

    name: str
    """The repository name, unique in the registry, for example payment-service or base-images/python."""
    consumers: NotRequired[list[Consumer]]
    """Consumers of this repository, on top of the registry-wide `consumers`."""
    private: NotRequired[bool]
    """No repository policy at all: only the registry account uses it, so it takes no consumers."""
    image_tag_mutability: NotRequired[ImageTagMutability]
    """This repository's tag mutability, instead of `defaults.imageTagMutability`."""
    tag_mutability_exclusions: NotRequired[list[str]]
    """This repository's exclusion filters, instead of `defaults.tagMutabilityExclusions`."""
    scan_on_push: NotRequired[bool]
    """Instead of `defaults.scanOnPush`."""
    encryption: NotRequired[Encryption]
    """Instead of `defaults.encryption`; fixed when the repository is created."""
    kms_key: NotRequired[str]
    """Instead of `defaults.kmsKey`."""
    lifecycle: NotRequired[Lifecycle]
    """This repository's lifecycle policy, instead of `defaults.lifecycle`."""
    force_delete: NotRequired[bool]
    """Instead of `defaults.forceDelete`."""
    retain_on_delete: NotRequired[bool]
    """Instead of `defaults.retainOnDelete`."""
    protect: NotRequired[bool]
    """Instead of `defaults.protect`."""
    tags: NotRequired[dict[str, str]]
    """Tags added to `defaults.tags` (a key given here wins)."""


class SharedRegistryArgs(TypedDict):
    """The repositories of one registry account and region, their settings, and who may use them."""

    region: str
    """The registry's region (ECR is regional), for example us-east-1."""
    repositories: list[Repository]
    """The repositories, each with a unique name."""
    consumers: NotRequired[list[Consumer]]
    """Consumers granted on every repository that is not private."""
    defaults: NotRequired[RepositorySettings]
    """Settings every repository inherits."""
    account_id: NotRequired[str]
    """The registry account, when known in advance; used in plans and reports."""
    partition: NotRequired[str]
    """The AWS partition (aws, aws-cn, aws-us-gov); derived from the region when left out."""
    encoding: NotRequired[PolicyEncoding]
    """How repository policies name account and role consumers: auto (the default), plain or compact."""
