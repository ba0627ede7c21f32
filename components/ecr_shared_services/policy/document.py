"""What every policy document shares: the policy language version and how values are written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
VERSION = "2012-10-17"

Statement = dict[str, Any]


def one_or_many(values: Sequence[str]) -> str | list[str]:
    """A single value as a string, several as a sorted list without duplicates (AWS accepts both)."""
    unique = sorted(set(values))
    return unique[0] if len(unique) == 1 else unique
