"""The registry's `grants` export: the grants table, each distinct consumer and list of consumers written once,
exactly `to_json` of the table, and read back into the grants tree."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecr_shared_services.policy.grants import expand_grants, grants_json, grants_text
from ecr_shared_services.policy.sizing import to_json
from ecr_shared_services.spec.registry import SharedRegistryArgs

ROLE = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}
LAMBDA = {"kind": "lambda", "account_id": "123456789012", "deployer_role_names": ["deployer"]}
# Text beyond ASCII is written as itself, as to_json writes it.
ACCOUNT = {"kind": "account", "account_id": "210987654321", "description": 'équipe "données" \\ 数据'}


def args() -> SharedRegistryArgs:
    data: dict[str, Any] = {
        "region": "us-east-1",
        "consumers": [ACCOUNT],
        "repositories": [
            {"name": "api", "consumers": [copy.deepcopy(ROLE), LAMBDA]},
            {"name": "worker", "consumers": [copy.deepcopy(ROLE)]},
            {"name": "internal", "private": True},
        ],
    }
    parsed: SharedRegistryArgs = SharedRegistryArgs.parse(data)
    return parsed


def grants_table(grants: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    table: dict[str, Any] = json.loads(grants_text(grants))
    return table


def test_grants_text_is_the_table_as_to_json_writes_it() -> None:
    grants = grants_json(args())
    text = grants_text(grants)
    table = grants_table(grants)
    assert text == to_json(table)
    assert sorted(table) == ["consumer_lists", "consumers", "repositories"]
    # The account (registry-wide), the role and the function, each once; three lists, one of them empty.
    assert [c["kind"] for c in table["consumers"]] == ["account", "role", "lambda"]
    assert table["consumer_lists"] == [[0, 1, 2], [0, 1], []]
    assert table["repositories"] == {"api": 0, "worker": 1, "internal": 2}
    assert "数据" in text


def test_the_table_reads_back_as_the_grants() -> None:
    grants = grants_json(args())
    assert expand_grants(grants_text(grants)) == grants
    assert expand_grants(grants_table(grants)) == grants


def test_a_consumer_listed_on_several_repositories_is_one_entry() -> None:
    grants = grants_json(args())
    assert grants["api"][1] is grants["worker"][1]
    assert grants["api"][0] is grants["worker"][0]  # the registry-wide consumer
    assert grants["api"][1]["principals"] == ["arn:aws:iam::123456789012:role/ecsTaskExecutionRole"]


def test_separate_equal_entries_are_one_consumer() -> None:
    grants: dict[str, list[dict[str, Any]]] = {"a": [{"x": 1}], "b": [{"x": 1}, {"y": [True, None, 1.5]}], "": []}
    table = grants_table(grants)
    assert table["consumers"] == [{"x": 1}, {"y": [True, None, 1.5]}]
    assert table["repositories"] == {"a": 0, "b": 1, "": 2}
    assert expand_grants(grants_text(grants)) == grants


def test_the_table_grows_with_distinct_consumers_not_with_repositories_times_consumers() -> None:
    consumers = [{"kind": "account", "account_id": f"{100000000000 + i}", "access": "pull"} for i in range(200)]
    grants = {f"service-{n:04}": consumers for n in range(1000)}
    assert len(grants_text(grants)) * 100 < len(to_json(grants))


def test_grants_exported_as_a_tree_by_earlier_registries_still_read() -> None:
    tree = {"api": [{"kind": "account", "account_id": "210987654321"}], "internal": []}
    assert expand_grants(to_json(tree)) == tree
    assert expand_grants(tree) == tree


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[1, 2]",
        42,
        None,
        {"api": "not a list"},
        {"consumers": [{"x": 1}], "consumer_lists": [[1]], "repositories": {"a": 0}},  # no consumer 1
        {"consumers": [{"x": 1}], "consumer_lists": [[-1]], "repositories": {"a": 0}},  # no negative positions
        {"consumers": [{"x": 1}], "consumer_lists": [[0]], "repositories": {"a": True}},  # no boolean positions
        {"consumers": [{"x": 1}], "consumer_lists": [[0]], "repositories": {"a": 1}},  # no list 1
        {"consumers": {"x": 1}, "consumer_lists": [[0]], "repositories": {"a": 0}},
        {"consumers": [{"x": 1}], "consumer_lists": [0], "repositories": {"a": 0}},
        {"consumers": [1, "x"], "consumer_lists": [[0, 1]], "repositories": {"a": 0}},  # consumers are mappings
        {"api": [1, "x"]},
        "[" * 100_000 + "]" * 100_000,  # JSON nested deeper than the parser goes
    ],
)
def test_anything_else_is_not_read_as_grants(value: Any) -> None:
    assert expand_grants(value) is None


ENTRIES = st.dictionaries(
    st.sampled_from(["kind", "account_id", "access", "description"]),
    st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none(), st.lists(st.text(max_size=3), max_size=2)),
    max_size=3,
)


@given(st.dictionaries(st.text(max_size=6), st.lists(ENTRIES, max_size=4), max_size=6))
def test_any_grants_round_trip_through_the_table(grants: dict[str, list[dict[str, Any]]]) -> None:
    text = grants_text(grants)
    assert text == to_json(json.loads(text))
    assert expand_grants(text) == grants


def test_a_table_with_more_keys_still_reads() -> None:
    table = {**grants_table({"a": [{"x": 1}]}), "version": 2}
    assert expand_grants(table) == {"a": [{"x": 1}]}


def test_each_repository_gets_a_list_of_its_own() -> None:
    shared = [{"x": 1}]
    for value in (grants_text({"a": shared, "b": shared}), {"a": shared, "b": shared}):
        grants = expand_grants(value)
        assert grants is not None
        grants["a"].append({"y": 2})
        assert grants["b"] == [{"x": 1}] and shared == [{"x": 1}]


def test_expand_grants_is_importable_from_the_package() -> None:
    import ecr_shared_services

    assert ecr_shared_services.expand_grants is expand_grants
