"""One corpus of policy documents for both IAM models: the evaluator's case table and the pack's cases.

Each entry is (id, kind, document) with kind as the evaluator names it (identity, resource, boundary,
scp). The evaluator's table is read from tests/access/test_access_table.py, so new cases there join
the corpus without edits here.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from ecr_guardrails.managed_policies import KNOWN
from guardrail_shapes import (
    account_pull,
    ci_push,
    document,
    lambda_pull,
    org_paths_pull,
    org_pull,
    pull_policy,
    role_pull,
    statement,
    trust_policy,
)

TABLE = Path(__file__).resolve().parents[1] / "access" / "test_access_table.py"
Entry = tuple[str, str, Any]

# Case fields holding documents -> the kind of policy they are.
_CASE_FIELDS = {"identity": "identity", "repo": "resource", "boundary": "boundary", "scps": "scp", "scp_levels": "scp"}


@functools.cache
def evaluator_table() -> ModuleType:
    """The evaluator's case table module, loaded once from its file (dataclasses need it in sys.modules)."""
    spec = importlib.util.spec_from_file_location("evaluator_case_table", TABLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _documents(value: Any) -> list[Any]:
    """The documents in a case field: one, a list, or a list of lists (SCP levels)."""
    if value is None:
        return []
    if isinstance(value, (dict, str)):
        return [value]
    return [d for item in value for d in _documents(item)]


def evaluator_documents() -> list[Entry]:
    """Every distinct (kind, document) of the evaluator's case table."""
    seen: set[tuple[str, str]] = set()
    out: list[Entry] = []
    for case in evaluator_table().CASES:
        for name, kind in _CASE_FIELDS.items():
            for index, body in enumerate(_documents(getattr(case, name, None))):
                key = (kind, json.dumps(body, sort_keys=True))
                if key not in seen:
                    seen.add(key)
                    out.append((f"table:{case.id}:{name}[{index}]", kind, body))
    return out


def _narrowed(condition: dict[str, Any]) -> dict[str, Any]:
    return document(statement("*", ["ecr:BatchGetImage"], Condition=condition))


def pack_documents() -> list[Entry]:
    """The documents the pack's tests use, and the AWS managed policies it knows."""
    entries: list[Entry] = [
        (
            "pack:repository-policy",
            "resource",
            document(account_pull(), role_pull(), org_pull(), org_paths_pull(), lambda_pull(), ci_push()),
        ),
        ("pack:pull-policy", "identity", pull_policy("payments", "billing")),
        ("pack:trust-policy", "resource", trust_policy()),
        ("pack:single-statement", "resource", {"Version": "2012-10-17", "Statement": account_pull()}),
        ("pack:vpce", "resource", _narrowed({"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}})),
        ("pack:source-ip", "resource", _narrowed({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        (
            "pack:bool-and-number-values",
            "resource",
            _narrowed({"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}),
        ),
        (
            "pack:not-elements",
            "resource",
            document({"Effect": "Deny", "NotPrincipal": {"AWS": ["111111111111"]}, "NotAction": "ecr:Batch*"}),
        ),
        ("pack:no-version", "identity", {"Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}),
        (
            "pack:id-and-old-version",
            "identity",
            {
                "Version": "2008-10-17",
                "Id": "p1",
                "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/x"}],
            },
        ),
        (
            "pack:services-federated",
            "resource",
            document(
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"],
                        "Federated": "cognito-identity.amazonaws.com",
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ),
        ),
        # Whitespace inside values and non-ASCII characters: where text measures could differ.
        (
            "pack:spaces-and-accents",
            "resource",
            _narrowed({"StringLike": {"aws:PrincipalTag/team": ["data platform", "équipe"]}}),
        ),
    ]
    entries.extend((f"pack:managed:{p.name}", "identity", p.document) for p in KNOWN)
    return entries


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


_TOKEN = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
_PULL = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "ecr:BatchGetImage"}

# Documents IAM refuses ("Grammar of the IAM JSON policy language",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): both models refuse them.
MALFORMED: list[Entry] = [
    ("lowercase-statement", "identity", {"Version": "2012-10-17", "statement": [_TOKEN]}),
    ("lowercase-effect", "identity", _doc({"effect": "Allow", "Action": "*", "Resource": "*"})),
    ("lowercase-principal", "resource", _doc({"Effect": "Allow", "principal": "*", "Action": "ecr:BatchGetImage"})),
    ("lowercase-principal-type", "resource", _doc({**_PULL, "Principal": {"aws": "123456789012"}})),
    ("unknown-principal-type", "resource", _doc({**_PULL, "Principal": {"Account": "123456789012"}})),
    ("principal-account-as-number", "resource", _doc({**_PULL, "Principal": {"AWS": 123456789012}})),
    ("principal-string-not-star", "resource", _doc({**_PULL, "Principal": "arn:aws:iam::123456789012:root"})),
    ("principal-empty-object", "resource", _doc({**_PULL, "Principal": {}})),
    ("action-as-number", "identity", _doc({**_TOKEN, "Action": 123})),
    ("action-without-service", "identity", _doc({**_TOKEN, "Action": "GetAuthorizationToken"})),
    ("action-empty-list", "identity", _doc({**_TOKEN, "Action": []})),
    ("resource-not-an-arn", "identity", _doc({**_TOKEN, "Resource": "payments"})),
    ("effect-lowercase-value", "identity", _doc({**_TOKEN, "Effect": "allow"})),
    ("no-action", "identity", _doc({"Effect": "Allow", "Resource": "*"})),
    ("action-and-not-action", "identity", _doc({**_TOKEN, "NotAction": "iam:*"})),
    ("resource-and-not-resource", "identity", _doc({**_TOKEN, "NotResource": "arn:aws:s3:::b"})),
    ("identity-with-principal", "identity", _doc({**_TOKEN, "Principal": "*"})),
    ("identity-without-resource", "identity", _doc({"Effect": "Allow", "Action": "ecr:*"})),
    ("resource-without-principal", "resource", _doc({"Effect": "Allow", "Action": "ecr:BatchGetImage"})),
    ("condition-not-an-object", "resource", _doc({**_PULL, "Condition": "aws:SecureTransport"})),
    ("condition-operator-to-list", "resource", _doc({**_PULL, "Condition": {"StringEquals": ["a"]}})),
    ("condition-value-object", "resource", _doc({**_PULL, "Condition": {"StringEquals": {"aws:x": {"b": 1}}}})),
    ("version-unknown", "identity", {"Version": "2020-01-01", "Statement": [_TOKEN]}),
    ("unknown-top-element", "identity", {"Version": "2012-10-17", "Statement": [_TOKEN], "Extra": 1}),
    ("no-statement", "identity", {"Version": "2012-10-17"}),
    ("statement-null", "identity", {"Version": "2012-10-17", "Statement": None}),
    ("statement-not-object", "identity", {"Version": "2012-10-17", "Statement": ["x"]}),
    ("sid-as-number", "identity", _doc({**_TOKEN, "Sid": 7})),
    ("id-as-number", "identity", {"Version": "2012-10-17", "Id": 7, "Statement": [_TOKEN]}),
    ("not-json", "identity", '{"Version": "2012-10-17", "Statement": ['),
    ("not-an-object", "identity", "[1, 2]"),
]


def malformed_documents() -> list[Entry]:
    """The refused documents above, and the evaluator table's own malformed list when it has one."""
    table = getattr(evaluator_table(), "MALFORMED", [])
    return [*MALFORMED, *((f"table:{m[0]}", m[1], m[2]) for m in table)]
