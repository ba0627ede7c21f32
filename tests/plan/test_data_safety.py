"""The plan warns about repositories that would lose their images: not retained on delete, or force_delete.

ECR refuses to delete a repository that holds images unless `force` is set
(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html); Pulumi's
`retain_on_delete` keeps the repository when the resource is removed from the program.
"""

from __future__ import annotations

import json
from pathlib import Path

from example_project import copy_project, replace, run_plan

from ecr_shared_services.plan.data_safety import deletion_warnings
from ecr_shared_services.plan.registration import Registration

REPOSITORY = "aws:ecr/repository:Repository"


def _repository(name: str, *, retain: bool, force: bool) -> Registration:
    inputs = {"name": name, "forceDelete": force}
    return Registration(f"urn::{name}", REPOSITORY, name, "", True, inputs, {}, "", retain_on_delete=retain)


def test_only_the_unsafe_settings_are_named() -> None:
    warnings = deletion_warnings(
        [
            _repository("kept", retain=True, force=False),
            _repository("dropped", retain=False, force=False),
            _repository("forced", retain=True, force=True),
        ]
    )
    assert len(warnings) == 2
    assert "'dropped' is not retained on delete" in warnings[0]
    assert "'forced' has force_delete: true" in warnings[1]


def test_the_plan_shows_them_and_still_passes(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    replace(
        project / "stacks" / "Pulumi.registry.yaml",
        "    defaults:\n",
        "    defaults:\n      retain_on_delete: false\n      force_delete: true\n",
    )
    proc = run_plan(str(project), "--stack", "registry", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [registry] = [s for s in json.loads(proc.stdout)["stacks"] if s["stack"] == "registry"]
    joined = "\n".join(registry["warnings"])
    for name in ("payment-service", "checkout-api", "base-images/python"):
        assert f"{name!r} is not retained on delete" in joined
        assert f"{name!r} has force_delete: true" in joined
    text = run_plan(str(project), "--stack", "registry")
    assert "WARNING: repository 'payment-service' is not retained on delete" in text.stdout
