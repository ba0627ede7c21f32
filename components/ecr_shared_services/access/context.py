"""Who is calling and the request context keys IAM would see for each step of a pull.

A key is either present (with values), known to be absent, or unknown. Unknown keys are those a
real request carries but the evaluator was not told (source IP, time, the caller's organization
when no one said): conditions on them are reported as not evaluable instead of being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ecr_shared_services.access.errors import AccessInputError
from ecr_shared_services.aws.arns import PrincipalRef, RepositoryRef, account_root_arn, parse_principal_arn, role_arn

CallerKind = Literal["root", "role", "assumed-role", "user", "service"]


@dataclass(frozen=True)
class Caller:
    """The principal making the request: an IAM identity, or an AWS service acting for a resource."""

    kind: CallerKind
    arn: str  # the ARN as given; for a service, its service principal name
    account_id: str = ""
    partition: str = "aws"
    role_arn: str = ""  # for a role or session: the role's ARN
    service: str = ""
    # A session ARN does not carry the role's IAM path; None means it is not known, which makes
    # aws:PrincipalArn (the role ARN, path included) unknown for that session.
    role_path: str | None = None

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def account_root(self) -> str:
        return account_root_arn(self.partition, self.account_id)

    @property
    def identity_arn(self) -> str:
        """The ARN an identity-side fix is attached to: the role for sessions, else the principal."""
        return self.role_arn or self.arn

    @property
    def name(self) -> str:
        return self.identity_arn.rsplit("/", 1)[-1]


# IAM names of roles, users and sessions: letters, digits and +=,.@_- (IAM User Guide, "IAM
# identifiers" and the STS AssumeRole API reference for RoleSessionName). A caller is one concrete
# principal: a wildcard can appear in a policy's pattern, never in the ARN of the one making a request.
_IAM_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)


def _check_concrete(value: str, ref: PrincipalRef) -> None:
    names = [ref.name, ref.session] if ref.kind == "assumed-role" else [ref.name] if ref.kind != "root" else []
    bad = next((name for name in names if not _IAM_NAME.match(name)), None)
    if bad is None and "*" not in value and "?" not in value:
        return
    raise AccessInputError(
        "principal",
        value,
        "a caller is one principal, not a pattern"
        if "*" in value or "?" in value
        else f"{bad!r} is not an IAM name (letters, digits and +=,.@_-)",
        "give the ARN of the one role, session or user making the request, without * or ?",
    )


def parse_caller(value: str, role_path: str | None = None) -> Caller:
    """Parse a role, assumed-role session, user or root ARN, or a service principal name.

    `role_path`: for a session, the IAM path of its role (a session ARN does not show it)."""
    text = value.strip()
    if text.endswith(".amazonaws.com") and ":" not in text:
        return Caller(kind="service", arn=text, service=text)
    try:
        ref: PrincipalRef = parse_principal_arn(text)
    except ValueError as error:
        raise AccessInputError(
            "principal",
            value,
            str(error),
            "give a role ARN (arn:aws:iam::ACCOUNT:role/NAME), a session ARN "
            "(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a user ARN, or a service such as lambda.amazonaws.com",
        ) from error
    _check_concrete(value, ref)
    kind: CallerKind = ref.kind  # type: ignore[assignment]
    role, path = "", None
    if ref.kind == "role":
        role, path = ref.arn, ref.path
    elif ref.kind == "assumed-role":
        path = role_path
        role = role_arn(ref.partition, ref.account_id, ref.name, path or "/")
    return Caller(
        kind=kind, arn=text, account_id=ref.account_id, partition=ref.partition, role_arn=role, role_path=path
    )


@dataclass(frozen=True)
class RequestContext:
    """What the caller knows about the request beyond the ARNs.

    `org_id`/`org_paths`: the caller account's organization; None means "not given" (conditions on
    them are not evaluable) unless `no_organization` says the account is in none. `principal_tags`:
    None means unknown, a mapping means exactly these tags. `source_arn`/`source_account`: for a
    service caller, the resource it acts for. `extra`: any other key with its values; `absent`: keys
    known not to be in the request.
    """

    org_id: str | None = None
    org_paths: tuple[str, ...] | None = None
    no_organization: bool = False
    principal_tags: Mapping[str, str] | None = None
    source_arn: str | None = None
    source_account: str | None = None
    extra: Mapping[str, Sequence[str]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()


# Lowercased key -> values; None means known to be absent. A key missing from the map is unknown.
KeyValues = dict[str, "tuple[str, ...] | None"]

_PRINCIPAL_TYPE = {"root": "Account", "role": "AssumedRole", "assumed-role": "AssumedRole", "user": "User"}


@dataclass(frozen=True)
class ContextKeys:
    """The condition keys of one request, looked up case-insensitively."""

    values: KeyValues
    tag_prefixes_known: frozenset[str] = frozenset()  # e.g. "aws:principaltag/" when all tags are known

    def lookup(self, key: str) -> tuple[str, ...] | Literal["unknown"] | None:
        lowered = key.lower()
        if lowered in self.values:
            return self.values[lowered]
        if any(lowered.startswith(prefix) for prefix in self.tag_prefixes_known):
            return None
        return "unknown"


def _service_keys(caller: Caller, context: RequestContext) -> KeyValues:
    """A service principal carries no identity keys; aws:SourceArn/SourceAccount say what it acts for."""
    values: KeyValues = {
        "aws:principalisawsservice": ("true",),
        "aws:principalservicename": (caller.service,),
        "aws:principalarn": None,
        "aws:principalaccount": None,
        "aws:principalorgid": None,
        "aws:principalorgpaths": None,
        "aws:principaltype": None,
        "aws:username": None,
    }
    # A service always acts for some resource; not knowing which is not the same as absent.
    if context.source_arn:
        values["aws:sourcearn"] = (context.source_arn,)
    if context.source_account:
        values["aws:sourceaccount"] = (context.source_account,)
    elif context.source_arn and context.source_arn.count(":") >= 5:
        values["aws:sourceaccount"] = (context.source_arn.split(":")[4],)
    return values


def _organization_keys(context: RequestContext) -> KeyValues:
    values: KeyValues = {}
    if context.org_id is not None:
        values["aws:principalorgid"] = (context.org_id,)
    elif context.no_organization:
        values["aws:principalorgid"] = None
    if context.org_paths is not None:
        values["aws:principalorgpaths"] = context.org_paths or None
    elif context.no_organization:
        values["aws:principalorgpaths"] = None
    return values


def _identity_keys(caller: Caller, context: RequestContext) -> KeyValues:
    values: KeyValues = {
        "aws:principalisawsservice": ("false",),
        "aws:principalservicename": None,
        "aws:principalaccount": (caller.account_id,),
        "aws:principaltype": (_PRINCIPAL_TYPE[caller.kind],),
        "aws:sourcearn": None,
        "aws:sourceaccount": None,
        "aws:sourceowner": None,
        "aws:username": (caller.name,) if caller.kind == "user" else None,
    }
    # For a session whose role path is not known aws:PrincipalArn stays unknown: the path is part of it.
    if caller.kind != "assumed-role" or caller.role_path is not None:
        values["aws:principalarn"] = (caller.identity_arn if caller.kind != "root" else caller.account_root,)
    values.update(_organization_keys(context))
    for tag, tag_value in (context.principal_tags or {}).items():
        values[f"aws:principaltag/{tag.lower()}"] = (tag_value,)
    return values


def context_keys(
    caller: Caller, repository: RepositoryRef, context: RequestContext, region: str, resource_account: str | None = None
) -> ContextKeys:
    """Build the request context keys for `caller` acting on `repository`, requested in `region`.

    `resource_account`: the account that owns the resource of this call (aws:ResourceAccount); by
    default the repository's."""
    values: KeyValues = {
        "aws:requestedregion": (region,),
        "aws:resourceaccount": (resource_account or repository.account_id,),
    }
    known_prefixes: set[str] = set()
    if caller.is_service:
        values.update(_service_keys(caller, context))
        known_prefixes.add("aws:principaltag/")
    else:
        values.update(_identity_keys(caller, context))
        if context.principal_tags is not None:
            known_prefixes.add("aws:principaltag/")
    for key in context.absent:
        values[key.lower()] = None
    for key, extra_values in context.extra.items():
        values[key.lower()] = tuple(extra_values)
    return ContextKeys(values=values, tag_prefixes_known=frozenset(known_prefixes))
