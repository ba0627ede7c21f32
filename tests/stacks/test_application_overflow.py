"""The example application stack with more repositories than one inline policy holds: its role gets managed
parts, planned from the configured names (the registry's partition, region and account are known only once its
outputs resolve), and the grant check reads the same documents the role gets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.application import application_run, registry_outputs
from ecr_shared_services.plan.mock_runtime import program_error
from ecr_shared_services.policy.sizing import MANAGED_POLICY, ROLE_INLINE_POLICIES, measure

PULLS = 400


@pytest.fixture(scope="module")
def outputs() -> dict[str, Any]:
    return registry_outputs(PULLS, 1)


def test_an_application_pulling_many_repositories_gets_managed_parts_checked_against_the_registry(
    outputs: dict[str, Any],
) -> None:
    run = application_run(outputs, pulls=PULLS)
    inline = run.by_name("puller-ecr", "aws:iam/rolePolicy:RolePolicy")
    parts = run.of_type("aws:iam/policy:Policy")
    assert parts and len(run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) == len(parts)
    # IAM quotas ("IAM and AWS STS quotas"): inline policies 10,240 per role, a managed policy 6,144.
    assert measure(inline.inputs["policy"], ROLE_INLINE_POLICIES) <= ROLE_INLINE_POLICIES.limit
    assert all(measure(p.inputs["policy"], MANAGED_POLICY) <= MANAGED_POLICY.limit for p in parts)
    named: set[str] = set()
    for text in [inline.inputs["policy"], *(p.inputs["policy"] for p in parts)]:
        for statement in json.loads(text)["Statement"]:
            if statement["Action"] != "ecr:GetAuthorizationToken":
                resources = statement["Resource"]
                named.update([resources] if isinstance(resources, str) else resources)
    assert named == {repository["arn"] for repository in outputs["repositories"].values()}


def test_a_grant_missing_for_a_repository_of_a_managed_part_fails_the_preview(outputs: dict[str, Any]) -> None:
    last = sorted(outputs["repositories"])[-1]  # sorted last: named in the last managed part
    policies = dict(outputs["repositoryPolicies"])
    policies[last] = policies[last].replace("100000000000", "100000000009")
    with pytest.raises(Exception) as caught:
        application_run({**outputs, "repositoryPolicies": policies}, pulls=PULLS)
    message = str(program_error(caught.value))
    assert "1 of the requested repositories cannot be pulled" in message and last in message
