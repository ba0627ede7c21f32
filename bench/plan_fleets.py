"""The offline plan of whole fleets: a registry stack and application stacks, planned by the real CLI.

A fleet `REPOSxACCOUNTS:APPSxPULLS` is a project with the example program (`stacks/`): one registry stack of
REPOS repositories, each shared with the task execution role of ACCOUNTS accounts, and APPS application
stacks (in the first APPS of those accounts), each pulling the first PULLS repositories. Each fleet is
written to a temporary directory and planned with `python -m ecr_shared_services.cli plan DIR --format json
--no-progress` in a subprocess: wall time, the peak memory of the largest process of the plan (the CLI or
one of its workers: `ru_maxrss` of the children), CPU time over wall time (the cores kept busy), and the exit
status. A plan that does not exit 0 is reported as failed, not timed.

The growth exponent between consecutive fleets is log(t2/t1) / log(n2/n1), with n = REPOS x ACCOUNTS +
APPS x PULLS (the grants the registry renders plus the pulls the applications ask for): 1 is linear. It is
left out when n less than doubles (MIN_GROWTH_RATIO): over a smaller step it is mostly the machine's noise.

Usage: `python -m bench.plan_fleets [--quick] [--repeat N] [REPOSxACCOUNTS:APPSxPULLS ...]`.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fleets import REGION, REGISTRY_ACCOUNT, ROLE_NAME, account, repository_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "ecr-shared-services"
PROGRAM_FILES = ("__main__.py", "application_program.py", "registry_program.py", "stack_settings.py")


@dataclass(frozen=True)
class Fleet:
    """REPOS repositories x ACCOUNTS consumer accounts, APPS application stacks pulling PULLS each."""

    repositories: int
    accounts: int
    applications: int
    pulls: int

    @staticmethod
    def parse(text: str) -> Fleet:
        """`REPOSxACCOUNTS:APPSxPULLS`, e.g. `100x50:50x100`."""
        try:
            registry, apps = text.lower().split(":")
            repositories, accounts = (int(n) for n in registry.split("x"))
            applications, pulls = (int(n) for n in apps.split("x"))
        except ValueError as error:
            raise argparse.ArgumentTypeError(
                f"{text!r}: write REPOSxACCOUNTS:APPSxPULLS, e.g. 100x50:50x100"
            ) from error
        fleet = Fleet(repositories, accounts, applications, pulls)
        if min(repositories, accounts, applications, pulls) < 1 or applications > accounts or pulls > repositories:
            raise argparse.ArgumentTypeError(
                f"{text!r}: every number must be 1 or more, APPS at most ACCOUNTS and PULLS at most REPOS"
            )
        return fleet

    @property
    def size(self) -> int:
        """n: the grants the registry renders plus the pulls the applications ask for."""
        return self.repositories * self.accounts + self.applications * self.pulls

    @property
    def label(self) -> str:
        return (
            f"{self.repositories:,} × {self.accounts} ({self.applications} apps, "
            f"{'all' if self.pulls == self.repositories else self.pulls} each)"
        )


# The fleets, the fourth being the fleet AWS CDK's synth was measured on (each application pulls all
# 1,000 repositories, through managed policies beside the inline one): the last is skipped by --quick.
FLEETS = (
    Fleet(10, 5, 5, 10),
    Fleet(100, 50, 50, 100),
    Fleet(1000, 200, 50, 150),
    Fleet(1000, 200, 50, 1000),
    Fleet(2000, 500, 100, 150),
)


def _registry_config(fleet: Fleet) -> dict[str, Any]:
    consumers = [{"kind": "role", "account_id": account(a), "role_names": [ROLE_NAME]} for a in range(fleet.accounts)]
    return {
        "ecr:stackRole": "registry",
        "aws:region": REGION,
        "aws:allowedAccountIds": [REGISTRY_ACCOUNT],
        "ecr:registry": {
            "repositories": [{"name": repository_name(r), "consumers": consumers} for r in range(fleet.repositories)]
        },
    }


def _application_config(fleet: Fleet, index: int) -> dict[str, Any]:
    return {
        "ecr:stackRole": "application",
        "aws:region": REGION,
        "aws:allowedAccountIds": [account(index)],
        "ecr:registryStack": f"acme/{PROJECT}/registry",
        "ecr:repositories": [repository_name(r) for r in range(fleet.pulls)],
        "ecr:role": {"role_name": ROLE_NAME, "trust": {"service": "ecs-tasks"}},
    }


def write_fleet(fleet: Fleet, directory: Path) -> Path:
    """The fleet's project in `directory`: this repository's Pulumi.yaml and program, one config per stack
    (JSON, which YAML reads)."""
    stacks = directory / "stacks"
    stacks.mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    for name in PROGRAM_FILES:
        shutil.copy(ROOT / "stacks" / name, stacks / name)
    (stacks / "Pulumi.registry.yaml").write_text(json.dumps({"config": _registry_config(fleet)}))
    for index in range(fleet.applications):
        config = {"config": _application_config(fleet, index)}
        (stacks / f"Pulumi.app-{index:03d}.yaml").write_text(json.dumps(config))
    return directory


@dataclass(frozen=True)
class PlanRun:
    """One plan of a fleet: how it ended and what it cost."""

    exit_code: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def cores(self) -> float:
        """CPU time over wall time: how many cores the plan kept busy on average."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


