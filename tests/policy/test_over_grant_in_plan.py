"""The over-grant the old Lambda rendering made, through the whole plan: a role of the checkout account that
the registry does not name is refused by the application's pre-deploy check, shown as denied by the
repository policy in the access matrix, and explained as such by `explain` from the stacks' outputs.

Cross-account pulls need both sides to allow:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from ecr_shared_services.cli import main
from ecr_shared_services.plan.access_matrix import access_matrix
from ecr_shared_services.plan.inventory import PULLERS
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.runner import ProjectPlan, plan_project

ROOT = Path(__file__).resolve().parents[2]
OTHER_ROLE = "arn:aws:iam::210987654321:role/someOtherRole"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> ProjectPlan:
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    stacks = project / "stacks"
    shutil.copytree(ROOT / "stacks", stacks, ignore=shutil.ignore_patterns("__pycache__", "Pulumi.*.yaml"))
    for name in ("registry", "checkout"):
        shutil.copy(ROOT / "stacks" / f"Pulumi.{name}.yaml", stacks / f"Pulumi.{name}.yaml")
    # The repro: the checkout stack's role renamed to one the registry does not name.
    checkout = yaml.safe_load((stacks / "Pulumi.checkout.yaml").read_text())
    checkout["config"]["ecr:role"]["role_name"] = "someOtherRole"
    (stacks / "Pulumi.checkout.yaml").write_text(yaml.safe_dump(checkout))
    # The same role, existing, asking only for what its organization is granted: it plans, so the matrix shows it.
    other = {
        "config": {
            "ecr:stackRole": "application",
            "aws:region": "us-east-1",
            "aws:allowedAccountIds": ["210987654321"],
            "ecr:registryStack": "acme/ecr-shared-services/registry",
            "ecr:repositories": ["base-images/python"],
            "ecr:organizationId": "o-a1b2c3d4e5",
            "ecr:role": {"existing": True, "role_name": "someOtherRole"},
        }
    }
    (stacks / "Pulumi.other.yaml").write_text(yaml.safe_dump(other))
    return plan_project(project)


def test_the_pre_deploy_check_refuses_a_role_the_registry_does_not_name(plan: ProjectPlan) -> None:
    checkout = plan.stack("checkout")
    assert not checkout.ok and checkout.error is not None
    assert checkout.error["type"] == "AccessNotGrantedError"
    message = checkout.error["message"]
    assert message.startswith("2 of the requested repositories cannot be pulled by this role:")
    assert (
        f"User: {OTHER_ROLE} is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api because no resource-based policy allows"
    ) in message
    assert not checkout.of_type("aws:iam/role:Role")


def _with_checkout_api(policy_text: str) -> str:
    """The role's identity policy allowing checkout-api too (as a broad existing policy would)."""
    policy = json.loads(policy_text)
    policy["Statement"][1]["Resource"] = "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api"
    return json.dumps(policy)


def _widened(registration: Registration) -> Registration:
    """The puller's registered identity policy widened to checkout-api; every other registration as it is."""
    if registration.type not in PULLERS:
        return registration
    policy = _with_checkout_api(registration.outputs["policy"])
    return replace(registration, outputs={**registration.outputs, "policy": policy})


def test_the_matrix_shows_the_unnamed_role_denied_by_the_repository_policy(plan: ProjectPlan) -> None:
    cells = {c.repository: c for c in access_matrix(plan) if c.stack == "other"}
    assert cells["base-images/python"].decision == "allow" and cells["base-images/python"].requested
    assert cells["checkout-api"].role_arn == OTHER_ROLE
    assert (cells["checkout-api"].decision, cells["checkout-api"].denied_by) == ("deny", "identity")
    # Even with its own identity policy allowing checkout-api, the repository policy refuses it: the Lambda
    # consumer on checkout-api names its deployer role, not the account.
    widened = [
        replace(s, resources=tuple(_widened(r) for r in s.resources)) if s.stack == "other" else s for s in plan.stacks
    ]
    cells = {c.repository: c for c in access_matrix(replace(plan, stacks=tuple(widened))) if c.stack == "other"}
    assert (cells["checkout-api"].decision, cells["checkout-api"].denied_by) == ("deny", "resource")


def test_explain_names_the_repository_policy_as_the_side_that_refuses(
    plan: ProjectPlan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry, other = tmp_path / "registry.json", tmp_path / "other.json"
    registry.write_text(json.dumps(plan.stack("registry").outputs))
    outputs = plan.stack("other").outputs
    # The unnamed role with an identity policy that allows checkout-api: only the repository side is left.
    other.write_text(json.dumps({**outputs, "rolePolicy": _with_checkout_api(outputs["rolePolicy"])}))
    code = main(
        [
            "explain",
            "--registry-outputs",
            str(registry),
            "--application-outputs",
            str(other),
            "--repository",
            "checkout-api",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"User: {OTHER_ROLE} is not authorized to perform: ecr:BatchGetImage" in out
    assert "because no resource-based policy allows the ecr:BatchGetImage action" in out
