"""Checks on the pulling side: IAM roles, their trust policies and their identity policies."""

from __future__ import annotations

from typing import Any, Final

from .actions import AUTHORIZATION_TOKEN, PULL_ACTIONS, covered, is_full_wildcard, matches
from .conditions import SOURCE_KEYS, conditions_of, narrows
from .config import integer, string_list
from .documents import Document, Statement, parse_document
from .managed_policies import known_policy
from .model import Config, Resource
from .policy_sources import identity_policies
from .principals import is_account_root, is_public, principals_of
from .resource_types import (
    GROUP_POLICY_ATTACHMENT,
    MANAGED_POLICY,
    POLICY_ATTACHMENT,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
    USER_POLICY_ATTACHMENT,
)
from .values import Unknown, as_list, is_unknown

INLINE_POLICY_LIMIT: Final = 10_240  # per role, all inline policies together, whitespace not counted
MANAGED_POLICY_LIMIT: Final = 6_144
TRUST_POLICY_DEFAULT_LIMIT: Final = 2_048  # raisable by quota request to 4,096
TRUST_POLICY_MAX_LIMIT: Final = 4_096
# Services documented to send aws:SourceAccount / aws:SourceArn when they assume a role. Others
# (ec2, lambda, ...) do not send them, and a condition on them would break the role.
DEFAULT_SOURCE_ACCOUNT_SERVICES: Final = ("ecs-tasks.amazonaws.com",)
ATTACHMENT_TYPES: Final = (ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT, USER_POLICY_ATTACHMENT, GROUP_POLICY_ATTACHMENT)


def identity_documents(resource: Resource) -> list[tuple[str, Document | None]]:
    """The identity policies written in a resource, each with how messages name it."""
    return [(s.label, parse_document(s.value, "identity")) for s in identity_policies(resource)]


def attached_policy_arns(resource: Resource) -> list[Any]:
    """The policy ARNs a role or an attachment resource attaches (items may be unknown)."""
    if resource.type == ROLE:
        value = resource.props.get("managedPolicyArns")
    elif resource.type == ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
        value = resource.props.get("policyArns")
    elif resource.type in ATTACHMENT_TYPES:
        value = resource.props.get("policyArn")
    else:
        return []
    return [] if is_unknown(value) else as_list(value)


def managed_documents(resource: Resource) -> list[tuple[str, Document | None]]:
    """The known AWS managed policies a resource attaches by ARN, named by policy and by attacher."""
    out: list[tuple[str, Document | None]] = []
    for arn in attached_policy_arns(resource):
        known = known_policy(arn) if isinstance(arn, str) else None
        if known is not None:
            label = f"AWS managed policy {known.name} (attached by {resource.label})"
            out.append((label, parse_document(known.document, "identity")))
    return out


def _allow_statements(resource: Resource) -> list[tuple[str, Statement]]:
    out: list[tuple[str, Statement]] = []
    for label, document in identity_documents(resource) + managed_documents(resource):
        if document is not None:
            out.extend((label, s) for s in document.statements if s.is_allow is True)
    return out


def _fix(label: str, fix: str) -> str:
    if label.startswith("AWS managed policy"):
        return (f"Fix: detach the AWS managed policy and attach a policy of your own that grants only what the "
                f"role needs: {fix[0].lower()}{fix[1:]}")
    return f"Fix: {fix}"


def _too_broad(resource_arn: str, prefixes: list[str]) -> bool:
    """Whether a Resource value reaches beyond named repositories."""
    if resource_arn == "*":
        return True
    parts = resource_arn.split(":", 5)
    if len(parts) < 6 or not matches(parts[2], "ecr"):
        return False  # not an ECR ARN: the pull actions cannot apply to it
    if "*" not in resource_arn and "?" not in resource_arn:
        return False
    return not any(resource_arn.startswith(p) for p in prefixes)


def check_pull_scoped(resource: Resource, config: Config) -> list[str]:
    """Pull actions name repository ARNs; no `*`, no `repository/*` outside an allowed prefix."""
    prefixes = string_list(config, "allowedWildcardPrefixes")
    messages: list[str] = []
    for label, statement in _allow_statements(resource):
        pull = covered(statement.strings("Action"), PULL_ACTIONS)
        if isinstance(pull, Unknown) or not pull:
            continue
        fix = _fix(label,
            "List the exact repository ARNs (arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME), and keep "
            f'{AUTHORIZATION_TOKEN} on "*" in a statement of its own'
        )
        if statement.has("NotResource"):
            messages.append(
                f"{label}: {statement.label} allows {', '.join(pull)} with NotResource, i.e. on every "
                f"repository not listed, in every account. {fix}."
            )
            continue
        resources = statement.strings("Resource")
        if isinstance(resources, Unknown):
            continue
        broad = [r for r in resources if isinstance(r, str) and _too_broad(r, prefixes)]
        if broad:
            allowed = f" (allowedWildcardPrefixes: {', '.join(prefixes)})" if prefixes else ""
            messages.append(
                f'{label}: {statement.label} allows {", ".join(pull)} on "{broad[0]}", which reaches every '
                f"repository it matches rather than the ones this role needs{allowed}. {fix}."
            )
    return messages


def check_token_resource(resource: Resource, config: Config) -> list[str]:
    """ecr:GetAuthorizationToken has no resource ARN: only Resource `*` can grant it."""
    messages: list[str] = []
    for label, statement in _allow_statements(resource):
        actions = statement.strings("Action")
        if isinstance(actions, Unknown):
            continue
        if not any(isinstance(a, str) and a.lower() == AUTHORIZATION_TOKEN.lower() for a in actions):
            continue
        resources = statement.strings("Resource")
        if isinstance(resources, Unknown) or not statement.has("Resource"):
            continue
        if "*" in resources or any(is_unknown(r) for r in resources):
            continue
        messages.append(
            f"{label}: {statement.label} allows {AUTHORIZATION_TOKEN} only on {', '.join(map(str, resources))}; "
            "the action is registry-wide and is evaluated against Resource \"*\", so this grant never applies "
            f'and every pull fails to authenticate. Fix: grant {AUTHORIZATION_TOKEN} on Resource "*" in a '
            "statement of its own."
        )
    return messages


