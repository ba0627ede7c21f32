"""Checks on resource policies in the registry account: repository policies and the registry policy."""

from __future__ import annotations

from typing import Final

from .actions import ADMIN_ACTIONS, AUTHORIZATION_TOKEN, PUSH_ONLY_ACTIONS, covered, granted, is_full_wildcard
from .conditions import (
    SOURCE_KEYS,
    Conditions,
    conditions_of,
    narrowed_accounts,
    narrowed_organizations,
    narrowing_keys,
    narrows,
)
from .config import string_list
from .documents import Document, Statement, parse_document
from .model import Config, Resource
from .policy_sources import resource_policies
from .principals import Principal, account_of, is_public, principals_of
from .values import Unknown

POLICY_TEXT_LIMIT: Final = 10_240

_NARROWING_FIX: Final = (
    'add a Condition that pins the caller, e.g. "StringEquals": {"aws:PrincipalOrgID": "o-..."} '
    "with your organization ID, or name the accounts as principals instead of *"
)


def _document(resource: Resource) -> Document | None:
    sources = resource_policies(resource)
    return parse_document(sources[0].value, "resource") if sources else None


def _label(resource: Resource) -> str:
    sources = resource_policies(resource)
    return sources[0].label if sources else resource.label


def _allow_statements(resource: Resource) -> list[Statement]:
    document = _document(resource)
    if document is None:
        return []
    return [s for s in document.statements if s.is_allow is True]


def _principals(statement: Statement) -> list[Principal]:
    found = principals_of(statement.get("Principal"))
    return [] if isinstance(found, Unknown) else found


def check_not_public(resource: Resource, config: Config) -> list[str]:
    """An Allow to everyone is only acceptable under a condition that really narrows it."""
    messages: list[str] = []
    for statement in _allow_statements(resource):
        public = [p for p in _principals(statement) if is_public(p)]
        if not public:
            continue
        if narrows(conditions_of(statement.get("Condition"))) is False:
            messages.append(
                f"{_label(resource)}: {statement.label} allows Principal {public[0]} without a condition "
                "that narrows it (a key IAM Access Analyzer counts as restricting, such as aws:PrincipalOrgID, "
                "aws:PrincipalAccount, aws:SourceAccount or aws:SourceVpce, with concrete values; wildcard "
                "values, IfExists, negated operators and ForAllValues: narrow nothing), so any AWS "
                f"account can use it. Fix: {_NARROWING_FIX}."
            )
    return messages


def _outsider(principal: Principal, conditions: Conditions, allowed: set[str], services: bool) -> list[str]:
    """Who outside `allowed` one principal of an Allow lets in (empty: nobody, or cannot tell)."""
    if principal.kind == "Service":
        if not services:
            return []  # a service acts for the account named in its own conditions
        accounts = narrowed_accounts(conditions)
        if accounts is None:
            return [f"{principal} acting for any account"] if narrows(conditions, SOURCE_KEYS) is False else []
        return [f"{principal} acting for {a}" for a in sorted(accounts - allowed)]
    if principal.kind not in ("AWS", "*"):
        return []
    public = is_public(principal)
    if public is None:
        return []
    if public:
        if narrows(conditions) is None:
            return []
        accounts = narrowed_accounts(conditions)
        if accounts is None:
            return [f"every account the condition admits (Principal {principal})"]
        return sorted(accounts - allowed)
    account = account_of(principal)
    return [account] if account is not None and account not in allowed else []


def _outsiders(statement: Statement, allowed: set[str], services: bool) -> list[str]:
    if statement.has("NotPrincipal"):
        return ["every principal not listed in NotPrincipal"]
    conditions = conditions_of(statement.get("Condition"))
    return [o for p in _principals(statement) for o in _outsider(p, conditions, allowed, services)]


