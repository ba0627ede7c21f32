"""The pack's IAM model and the evaluator's agree: same parse, same sizes, same refusals.

The pack runs without the project installed, so it keeps its own parser (ecr_guardrails.documents
and grammar); the evaluator's is ecr_shared_services.access.grammar, and the project's size measure
is ecr_shared_services.policy.sizing. Grammar: "Grammar of the IAM JSON policy language"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html). Sizes: "IAM and
AWS STS quotas" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html) says
white space is not counted; ECR counts the policy text as sent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from ecr_guardrails.conditions import conditions_of
from ecr_guardrails.documents import Document, Statement, read_policy
from ecr_guardrails.grammar import PolicyKind
from ecr_guardrails.principals import principals_of
from policy_corpus import Entry, evaluator_documents, malformed_documents, pack_documents

from ecr_shared_services.access import grammar as evaluator
from ecr_shared_services.access.errors import PolicyFormatError
from ecr_shared_services.policy import sizing

VALID: list[Entry] = [*evaluator_documents(), *pack_documents()]
MALFORMED: list[Entry] = malformed_documents()

# The pack has two grammar kinds: boundaries and SCPs follow the identity policy rules.
PACK_KIND: dict[str, PolicyKind] = {
    "identity": "identity",
    "boundary": "identity",
    "scp": "identity",
    "resource": "resource",
}


def _evaluator_accepts(body: Any, kind: str) -> bool:
    try:
        evaluator.parse_policy(body, "conformance", kind)  # type: ignore[arg-type]
    except PolicyFormatError:
        return False
    return True


Normal = tuple[Any, ...]


def _principals_normal(statement: Statement, element: str) -> Any:
    if not statement.has(element):
        return None
    found = principals_of(statement.get(element))
    assert isinstance(found, list)
    if any(p.kind == "*" for p in found):
        return "*"
    by_type: dict[str, list[str]] = defaultdict(list)
    for principal in found:
        by_type[principal.kind].append(str(principal.value))
    return tuple((k, tuple(v)) for k, v in by_type.items())


def _pack_normal(document: Document) -> list[Normal]:
    out: list[Normal] = []
    for st in document.statements:

        def strings(element: str, st: Statement = st) -> tuple[str, ...] | None:
            values = st.strings(element)
            assert isinstance(values, list)
            return tuple(str(v) for v in values) if st.has(element) else None

        conditions = conditions_of(st.get("Condition"))
        out.append(
            (
                st.get("Effect"),
                st.get("Sid"),
                strings("Action"),
                strings("NotAction"),
                strings("Resource"),
                strings("NotResource"),
                _principals_normal(st, "Principal"),
                _principals_normal(st, "NotPrincipal"),
                tuple((c.operator, c.key, tuple(c.values)) for c in conditions.clauses),  # type: ignore[arg-type]
            )
        )
    return out


def _evaluator_principals(principals: evaluator.Principals | None) -> Any:
    if principals is None:
        return None
    if principals.everyone:
        return "*"
    return tuple((k, tuple(v)) for k, v in principals.by_type.items())


def _evaluator_normal(policy: evaluator.Policy) -> list[Normal]:
    return [
        (
            st.effect,
            st.sid,
            st.actions,
            st.not_actions,
            st.resources,
            st.not_resources,
            _evaluator_principals(st.principal),
            _evaluator_principals(st.not_principal),
            # condition keys are case-insensitive: the pack keeps them lowercased
            tuple((c.operator, c.key.lower(), c.values) for c in st.conditions),
        )
        for st in policy.statements
    ]


def _ids(entries: list[Entry]) -> list[str]:
    return [e[0] for e in entries]


@pytest.mark.parametrize(("case_id", "kind", "body"), VALID, ids=_ids(VALID))
def test_both_models_parse_the_same_document_the_same_way(case_id: str, kind: str, body: Any) -> None:
    policy = evaluator.parse_policy(body, case_id, kind)  # type: ignore[arg-type]
    for text in (body, json.dumps(body), json.dumps(body, indent=2)):
        document = read_policy(text, PACK_KIND[kind])
        assert isinstance(document, Document), document
        assert document.complete
        assert _pack_normal(document) == _evaluator_normal(policy)


@pytest.mark.parametrize(("case_id", "kind", "body"), VALID, ids=_ids(VALID))
def test_both_models_measure_sizes_the_same_way(case_id: str, kind: str, body: Any) -> None:
    # The dict form: the pack measures what the component would send for it.
    from_dict = read_policy(body, PACK_KIND[kind])
    assert isinstance(from_dict, Document) and from_dict.text == sizing.to_json(body)
    for text in (sizing.to_json(body), json.dumps(body), json.dumps(body, indent=2), json.dumps(body, indent="\t")):
        document = read_policy(text, PACK_KIND[kind])
        assert isinstance(document, Document)
        assert document.non_whitespace_length == sizing.measure(text, sizing.ROLE_INLINE_POLICIES)
        assert document.text is not None and len(document.text) == sizing.measure(text, sizing.REPOSITORY_POLICY)


@pytest.mark.parametrize(
    ("case_id", "kind", "body"),
    [pytest.param(*m, id=m[0]) for m in MALFORMED],
)
def test_both_models_refuse_the_same_malformed_documents(case_id: str, kind: str, body: Any) -> None:
    found = read_policy(body, PACK_KIND[kind])
    assert not isinstance(found, Document), f"the pack accepts {case_id}"
    assert found is not None
    assert not _evaluator_accepts(body, kind), f"the evaluator accepts {case_id}"


def test_the_pack_refuses_every_malformed_document() -> None:
    """The pack side alone, whatever the evaluator in this checkout: no malformed document is accepted."""
    accepted = [c for c, kind, body in MALFORMED if isinstance(read_policy(body, PACK_KIND[kind]), Document)]
    assert accepted == []
