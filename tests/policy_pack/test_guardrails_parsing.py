"""Policy documents, principals and conditions in every shape they arrive in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ecr_guardrails.conditions import conditions_of, narrowed_accounts, narrowed_organizations, narrows
from ecr_guardrails.documents import Malformed, parse_document, read_policy
from ecr_guardrails.principals import account_of, is_account_root, is_public, principals_of
from ecr_guardrails.values import UNKNOWN, plain
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

SINGLE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
}
LISTED: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}],
}


@pytest.mark.parametrize("body", [SINGLE, LISTED, json.dumps(SINGLE), json.dumps(LISTED, indent=2)])
def test_document_as_dict_or_string_with_one_or_many_statements(body: Any) -> None:
    document = parse_document(body)
    assert document is not None and document.complete
    [st] = document.statements
    assert st.is_allow is True
    assert st.strings("Action") == ["ecr:BatchGetImage"]
    assert document.text is not None


@pytest.mark.parametrize("body", [None, UNKNOWN_STRING_VALUE, "not json", "[1, 2]", 42])
def test_unreadable_documents_are_none(body: Any) -> None:
    assert parse_document(body) is None


@pytest.mark.parametrize(
    ("body", "kind", "problem"),
    [
        ({"Version": "2012-10-17", "statement": []}, None, "unknown top-level element(s) ['statement']"),
        ({"Statement": [{"effect": "Allow", "Action": "*", "Resource": "*"}]}, None, "unknown element(s) ['effect']"),
        (
            {"Statement": {"Effect": "Allow", "Principal": {"AWS": 123456789012}, "Action": "ecr:*"}},
            "resource",
            "Principal.AWS holds 123456789012",
        ),
        ({"Statement": {"Effect": "Allow", "Action": 123, "Resource": "*"}}, "identity", "Action holds 123"),
        ({"Statement": {"Effect": "Allow", "Action": "ecr:*"}}, "identity", "needs Resource or NotResource"),
        ("not json", None, "not valid JSON"),
    ],
)
def test_malformed_documents_say_what_is_wrong(body: Any, kind: Any, problem: str) -> None:
    """ "Grammar of the IAM JSON policy language": element names are case-sensitive, values are typed
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)."""
    found = read_policy(body, kind)
    assert isinstance(found, Malformed) and problem in found.problem, found
    assert parse_document(body, kind) is None


def test_unknown_parts_are_never_malformed() -> None:
    body = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": UNKNOWN_STRING_VALUE,
                "Principal": {"AWS": [UNKNOWN_STRING_VALUE]},
                "Action": UNKNOWN_STRING_VALUE,
                "Condition": {"StringEquals": UNKNOWN_STRING_VALUE},
            }
        ],
    }
    assert parse_document(body, "resource") is not None


def test_json_booleans_in_conditions_are_the_strings_iam_compares() -> None:
    [clause] = conditions_of({"Bool": {"aws:SecureTransport": False}}).clauses
    assert clause.values == ["false"]


def test_unknown_statement_list_makes_document_incomplete() -> None:
    document = parse_document({"Version": "2012-10-17", "Statement": UNKNOWN_STRING_VALUE})
    assert document is not None and not document.complete and document.statements == []


def test_whitespace_is_not_counted_in_iam_size() -> None:
    """IAM and AWS STS quotas: white space is not counted
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); inside values it is kept."""
    document = parse_document(json.dumps(LISTED, indent=4))
    assert document is not None and document.text is not None
    assert document.non_whitespace_length == len(json.dumps(LISTED, separators=(",", ":")))
    spaced = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data platform"}},
            }
        ]
    }
    measured = parse_document(json.dumps(spaced, indent=2))
    assert measured is not None and measured.non_whitespace_length == len(json.dumps(spaced, separators=(",", ":")))


@pytest.mark.parametrize(
    ("element", "public"),
    [
        ("*", True),
        ({"AWS": "*"}, True),
        ({"AWS": ["arn:aws:iam::123456789012:root", "*"]}, True),
        ({"AWS": "arn:aws:iam::*:root"}, True),
        ({"AWS": "arn:aws:iam::123456789012:root"}, False),
        ({"AWS": ["123456789012"]}, False),
        ({"Service": "lambda.amazonaws.com"}, False),
    ],
)
def test_public_principals(element: Any, public: bool) -> None:
    principals = principals_of(element)
    assert isinstance(principals, list)
    assert any(is_public(p) for p in principals) is public


def test_principal_accounts_and_roots() -> None:
    principals = principals_of(
        {"AWS": ["arn:aws:iam::111111111111:root", "222222222222", "arn:aws-us-gov:iam::333333333333:role/x"]}
    )
    assert isinstance(principals, list)
    assert [account_of(p) for p in principals] == ["111111111111", "222222222222", "333333333333"]
    assert [is_account_root(p) for p in principals] == [True, True, False]


def test_unknown_principal() -> None:
    assert principals_of(UNKNOWN) is UNKNOWN
    [p] = principals_of({"AWS": UNKNOWN_STRING_VALUE})  # type: ignore[misc]
    assert is_public(p) is None and account_of(p) is None


@pytest.mark.parametrize(
    ("condition", "verdict"),
    [
        ({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
        ({"StringEquals": {"aws:principalorgid": ["o-a1b2c3d4e5", "o-z9y8x7w6v5"]}}, True),
        ({"StringLike": {"aws:PrincipalOrgID": "o-*"}}, False),
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, False),
        ({"StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5", "*"]}}, False),
        ({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        ({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}}, True),
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/*"}}, False),
        ({"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}, False),
        ({"StringEquals": {"aws:PrincipalAccount": "123456789012"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy"}}, False),
        ({"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:*"}}, False),
        ({"StringLike": {"aws:sourceArn": "arn:aws:lambda:us-east-1:123456789012:function:*"}}, True),
        ({"StringEquals": {"aws:SourceAccount": "123456789012"}}, True),
        # IAM Access Analyzer's restricting keys (access-analyzer-reference-filter-keys.html)
        ({"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}, True),
        ({"StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}}, True),
        ({"StringLike": {"aws:SourceVpce": "vpce-*"}}, False),
        ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}, True),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}, False),
        ({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, True),
        ({"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
        ({"StringEquals": {"aws:SourceIp": "192.0.2.1"}}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
        ({"StringEquals": {"aws:PrincipalOrgID": UNKNOWN_STRING_VALUE}}, None),
        (UNKNOWN_STRING_VALUE, None),
        (None, False),
    ],
)
def test_condition_narrowing(condition: Any, verdict: bool | None) -> None:
    assert narrows(conditions_of(plain(condition))) is verdict


def test_a_narrowing_clause_wins_over_a_non_narrowing_one() -> None:
    both = {"StringNotEquals": {"aws:PrincipalOrgID": "o-bad"}, "StringEquals": {"aws:PrincipalOrgID": "o-good"}}
    conditions = conditions_of(both)
    assert narrows(conditions) is True
    assert narrowed_organizations(conditions) == {"o-good"}


def test_narrowed_accounts_from_account_and_arn_keys() -> None:
    conditions = conditions_of(
        {
            "StringEquals": {"aws:PrincipalAccount": "111111111111"},
            "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/ci"},
        }
    )
    assert narrowed_accounts(conditions) == {"111111111111", "222222222222"}


def test_plain_unwraps_proxies_and_marks_unknowns() -> None:
    props = unknown_checking_proxy({"a": UNKNOWN_STRING_VALUE, "b": [1, UNKNOWN_STRING_VALUE, {"c": "x"}]})
    assert plain(props) == {"a": UNKNOWN, "b": [1, UNKNOWN, {"c": "x"}]}
