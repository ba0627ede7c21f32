"""SharedRegistry under Pulumi's mocks hands its `encoding` and `account_id` to the repository policies."""

from __future__ import annotations

import json
from typing import Any

from ecr_shared_services import SharedRegistry
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks

REGISTRY = "987654321098"
ROLES = [
    {"kind": "role", "account_id": f"{100000000000 + i}", "role_names": ["ecsTaskExecutionRole"]} for i in range(600)
]


def _run(**extra: Any) -> MockRun:
    spec = {"region": "us-east-1", "repositories": [{"name": "payment-service", "consumers": ROLES}], **extra}
    return run_under_mocks(lambda: SharedRegistry("shared", spec), AwsMocks(REGISTRY, "us-east-1"))  # type: ignore[arg-type]


def test_six_hundred_accounts_deploy_with_the_registry_account_set() -> None:
    result = _run(account_id=REGISTRY)
    assert result.error is None
    policy = json.loads(result.by_name("shared-payment-service-policy").inputs["policy"])
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"AWS": "*"}
    assert len(statement["Condition"]["StringEquals"]["aws:PrincipalAccount"]) == 600


def test_a_pinned_plain_encoding_is_refused_before_anything_is_registered() -> None:
    result = _run(account_id=REGISTRY, encoding="plain")
    assert isinstance(result.error, PolicySizeError)
    assert result.registrations == []


def test_without_the_registry_account_the_compact_roots_do_not_reach_six_hundred() -> None:
    """Principal * is written only when the registry account is known (policy/encodings.py says why)."""
    result = _run()
    assert isinstance(result.error, PolicySizeError)
    assert "set the registry's account_id" in str(result.error)