def check_no_cross_account_push(resource: Resource, config: Config) -> list[str]:
    """Push goes only to the configured CI/publisher accounts."""
    publishers = set(string_list(config, "publisherAccountIds"))
    messages: list[str] = []
    for statement in _allow_statements(resource):
        push = covered(statement.strings("Action"), PUSH_ONLY_ACTIONS)
        if isinstance(push, Unknown) or not push:
            continue
        offenders = _outsiders(statement, publishers, services=False)
        if offenders:
            allowed = ", ".join(sorted(publishers)) or "none configured"
            messages.append(
                f"{_label(resource)}: {statement.label} grants push ({', '.join(push)}) to "
                f"{', '.join(offenders)}, which is not a configured publisher account "
                f"(publisherAccountIds: {allowed}). Fix: grant these principals pull only, or add the "
                "account to publisherAccountIds if it is a CI/publisher account."
            )
    return messages


def check_no_cross_account_admin(resource: Resource, config: Config) -> list[str]:
    """Actions that change the repository, its policy or its images stay with the registry's accounts."""
    owners = set(string_list(config, "registryAccountIds"))
    messages: list[str] = []
    for statement in _allow_statements(resource):
        not_actions = statement.strings("NotAction") if statement.has("NotAction") else None
        admin = granted(statement.strings("Action"), not_actions, ADMIN_ACTIONS)
        if isinstance(admin, Unknown) or not admin:
            continue
        offenders = _outsiders(statement, owners, services=True)
        if offenders:
            shown = ", ".join(sorted(owners)) or "none configured"
            messages.append(
                f"{_label(resource)}: {statement.label} grants {', '.join(admin)} to {', '.join(offenders)}, "
                f"outside the registry's own accounts (registryAccountIds: {shown}). Whoever holds these can "
                "rewrite the repository policy (and so grant itself push), delete images or the repository, "
                "or change its settings, for every consumer. Fix: grant other accounts pull only "
                "(ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability); manage the "
                "repository from the registry account, and list that account in registryAccountIds."
            )
    return messages


def check_no_wildcard_actions(resource: Resource, config: Config) -> list[str]:
    """`*` and `ecr:*` give away delete, policy and lifecycle rights along with pull."""
    messages: list[str] = []
    for statement in _allow_statements(resource):
        actions = statement.strings("Action")
        if isinstance(actions, Unknown):
            continue
        wild = [a for a in actions if isinstance(a, str) and is_full_wildcard(a)]
        if wild:
            messages.append(
                f'{resource.label}: {statement.label} allows action "{wild[0]}", which includes deleting '
                "images, changing the repository policy and deleting the repository. Fix: list the actions, "
                "e.g. ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability for pull."
            )
    return messages


def check_accepted_by_ecr(resource: Resource, config: Config) -> list[str]:
    """ECR rejects a repository policy with a Resource element or ecr:GetAuthorizationToken."""
    document = _document(resource)
    if document is None:
        return []
    messages: list[str] = []
    for statement in document.statements:
        for element in ("Resource", "NotResource"):
            if statement.has(element):
                messages.append(
                    f"{_label(resource)}: {statement.label} has a {element} element; a repository policy "
                    "applies to its own repository and ECR rejects the policy at apply time. "
                    f"Fix: remove {element} from the statement."
                )
        actions = statement.strings("Action")
        if not isinstance(actions, Unknown) and any(
            isinstance(a, str) and a.lower() == AUTHORIZATION_TOKEN.lower() for a in actions
        ):
            messages.append(
                f"{_label(resource)}: {statement.label} lists {AUTHORIZATION_TOKEN}, which is a "
                "registry-level action that a repository policy cannot grant; ECR rejects the policy at "
                f"apply time. Fix: remove it here and grant {AUTHORIZATION_TOKEN} on Resource \"*\" in the "
                "pulling role's identity policy."
            )
    return messages


