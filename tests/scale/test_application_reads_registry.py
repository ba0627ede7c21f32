"""The example application stack reads only `repositories` and `repositoryPolicies` of the registry stack,
and checks its grants against the exact policy text it finds there."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.application import application_run, registry_outputs
from ecr_shared_services.plan.mock_runtime import program_error
from ecr_shared_services.policy.grants import expand_grants


@pytest.fixture(scope="module")
def outputs() -> dict[str, Any]:
    return registry_outputs(3, 2)


def test_the_registry_exports_grants_as_a_compact_json_table(outputs: dict[str, Any]) -> None:
    grants = outputs["grants"]
    assert isinstance(grants, str) and ", " not in grants and ": " not in grants
    table = json.loads(grants)
    # Every repository is shared with the same two accounts: one list of two consumers.
    assert table["repositories"] == {"service-0000": 0, "service-0001": 0, "service-0002": 0}
    assert [c["account_id"] for c in table["consumers"]] == ["100000000000", "100000000001"]
    assert sorted(expand_grants(grants) or {}) == ["service-0000", "service-0001", "service-0002"]


def test_the_application_needs_no_other_export(outputs: dict[str, Any]) -> None:
    only = {k: outputs[k] for k in ("repositories", "repositoryPolicies")}
    run = application_run(only, pulls=2)
    assert json.loads(run.outputs["rolePolicy"])["Statement"][1]["Resource"] == [
        "arn:aws:ecr:us-east-1:987654321098:repository/service-0000",
        "arn:aws:ecr:us-east-1:987654321098:repository/service-0001",
    ]


def test_a_missing_export_is_named(outputs: dict[str, Any]) -> None:
    without = {k: v for k, v in outputs.items() if k != "repositoryPolicies"}
    with pytest.raises(Exception) as caught:
        application_run(without)
    assert "Required output 'repositoryPolicies' does not exist on the registry stack" in str(
        program_error(caught.value)
    )


def test_the_grant_check_reads_the_policy_text(outputs: dict[str, Any]) -> None:
    """A repository policy that no longer names the application's account fails its preview."""
    policies = dict(outputs["repositoryPolicies"])
    policies["service-0000"] = policies["service-0000"].replace("100000000000", "100000000009")
    with pytest.raises(Exception) as caught:
        application_run({**outputs, "repositoryPolicies": policies})
    message = str(program_error(caught.value))
    assert "1 of the requested repositories cannot be pulled" in message and "service-0000" in message
