"""Breaking each side of a copy of the example project, and what a change does against a baseline plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from example_project import ROOT, copy_project, replace, run_plan

from ecr_shared_services.plan.baseline import retention_note

SCHEMA = json.loads((ROOT / "docs" / "plan.schema.json").read_text())
REGISTRY, PAYMENTS, CHECKOUT = (
    "stacks/Pulumi.registry.yaml",
    "stacks/Pulumi.payments.yaml",
    "stacks/Pulumi.checkout.yaml",
)
PACK_CONFIG = ROOT / "policy-packs" / "ecr-guardrails" / "policy-config.example.json"
KMS_KEY = "arn:aws:kms:us-east-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def plan(project: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    proc = run_plan(str(project), "--format", "json", *args)
    data = json.loads(proc.stdout)
    jsonschema.validate(data, SCHEMA)
    return proc.returncode, data, proc.stderr


def test_the_registry_forgetting_an_account_fails_the_application_that_pulls(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    # payment-service no longer names the checkout account's role, which still pulls it.
    replace(
        project / REGISTRY,
        """          - kind: role
            account_id: "210987654321"
            role_names: [ecsTaskExecutionRole]
            description: Checkout team runs the payment service beside its own
""",
        "",
    )
    code, data, _ = plan(project)
    assert code == 1 and data["ok"] is False
    checkout = next(s for s in data["stacks"] if s["stack"] == "checkout")
    assert checkout["error"]["kind"] == "program-error"
    assert "payment-service" in checkout["error"]["message"]
    assert "1 stack(s) would fail: checkout" in data["verdict"]


def test_a_mandatory_guardrail_finding_fails_the_plan_naming_stack_resource_and_level(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    # The example pack config makes ecr-force-delete-off mandatory (the pack's default is advisory).
    replace(
        project / REGISTRY,
        "      tags:\n        owner: platform\n",
        "      tags:\n        owner: platform\n      force_delete: true\n",
    )
    code, data, _ = plan(project, "--policy-pack-config", str(PACK_CONFIG))
    assert code == 1
    found = [f for f in data["guardrails"]["findings"] if f["rule"] == "ecr-force-delete-off"]
    assert {(f["stack"], f["level"], f["resource_type"]) for f in found} == {
        ("registry", "mandatory", "aws:ecr/repository:Repository")
    }
    assert {f["resource"] for f in found} == {
        "shared-payment-service",
        "shared-checkout-api",
        "shared-base-images/python",
    }
    assert "mandatory guardrail finding" in data["verdict"]
    # Without the config the rule is advisory: reported, and the plan passes.
    code, data, _ = plan(project)
    assert code == 0
    assert {f["level"] for f in data["guardrails"]["findings"] if f["rule"] == "ecr-force-delete-off"} == {"advisory"}


def test_a_bad_policy_pack_config_is_bad_input(tmp_path: Path) -> None:
    config = tmp_path / "pack.json"
    config.write_text(json.dumps({"ecr-force-delete-of": "mandatory"}))
    proc = run_plan(str(ROOT), "--policy-pack-config", str(config))
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert "no rule 'ecr-force-delete-of' in the ecr-guardrails pack; did you mean 'ecr-force-delete-off'?" in line


CHECKOUT_ROLES_DESCRIPTION = (
    "            description: Checkout team's ECS tasks, and the node role of its EKS cluster (nodes pull for pods)\n"
)


def test_a_baseline_shows_pulls_gained_and_lost_and_repositories_replaced_or_deleted(tmp_path: Path) -> None:
    before = copy_project(tmp_path, "before")
    # The baseline also has a repository nobody pulls, which the change removes.
    replace(
        before / REGISTRY,
        "      - name: base-images/python\n",
        "      - name: legacy-tools\n        private: true\n      - name: base-images/python\n",
    )
    code, baseline, _ = plan(before)
    assert code == 0
    baseline_file = tmp_path / "baseline.json"
    baseline_file.write_text(json.dumps(baseline))

    after = copy_project(tmp_path, "after")
    # A pull gained: payments asks for checkout-api, and the registry grants it.
    replace(
        after / PAYMENTS, "[payment-service, base-images/python]", "[payment-service, base-images/python, checkout-api]"
    )
    replace(
        after / REGISTRY,
        CHECKOUT_ROLES_DESCRIPTION,
        CHECKOUT_ROLES_DESCRIPTION + "          - kind: role\n"
        '            account_id: "123456789012"\n'
        "            role_names: [ecsTaskExecutionRole]\n",
    )
    # A pull lost: checkout no longer asks for payment-service.
    replace(after / CHECKOUT, "[checkout-api, payment-service]", "[checkout-api]")
    replace(after / CHECKOUT, "[/ecs/checkout-api, /ecs/payment-service]", "[/ecs/checkout-api]")
    # A replacement: payment-service moves to a KMS key (encryption is fixed when a repository is created).
    replace(
        after / REGISTRY,
        "      - name: payment-service\n",
        f"      - name: payment-service\n        encryption: KMS\n        kms_key: {KMS_KEY}\n",
    )

    code, data, _ = plan(after, "--baseline", str(baseline_file))
    assert code == 1
    diff = data["diff"]
    payments_role, checkout_role = (
        f"arn:aws:iam::{a}:role/ecsTaskExecutionRole" for a in ("123456789012", "210987654321")
    )
    repository = "arn:aws:ecr:us-east-1:987654321098:repository/"
    assert diff["pulls_gained"] == [f"{payments_role} -> {repository}checkout-api"]
    assert diff["pulls_lost"] == [f"{checkout_role} -> {repository}payment-service"]
    assert any("checkout-api" in g and "123456789012" in g for g in diff["grants_added"])
    changes = {c["name"]: c for c in diff["repositories"]}
    assert set(changes) == {"payment-service", "legacy-tools"}
    assert changes["legacy-tools"]["change"] == "deleted"
    replaced = changes["payment-service"]
    assert replaced["change"] == "replaced" and list(replaced["differences"]) == ["encryptionConfigurations"]
    assert replaced["differences"]["encryptionConfigurations"][1] == [{"encryptionType": "KMS", "kmsKey": KMS_KEY}]
    assert "2 repository(ies) would be replaced or deleted" in data["verdict"]

    code, data, _ = plan(after, "--baseline", str(baseline_file), "--allow-replace")
    assert code == 0 and len(data["diff"]["repositories"]) == 2


def test_a_baseline_that_is_not_a_plan_is_bad_input(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"project": "x"}))
    proc = run_plan(str(ROOT), "--baseline", str(baseline))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "not a `plan --format json` of schema version 1" in proc.stderr


def test_a_pack_config_without_the_pack_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecr_shared_services.cli import main
    from ecr_shared_services.plan import guardrails

    # An installed library has no pack beside it: a config for it must not be silently ignored.
    monkeypatch.setattr(guardrails, "DEFAULT_PACK", tmp_path / "no-pack")
    assert main(["plan", str(ROOT), "--policy-pack-config", str(PACK_CONFIG)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "give its directory with --policy-pack DIR" in line


def test_a_retained_repository_replaced_under_its_own_name_stops_the_update() -> None:
    """Pulumi creates the replacement first, and ECR refuses a second repository of one name
    (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html)."""
    encryption = {"encryptionConfigurations": ([{"encryptionType": "AES256"}], [{"encryptionType": "KMS"}])}
    assert "cannot be created while the old repository" in retention_note("replaced", encryption, True)
    assert "stays in AWS, outside the stack" in retention_note("replaced", {"name": ("a", "b")}, True)
    assert "stays in AWS, outside the stack" in retention_note("deleted", {}, True)
    assert retention_note("replaced", encryption, False) == ""
