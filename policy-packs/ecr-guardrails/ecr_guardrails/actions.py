"""ECR action sets and IAM's action wildcard matching."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from .values import UNKNOWN, Unknown

AUTHORIZATION_TOKEN: Final = "ecr:GetAuthorizationToken"
PULL_ACTIONS: Final = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
PUSH_ONLY_ACTIONS: Final = (
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)
FULL_WILDCARDS: Final = frozenset({"*", "ecr:*"})


@lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern[str]:
    # IAM action names are case-insensitive; `*` and `?` are the only wildcards.
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE)


def matches(pattern: str, action: str) -> bool:
    """Whether an action pattern from a policy (maybe with wildcards) covers `action`."""
    return _pattern(pattern).fullmatch(action) is not None


def is_full_wildcard(pattern: str) -> bool:
    """`*` or `ecr:*` (any case)."""
    return pattern.lower() in FULL_WILDCARDS


def covered(patterns: list[str | Unknown] | Unknown, wanted: tuple[str, ...]) -> list[str] | Unknown:
    """Which of `wanted` the patterns cover; `UNKNOWN` when none is certainly covered but some pattern
    is unknown (it might cover them)."""
    if patterns is UNKNOWN:
        return UNKNOWN
    assert isinstance(patterns, list)
    found = [a for a in wanted if any(isinstance(p, str) and matches(p, a) for p in patterns)]
    if not found and any(p is UNKNOWN for p in patterns):
        return UNKNOWN
    return found
