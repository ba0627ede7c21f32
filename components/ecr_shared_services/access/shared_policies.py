"""Policies many evaluations share: parsed once each, with the repository side's verdicts found once.

A registry's repositories often carry one repository policy text; the grant check and the access matrix
evaluate it for many repositories. Parsing it once makes it one Policy object, which is what
ResourceSideMemo keys its verdicts by.
"""

from __future__ import annotations

from ecr_shared_services.access.decision import ResourceSideMemo
from ecr_shared_services.access.errors import AccessInputError, PolicyFormatError
from ecr_shared_services.access.grammar import Policy, PolicyKind, parse_policy

# The name evaluate_access gives a repository policy: a parsed one carries the same.
REPOSITORY_POLICY_NAME = "repository policy"


def parsed_or_none(text: str, name: str, kind: PolicyKind) -> Policy | None:
    """The policy parsed, or None when it does not parse: the caller then hands the evaluator the text, which
    says what it says of it in each evaluation."""
    try:
        return parse_policy(text, name, kind)
    except (PolicyFormatError, AccessInputError):
        return None


class SharedRepositoryPolicies:
    """Repository policy texts parsed once each, and one memo of the repository side's verdicts."""

    def __init__(self) -> None:
        self.memo = ResourceSideMemo()
        self._parsed: dict[str, Policy | None] = {}

    def parsed(self, text: str) -> Policy | None:
        """`text` parsed (the same object for the same text), or None when it does not parse."""
        if text not in self._parsed:
            self._parsed[text] = parsed_or_none(text, REPOSITORY_POLICY_NAME, "resource")
        return self._parsed[text]

    def policy(self, text: str | None) -> Policy | str | None:
        """What to hand the evaluator for a repository with this policy text: parsed when it parses."""
        return (self.parsed(text) or text) if text else text
