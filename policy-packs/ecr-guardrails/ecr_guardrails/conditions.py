"""Condition blocks, and whether a condition really narrows who a statement lets in.

A statement with Principal `*` is only safe when a condition pins the caller to known accounts or an
organization. Several ways of writing such a condition narrow nothing, and those are the cases this
module exists to catch:

- a negated operator (`StringNotEquals`, `ArnNotLike`, ...) excludes a few and admits the rest;
- an `...IfExists` operator is true when the key is absent, and these keys are absent for many
  callers (`aws:PrincipalOrgID` for any account outside an organization);
- a `ForAllValues:` set operator is true when the key is absent or empty;
- a wildcard value (`*`, `o-*`, an ARN with `*` for its account) matches everyone.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Final

from .values import UNKNOWN, Unknown, as_list, is_unknown

# Keys that pin who the caller is (or, for a service, the resource it acts for), lowercased since
# condition keys are case-insensitive. These are the global keys IAM Access Analyzer treats as
# restricting a Principal "*" (the `condition.aws:...` criteria of "IAM Access Analyzer filter keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html);
# service-specific keys from that page are not listed.
IDENTITY_KEYS: Final = frozenset(
    {
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
        "aws:username",
    }
)
# Keys that pin where a request comes from: a network, not an account.
NETWORK_KEYS: Final = frozenset({"aws:sourcevpc", "aws:sourcevpce", "aws:sourceip"})
NARROWING_KEYS: Final = IDENTITY_KEYS | NETWORK_KEYS
SOURCE_KEYS: Final = frozenset({"aws:sourceaccount", "aws:sourcearn"})
_POSITIVE_OPERATORS: Final = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)
# Amazon S3's definition of a non-public IP condition: IPv4 /8 or narrower, IPv6 /32 or narrower
# ("Blocking public access to your Amazon S3 storage", The meaning of "public",
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
_MIN_PREFIX: Final = {4: 8, 6: 32}
_WILDCARD = re.compile(r"[*?]")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Clause:
    """One key test of a condition block, with its operator taken apart."""

    operator: str
    key: str  # lowercased
    values: list[str | Unknown] | Unknown

    @property
    def set_operator(self) -> str | None:
        """`forallvalues`, `foranyvalue` or None."""
        head, sep, _ = self.operator.partition(":")
        return head.lower() if sep else None

    @property
    def base(self) -> str:
        """The operator without its set prefix and `IfExists` suffix, lowercased."""
        name = self.operator.partition(":")[2] or self.operator
        name = name.lower()
        return name[: -len("ifexists")] if name.endswith("ifexists") else name

    @property
    def if_exists(self) -> bool:
        """Whether the operator ends in `IfExists`."""
        return self.operator.lower().endswith("ifexists")


@dataclass(frozen=True)
class Conditions:
    """A statement's condition block: its clauses, and whether any part is still unknown."""

    clauses: tuple[Clause, ...]
    has_unknown: bool

    def keys(self) -> set[str]:
        """The lowercased keys tested."""
        return {c.key for c in self.clauses}


def conditions_of(element: Any) -> Conditions:
    """Parse a Condition element (absent, unknown, or `{operator: {key: value-or-values}}`)."""
    if element is None:
        return Conditions((), False)
    if is_unknown(element) or not isinstance(element, dict):
        return Conditions((), is_unknown(element))
    clauses: list[Clause] = []
    has_unknown = False
    for operator, tests in element.items():
        if not isinstance(tests, dict):
            has_unknown = has_unknown or is_unknown(tests)
            continue
        for key, raw in tests.items():
            values: list[str | Unknown] | Unknown
            if is_unknown(raw):
                values = UNKNOWN
                has_unknown = True
            else:
                values = [UNKNOWN if is_unknown(v) else condition_value(v) for v in as_list(raw)]
                has_unknown = has_unknown or UNKNOWN in values
            clauses.append(Clause(str(operator), str(key).lower(), values))
    return Conditions(tuple(clauses), has_unknown)


