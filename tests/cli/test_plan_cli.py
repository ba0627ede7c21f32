"""`shared-registry plan`: output, formats and exit codes."""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from example_project import copy_project, replace

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
    assert "=== stack checkout (account 210987654321, us-east-1): FAILS" in proc.stdout
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
    assert "Pulumi.dev.yaml: no aws:allowedAccountIds" in err
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


def remove_stack_configs(project: Path) -> None:
    for path in (project / "stacks").glob("Pulumi.*.yaml"):
        path.unlink()


def directory_for_config(project: Path) -> None:
    (project / "stacks" / "Pulumi.payments.yaml").unlink()
    (project / "stacks" / "Pulumi.payments.yaml").mkdir()


REGISTRY = "stacks/Pulumi.registry.yaml"
PAYMENTS = "stacks/Pulumi.payments.yaml"
CHECKOUT = "stacks/Pulumi.checkout.yaml"

# (what is wrong, how to make it so, the file the message names, what the message says)
BAD_INPUTS: list[tuple[str, Callable[[Path], object], str, str]] = [
    (
        "Pulumi.yaml is not YAML",
        lambda p: (p / "Pulumi.yaml").write_text("name: [ecr\nmain: stacks/\n"),
        "Pulumi.yaml",
        "is not valid YAML: ",
    ),
    (
        "a stack config is not YAML",
        lambda p: (p / PAYMENTS).write_text("config:\n  ecr:stackRole: [application\n"),
        "Pulumi.payments.yaml",
        "is not valid YAML: ",
    ),
    ("Pulumi.yaml is a list", lambda p: (p / "Pulumi.yaml").write_text("- name: ecr\n"), "Pulumi.yaml", "found a list"),
    (
        "Pulumi.yaml has no name",
        lambda p: replace(p / "Pulumi.yaml", "name: ecr-shared-services\n", ""),
        "Pulumi.yaml",
        "the project needs a `name`",
    ),
    (
        "config is a list",
        lambda p: (p / PAYMENTS).write_text("config:\n  - ecr:stackRole\n"),
        "Pulumi.payments.yaml",
        "`config` must be a mapping, found a list",
    ),
    (
        "binary junk for a stack config",
        lambda p: (p / PAYMENTS).write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe"),
        "Pulumi.payments.yaml",
        "is not UTF-8 text",
    ),
    (
        "control characters in a stack config",
        lambda p: (p / PAYMENTS).write_bytes(b"config:\x00\x01\x02"),
        "Pulumi.payments.yaml",
        "is not valid YAML",
    ),
    ("a directory for a stack config", directory_for_config, "Pulumi.payments.yaml", "is a directory"),
    (
        "a mistyped stackConfigDir",
        lambda p: replace(p / "Pulumi.yaml", "stackConfigDir: stacks", "stackConfigDir: stakcs"),
        "Pulumi.yaml",
        "stakcs' is not a directory, so there are no stack configs to plan",
    ),
    ("no stack configs", remove_stack_configs, "stacks", "no stack configs here (looked for Pulumi.<stack>.yaml)"),
    (
        "allowedAccountIds as a string",
        lambda p: replace(p / REGISTRY, '["987654321098"]', '"987654321098"'),
        "Pulumi.registry.yaml",
        "aws:allowedAccountIds must be a list of account IDs, found a string '987654321098'",
    ),
    (
        "a typo'd spec key",
        lambda p: replace(p / REGISTRY, "consumers:", "consumer:"),
        "Pulumi.registry.yaml",
        "stack registry has bad input: SharedRegistryArgs: 1 invalid value: - ESS002 repositories[0].consumer = ",
    ),
    (
        "an 11-digit account",
        lambda p: replace(p / REGISTRY, 'account_id: "123456789012"', 'account_id: "12345678901"'),
        "Pulumi.registry.yaml",
        "'12345678901'",
    ),
    (
        "an upper-case repository name",
        lambda p: replace(p / REGISTRY, "- name: payment-service", "- name: Payment-Service"),
        "Pulumi.registry.yaml",
        "'Payment-Service'",
    ),
    (
        "a typo'd registryStack",
        lambda p: replace(p / CHECKOUT, "acme/ecr-shared-services/registry", "acme/ecr-shared-services/registri"),
        "Pulumi.checkout.yaml",
        "did you mean 'acme/ecr-shared-services/registry'?",
    ),
    (
        "a misspelt config key",
        lambda p: replace(p / CHECKOUT, "ecr:repositories:", "ecr:repositorys:"),
        "Pulumi.checkout.yaml",
        "the config has 'ecr:repositorys': did you mean that?",
    ),
]


@pytest.mark.parametrize(("break_it", "file", "says"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, break_it: Callable[[Path], None], file: str, says: str
) -> None:
    project = copy_project(tmp_path)
    break_it(project)
    proc = subprocess.run(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(project)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert file in line and says in line
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "plans cleanly" not in proc.stdout


def test_applications_of_a_failed_registry_say_so(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    replace(project / REGISTRY, 'account_id: "123456789012"', 'account_id: "12345678901"')
    proc = subprocess.run(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(project), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # The registry's config is refused: bad input, whatever follows from it.
    assert proc.returncode == 2
    stacks = {s["stack"]: s for s in json.loads(proc.stdout)["stacks"]}
    assert stacks["registry"]["error"]["kind"] == "bad-input"
    for name in ("checkout", "payments"):
        error = stacks[name]["error"]
        assert (error["type"], error["kind"]) == ("FailedStackReference", "blocked")
        assert "stack 'ecr-shared-services/registry' failed above" in error["message"]
        assert "planned: []" not in error["message"]
