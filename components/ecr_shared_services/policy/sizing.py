"""How AWS measures policy documents, and the quotas each kind of document must fit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ecr_shared_services.errors import PolicySizeError


@dataclass(frozen=True)
class Quota:
    name: str
    limit: int
    counts_whitespace: bool


REPOSITORY_POLICY = Quota("ECR repository policy", 10_240, counts_whitespace=True)
ROLE_INLINE_POLICIES = Quota("IAM inline policies per role (total)", 10_240, counts_whitespace=False)
MANAGED_POLICY = Quota("IAM managed policy", 6_144, counts_whitespace=False)
TRUST_POLICY = Quota("IAM role trust policy", 2_048, counts_whitespace=False)


def to_json(document: dict[str, Any]) -> str:
    """The exact text this project sends to AWS: compact, key order as built, so it is deterministic."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def measure(text: str, quota: Quota) -> int:
    """Characters AWS counts for `text` under `quota` (IAM ignores whitespace outside strings)."""
    if quota.counts_whitespace:
        return len(text)
    return len(to_json(json.loads(text)))


def check_size(document: dict[str, Any], quota: Quota, what: str, fix: str) -> str:
    """Render `document` and raise PolicySizeError if AWS would reject it for size."""
    text = to_json(document)
    check_total([text], quota, what, fix)
    return text


def check_total(texts: list[str], quota: Quota, what: str, fix: str) -> int:
    """Raise PolicySizeError if these texts together exceed `quota` (as for a role's inline policies)."""
    size = sum(measure(text, quota) for text in texts)
    if size > quota.limit:
        raise PolicySizeError(what, size, quota.limit, quota.name, fix)
    return size
