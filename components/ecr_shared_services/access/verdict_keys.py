"""What a (role, repository) verdict depends on, as a key: requests that put the same question to the
evaluator get the same verdict, so it is found once.

For one role (caller, identity policies, request context), the requests of a pull or push name the action,
the repository's ARN, and context keys built from the caller, the role's context and the repository's
partition, region and account. So a verdict depends on:
- the repository's partition, region and account;
- its policy's text (the repository side's verdict is a function of the parsed text), and its ARN too when a
  statement of that policy has Resource or NotResource (the rule `ResourceSideMemo` keys by);
- on the identity side, the ARN only through whether each statement that might cover a step of the access
  covers it (a statement that cannot cover the action never applies).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecr_shared_services.access.grammar import Policy, Statement
from ecr_shared_services.access.matching import action_truth, resource_truth
from ecr_shared_services.access.truth import Truth
from ecr_shared_services.aws.arns import RepositoryRef

RepositoryQuestion = tuple[str | None, ...]


def repository_question(target: RepositoryRef, policy: Policy | None, text: str | None) -> RepositoryQuestion:
    """The repository's part of the key: where it is, and its policy (the parsed `text`, or none)."""
    names_resources = policy is not None and any(
        s.resources is not None or s.not_resources is not None for s in policy.statements
    )
    return (target.partition, target.region, target.account_id, text, target.arn if names_resources else None)


def statements_covering(policies: Iterable[Policy], actions: Iterable[str]) -> tuple[Statement, ...]:
    """The statements of `policies` that might cover one of `actions`: the only ones whose Resource matters."""
    wanted = tuple(actions)
    return tuple(s for p in policies for s in p.statements if any(action_truth(s, a) is not Truth.NO for a in wanted))


def identity_question(statements: tuple[Statement, ...], resource: str) -> tuple[Truth, ...]:
    """The identity side's part of the key: whether each of `statements` covers `resource`."""
    return tuple([resource_truth(s, resource) for s in statements])


@dataclass(frozen=True)
class IdentityQuestions:
    """`identity_question` for many resources against one set of statements, as an equivalent key: equal for
    two resources exactly when `identity_question` is.

    A statement whose Resource lists only whole ARNs without wildcards covers a resource exactly when the
    resource is one of them: for those, the key holds the positions of the ones listing it, found in one
    lookup instead of a match per statement (a role pulling 1,000 repositories has a statement per managed
    policy, each listing its share of them). Every other statement is matched as `identity_question` does.
    """

    listing: dict[str, tuple[int, ...]]  # resource ARN -> positions of the listing statements that name it
    others: tuple[Statement, ...]

    @staticmethod
    def of(statements: tuple[Statement, ...]) -> IdentityQuestions:
        listing: dict[str, list[int]] = {}
        others: list[Statement] = []
        for position, statement in enumerate(statements):
            patterns = statement.resource_patterns
            if statement.resources is None or patterns.wild:
                others.append(statement)
                continue
            for arn in patterns.exact:
                listing.setdefault(arn, []).append(position)
        return IdentityQuestions({arn: tuple(found) for arn, found in listing.items()}, tuple(others))

    def key(self, resource: str) -> tuple[tuple[int, ...], tuple[Truth, ...]]:
        return self.listing.get(resource, ()), identity_question(self.others, resource)
