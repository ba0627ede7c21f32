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
# ECR actions that change a repository, its policy, its settings or its images, other than push:
# the repository-resource write and permissions-management actions of the Service Authorization
# Reference for Amazon ECR (https://docs.aws.amazon.com/service-authorization/latest/reference/
# list_amazonelasticcontainerregistry.html). Granted to another account, any of them lets that
# account take over or damage a repository every consumer pulls from.
ADMIN_ACTIONS: Final = (
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:DeleteRepository",
    "ecr:BatchDeleteImage",
    "ecr:PutLifecyclePolicy",
    "ecr:DeleteLifecyclePolicy",
    "ecr:PutImageTagMutability",
    "ecr:PutImageScanningConfiguration",
    "ecr:TagResource",
    "ecr:UntagResource",
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


def granted(statement_actions: list[str | Unknown] | Unknown, not_actions: list[str | Unknown] | Unknown | None,
            wanted: tuple[str, ...]) -> list[str] | Unknown:
    """Which of `wanted` a statement grants, by Action, or by NotAction (every action not listed)."""
    if not_actions is None:
        return covered(statement_actions, wanted)
    if isinstance(not_actions, Unknown) or any(p is UNKNOWN for p in not_actions):
        return UNKNOWN
    return [a for a in wanted if not any(isinstance(p, str) and matches(p, a) for p in not_actions)]
