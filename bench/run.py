"""Benchmarks: capacity against AWS quotas, component overhead, what an application pays to read a large
registry, the access matrix, rendering and evaluation speed, and the offline plan of the example project.

Run with `make bench` (`.venv/bin/python -m bench.run`). It prints each figure as it is measured and writes
the tables into BENCHMARKS.md, between the `bench:begin` and `bench:end` markers (`--no-write` leaves the
file alone). Timings are medians of `--repeat` runs (3 by default). `--quick` scales the largest cases down
(component overhead 1,000 × 50 → 300 × 50, access matrix 500 × 2,000 → 100 × 1,000) and says so in the
tables. Compare ratios from one run, not absolute times across machines.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.application import application_seconds
from bench.capacity import capacity_lines
from bench.matrix import matrix_timing
from bench.overhead import overhead
from bench.plan_fleets import FLEETS, plan_fleet
from bench.plan_fleets import table as plan_fleet_table
from ecr_shared_services.access import Policies, evaluate_access
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import AccountConsumer, RoleConsumer

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "BENCHMARKS.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
REGION = "us-east-1"


def timed(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Median seconds per call over `repeat` rounds of `number` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


class Report:
    """Markdown lines, each printed as it is added so that a long run shows its progress."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)


def machine(report: Report, options: argparse.Namespace) -> None:
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    report.add(
        f"Measured {today} by `make bench`{' --quick' if options.quick else ''}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; timings are medians "
        f"of {options.repeat} runs.",
        "",
    )


def capacity(report: Report, options: argparse.Namespace) -> None:
    report.add(*capacity_lines(options.quick, options.repeat))


def component_overhead(report: Report, options: argparse.Namespace) -> None:
    largest = (300, 50) if options.quick else (1000, 50)
    report.add(
        "### Component overhead",
        "",
        "`SharedRegistry` against the same resources and documents declared with plain `pulumi_aws`, both under",
        "`run_under_mocks` (repositories × accounts, each repository shared with every account's task role):",
        "",
        "| fleet | SharedRegistry | plain pulumi_aws | ratio |",
        "|---|---|---|---|",
    )
    for repositories, accounts in [(200, 5), (200, 50), largest]:
        found = overhead(repositories, accounts, options.repeat)
        report.add(f"| {repositories:,} × {accounts} | {found.ours:.2f} s | {found.plain:.2f} s | {found.ratio:.2f}× |")
    report.add("")


def application(report: Report, options: argparse.Namespace) -> None:
    report.add(
        "### An application stack reading a large registry",
        "",
        "The example application program (pulling one repository) against the registry program's exports:",
        "",
        "| registry | its exports (JSON) | application stack |",
        "|---|---|---|",
    )
    for repositories, accounts in [(100, 50), (300 if options.quick else 1000, 50)]:
        seconds, size = application_seconds(repositories, accounts, options.repeat)
        report.add(f"| {repositories:,} × {accounts} | {size:,} characters | {seconds:.2f} s |")
    report.add("")


def matrix(report: Report, options: argparse.Namespace) -> None:
    roles, repositories = (100, 1000) if options.quick else (500, 2000)
    found = matrix_timing(roles, repositories, options.repeat)
    old = found.full_evaluator_us * found.cells / 1e6
    report.add(
        "### Access matrix",
        "",
        f"{roles} roles × {repositories:,} repositories ({found.cells:,} cells, {found.allowed:,} allowed; each "
        "role pulls 10 repositories its account is granted, each repository is granted to 5 accounts' roles):",
        "",
        "| what | figure |",
        "|---|---|",
        f"| the matrix | {found.seconds:.1f} s, {found.cells / found.seconds:,.0f} cells/s, "
        f"{found.seconds / found.cells * 1e6:.1f} µs a cell |",
        f"| one full evaluation a cell (sampled) | {found.full_evaluator_us:,.0f} µs a cell: "
        f"{old:,.0f} s for the matrix |",
    )
    # The cells a stack asked for, which the index cannot decide: the plan of fleets' shape (bench/matrix.py).
    roles, repositories = (50, 100) if options.quick else (50, 1000)
    asked = matrix_timing(roles, repositories, options.repeat, requested=True)
    report.add(
        f"| {roles} roles each pulling all {repositories:,} repositories (every cell requested) | "
        f"{asked.seconds:.2f} s, {asked.seconds / asked.cells * 1e6:.1f} µs a cell; one full evaluation a cell: "
        f"{asked.full_evaluator_us:,.0f} µs |",
        "",
    )


def speed(report: Report, options: argparse.Namespace) -> None:
    consumers = [AccountConsumer(account_id=f"{100000000000 + i}") for i in range(100)]
    render = timed(lambda: repository_policy_json(consumers, "aws", REGION, "r"), number=50)
    repo_policy = repository_policy_json(
        [RoleConsumer(account_id="123456789012", role_names=["ecsTaskExecutionRole"])], "aws", REGION, "r"
    )
    arn = f"arn:aws:ecr:{REGION}:987654321098:repository/payment-service"
    evaluate = timed(
        lambda: evaluate_access(
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            arn,
            Policies(identity=[identity_policy([arn])], repository=repo_policy),
        ),
        number=50,
    )
    from ecr_shared_services.plan.runner import plan_project

    plan = timed(lambda: plan_project(ROOT), repeat=options.repeat)
    stacks = len(plan_project(ROOT).stacks)
    report.add(
        "### Rendering, evaluation and the example project's plan",
        "",
        "| what | figure |",
        "|---|---|",
        f"| render a 100-account repository policy | {render * 1e3:.2f} ms |",
        f"| evaluate the seed's pull, both sides, every step | {evaluate * 1e3:.2f} ms |",
        f"| offline plan of the example project ({stacks} stacks) | {plan:.2f} s |",
        "",
    )


def plan_fleets(report: Report, options: argparse.Namespace) -> None:
    """The offline plan of whole fleets by the CLI (bench/plan_fleets.py); --quick skips the largest."""
    fleets = FLEETS[:-1] if options.quick else FLEETS
    # Medians of --repeat plans up to AWS CDK's fleet (1,000 × 200, 50 apps pulling all); one plan of the
    # largest (the longest by far).
    results = [plan_fleet(f, options.repeat if f.size <= 250_000 else 1) for f in fleets]
    report.add(
        "### Offline plan of fleets",
        "",
        "`shared-registry plan DIR --format json` of a registry stack (repositories × accounts, each repository "
        "shared with every account's task role) and application stacks pulling the first repositories each; "
        "peak memory of the largest process, CPU/wall the cores kept busy, growth exponent "
        "log(t2/t1)/log(n2/n1) with n = repositories × accounts + applications × pulls, from the fleet above "
        "when n at least doubles:",
        "",
        *plan_fleet_table(results),
        "",
    )


def write(lines: list[str]) -> None:
    """Put `lines` between the markers of BENCHMARKS.md (at its end when it has none)."""
    text = TARGET.read_text() if TARGET.exists() else "# Benchmarks\n"
    block = "\n".join([BEGIN, *lines, END])
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    TARGET.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="scale the largest cases down")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (the median is reported)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    options = parser.parse_args(argv)
    report = Report()
    machine(report, options)
    capacity(report, options)
    component_overhead(report, options)
    application(report, options)
    matrix(report, options)
    speed(report, options)
    plan_fleets(report, options)
    if not options.no_write:
        write(report.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
