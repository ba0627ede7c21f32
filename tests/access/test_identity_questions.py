"""`IdentityQuestions.key` is an equivalent of `identity_question`: two resources get equal keys exactly when
every statement's Resource or NotResource covers both or neither (or is unknown for both), so that the plan's
access matrix and the application stacks' grant check may key verdicts by it.

Resource and NotResource matching follows the IAM User Guide, "IAM JSON policy elements: Resource" and
"IAM JSON policy elements: NotResource" (ARNs with `*` and `?` wildcards per segment)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecr_shared_services.access.grammar import parse_policy
from ecr_shared_services.access.verdict_keys import IdentityQuestions, identity_question

PREFIX = "arn:aws:ecr:us-east-1:111111111111:repository/"
NAMES = ["api", "web", "team/a", "team/b", "other"]
ARNS = [PREFIX + n for n in NAMES] + ["arn:aws:ecr:eu-west-1:111111111111:repository/api"]
PATTERNS = [*ARNS, PREFIX + "team/*", PREFIX + "?pi", "*", "arn:aws:ecr:*:111111111111:repository/api"]


def statement(element: str, patterns: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "ecr:BatchGetImage", element: patterns}


STATEMENTS = st.lists(
    st.builds(
        statement,
        st.sampled_from(["Resource", "Resource", "NotResource"]),
        st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=6,
)


@given(STATEMENTS, st.lists(st.sampled_from(ARNS), min_size=2, max_size=6))
def test_keys_are_equal_exactly_when_statements_cover_alike(statements: list[dict[str, Any]], arns: list[str]) -> None:
    policy = parse_policy({"Version": "2012-10-17", "Statement": statements}, "identity policy #1", "identity")
    questions = IdentityQuestions.of(policy.statements)
    for first in arns:
        for second in arns:
            same = identity_question(policy.statements, first) == identity_question(policy.statements, second)
            assert (questions.key(first) == questions.key(second)) is same


def test_listing_statements_are_looked_up_not_matched() -> None:
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                statement("Resource", [PREFIX + "api", PREFIX + "web"]),
                statement("Resource", [PREFIX + "web"]),
                statement("Resource", [PREFIX + "team/*"]),
            ],
        },
        "identity policy #1",
        "identity",
    )
    questions = IdentityQuestions.of(policy.statements)
    assert questions.listing == {PREFIX + "api": (0,), PREFIX + "web": (0, 1)}
    assert len(questions.others) == 1
    assert questions.key(PREFIX + "web") != questions.key(PREFIX + "api")
    assert questions.key(PREFIX + "other") == questions.key(PREFIX + "unknown")
    assert questions.key(PREFIX + "team/a") != questions.key(PREFIX + "other")
