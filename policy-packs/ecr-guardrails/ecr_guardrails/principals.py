"""Principals of a policy statement: who they are and whether they are everyone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .values import UNKNOWN, Unknown, as_list, is_unknown

_ACCOUNT_ID = re.compile(r"^\d{12}$")
# arn:PARTITION:iam|sts::ACCOUNT:RESOURCE
_IDENTITY_ARN = re.compile(r"^arn:[^:]*:(iam|sts)::([^:]*):(.*)$")


@dataclass(frozen=True)
class Principal:
    """One principal: its kind (`*` for a bare wildcard, `AWS`, `Service`, ...) and its value."""

    kind: str
    value: str | Unknown

    def __str__(self) -> str:
        if self.kind == "*":
            return '"*"'
        return f'{{"{self.kind}": "{self.value}"}}'


def principals_of(element: Any) -> list[Principal] | Unknown:
    """Every principal a Principal / NotPrincipal element names; `UNKNOWN` if the element is unknown.

    Accepts the bare string `*`, and a map of kind to one value or a list of values.
    """
    if element is None:
        return []
    if is_unknown(element):
        return UNKNOWN
    if isinstance(element, str):
        return [Principal("*", "*")] if element == "*" else [Principal("AWS", element)]
    if not isinstance(element, dict):
        return []
    out: list[Principal] = []
    for kind, values in element.items():
        if is_unknown(values):
            out.append(Principal(str(kind), UNKNOWN))
            continue
        for value in as_list(values):
            out.append(Principal(str(kind), UNKNOWN if is_unknown(value) else str(value)))
    return out


def is_public(principal: Principal) -> bool | None:
    """Whether the principal is everyone: `*`, `{"AWS": "*"}` or an ARN with a wildcard account."""
    if principal.kind == "*":
        return True
    if principal.kind != "AWS":
        return False
    if principal.value is UNKNOWN:
        return None
    value = str(principal.value)
    if value == "*":
        return True
    match = _IDENTITY_ARN.match(value)
    return bool(match and ("*" in match.group(2) or "?" in match.group(2)))


def account_of(principal: Principal) -> str | None:
    """The 12-digit account an AWS principal belongs to, when it names one."""
    if principal.kind != "AWS" or principal.value is UNKNOWN:
        return None
    value = str(principal.value)
    if _ACCOUNT_ID.match(value):
        return value
    match = _IDENTITY_ARN.match(value)
    if match and _ACCOUNT_ID.match(match.group(2)):
        return match.group(2)
    return None


def is_account_root(principal: Principal) -> bool:
    """Whether the principal is a whole account: `arn:...:iam::ACCOUNT:root` or the bare ID."""
    if principal.kind != "AWS" or principal.value is UNKNOWN:
        return False
    value = str(principal.value)
    if _ACCOUNT_ID.match(value):
        return True
    match = _IDENTITY_ARN.match(value)
    return bool(match and match.group(1) == "iam" and match.group(3) == "root")
