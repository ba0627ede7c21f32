"""Plan a whole project offline: the registry stacks first, then the applications reading their outputs."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecr_shared_services.plan.project import Project, StackConfig, load_project
from ecr_shared_services.plan.registration import Registration

ORGANIZATION = "organization"
WORKER_DEADLINE_SECONDS = 120


@dataclass(frozen=True)
class StackPlan:
    """What one stack would create and export, or the error that stops its preview."""

    stack: str
    role: str
    account_id: str
    region: str
    resources: tuple[Registration, ...]
    outputs: dict[str, Any]
    error: dict[str, str] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_token]


@dataclass(frozen=True)
class ProjectPlan:
    project: str
    stacks: tuple[StackPlan, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.stacks)

    def stack(self, name: str) -> StackPlan:
        return next(s for s in self.stacks if s.stack == name)


def run_stack(
    project: Project,
    stack: StackConfig,
    stack_outputs: dict[str, dict[str, Any]],
    organization: str = ORGANIZATION,
    deadline_seconds: float = WORKER_DEADLINE_SECONDS,
) -> StackPlan:
    """Run one stack's real program in a fresh process under the mock runtime."""
    request = {
        "project": project.name,
        "stack": stack.name,
        "main": str(project.main),
        "config": stack.engine_config(),
        "account_id": stack.account_id,
        "region": stack.region,
        "stack_outputs": stack_outputs,
        "organization": organization,
        "deadline_seconds": deadline_seconds,
    }
    stalled: list[str] = []
    result: dict[str, Any] | None = None
    # A stalled run is run once more rather than failing the plan; each stalled run's thread dump stays in
    # the report as a warning, so a stall is never hidden.
    for _attempt in range(2):
        result, failure = _run_worker(project, request, deadline_seconds)
        if result is not None:
            break
        stalled.append(failure)
    if result is None:
        error = {"type": "WorkerFailed", "message": f"the program of stack {stack.name} did not finish: {stalled[-1]}"}
        return StackPlan(stack.name, stack.role, stack.account_id, stack.region, (), {}, error, stack.values)
    resources = tuple(
        Registration(**{**r, "aliases": tuple(r["aliases"])})
        for r in sorted(result["resources"], key=lambda r: (r["name"], r["type"]))
    )
    warnings = tuple(f"a first run of the program stalled and was run again: {failure}" for failure in stalled)
    return StackPlan(
        stack.name,
        stack.role,
        stack.account_id,
        stack.region,
        resources,
        result["outputs"],
        result["error"],
        stack.values,
        warnings,
    )


def _run_worker(
    project: Project, request: dict[str, Any], deadline_seconds: float
) -> tuple[dict[str, Any] | None, str]:
    """The worker's result, or None and what it printed when it did not finish."""
    with tempfile.TemporaryDirectory() as tmp:
        request_path, result_path = Path(tmp, "request.json"), Path(tmp, "result.json")
        request_path.write_text(json.dumps(request))
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "ecr_shared_services.plan.worker", str(request_path), str(result_path)],
                capture_output=True,
                text=True,
                timeout=deadline_seconds + 30,
                cwd=project.directory,
                check=False,
            )
            stderr, code = proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as expired:
            stderr, code = str(expired.stderr or ""), -1
        if not result_path.exists():
            return None, f"(exit {code}) {stderr.strip()[-6000:]}"
        result: dict[str, Any] = json.loads(result_path.read_text())
        return result, ""


def plan_project(
    directory: Path, organization: str = ORGANIZATION, deadline_seconds: float = WORKER_DEADLINE_SECONDS
) -> ProjectPlan:
    """Run every stack of the project: registries first, then applications with their references answered."""
    project = load_project(directory)
    ordered = sorted(project.stacks, key=lambda s: (s.role != "registry", s.name))
    outputs: dict[str, dict[str, Any]] = {}
    plans = []
    for stack in ordered:
        plan = run_stack(project, stack, outputs, organization, deadline_seconds)
        if plan.ok:
            outputs[f"{project.name}/{stack.name}"] = plan.outputs
        plans.append(plan)
    return ProjectPlan(project.name, tuple(plans))
