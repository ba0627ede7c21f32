"""How AWS measures policy documents, and the quotas each kind of document must fit."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ecr_shared_services.errors import PolicySizeError

K = TypeVar("K")
T = TypeVar("T")
# How many over-quota documents a message names one by one; the error's `errors` holds every one.
NAMED_IN_MESSAGE = 50


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


class PolicySizeErrors(PolicySizeError):
    """Several documents over their quotas, found in one pass: the worst first (most characters over), so
    that one preview shows everything to change. Its own `document`, `size`, `limit` and `quota` are the
    worst one's; `errors` holds each."""

    def __init__(self, errors: Sequence[PolicySizeError]) -> None:
        ranked = tuple(sorted(errors, key=lambda e: e.size - e.limit, reverse=True))
        worst = ranked[0]
        self.errors = ranked
        self.document, self.size, self.limit, self.quota = worst.document, worst.size, worst.limit, worst.quota
        listed = "; ".join(f"{e.document}: {e.size:,} of {e.limit:,}" for e in ranked[:NAMED_IN_MESSAGE])
        more = f"; and {len(ranked) - NAMED_IN_MESSAGE} more" if len(ranked) > NAMED_IN_MESSAGE else ""
        ValueError.__init__(
            self, f"{len(ranked)} documents are over their quota. The worst: {worst}\nAll, worst first: {listed}{more}"
        )


def render_all(renderers: Mapping[K, Callable[[], T]]) -> dict[K, T]:
    """Every renderer's result, by key. A PolicySizeError from one does not stop the others: if one document
    is over its quota it is raised as is; if several are, one PolicySizeErrors names them all."""
    results: dict[K, T] = {}
    errors: list[PolicySizeError] = []
    for key, render in renderers.items():
        try:
            results[key] = render()
        except PolicySizeError as error:
            errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise PolicySizeErrors(errors)
    return results
