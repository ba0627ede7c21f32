"""The plan-of-fleets benchmark (bench/plan_fleets.py): its fleet spec, the project it writes, a small fleet
planned by the real CLI, and the growth exponent. Only correctness is asserted: the figures are for bench/."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest

from bench.plan_fleets import Fleet, FleetResult, PlanRun, growth, plan_fleet, table, write_fleet


def test_a_fleet_is_read_from_its_spec_and_refused_when_it_cannot_exist() -> None:
    fleet = Fleet.parse("100x50:50x100")
    assert fleet == Fleet(100, 50, 50, 100)
    assert fleet.size == 100 * 50 + 50 * 100
    for bad in ("100x50", "100x50:60x10", "10x5:5x11", "0x5:1x1", "ax5:1x1"):
        with pytest.raises(argparse.ArgumentTypeError):
            Fleet.parse(bad)


def test_the_written_project_has_the_registry_and_each_application(tmp_path: Path) -> None:
    project = write_fleet(Fleet(3, 2, 2, 2), tmp_path / "fleet")
    stacks = project / "stacks"
    assert sorted(p.name for p in stacks.glob("Pulumi.*.yaml")) == [
        "Pulumi.app-000.yaml",
        "Pulumi.app-001.yaml",
        "Pulumi.registry.yaml",
    ]
    registry = json.loads((stacks / "Pulumi.registry.yaml").read_text())["config"]["ecr:registry"]
    assert [len(r["consumers"]) for r in registry["repositories"]] == [2, 2, 2]
    app = json.loads((stacks / "Pulumi.app-001.yaml").read_text())["config"]
    assert app["ecr:repositories"] == ["service-0000", "service-0001"]
    assert app["aws:allowedAccountIds"] == ["100000000001"]


def test_a_small_fleet_plans_with_exit_0_and_its_figures() -> None:
    result = plan_fleet(Fleet(3, 2, 2, 3))
    [run] = result.runs
    assert run.ok, run.stderr_tail
    assert run.seconds > 0 and run.cpu_seconds > 0 and run.peak_mib > 10


def _result(fleet: Fleet, seconds: float, code: int = 0) -> FleetResult:
    return FleetResult(fleet, (PlanRun(code, seconds, seconds * 1.5, 100.0),))


def test_the_growth_exponent_compares_consecutive_fleets_that_planned() -> None:
    small, large = Fleet(10, 5, 5, 10), Fleet(100, 50, 50, 100)
    exponent = growth(_result(small, 2.0), _result(large, 20.0))
    assert exponent is not None
    assert math.isclose(exponent, math.log(10) / math.log(large.size / small.size))
    assert growth(_result(small, 2.0), _result(large, 20.0, code=1)) is None
    rows = table([_result(small, 2.0), _result(large, 20.0, code=1)])
    assert "failed (exit 1)" in rows[-1] and " s |" not in rows[-1]
    # Fleets less than twice as large: the ratio is noise, so no exponent.
    assert growth(_result(Fleet(1000, 200, 50, 150), 11.0), _result(Fleet(1000, 200, 50, 1000), 14.0)) is None
