"""The pack's rules: stable names, default levels, reasons and config schemas, in one table."""

from __future__ import annotations

from typing import Final

from . import document_rules, identity_rules, registry_rules, repository_policy_rules, repository_rules, stack_rules
from .config import STRING_LIST
from .identity_rules import ATTACHMENT_TYPES
from .model import Rule
from .resource_types import (
    CREATION_TEMPLATE,
    LIFECYCLE_POLICY,
    MANAGED_POLICY,
    PULL_THROUGH_CACHE,
    REGISTRY_POLICY,
    REGISTRY_SCANNING,
    REPLICATION,
    REPOSITORY,
    REPOSITORY_POLICY,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
)

# Repository policies, and the policy a creation template gives every repository it creates.
_REPOSITORY_POLICIES: Final = (REPOSITORY_POLICY, CREATION_TEMPLATE)
_RESOURCE_POLICIES: Final = (REPOSITORY_POLICY, REGISTRY_POLICY, CREATION_TEMPLATE)
_REPOSITORY_SETTINGS: Final = (REPOSITORY, CREATION_TEMPLATE)
_IDENTITY: Final = (ROLE, ROLE_POLICY, MANAGED_POLICY, *ATTACHMENT_TYPES, ROLE_POLICY_ATTACHMENTS_EXCLUSIVE)
_ROLE_GRAPH: Final = (ROLE, ROLE_POLICY, MANAGED_POLICY, ROLE_POLICY_ATTACHMENT)
_POLICY_CARRIERS: Final = (*_RESOURCE_POLICIES, ROLE, ROLE_POLICY, MANAGED_POLICY)

