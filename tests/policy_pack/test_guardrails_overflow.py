"""The pack on a role whose repositories overflow into customer-managed policies: no mandatory finding for
what the component makes, and the quota rule still counts the attachments (IAM: 10 managed policies per role by
default, 20 at most; IAM User Guide, "IAM and AWS STS quotas")."""

from __future__ import annotations

from typing import Any

import pytest
from ecr_guardrails.model import Resource
from guardrail_runner import mandatory_findings

mock_runtime = pytest.importorskip("ecr_shared_services.plan.mock_runtime")
mocks = pytest.importorskip("ecr_shared_services.plan.mocks")
components = pytest.importorskip("ecr_shared_services")

APP = "123456789012"


def resources(count: int, **more: Any) -> list[Resource]:
    arns = [f"arn:aws:ecr:us-east-1:987654321098:repository/service-{i:04d}" for i in range(count)]

    def program() -> None:
        components.PullerRole(
            "puller",
            {"role_name": "ecsTaskExecutionRole", "account_id": APP, "repository_arns": arns, **more},
        )

    run = mock_runtime.run_under_mocks(program, mocks.AwsMocks(APP, "us-east-1"))
    assert run.error is None, run.traceback
    return [Resource(r.type, r.name, r.urn, {**r.outputs, **r.inputs}) for r in run.registrations if r.custom]


def test_an_overflowing_role_passes_every_mandatory_rule() -> None:
    found = resources(1_000)
    assert sum(r.type == "aws:iam/policy:Policy" for r in found) == 9
    assert mandatory_findings(found) == {}


def test_twenty_attachments_need_the_quota_said_to_the_pack_too() -> None:
    found = resources(2_100, max_managed_policies=20)
    assert sum(r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment" for r in found) == 20
    # The pack assumes IAM's default quota of 10 until told otherwise.
    assert list(mandatory_findings(found)) == ["iam-role-policy-quotas"]
    assert mandatory_findings(found, {"iam-role-policy-quotas": {"managedPoliciesPerRole": 20}}) == {}
