"""Within one parse, equal consumers are validated once: the repositories that list them share one spec, and
what the parse accepts, rejects and reports is what validating each one would give."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ecr_shared_services.errors import SpecError
from ecr_shared_services.spec.consumers import RoleConsumer
from ecr_shared_services.spec.registry import SharedRegistryArgs

ROLE: dict[str, Any] = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}
ACCOUNT: dict[str, Any] = {"kind": "account", "account_id": "210987654321", "description": "the data team"}


def registry(*consumer_lists: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "region": "us-east-1",
        "repositories": [{"name": f"r{i}", "consumers": consumers} for i, consumers in enumerate(consumer_lists)],
    }


def test_equal_consumers_of_repositories_are_one_spec() -> None:
    # Equal, not identical: every dict its own object, as parsed from YAML.
    args = SharedRegistryArgs.parse(registry([copy.deepcopy(ROLE), copy.deepcopy(ACCOUNT)], [copy.deepcopy(ROLE)]))
    first, second = args.repositories[0].consumers, args.repositories[1].consumers
    assert second[0] is first[0]
    assert first[0] == RoleConsumer(**ROLE)
    assert first[1].model_dump(exclude_unset=True) == ACCOUNT
    # Each repository keeps a list of its own.
    assert first is not second


def test_a_shared_list_object_gives_the_same_specs_as_equal_lists() -> None:
    shared = [ROLE, ACCOUNT]
    once = SharedRegistryArgs.parse(registry(shared, shared, shared))
    equal = SharedRegistryArgs.parse(registry(*(copy.deepcopy(shared) for _ in range(3))))
    assert once == equal
    assert once.repositories[2].consumers[1] is once.repositories[0].consumers[1]


def test_parses_do_not_share_specs() -> None:
    one, two = (SharedRegistryArgs.parse(registry([ROLE])) for _ in range(2))
    assert one == two and one.repositories[0].consumers[0] is not two.repositories[0].consumers[0]


def test_values_of_other_types_are_never_taken_for_equal_ones() -> None:
    # `description` is a string: True and 1 would be accepted by neither, and never stand for "1".
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry([{**ACCOUNT, "description": "1"}], [{**ACCOUNT, "description": 1}]))
    assert [v.field for v in caught.value.violations] == ["repositories[1].consumers[0].description"]


def test_an_error_in_a_later_repository_is_reported_at_its_own_path() -> None:
    bad = {**ROLE, "account_id": "12345"}
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry([ROLE, ACCOUNT], [ACCOUNT, ROLE, bad], [bad]))
    assert [(v.field, v.code) for v in caught.value.violations] == [
        ("repositories[1].consumers[2].account_id", "ESS101"),
        ("repositories[2].consumers[0].account_id", "ESS101"),
    ]


def test_values_that_are_not_plain_data_are_validated_as_given() -> None:
    # A role ARN that is not a string yet (a pulumi Output in a program) is checked when it resolves.
    pending = object()
    consumer = {"kind": "role", "role_arns": [pending]}
    args = SharedRegistryArgs.parse(registry([consumer], [consumer]))
    first, second = (repo.consumers[0] for repo in args.repositories)
    assert first is not second and first.role_arns == second.role_arns == [pending]


def test_the_constructor_shares_equal_consumers_too() -> None:
    args = SharedRegistryArgs(**registry([copy.deepcopy(ROLE)], [copy.deepcopy(ROLE)]))
    assert args.repositories[1].consumers[0] is args.repositories[0].consumers[0]
    assert args == SharedRegistryArgs.parse(registry([ROLE], [ROLE]))
