"""The registry's `grants` export is written entry by entry, and is exactly `to_json` of the grants tree."""

from __future__ import annotations

import copy
import json
from typing import Any

from ecr_shared_services.policy.grants import grants_json, grants_text
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


def test_grants_text_is_to_json_of_the_grants() -> None:
    grants = grants_json(args())
    text = grants_text(grants)
    assert text == to_json(grants)
    assert json.loads(text)["internal"] == [] and "数据" in text


def test_a_consumer_listed_on_several_repositories_is_one_entry() -> None:
    grants = grants_json(args())
    assert grants["api"][1] is grants["worker"][1]
    assert grants["api"][0] is grants["worker"][0]  # the registry-wide consumer
    assert grants["api"][1]["principals"] == ["arn:aws:iam::123456789012:role/ecsTaskExecutionRole"]


def test_grants_text_of_separate_equal_entries() -> None:
    grants: dict[str, list[dict[str, Any]]] = {"a": [{"x": 1}], "b": [{"x": 1}, {"y": [True, None, 1.5]}], "": []}
    assert grants_text(grants) == to_json(grants)
