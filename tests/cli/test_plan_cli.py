"""`shared-registry plan`: output, formats and exit codes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecr_shared_services.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_plan_text_shows_every_stack_resource_and_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "=== stack registry (registry, account 987654321098, us-east-1): ok" in out
    assert "creates aws:ecr/repository:Repository  shared-payment-service [retained on delete]" in out
    assert "reads   pulumi:pulumi:StackReference  acme/ecr-shared-services/registry" in out
    assert '"aws:PrincipalOrgID": "o-a1b2c3d4e5"' in out
    assert '"ecr:GetAuthorizationToken"' in out
    assert out.rstrip().endswith("Every stack plans cleanly: each application is granted every repository it pulls.")


def test_plan_json_is_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(ROOT), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    registry = data["stacks"][0]
    assert registry["stack"] == "registry"
    policies = [
        r["policies"] for r in registry["resources"] if r["type"] == "aws:ecr/repositoryPolicy:RepositoryPolicy"
    ]
    assert len(policies) == 3
    assert all(p["policy"]["Version"] == "2012-10-17" for p in policies)


def test_plan_exits_1_when_a_stack_would_fail(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    config = tmp_path / "stacks" / "Pulumi.checkout.yaml"
    config.write_text(
        config.read_text().replace("[checkout-api, payment-service]", "[checkout-api, base-images/python]")
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "=== stack checkout (application, account 210987654321, us-east-1): FAILS" in proc.stdout
    assert "ERROR (AccessNotGrantedError)" in proc.stdout
    assert proc.stdout.rstrip().endswith("1 stack(s) would fail: checkout")


def test_plan_exits_2_for_a_directory_without_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(tmp_path)]) == 2
    assert "no Pulumi.yaml here" in capsys.readouterr().err


def test_plan_exits_2_when_a_stack_has_no_pinned_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nmain: stacks/\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  ecr:stackRole: registry\n  aws:region: us-east-1\n"
    )
    assert main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.dev.yaml: aws:allowedAccountIds" in err
    assert 'add `aws:allowedAccountIds: ["123456789012"]`' in err


def test_plan_shows_the_access_matrix_of_every_role_and_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(ROOT), "--format", "json"]) == 0
    cells = {(c["stack"], c["repository"]): c for c in json.loads(capsys.readouterr().out)["access"]}
    assert len(cells) == 15  # five application roles x three repositories
    seed = cells[("payments", "payment-service")]
    assert (seed["decision"], seed["requested"]) == ("allow", True)
    assert seed["role_arn"] == "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    # The organization-wide base image: the payments account names its organization, checkout does not ask.
    assert cells[("payments", "base-images/python")]["decision"] == "allow"
    not_asked = cells[("checkout", "base-images/python")]
    assert (not_asked["decision"], not_asked["denied_by"], not_asked["requested"]) == ("deny", "identity", False)
    # The payments role is not granted checkout-api by the registry either; the identity side refuses first.
    assert cells[("payments", "checkout-api")]["denied_by"] == "identity"
