"""Every condition operator and modifier, including AWS's rules for keys absent from the context."""

from __future__ import annotations

import pytest

from ecr_shared_services.access.conditions import evaluate_condition, evaluate_conditions
from ecr_shared_services.access.context import ContextKeys
from ecr_shared_services.access.grammar import Condition
from ecr_shared_services.access.truth import Truth

KEYS = ContextKeys(
    values={
        "aws:principalarn": ("arn:aws:iam::123456789012:role/app",),
        "aws:principalaccount": ("123456789012",),
        "aws:principaltag/team": ("Payments",),
        "aws:principalisawsservice": ("false",),
        "aws:multifactorauthage": ("300",),
        "aws:principalorgpaths": ("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",),
        "aws:tagkeys": ("env", "team"),
        "aws:sourcearn": None,  # known to be absent
    },
)
Y, N, U = Truth.YES, Truth.NO, Truth.UNKNOWN

CASES = [
    # operator, key, values, expected
    ("StringEquals", "aws:PrincipalAccount", ["123456789012"], Y),
    ("StringEquals", "aws:PrincipalAccount", ["111111111111", "123456789012"], Y),  # values ORed
    ("StringEquals", "aws:PrincipalTag/team", ["payments"], N),  # values are case-sensitive
    ("StringNotEquals", "aws:PrincipalAccount", ["111111111111"], Y),
    ("StringNotEquals", "aws:PrincipalAccount", ["111111111111", "123456789012"], N),  # NOR
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["PAYMENTS"], Y),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ["payments"], N),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/ap?"], Y),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/x*"], N),
    ("StringNotLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/x*"], Y),
    ("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::123456789012:role/app"], Y),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::123456789012:role/*"], Y),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*"], N),  # fewer than six parts
    ("ArnNotEquals", "aws:PrincipalArn", ["arn:aws:iam::123456789012:role/other"], Y),
    ("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::123456789012:role/a*"], N),
    ("Bool", "aws:PrincipalIsAWSService", ["false"], Y),
    ("Bool", "aws:PrincipalIsAWSService", ["true"], N),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["3600"], Y),
    ("NumericLessThanEquals", "aws:MultiFactorAuthAge", ["300"], Y),
    ("NumericGreaterThan", "aws:MultiFactorAuthAge", ["300"], N),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ["300"], Y),
    ("NumericEquals", "aws:MultiFactorAuthAge", ["300.0"], Y),
    ("NumericNotEquals", "aws:MultiFactorAuthAge", ["300"], N),
    ("NumericEquals", "aws:MultiFactorAuthAge", ["not-a-number"], N),
    # Absent keys: false, except negated operators; IfExists true; Null tests presence.
    ("StringEquals", "aws:SourceArn", ["x"], N),
    ("StringNotEquals", "aws:SourceArn", ["x"], Y),
    ("StringNotLike", "aws:SourceArn", ["x"], Y),
    ("ArnLike", "aws:SourceArn", ["arn:*"], N),
    ("ArnNotLike", "aws:SourceArn", ["arn:*"], Y),
    ("NumericLessThan", "aws:SourceArn", ["1"], N),
    ("Bool", "aws:SourceArn", ["true"], N),
    ("StringEqualsIfExists", "aws:SourceArn", ["x"], Y),
    ("ArnLikeIfExists", "aws:SourceArn", ["arn:x"], Y),
    ("StringEqualsIfExists", "aws:PrincipalAccount", ["111111111111"], N),  # present: checked
    ("Null", "aws:SourceArn", ["true"], Y),
    ("Null", "aws:SourceArn", ["false"], N),
    ("Null", "aws:PrincipalAccount", ["false"], Y),
    ("Null", "aws:PrincipalAccount", ["true"], N),
    # Set operators.
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"], Y),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["team"], Y),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["team"], N),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["team", "env", "owner"], Y),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["env"], Y),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["env"], N),
    ("ForAnyValue:StringEquals", "aws:SourceArn", ["x"], N),  # absent: ForAnyValue false
    ("ForAllValues:StringEquals", "aws:SourceArn", ["x"], Y),  # absent: ForAllValues true
    ("ForAnyValue:StringEqualsIfExists", "aws:SourceArn", ["x"], Y),
    ("StringEquals", "aws:TagKeys", ["env"], U),  # multivalued key without a set operator
    # Case of operator and key names.
    ("stringequals", "AWS:PrincipalAccount", ["123456789012"], Y),
    # What the evaluator reports instead of guessing.
    ("StringEquals", "aws:SourceIp", ["10.0.0.1"], U),  # a key the request has but nobody told us
    ("IpAddress", "aws:PrincipalAccount", ["10.0.0.0/8"], U),  # an operator outside the model
    ("DateLessThan", "aws:SourceArn", ["2030-01-01T00:00:00Z"], N),  # ...but absent-key rules still hold
    ("NotIpAddress", "aws:SourceArn", ["10.0.0.0/8"], Y),
    ("StringEqualsSometimes", "aws:PrincipalAccount", ["x"], U),  # not an operator
    ("ForSomeValues:StringEquals", "aws:TagKeys", ["x"], U),
    ("StringEquals", "aws:PrincipalArn", ["${aws:username}"], U),  # policy variables
]


@pytest.mark.parametrize(
    ("operator", "key", "values", "expected"), CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_operator(operator: str, key: str, values: list[str], expected: Truth) -> None:
    result = evaluate_condition(Condition(operator, key, tuple(values)), KEYS)
    assert result.truth is expected
    if expected is Truth.UNKNOWN:
        assert result.notes, "an unknown result must say why"


def test_conditions_are_anded_and_a_false_one_hides_unknowns() -> None:
    both = [
        Condition("StringEquals", "aws:PrincipalAccount", ("123456789012",)),
        Condition("StringEquals", "aws:SourceIp", ("10.0.0.1",)),
    ]
    assert evaluate_conditions(both, KEYS).truth is Truth.UNKNOWN
    failing = [Condition("StringEquals", "aws:PrincipalAccount", ("111111111111",)), both[1]]
    result = evaluate_conditions(failing, KEYS)
    assert result.truth is Truth.NO and result.notes == ()


def test_principal_tags_known_means_absent_tags_are_absent() -> None:
    keys = ContextKeys(values={"aws:principaltag/team": ("a",)}, tag_prefixes_known=frozenset({"aws:principaltag/"}))
    assert evaluate_condition(Condition("StringEquals", "aws:PrincipalTag/env", ("prod",)), keys).truth is Truth.NO
    unknown = ContextKeys(values={})
    assert evaluate_condition(Condition("StringEquals", "aws:PrincipalTag/env", ("prod",)), unknown).truth is U
