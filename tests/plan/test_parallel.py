"""Stacks run in parallel worker processes (`--jobs`), reported in the same order whatever finished first,
with progress on stderr once there are more than a handful."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "plan_fixtures"
APPLICATIONS = 5


def test_many_stacks_run_in_parallel_and_report_in_reference_order(tmp_path: Path) -> None:
    project = Path(
        shutil.copytree(FIXTURES / "two_stacks", tmp_path / "p", ignore=shutil.ignore_patterns("__pycache__"))
    )
    web = (project / "Pulumi.web.yaml").read_text()
    (project / "Pulumi.web.yaml").unlink()
    for n in range(APPLICATIONS):
        (project / f"Pulumi.app{n}.yaml").write_text(web)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ecr_shared_services.cli",
            "plan",
            str(project),
            "--format",
            "json",
            "--jobs",
            "3",
            "--progress",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    names = [s["stack"] for s in json.loads(proc.stdout)["stacks"]]
    # The registry they all read first, then the applications by name.
    assert names == ["registry", *(f"app{n}" for n in range(APPLICATIONS))]
    progress = [line for line in proc.stderr.splitlines() if line.startswith("plan: [")]
    assert len(progress) == APPLICATIONS + 1
    assert progress[-1].startswith(f"plan: [{APPLICATIONS + 1}/{APPLICATIONS + 1}] stack images/")
