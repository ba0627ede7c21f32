"""Copies of this repository's example project for the plan's tests to break, and the plan run on them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(tmp_path: Path, name: str = "project") -> Path:
    """Pulumi.yaml and stacks/ of the example project, in `tmp_path / name`."""
    project = tmp_path / name
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", project / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return project


def replace(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file, which must be there."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def run_plan(*args: str) -> subprocess.CompletedProcess[str]:
    """`shared-registry plan ARGS` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
