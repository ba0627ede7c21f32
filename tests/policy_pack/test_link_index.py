"""The lifecycle rule's index of links says what pairing each lifecycle policy with each repository says
(`_links`), for every mix of known, unknown and dependency-only values: the rule is linear in the stack and
its findings are the same."""

from __future__ import annotations

from typing import Any

from ecr_guardrails.model import Resource
from ecr_guardrails.resource_types import LIFECYCLE_POLICY, REPOSITORY
from ecr_guardrails.stack_rules import _LinkIndex, _links
from ecr_guardrails.values import UNKNOWN
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = ["orders", "billing", "web"]
URNS = [f"urn:pulumi:s::p::aws:ecr/repository:Repository::{n}" for n in NAMES]
KEY = st.one_of(st.sampled_from(NAMES), st.just(UNKNOWN), st.none())
VALUE = st.one_of(st.sampled_from([*NAMES, "elsewhere"]), st.just(UNKNOWN), st.none(), st.just(7))


@st.composite
def repositories(draw: st.DrawFn) -> list[Resource]:
    found = []
    for index in draw(st.lists(st.integers(0, len(NAMES) - 1), unique=True, min_size=1)):
        props: dict[str, Any] = {"name": draw(KEY), "id": draw(KEY)}
        found.append(Resource(REPOSITORY, NAMES[index], URNS[index], props))
    return found


@st.composite
def lifecycles(draw: st.DrawFn) -> list[Resource]:
    found = []
    for index in range(draw(st.integers(0, 4))):
        deps = tuple(draw(st.lists(st.sampled_from(URNS), max_size=2)))
        recorded = bool(deps) or draw(st.booleans())  # an empty dependency list, or none recorded
        found.append(
            Resource(
                LIFECYCLE_POLICY,
                f"lc{index}",
                f"urn:pulumi:s::p::aws:ecr/lifecyclePolicy:LifecyclePolicy::lc{index}",
                {"repository": draw(VALUE)},
                {"repository": deps} if recorded else {},
            )
        )
    return found


@settings(max_examples=400, deadline=None)
@given(repositories(), lifecycles())
def test_the_index_agrees_with_pairing_each_policy_with_each_repository(
    repos: list[Resource], policies: list[Resource]
) -> None:
    index = _LinkIndex.of(policies, "repository")
    for repo in repos:
        pairwise = [_links(lc, "repository", repo, ("name", "id")) for lc in policies]
        assert index.may_link(repo, ("name", "id")) == (True in pairwise or None in pairwise)
