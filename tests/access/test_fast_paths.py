"""The evaluator's fast paths give the general matchers' answers: a pattern without `*` or `?` compared by
equality, a statement's exact patterns looked up in a set, a Principal element's AWS entries grouped by
account, a condition's values looked up in a set, the repository side's verdict shared between repositories
with one policy text.

The matching rules are IAM's (IAM User Guide, "IAM JSON policy elements: Resource",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html: ARNs are
case-sensitive and a wildcard does not span the colons between ARN parts; "IAM JSON policy elements:
Action", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html: action
names are case-insensitive). Each property compares the fast path with the reference matcher it replaces.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_shared_services.access import Policies, Policy, RequestContext, evaluate_access, parse_policy
from ecr_shared_services.access.conditions import evaluate_condition
from ecr_shared_services.access.context import ContextKeys, parse_caller
from ecr_shared_services.access.decision import ResourceSideMemo
from ecr_shared_services.access.grammar import Condition, Principals
from ecr_shared_services.access.principals import principal_matches, principal_matches_each
from ecr_shared_services.access.wildcards import (
    PatternSet,
    action_matches,
    arn_matches,
    general_match,
    wildcard_match,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Case pairs ASCII and not (the long s and the Kelvin sign fold to ASCII letters), colons, wildcards.
ALPHABET = "aAsSkK\u017f\u212a\u0130i:*?/-\n1"
texts = st.text(alphabet=ALPHABET, max_size=12)


@st.composite
def pattern_and_value(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern, and a value that is either drawn freely or made from the pattern (wildcards filled,
    letters' case changed), so that matches are common."""
    pattern = draw(texts)
    if draw(st.booleans()):
        return pattern, draw(texts)
    value = "".join(
        draw(texts) if ch == "*" else draw(st.sampled_from(ALPHABET)) if ch == "?" else ch for ch in pattern
    )
    if draw(st.booleans()):
        value = value.swapcase()
    return pattern, value


