"""Typed errors. Each carries what a user needs to fix the input that caused it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ecr_shared_services.codes import CATALOG


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (field path), what (the value), which rule, how to fix it, and its code.

    `code` is a stable identifier from `ecr_shared_services.codes.CATALOG` (for example ESS202), so that
    tests and scripts can match a kind of finding without matching its prose.
    """

    field: str
    value: Any
    rule: str
    fix: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        if self.code and self.code not in CATALOG:
            raise ValueError(f"unknown violation code {self.code!r}: add it to ecr_shared_services.codes.CATALOG")

    def render(self) -> str:
        text = f"{self.field or '(top level)'} = {self.value!r}: {self.rule}"
        if self.fix:
            text = f"{text}. Fix: {self.fix}"
        return f"{self.code} {text}" if self.code else text

    def under(self, prefix: str) -> Violation:
        """This violation with its field placed under `prefix` (where a nested value sits in its parent)."""
        if not prefix:
            return self
        if not self.field:
            return replace(self, field=prefix)
        joiner = "" if self.field.startswith("[") else "."
        return replace(self, field=f"{prefix}{joiner}{self.field}")


class SpecError(ValueError):
    """Input that breaks one or more rules. Lists every violation found in one go."""

    def __init__(self, subject: str, violations: Iterable[Violation]) -> None:
        self.subject = subject
        self.violations: list[Violation] = list(violations)
        count = len(self.violations)
        lines = [f"{subject}: {count} invalid value{'s' if count != 1 else ''}:"]
        lines += [f"  - {v.render()}" for v in self.violations]
        super().__init__("\n".join(lines))


class PolicySizeError(ValueError):
    """A rendered policy document would exceed an AWS quota, so AWS would reject it."""

    def __init__(self, document: str, size: int, limit: int, quota: str, fix: str) -> None:
        self.document = document
        self.size = size
        self.limit = limit
        self.quota = quota
        super().__init__(f"{document} is {size} characters, over the {quota} limit of {limit}. Fix: {fix}")


class AccessNotGrantedError(ValueError):
    """An application asks for a repository the registry does not grant it."""


class IdentityPolicyOverflowError(PolicySizeError):
    """A role's repositories do not fit in its identity policies: the first policy and the managed policies
    its quota allows (code ESS416). Raised when the component is constructed, so `pulumi preview` stops
    before anything is created; it names the role, how many repositories, how many fit, and the options."""

    code = "ESS416"

    def __init__(
        self,
        *,
        role: str,
        repositories: int,
        fit: int,
        first_fit: int,
        per_managed: int,
        managed_allowed: int,
        size: int,
        limit: int,
        quota: str,
        options: list[str],
    ) -> None:
        self.role = role
        self.repositories = repositories
        self.fit = fit
        self.managed_allowed = managed_allowed
        self.options = options
        self.document = f"the identity policies of role {role!r}"
        self.size, self.limit, self.quota = size, limit, quota
        listed = "; ".join(f"({index}) {option}" for index, option in enumerate(options, 1))
        ValueError.__init__(
            self,
            f"{self.code} {self.document}: {repositories:,} repositories do not fit, only {fit:,} do "
            f"({_where_they_fit(first_fit, per_managed, managed_allowed)}). Named in one document they take "
            f"{size:,} characters; {quota} hold {limit:,} in all, less each policy's own statements. "
            f"Options: {listed}.",
        )


def _where_they_fit(first_fit: int, per_managed: int, managed_allowed: int) -> str:
    if managed_allowed == 0:
        return f"{first_fit:,} in the first policy, and max_managed_policies is 0"
    return (
        f"{first_fit:,} in the first policy, then up to {per_managed:,} in each of {managed_allowed} managed "
        f"policies, max_managed_policies"
    )