RULES: Final[tuple[Rule, ...]] = (
    # ------------------------------------------------------------------------------ every policy
    Rule(
        name="policy-well-formed",
        description="Every policy document follows the IAM policy grammar (case-sensitive element names, "
        "string actions, resources and principals).",
        level="mandatory",
        why="AWS refuses a malformed policy at apply time, and no other rule can judge what it grants.",
        resource_types=_POLICY_CARRIERS,
        check_resource=document_rules.check_well_formed,
    ),
    Rule(
        name="policy-known-at-preview",
        description="Says which policies are not known at preview: they are checked only at update.",
        level="advisory",
        why="A policy built from outputs passes the preview unjudged; a reviewer should know.",
        resource_types=_POLICY_CARRIERS,
        check_resource=document_rules.check_known_at_preview,
    ),
    # ------------------------------------------------------------------------------ registry side
    Rule(
        name="ecr-repository-policy-not-public",
        description="ECR repository and registry policies do not allow Principal * without a condition "
        "that narrows it to your accounts or organization.",
        level="mandatory",
        why="A public Allow lets any AWS account pull (or worse) your images.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_not_public,
    ),
    Rule(
        name="ecr-no-cross-account-push",
        description="Repository policies grant push actions only to the configured CI/publisher accounts.",
        level="mandatory",
        why="Whoever can push decides what every consumer runs.",
        resource_types=_REPOSITORY_POLICIES,
        check_resource=repository_policy_rules.check_no_cross_account_push,
        config_schema={
            "publisherAccountIds": {
                **STRING_LIST,
                "description": "Accounts (12 digits) that may be granted push: CI and publisher accounts.",
            },
        },
    ),
    Rule(
        name="ecr-no-cross-account-admin",
        description="ECR resource policies grant actions that change a repository, its policy or its images "
        "(SetRepositoryPolicy, DeleteRepository, BatchDeleteImage, PutLifecyclePolicy, TagResource, ...) "
        "only to the registry's own accounts.",
        level="mandatory",
        why="An account that may rewrite the repository policy can grant itself push; one that may delete "
        "images or the repository breaks every consumer.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_no_cross_account_admin,
        config_schema={
            "registryAccountIds": {
                **STRING_LIST,
                "description": "The accounts (12 digits) that own the registries; only they may hold admin actions.",
            },
        },
    ),
    Rule(
        name="ecr-repository-policy-no-wildcard-actions",
        description="Repository, creation-template and registry policies do not allow the actions * or ecr:*.",
        level="mandatory",
        why="ecr:* includes deleting images and the repository and rewriting its policy.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_no_wildcard_actions,
    ),
    Rule(
        name="ecr-repository-policy-accepted-by-ecr",
        description="Repository policies have no Resource element and no ecr:GetAuthorizationToken.",
        level="mandatory",
        why="ECR rejects both at apply time; catching them at preview saves a failed update.",
        resource_types=(REPOSITORY_POLICY,),
        check_resource=repository_policy_rules.check_accepted_by_ecr,
    ),
    Rule(
        name="ecr-policy-no-not-principal-or-not-action",
        description="ECR resource policies do not Allow with NotPrincipal or NotAction.",
        level="mandatory",
        why="Allow + NotPrincipal grants everyone not listed; Allow + NotAction grants every other action.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_no_not_elements,
    ),
    Rule(
        name="ecr-service-principal-source-condition",
        description="Service principals in ECR resource policies carry aws:SourceArn or aws:SourceAccount.",
        level="advisory",
        why="Without them the service can use the grant on behalf of any customer (confused deputy).",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_service_principal_source,
    ),
    Rule(
        name="ecr-principals-allowed",
        description="ECR resource policies name only the configured accounts and organizations.",
        level="mandatory",
        why="Keeps grants inside the company even when a policy is hand-written. Silent until configured.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_principals_allowed,
        config_schema={
            "allowedAccountIds": {**STRING_LIST, "description": "Accounts (12 digits) that may be principals."},
            "allowedOrganizationIds": {
                **STRING_LIST,
                "description": "Organization IDs (o-...) that Principal * may be narrowed to.",
            },
        },
    ),
    Rule(
        name="ecr-tag-immutability",
        description="ECR repositories have immutable tags.",
        level="mandatory",
        why="With mutable tags the same reference can run different images.",
        resource_types=_REPOSITORY_SETTINGS,
        check_resource=repository_rules.check_tag_immutability,
        config_schema={
            "allowImmutableWithExclusion": {
                "type": "boolean",
                "default": False,
                "description": "Also accept IMMUTABLE_WITH_EXCLUSION (immutable except filtered tags), unless "
                "a filter matches every tag.",
            },
        },
    ),
    Rule(
        name="ecr-image-scanning",
        description="Every ECR repository is scanned: scan on push, or a registry scanning rule covering it.",
        level="mandatory",
        why="Unscanned images reach production with known vulnerabilities.",
        resource_types=(REPOSITORY, REGISTRY_SCANNING),
        check_stack=stack_rules.check_image_scanning,
        config_schema={
            "scanningConfiguredOutsideStack": {
                "type": "boolean",
                "default": False,
                "description": "The registry's scanning configuration is managed by another stack.",
            },
        },
    ),
    Rule(
        name="ecr-lifecycle-policy-present",
        description="Every ECR repository in the stack has a lifecycle policy in the stack.",
        level="mandatory",
        why="Without one, old and untagged images accumulate forever.",
        resource_types=(REPOSITORY, LIFECYCLE_POLICY),
        check_stack=stack_rules.check_lifecycle_present,
    ),
    Rule(
        name="ecr-kms-encryption",
        description="ECR repositories are encrypted with KMS (with an allowed key when configured).",
        level="advisory",
        why="KMS key use is logged and access can be revoked through the key policy.",
        resource_types=_REPOSITORY_SETTINGS,
        check_resource=repository_rules.check_kms_encryption,
        config_schema={
            "allowedKmsKeyArns": {**STRING_LIST, "description": "KMS key ARNs repositories may use."},
        },
    ),
    Rule(
        name="ecr-force-delete-off",
        description="ECR repositories do not set forceDelete.",
        level="advisory",
        why="forceDelete deletes every image with the repository, including those in use.",
        resource_types=(REPOSITORY,),
        check_resource=repository_rules.check_force_delete,
    ),
    Rule(
        name="ecr-policy-size",
        description="ECR repository and registry policies fit ECR's 10,240-character limit.",
        level="mandatory",
        why="A larger policy fails at apply time.",
        resource_types=_RESOURCE_POLICIES,
        check_resource=repository_policy_rules.check_policy_size,
    ),
    Rule(
        name="ecr-replication-destinations-allowed",
        description="Replication copies images only to the configured accounts.",
        level="mandatory",
        why="A destination outside the company receives every image pushed here. Silent until configured.",
        resource_types=(REPLICATION,),
        check_resource=registry_rules.check_replication_destinations,
        config_schema={
            "allowedAccountIds": {**STRING_LIST, "description": "Accounts (12 digits) images may be replicated to."},
        },
    ),
    Rule(
        name="ecr-pull-through-cache-upstream-allowed",
        description="Pull through cache rules fetch only from the configured upstream registries.",
        level="advisory",
        why="Cached upstream images sit in the registry next to your own, built and reviewed by nobody here.",
        resource_types=(PULL_THROUGH_CACHE,),
        check_resource=registry_rules.check_pull_through_cache_upstream,
        config_schema={
            "allowedUpstreamRegistryUrls": {
                **STRING_LIST,
                "description": "Approved upstream registry URLs, e.g. public.ecr.aws.",
            },
        },
    ),
    Rule(
        name="ecr-registry-scanning-automatic",
        description="A registry scanning configuration has a rule that scans on push or continuously.",
        level="advisory",
        why="A configuration of MANUAL rules (or none) scans nothing by itself.",
        resource_types=(REGISTRY_SCANNING,),
        check_resource=registry_rules.check_registry_scanning_automatic,
    ),
    # ------------------------------------------------------------------------------- pulling side
    Rule(
        name="ecr-pull-scoped-to-repositories",
        description="Identity policies allow ECR pull actions only on repository ARNs, not * or repository/*.",
        level="mandatory",
        why="Scope resources tightly: a role should reach only the repositories it runs.",
        resource_types=_IDENTITY,
        check_resource=identity_rules.check_pull_scoped,
        config_schema={
            "allowedWildcardPrefixes": {
                **STRING_LIST,
                "description": "ARN prefixes under which a wildcard is accepted, e.g. "
                "arn:aws:ecr:us-east-1:123456789012:repository/team-a/",
            },
        },
    ),
    Rule(
        name="ecr-puller-has-authorization-token",
        description="A role allowed to pull also holds ecr:GetAuthorizationToken on *.",
        level="mandatory",
        why="Without the token no pull can authenticate, whatever the repository policy says.",
        resource_types=_ROLE_GRAPH,
        check_stack=stack_rules.check_puller_has_token,
    ),
    Rule(
        name="ecr-authorization-token-on-any-resource",
        description='ecr:GetAuthorizationToken is granted on Resource "*".',
        level="mandatory",
        why="The action has no resource ARN; any other Resource makes the grant inert.",
        resource_types=_IDENTITY,
        check_resource=identity_rules.check_token_resource,
    ),
    Rule(
        name="ecr-identity-policy-no-wildcard-actions",
        description="Identity policies do not allow * or ecr:* on ECR.",
        level="mandatory",
        why="A puller needs three actions; * lets it delete images and rewrite repository policies.",
        resource_types=_IDENTITY,
        check_resource=identity_rules.check_no_wildcard_actions,
    ),
    Rule(
        name="iam-trust-not-public",
        description="Role trust policies are not public: no Principal * and no account root without a condition.",
        level="mandatory",
        why="Whoever can assume a pulling role can pull every image it reaches.",
        resource_types=(ROLE,),
        check_resource=identity_rules.check_trust_not_public,
    ),
    Rule(
        name="iam-trust-service-source-account",
        description="Trust to a service that supports it carries aws:SourceAccount or aws:SourceArn.",
        level="advisory",
        why="Stops the service from assuming the role for another customer (confused deputy).",
        resource_types=(ROLE,),
        check_resource=identity_rules.check_trust_service_source,
        config_schema={
            "servicesSupportingSourceAccount": {
                **STRING_LIST,
                "description": "Service principals to check (default: ecs-tasks.amazonaws.com). Only list "
                "services that send aws:SourceAccount when assuming a role.",
            },
        },
    ),
    Rule(
        name="iam-policy-size",
        description="Managed (6,144), inline (10,240) and trust (2,048 by default) policies fit IAM quotas.",
        level="mandatory",
        why="A larger policy fails at apply time.",
        resource_types=_IDENTITY,
        check_resource=identity_rules.check_policy_size,
        config_schema={
            "trustPolicyMaxCharacters": {
                "type": "integer",
                "minimum": 1,
                "maximum": 4096,
                "default": 2048,
                "description": "The account's trust policy quota (2,048 by default, at most 4,096).",
            },
        },
    ),
    Rule(
        name="iam-role-policy-quotas",
        description="Per role: inline policies total at most 10,240 characters; managed policies within quota.",
        level="mandatory",
        why="IAM counts all of a role's inline policies together, which no single-resource check can see.",
        resource_types=_ROLE_GRAPH,
        check_stack=stack_rules.check_role_quotas,
        config_schema={
            "managedPoliciesPerRole": {
                "type": "integer",
                "minimum": 1,
                "maximum": 20,
                "default": 10,
                "description": "The account's managed-policies-per-role quota (10 by default, at most 20).",
            },
        },
    ),
)


def rule(name: str) -> Rule:
    """The rule with this name."""
    for candidate in RULES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
