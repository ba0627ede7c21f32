"""The order stacks start in: a stack whose config names another stack of the plan starts after it (so its
first run is not wasted stopping at a reference to a stack not planned yet), the stacks others wait for
start first, and a hint that would hold back every stack is dropped. Hints only order the runs: the
references the programs make decide what reads what.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.plan import runner
from ecr_shared_services.plan.project import Project, StackConfig
from ecr_shared_services.plan.runner import _Schedule, config_hints, plan_project

FIXTURES = Path(__file__).resolve().parents[1] / "plan_fixtures"


def _project(configs: dict[str, dict[str, Any]]) -> Project:
    stacks = tuple(StackConfig(name, Path(f"Pulumi.{name}.yaml"), values) for name, values in configs.items())
    return Project("p", Path("."), Path("."), stacks)


def test_a_config_value_naming_a_planned_stack_is_a_hint_in_each_form_but_never_the_stack_itself() -> None:
    project = _project(
        {
            "registry": {"ecr:stackRole": "registry"},
            "a": {"x:ref": "registry", "x:other": "us-east-1"},
            "b": {"x:ref": "p/registry", "x:list": ["a"]},
            "c": {"x:ref": "acme/p/registry", "x:also": "a"},
            "d": {"x:ref": "acme/other/registry", "x:deep": "a/b/c/d"},
        }
    )
    hints = config_hints(project, [f"p/{n}" for n in ("registry", "a", "b", "c", "d")])
    assert hints["p/registry"] == frozenset()  # its own name
    assert hints["p/a"] == {"p/registry"}
    assert hints["p/b"] == {"p/registry"}  # a list is not a reference
    assert hints["p/c"] == {"p/registry", "p/a"}
    assert hints["p/d"] == frozenset()  # another project, and four parts


def _schedule(hints: dict[str, frozenset[str]], waiting: dict[str, str] | None = None) -> _Schedule:
    project = _project({name.split("/")[1]: {} for name in hints})
    pending = {f"p/{s.name}": s for s in project.stacks}
    return _Schedule(project, {}, pending, waiting=dict(waiting or {}), hints=hints)


def _names(stacks: list[StackConfig]) -> list[str]:
    return [s.name for s in stacks]


def test_hinted_stacks_wait_and_the_most_wanted_stack_goes_first() -> None:
    schedule = _schedule(
        {
            "p/app1": frozenset({"p/registry"}),
            "p/app2": frozenset({"p/registry"}),
            "p/base": frozenset(),
            "p/registry": frozenset(),
        }
    )
    assert _names(schedule.next_runs((), 1)) == ["registry"]
    assert _names(schedule.next_runs((), 2)) == ["registry", "base"]
    # Only the hinted stacks are left while the registry runs: the free worker waits for it.
    assert _names(schedule.next_runs(("p/registry", "p/base"), 2)) == []


def test_hints_in_a_circle_are_dropped_when_nothing_else_can_run() -> None:
    schedule = _schedule({"p/a": frozenset({"p/b"}), "p/b": frozenset({"p/a"})})
    assert _names(schedule.next_runs((), 2)) == ["a", "b"]
    assert _names(schedule.next_runs(("p/a",), 1)) == []


def test_a_stack_whose_config_names_the_stack_it_reads_runs_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Path(
        shutil.copytree(FIXTURES / "two_stacks", tmp_path / "p", ignore=shutil.ignore_patterns("__pycache__"))
    )
    started: list[str] = []
    real = runner.run_stack_reading

    def counting(*args: Any) -> Any:
        started.append(args[1].name)
        return real(*args)

    monkeypatch.setattr(runner, "run_stack_reading", counting)
    plan = plan_project(project, jobs=2)
    assert plan.ok
    assert sorted(started) == ["registry", "web"]  # web's config names the registry: no wasted first run
    assert [s.stack for s in plan.stacks] == ["registry", "web"]


def test_a_wrong_hint_only_orders_the_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Path(
        shutil.copytree(FIXTURES / "two_stacks", tmp_path / "p", ignore=shutil.ignore_patterns("__pycache__"))
    )
    # The registry's config now names web, which it does not read: web (which reads the registry) is held
    # back by its own hint, the registry by the wrong one; both start, and web waits for the registry.
    registry = project / "Pulumi.registry.yaml"
    registry.write_text(registry.read_text() + "  images:note: web\n")
    plan = plan_project(project, jobs=2)
    assert [s.stack for s in plan.stacks] == ["registry", "web"]
    assert plan.stack("web").ok
