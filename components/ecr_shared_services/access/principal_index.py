"""The AWS entries of a Principal element, grouped once by the account each one names.

An entry naming an account (its ID, or an ARN in it) can match only a caller of that account; the others
(`*`, a pattern, a value that is not an ARN) are looked at for every caller. A unique ID (what IAM shows
for a deleted role or user) matches no caller and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ecr_shared_services.aws.arns import parse_principal_arn

ACCOUNT = re.compile(r"^\d{12}$")
# What IAM shows in place of a principal whose role or user was deleted.
UNIQUE_ID = re.compile(r"^(AROA|AIDA|AGPA|ANPA)[A-Z0-9]{12,}$")


_ANY_CALLER = ""  # the group of entries looked at for every caller
_NO_CALLER = None  # a unique ID: it matches no caller


def _group(entry: str) -> str | None:
    """The account an entry can only match callers of, _ANY_CALLER, or _NO_CALLER (in the order
    principals.py decides an entry)."""
    if entry == "*":
        return _ANY_CALLER
    if ACCOUNT.match(entry):
        return entry
    if UNIQUE_ID.match(entry):
        return _NO_CALLER
    if "*" in entry or "?" in entry:
        return _ANY_CALLER
    try:
        return parse_principal_arn(entry).account_id
    except ValueError:
        return _ANY_CALLER


@dataclass(frozen=True)
class AwsEntryIndex:
    """The entries for any caller (in their order) and the entries per account they name."""

    any_caller: tuple[str, ...]
    by_account: dict[str, tuple[str, ...]]

    @staticmethod
    def of(entries: Iterable[str]) -> AwsEntryIndex:
        any_caller: list[str] = []
        by_account: dict[str, list[str]] = {}
        for entry in entries:
            group = _group(entry)
            if group == _ANY_CALLER:
                any_caller.append(entry)
            elif group is not _NO_CALLER:
                by_account.setdefault(group, []).append(entry)
        return AwsEntryIndex(tuple(any_caller), {k: tuple(v) for k, v in by_account.items()})

    def candidates(self, account_id: str) -> tuple[str, ...]:
        """The entries that might name a caller of `account_id` (an identity, not a service)."""
        return self.any_caller + self.by_account.get(account_id, ())