def reference_arn_matches(pattern: str, arn: str) -> bool:
    """Resource matching as the general matcher gives it, part by part (the form before the fast path)."""
    if pattern == "*":
        return True
    pattern_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(general_match(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


@SETTINGS
@given(pattern_and_value(), st.booleans())
def test_wildcard_match_agrees_with_the_general_matcher(pair: tuple[str, str], ignore_case: bool) -> None:
    pattern, value = pair
    assert wildcard_match(pattern, value, ignore_case=ignore_case) == general_match(
        pattern, value, ignore_case=ignore_case
    )


@SETTINGS
@given(pattern_and_value())
def test_arn_matches_agrees_with_matching_each_part(pair: tuple[str, str]) -> None:
    pattern, value = pair
    for p, v in ((pattern, value), ("arn:" + pattern, "arn:" + value), (pattern + ":a:b:c:d:e", value + ":a:b:c:d:e")):
        assert arn_matches(p, v) == reference_arn_matches(p, v)


@SETTINGS
@given(st.lists(pattern_and_value(), min_size=1, max_size=5), texts)
def test_a_pattern_set_agrees_with_matching_each_pattern(pairs: list[tuple[str, str]], other: str) -> None:
    patterns = [p for p, _ in pairs] + [p + ":a:b:c:d:e" for p, _ in pairs]
    values = [v for _, v in pairs] + [v + ":a:b:c:d:e" for _, v in pairs] + [other]
    arns, actions = PatternSet.of_arns(patterns), PatternSet.of_actions(patterns)
    for value in values:
        assert arns.any_arn(value) == any(reference_arn_matches(p, value) for p in patterns)
        assert actions.any_action(value) == any(general_match(p, value, ignore_case=True) for p in patterns)
        assert actions.any_action(value) == any(action_matches(p, value) for p in patterns)


ACCOUNTS = ("111111111111", "222222222222")
ENTRIES = st.sampled_from(
    [
        "*",
        "111111111111",
        "222222222222",
        "arn:aws:iam::111111111111:root",
        "arn:aws:iam::111111111111:role/app",
        "arn:aws:iam::222222222222:role/teams/app",
        "arn:aws-cn:iam::111111111111:role/app",
        "arn:aws:sts::111111111111:assumed-role/app/s1",
        "arn:aws:iam::111111111111:user/dev",
        "arn:aws:iam::111111111111:role/a*",
        "arn:aws:iam::*:role/app",
        "not-an-arn",
        "AROAABCDEFGHIJKLMNOP",
        "arn:aws:iam::333333333333:role/app",
    ]
)
CALLERS = st.sampled_from(
    [
        "arn:aws:iam::111111111111:role/app",
        "arn:aws:iam::222222222222:role/teams/app",
        "arn:aws:sts::111111111111:assumed-role/app/s1",
        "arn:aws:iam::111111111111:user/dev",
        "arn:aws:iam::111111111111:root",
        "arn:aws-cn:iam::111111111111:role/app",
        "arn:aws:iam::444444444444:role/app",
        "lambda.amazonaws.com",
    ]
)


@SETTINGS
@given(st.lists(ENTRIES, min_size=1, max_size=6), st.lists(ENTRIES, max_size=2), CALLERS)
def test_the_principal_index_agrees_with_looking_at_every_entry(
    aws: list[str], services: list[str], caller_arn: str
) -> None:
    by_type = {"AWS": tuple(aws), **({"Service": ("lambda.amazonaws.com", *services)} if services else {})}
    principals = Principals(by_type=by_type)
    caller = parse_caller(caller_arn)
    assert principal_matches(principals, caller) == principal_matches_each(principals, caller)


OPERATORS = st.sampled_from(
    ["StringEquals", "StringNotEquals", "ArnEquals", "ArnLike", "ArnNotLike", "ForAnyValue:StringEquals"]
)


@SETTINGS
@given(OPERATORS, st.lists(pattern_and_value(), min_size=1, max_size=4))
def test_conditions_looked_up_in_a_set_agree_with_comparing_each_value(
    operator: str, pairs: list[tuple[str, str]]
) -> None:
    values = tuple("arn:" + p + ":a:b:c:d" for p, _ in pairs)
    for _, raw in pairs:
        context = "arn:" + raw + ":a:b:c:d"
        result = evaluate_condition(Condition(operator, "aws:PrincipalArn", values), _keys(context))
        negated = "Not" in operator
        base = operator.split(":")[-1].lower()
        if base.startswith("arn"):
            matched = any(reference_arn_matches(v, context) for v in values)
        else:
            matched = context in values
        assert result.truth.value == ("yes" if matched != negated else "no")


def _keys(value: str) -> ContextKeys:
    return ContextKeys(values={"aws:principalarn": (value,)})


REPOSITORY_POLICIES = st.sampled_from(
    [
        # One text for several repositories (what the memo serves), one naming a resource, one with a Deny.
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111",'
        '"arn:aws:iam::222222222222:role/app"]},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*",'
        '"Resource":"arn:aws:ecr:us-east-1:999999999999:repository/app-a"}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:*"},'
        '{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"ecr:BatchGetImage",'
        '"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}',
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            CALLERS.filter(lambda c: c != "lambda.amazonaws.com"),
            st.sampled_from(["app-a", "app-b"]),
            REPOSITORY_POLICIES,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_shared_repository_side_memo_changes_no_report(cells: list[tuple[str, str, str]]) -> None:
    """The access matrix passes one ResourceSideMemo for all its cells, and one parsed Policy per distinct
    repository policy text: every report must be the one a fresh evaluation gives."""
    memo = ResourceSideMemo()
    parsed: dict[str, Policy] = {}
    identity = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}],
    }
    for caller, name, text in cells:
        policy = parsed.setdefault(text, parse_policy(text, "repository policy", "resource"))
        arn = f"arn:aws:ecr:us-east-1:999999999999:repository/{name}"
        context = RequestContext(org_id="o-abc")
        shared = evaluate_access(
            caller, arn, Policies(identity=[identity], repository=policy), context=context, resource_memo=memo
        )
        fresh = evaluate_access(caller, arn, Policies(identity=[identity], repository=text), context=context)
        assert shared == fresh