def check_no_wildcard_actions(resource: Resource, config: Config) -> list[str]:
    """No `*` / `ecr:*` action where it can reach ECR."""
    messages: list[str] = []
    for label, statement in _allow_statements(resource):
        actions = statement.strings("Action")
        if isinstance(actions, Unknown):
            continue
        wild = [a for a in actions if isinstance(a, str) and is_full_wildcard(a)]
        if not wild:
            continue
        if not statement.has("NotResource"):
            resources = statement.strings("Resource")
            if isinstance(resources, Unknown):
                continue
            if not any(isinstance(r, str) and (r == "*" or _too_broad(r, []) or ":ecr:" in r) for r in resources):
                continue  # a wildcard action on, say, one S3 bucket is not this pack's business
        messages.append(
            f'{label}: {statement.label} allows action "{wild[0]}" on ECR, which lets the role delete images '
            "and repositories and rewrite repository policies. " + _fix(label, "Allow only ecr:BatchGetImage, "
            f"ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability on the repositories, plus "
            f'{AUTHORIZATION_TOKEN} on "*".')
        )
    return messages


def _trust_statements(resource: Resource) -> list[Statement]:
    document = parse_document(resource.props.get("assumeRolePolicy"), "resource")
    if document is None:
        return []
    return [s for s in document.statements if s.is_allow is True]


def check_trust_not_public(resource: Resource, config: Config) -> list[str]:
    """Nobody outside can assume the role: no `*` and no bare account root without a condition."""
    messages: list[str] = []
    for statement in _trust_statements(resource):
        principals = principals_of(statement.get("Principal"))
        if isinstance(principals, Unknown):
            continue
        conditions = conditions_of(statement.get("Condition"))
        for principal in principals:
            public = is_public(principal)
            if public and narrows(conditions) is False:
                messages.append(
                    f"{resource.label}: trust policy {statement.label} lets Principal {principal} assume the "
                    "role with no condition narrowing it, so any AWS account can take its permissions. "
                    "Fix: name the exact role or service that should assume it, or add an "
                    "aws:PrincipalOrgID / aws:PrincipalArn condition."
                )
                break
            if not public and is_account_root(principal) and not conditions.clauses and not conditions.has_unknown:
                messages.append(
                    f"{resource.label}: trust policy {statement.label} lets every principal of account "
                    f"{principal.value} assume the role, with no condition. Fix: name the role ARN that should "
                    'assume it, or add a Condition such as "ArnEquals": {"aws:PrincipalArn": "<role ARN>"} or '
                    '"StringEquals": {"sts:ExternalId": "..."}.'
                )
                break
    return messages


def check_trust_service_source(resource: Resource, config: Config) -> list[str]:
    """A service that supports it is pinned with aws:SourceAccount / aws:SourceArn in the trust policy."""
    services = {s.lower() for s in string_list(config, "servicesSupportingSourceAccount")}
    if not services:
        services = set(DEFAULT_SOURCE_ACCOUNT_SERVICES)
    messages: list[str] = []
    for statement in _trust_statements(resource):
        principals = principals_of(statement.get("Principal"))
        if isinstance(principals, Unknown):
            continue
        named = [
            str(p.value)
            for p in principals
            if p.kind == "Service" and isinstance(p.value, str) and p.value.lower() in services
        ]
        if named and narrows(conditions_of(statement.get("Condition")), SOURCE_KEYS) is False:
            messages.append(
                f"{resource.label}: trust policy {statement.label} lets {', '.join(named)} assume the role "
                "for any AWS account's tasks (confused deputy). Fix: add "
                '"StringEquals": {"aws:SourceAccount": "<this account ID>"} (or an aws:SourceArn condition).'
            )
    return messages


def check_policy_size(resource: Resource, config: Config) -> list[str]:
    """Managed policy, single inline policy and trust policy each fit their IAM quota."""
    checks: list[tuple[str, Document | None, int, str]] = []
    if resource.type == MANAGED_POLICY:
        checks.append(("managed policy", parse_document(resource.props.get("policy"), "identity"), MANAGED_POLICY_LIMIT,
                       "split it into several managed policies (10 per role by default)"))
    elif resource.type == ROLE_POLICY:
        checks.append(("inline policy", parse_document(resource.props.get("policy"), "identity"), INLINE_POLICY_LIMIT,
                       "move statements into managed policies attached to the role"))
    elif resource.type == ROLE:
        limit = min(integer(config, "trustPolicyMaxCharacters", TRUST_POLICY_DEFAULT_LIMIT),
                    TRUST_POLICY_MAX_LIMIT)
        checks.append(("trust policy", parse_document(resource.props.get("assumeRolePolicy"), "resource"), limit,
                       f"merge principals into fewer statements, or raise the quota (at most "
                       f"{TRUST_POLICY_MAX_LIMIT}) and set trustPolicyMaxCharacters"))
    messages: list[str] = []
    for what, document, limit, fix in checks:
        size = None if document is None else document.non_whitespace_length
        if size is not None and size > limit:
            messages.append(
                f"{resource.label}: the {what} is {size} characters (whitespace not counted), over IAM's "
                f"limit of {limit}; the apply will fail. Fix: {fix}."
            )
    return messages