# Run in a fresh interpreter between this process and the plan, so that the figures are the plan's alone
# (RUSAGE_CHILDREN covers the plan's CLI and every worker it waited for; ru_maxrss is in KiB on Linux).
_MEASURE = """
import json, resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss}))
"""


def plan_once(project: Path) -> PlanRun:
    """Plan `project` with the CLI in a subprocess: wall time, CPU time of the CLI and its workers, and the
    peak memory of the largest of those processes."""
    command = [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(project), "--format", "json"]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command, "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    try:
        measured = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return PlanRun(proc.returncode or 1, seconds, 0.0, 0.0, proc.stderr.strip()[-400:])
    return PlanRun(
        int(measured["code"]),
        seconds,
        float(measured["cpu"]),
        float(measured["maxrss_kib"]) / 1024,
        proc.stderr.strip()[-400:],
    )


@dataclass(frozen=True)
class FleetResult:
    fleet: Fleet
    runs: tuple[PlanRun, ...]

    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)

    def median(self, measure: Callable[[PlanRun], float]) -> float:
        return statistics.median(measure(run) for run in self.runs)


def plan_fleet(fleet: Fleet, repeat: int = 1) -> FleetResult:
    """Plan `fleet` `repeat` times (each in a fresh directory); stops at the first plan that fails."""
    runs: list[PlanRun] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="plan-fleet-") as tmp:
            run = plan_once(write_fleet(fleet, Path(tmp)))
        runs.append(run)
        if not run.ok:
            break
    return FleetResult(fleet, tuple(runs))


def _wall(run: PlanRun) -> float:
    return run.seconds


def _peak(run: PlanRun) -> float:
    return run.peak_mib


def _cores(run: PlanRun) -> float:
    return run.cores


# Below this ratio of sizes the exponent is mostly the machine's noise (1,000 × 200 with 150 pulls each and
# with all 1,000 differ by a fifth in n): it is left out.
MIN_GROWTH_RATIO = 2.0


def growth(smaller: FleetResult, larger: FleetResult) -> float | None:
    """log(t2/t1) / log(n2/n1) between two fleets that both planned, at least MIN_GROWTH_RATIO apart in n;
    None otherwise."""
    if not (smaller.ok and larger.ok) or larger.fleet.size < smaller.fleet.size * MIN_GROWTH_RATIO:
        return None
    ratio = larger.median(_wall) / smaller.median(_wall)
    return math.log(ratio) / math.log(larger.fleet.size / smaller.fleet.size)


def table(results: list[FleetResult]) -> list[str]:
    """Markdown rows, one per fleet, with the growth exponent from the fleet before it."""
    lines = [
        "| fleet | n | runs | wall (median) | wall (fastest–slowest) | peak memory | CPU/wall | growth exponent |",
        "|---|---|---|---|---|---|---|---|",
    ]
    previous: FleetResult | None = None
    for result in results:
        n = f"{result.fleet.size:,}"
        if not result.ok:
            failed = result.runs[-1]
            runs = len(result.runs)
            lines.append(f"| {result.fleet.label} | {n} | {runs} | failed (exit {failed.exit_code}) | | | | |")
        else:
            exponent = growth(previous, result) if previous is not None else None
            wall, peak, cores = result.median(_wall), result.median(_peak), result.median(_cores)
            walls = [run.seconds for run in result.runs]
            lines.append(
                f"| {result.fleet.label} | {n} | {len(walls)} | {wall:.1f} s | {min(walls):.1f}–{max(walls):.1f} s "
                f"| {peak:,.0f} MiB | {cores:.2f} | {'' if exponent is None else f'{exponent:.2f}'} |"
            )
        previous = result
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("fleets", nargs="*", type=Fleet.parse, help="REPOSxACCOUNTS:APPSxPULLS (default: FLEETS)")
    parser.add_argument("--quick", action="store_true", help="skip the largest default fleet")
    parser.add_argument("--repeat", type=int, default=1, help="plans per fleet (the median is reported)")
    options = parser.parse_args(argv)
    fleets = options.fleets or list(FLEETS[:-1] if options.quick else FLEETS)
    results = []
    for fleet in fleets:
        result = plan_fleet(fleet, options.repeat)
        results.append(result)
        if not result.ok:
            print(f"{fleet.label}: the plan failed: {result.runs[-1].stderr_tail}", file=sys.stderr)
    print("\n".join(table(results)))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
