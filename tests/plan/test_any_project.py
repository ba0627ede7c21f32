"""`shared-registry plan` on projects other than this repository's: components found wherever a program
registers them, stacks ordered by their StackReferences, references answered from files, subsets planned.

The fixtures (tests/plan_fixtures/) follow the README's "Using the components in your own program" and
set no `ecr:stackRole`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "plan_fixtures"


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["plan", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def cells(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["role_arn"].split(":")[4], c["repository"]): c for c in data["access"]}


def copy_fixture(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")))


def test_a_single_multi_account_program_plans_each_account_through_its_provider(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, data, _ = plan_json(capsys, str(FIXTURES / "single"))
    assert code == 0
    [stack] = data["stacks"]
    assert (stack["stack"], stack["kind"]) == ("prod", "registry + application")
    found = cells(data)
    assert set(found) == {(a, r) for a in ("222222222222", "333333333333") for r in ("api", "worker")}
    # Each PullerRole's role is in the account its explicit provider pins, not the stack's.
    assert found[("222222222222", "api")]["role_arn"] == "arn:aws:iam::222222222222:role/app-runner"
    assert found[("333333333333", "worker")]["repository_arn"] == "arn:aws:ecr:eu-west-1:111111111111:repository/worker"
    asked = [cell for key, cell in found.items() if key != ("222222222222", "worker")]
    assert all(cell["decision"] == "allow" and cell["requested"] for cell in asked)
    # Not asked for: the role's identity policy does not name the repository (IAM User Guide, "Policy evaluation
    # logic": without an identity-side allow a cross-account request is implicitly denied).
    unasked = found[("222222222222", "worker")]
    assert (unasked["decision"], unasked["denied_by"], unasked["requested"]) == ("deny", "identity", False)


def test_two_stacks_are_planned_in_the_order_their_references_need(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = plan_json(capsys, str(FIXTURES / "two_stacks"))
    assert code == 0
    assert [(s["stack"], s["kind"]) for s in data["stacks"]] == [("registry", "registry"), ("web", "application")]
    found = cells(data)
    assert found[("555555555555", "frontend")]["decision"] == "allow"
    assert found[("555555555555", "frontend")]["requested"] is True
    assert found[("555555555555", "backend")]["requested"] is False


def test_a_stack_is_planned_after_the_stack_it_reads_whatever_their_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_fixture(tmp_path, "two_stacks")
    # The registry renamed to sort after its reader: the order comes from the reference, not the names.
    (project / "Pulumi.registry.yaml").rename(project / "Pulumi.zregistry.yaml")
    web = project / "Pulumi.web.yaml"
    web.write_text(web.read_text().replace("registryStack: registry", "registryStack: images/zregistry"))
    code, data, _ = plan_json(capsys, str(project))
    assert code == 0
    assert [s["stack"] for s in data["stacks"]] == ["zregistry", "web"]


def test_stack_selects_a_subset_with_the_stacks_it_references(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = plan_json(capsys, str(FIXTURES / "two_stacks"), "--stack", "web")
    assert code == 0
    assert [s["stack"] for s in data["stacks"]] == ["registry", "web"]
    code, data, _ = plan_json(capsys, str(FIXTURES / "two_stacks"), "--stack", "registry")
    assert [s["stack"] for s in data["stacks"]] == ["registry"]


def test_stack_outputs_answer_a_reference_to_a_stack_outside_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "registry.json"
    arn = "arn:aws:ecr:us-west-2:444444444444:repository/frontend"
    outputs.write_text(json.dumps({"repositories": {"frontend": {"name": "frontend", "arn": arn, "url": "u"}}}))
    fixture = str(FIXTURES / "two_stacks")
    code, data, _ = plan_json(capsys, fixture, "--stack", "web", "--stack-outputs", f"acme/images/registry={outputs}")
    assert code == 0
    [web] = data["stacks"]
    assert web["stack"] == "web"
    assert data["given_outputs"] == ["images/registry"]
    role = next(r for r in web["resources"] if r["type"] == "aws:iam/rolePolicy:RolePolicy")
    assert arn in json.dumps(role["policies"])


def test_a_reference_to_a_stack_that_is_nowhere_names_it_and_the_stacks_that_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_fixture(tmp_path, "two_stacks")
    web = project / "Pulumi.web.yaml"
    web.write_text(web.read_text().replace("registryStack: registry", "registryStack: acme/images/staging"))
    code, data, err = plan_json(capsys, str(project))
    assert code == 2
    [line] = err.strip().splitlines()
    assert "Pulumi.web.yaml" in line
    assert "no stack 'images/staging' in this plan and no outputs given for it" in line
    assert "the stacks that exist are images/registry, images/web" in line
    assert data["stacks"][-1]["error"]["kind"] == "bad-input"


def test_stacks_that_read_each_other_are_a_cycle_named_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_fixture(tmp_path, "two_stacks")
    registry = project / "Pulumi.registry.yaml"
    registry.write_text(registry.read_text() + "  images:registryStack: web\n  images:pull: [frontend]\n")
    code, data, err = plan_json(capsys, str(project))
    assert code == 2
    assert all(s["error"]["kind"] == "reference-cycle" for s in data["stacks"])
    cycle = "stack references form a cycle: images/registry -> images/web -> images/registry"
    assert len(err.strip().splitlines()) == 2 and all(cycle in line for line in err.strip().splitlines())


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--stack", "prod"], "--stack prod: no such stack in project images; its stacks are registry, web"),
        (["--stack-outputs", "registry"], "--stack-outputs 'registry': write it as NAME=FILE"),
        (["--stack-outputs", "registry=/nonexistent/out.json"], "/nonexistent/out.json: cannot be read"),
    ],
)
def test_bad_plan_options_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    assert main(["plan", str(FIXTURES / "two_stacks"), *args]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert says in line and captured.out == ""


def test_a_project_without_any_repository_or_puller_is_not_a_clean_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: empty\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text('config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: ["1"]\n')
    (tmp_path / "__main__.py").write_text("import pulumi\npulumi.export('x', 1)\n")
    assert main(["plan", str(tmp_path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "Nothing to plan" in captured.err
    data = json.loads(captured.out)
    assert (data["ok"], data["exit_code"]) == (False, 2) and data["verdict"].startswith("Nothing to plan")