def check_no_not_elements(resource: Resource, config: Config) -> list[str]:
    """Allow with NotPrincipal or NotAction grants to everyone / everything not listed."""
    messages: list[str] = []
    for statement in _allow_statements(resource):
        for element, meaning in (
            ("NotPrincipal", "every principal except those listed, in any account"),
            ("NotAction", "every ECR action except those listed, now and in the future"),
        ):
            if statement.has(element):
                messages.append(
                    f"{_label(resource)}: {statement.label} is an Allow with {element}, which allows "
                    f"{meaning}. Fix: use {element.removeprefix('Not')} with the exact values instead."
                )
    return messages


def check_service_principal_source(resource: Resource, config: Config) -> list[str]:
    """A service principal acts for any customer unless aws:SourceArn / aws:SourceAccount pins it."""
    messages: list[str] = []
    for statement in _allow_statements(resource):
        services = [p for p in _principals(statement) if p.kind == "Service"]
        if not services:
            continue
        if narrows(conditions_of(statement.get("Condition")), SOURCE_KEYS) is False:
            names = ", ".join(str(p.value) for p in services)
            messages.append(
                f"{_label(resource)}: {statement.label} allows service principal {names} without "
                "aws:SourceArn or aws:SourceAccount, so the service may use this grant on behalf of any "
                'AWS customer (confused deputy). Fix: add e.g. "StringLike": {"aws:SourceArn": '
                '"arn:aws:lambda:REGION:ACCOUNT:function:*"} or "StringEquals": {"aws:SourceAccount": "ACCOUNT"}.'
            )
    return messages


def check_principals_allowed(resource: Resource, config: Config) -> list[str]:
    """Every principal is an allowed account or sits in an allowed organization (when configured)."""
    allowed_accounts = set(string_list(config, "allowedAccountIds"))
    allowed_orgs = set(string_list(config, "allowedOrganizationIds"))
    if not allowed_accounts and not allowed_orgs:
        return []
    messages: list[str] = []
    for statement in _allow_statements(resource):
        conditions = conditions_of(statement.get("Condition"))
        outsiders: list[str] = []
        for principal in _principals(statement):
            if principal.kind == "Service":
                accounts = narrowed_accounts(conditions)
                if accounts and not accounts <= allowed_accounts:
                    outsiders.append(f"{principal} acting for {', '.join(sorted(accounts - allowed_accounts))}")
                continue
            public = is_public(principal)
            if public is None:
                continue
            if public:
                if narrows(conditions) is None:
                    continue
                orgs = narrowed_organizations(conditions)
                accounts = narrowed_accounts(conditions)
                if (orgs and orgs <= allowed_orgs) or (accounts and accounts <= allowed_accounts):
                    continue
                pinned = sorted((orgs or set()) | (accounts or set()))
                outsiders.append(
                    f"{principal} narrowed to {pinned}" if pinned
                    else f"{principal} narrowed only by {', '.join(narrowing_keys(conditions))}"
                )
                continue
            account = account_of(principal)
            if account is not None and account not in allowed_accounts:
                outsiders.append(f"{principal} (account {account})")
        if outsiders:
            messages.append(
                f"{_label(resource)}: {statement.label} grants to {'; '.join(outsiders)}, outside the "
                f"configured allowedAccountIds {sorted(allowed_accounts)} / allowedOrganizationIds "
                f"{sorted(allowed_orgs)}. Fix: remove the principal, or add its account/organization to "
                "the pack config if it is meant to have access."
            )
    return messages


def check_policy_size(resource: Resource, config: Config) -> list[str]:
    """ECR accepts repository and registry policy text of at most 10,240 characters."""
    document = _document(resource)
    if document is None or document.text is None:
        return []
    size = len(document.text)
    if size <= POLICY_TEXT_LIMIT:
        return []
    return [
        f"{_label(resource)}: the policy text is {size} characters, over ECR's limit of {POLICY_TEXT_LIMIT}; "
        "the apply will fail. Fix: merge statements that share actions, grant whole accounts or an "
        "organization (aws:PrincipalOrgID) instead of listing many roles, or drop whitespace."
    ]