def condition_value(value: Any) -> str:
    """A condition value as IAM compares it: JSON booleans are the strings "true" / "false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _narrow_network(text: str) -> bool:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _MIN_PREFIX[network.version]


def _concrete(key: str, value: str | Unknown) -> bool | None:
    """Whether one condition value names specific callers rather than everyone."""
    if value is UNKNOWN:
        return None
    text = str(value).strip()
    if not text:
        return False
    if key in ("aws:principalarn", "aws:sourcearn"):
        parts = text.split(":", 5)
        if len(parts) < 6 or parts[0].lower() != "arn":
            return not _WILDCARD.search(text)
        account, resource = parts[4], parts[5]
        if account:
            # arn:aws:iam::123456789012:role/* still pins the account.
            return not _WILDCARD.search(account)
        # ARNs without an account (an S3 bucket) must name the resource itself.
        return bool(resource) and not _WILDCARD.search(resource)
    if key == "aws:principalorgpaths":
        # o-a1b2c3d4e5/r-ab12/ou-* still pins the organization.
        org = text.split("/", 1)[0]
        return bool(org) and not _WILDCARD.search(org)
    if key == "aws:sourceip":
        return _narrow_network(text)
    return not _WILDCARD.search(text)


def clause_narrows(clause: Clause) -> bool | None:
    """Whether the clause restricts callers to specific accounts/organizations (None: unknown)."""
    if clause.key not in NARROWING_KEYS:
        return False
    if clause.base not in _POSITIVE_OPERATORS or clause.if_exists:
        return False
    if (clause.base == "ipaddress") != (clause.key == "aws:sourceip"):
        return False
    if clause.set_operator == "forallvalues":
        return False
    if clause.values is UNKNOWN:
        return None
    assert isinstance(clause.values, list)
    if not clause.values:
        return False
    verdicts = [_concrete(clause.key, v) for v in clause.values]
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


def narrows(conditions: Conditions, keys: frozenset[str] = NARROWING_KEYS) -> bool | None:
    """Whether any clause on one of `keys` narrows; None when only an unknown part could."""
    undecided = conditions.has_unknown
    for clause in conditions.clauses:
        if clause.key not in keys:
            continue
        verdict = clause_narrows(clause)
        if verdict:
            return True
        if verdict is None:
            undecided = True
    return None if undecided else False


def narrowing_keys(conditions: Conditions) -> list[str]:
    """The keys (as written in lowercase) of the clauses that narrow, for messages."""
    return sorted({c.key for c in conditions.clauses if clause_narrows(c)})


def narrowed_accounts(conditions: Conditions) -> set[str] | None:
    """The accounts a narrowing condition pins callers to, when it names accounts; else None."""
    accounts: set[str] = set()
    for clause in conditions.clauses:
        if not clause_narrows(clause) or not isinstance(clause.values, list):
            continue
        if clause.key in ("aws:principalaccount", "aws:sourceaccount"):
            accounts.update(str(v) for v in clause.values)
        elif clause.key in ("aws:principalarn", "aws:sourcearn"):
            for v in clause.values:
                parts = str(v).split(":", 5)
                if len(parts) == 6 and _ACCOUNT_ID.match(parts[4]):
                    accounts.add(parts[4])
    return accounts or None


def narrowed_organizations(conditions: Conditions) -> set[str] | None:
    """The organization IDs a narrowing `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` names."""
    orgs: set[str] = set()
    for clause in conditions.clauses:
        if not clause_narrows(clause) or not isinstance(clause.values, list):
            continue
        if clause.key == "aws:principalorgid":
            orgs.update(str(v) for v in clause.values)
        elif clause.key == "aws:principalorgpaths":
            orgs.update(str(v).split("/", 1)[0] for v in clause.values)
    return orgs or None
