"""AWS CDK's rendering of the same fleets, measured by running AWS CDK itself (bench/cdk/synth.js).

`make bench-cdk` installs the pinned aws-cdk-lib into bench/cdk/node_modules and runs this section. Without
`node` or those modules nothing is measured and the section says so; no figure is ever estimated.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.encodings import largest
from bench.fleets import ROLE_NAME
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY

CDK_DIR = Path(__file__).resolve().parent / "cdk"
ROOT = CDK_DIR.parents[1]
# Node's default heap ceiling is below what the largest fleet needs; this lifts it, it does not reserve it.
NODE_FLAGS = ("--max-old-space-size=8192",)
# (repositories, accounts, application stacks); the other accounts' roles are imported by ARN.
FLEETS = ((100, 50, 50), (1000, 200, 50))
QUICK_FLEETS = ((100, 50, 50), (300, 200, 50))


@dataclass(frozen=True)
class Ours:
    """Our capacity for accounts sharing one role name, plain and compact (registry account known)."""

    plain: int
    compact: int


@dataclass(frozen=True)
class Synth:
    """One run of synth.js: its timings, its peak memory and the size of each rendered repository policy."""

    cdk_version: str
    node_version: str
    seconds: float
    wall_seconds: float
    # The whole process's CPU time: on a shared machine, wall time also counts the others' work.
    cpu_seconds: float
    peak_rss_bytes: int
    sizes: tuple[int, ...]
    # Why CDK's app.synth() failed (its validation), or None; the timings and memory are those until then.
    error: str | None = None

    @property
    def over(self) -> int:
        return sum(size > REPOSITORY_POLICY.limit for size in self.sizes)


def _shown(path: Path) -> str:
    """A path relative to the project when under it (bench/cdk/node_modules), else as it is."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def unavailable(directory: Path = CDK_DIR) -> str | None:
    """Why CDK cannot be measured here (no node, or aws-cdk-lib not installed), or None when it can."""
    if shutil.which("node") is None:
        return "`node` is not on the PATH"
    if not (directory / "node_modules" / "aws-cdk-lib" / "package.json").is_file():
        return f"aws-cdk-lib is not installed in {_shown(directory / 'node_modules')}"
    return None


def synth(repositories: int, accounts: int, apps: int) -> Synth:
    """Run synth.js once for this fleet (apps: how many accounts are application stacks of the CDK app)."""
    command = ["node", *NODE_FLAGS, "synth.js", "--repositories", str(repositories), "--accounts", str(accounts)]
    done = subprocess.run([*command, "--apps", str(apps)], cwd=CDK_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    found = json.loads(done.stdout)
    if found["unresolved_intrinsics"]:
        # A size measured with an intrinsic left in would not be the size AWS receives.
        raise RuntimeError("a repository policy still holds CloudFormation intrinsics synth.js cannot resolve")
    return Synth(
        cdk_version=found["cdk_version"],
        node_version=found["node_version"],
        seconds=found["build_seconds"] + found["synth_seconds"],
        wall_seconds=found["wall_seconds"],
        cpu_seconds=found["cpu_seconds"],
        peak_rss_bytes=found["peak_rss_bytes"],
        sizes=tuple(policy["size"] for policy in found["policies"]),
        error=found["error"],
    )


def most(fits: Callable[[int], bool]) -> int:
    """The largest n >= 1 with fits(n): doubling until one does not fit, then a binary search."""
    high = 16
    while fits(high):
        high *= 2
    return largest(fits, high - 1, low=high // 2 if high > 16 else 0)


def cdk_capacity(own_stacks: bool, synthesize: Callable[[int, int, int], Synth] = synth) -> int:
    """How many accounts' `ecsTaskExecutionRole` CDK's grantPull puts in one repository policy within the
    quota: roles of application stacks of the same CDK app (own_stacks), or roles imported by ARN."""

    def fits(accounts: int) -> bool:
        found = synthesize(1, accounts, accounts if own_stacks else 0)
        if found.error is not None:
            raise RuntimeError(f"CDK's synth of one repository and {accounts} accounts failed: {found.error}")
        return found.over == 0

    return most(fits)


def _fleet_line(repositories: int, accounts: int, apps: int, repeat: int) -> str:
    runs = [synth(repositories, accounts, apps) for _ in range(repeat)]
    seconds = statistics.median(run.seconds for run in runs)
    wall = statistics.median(run.wall_seconds for run in runs)
    cpu = statistics.median(run.cpu_seconds for run in runs)
    peak = max(run.peak_rss_bytes for run in runs) / 2**30
    sizes, error = runs[0].sizes, runs[0].error
    policies = f"synth failed: {error}" if error else f"{runs[0].over:,} of {len(sizes):,} (largest {max(sizes):,})"
    return (
        f"| {repositories:,} × {accounts} ({apps} application stacks) | {len(runs)} | {seconds:.1f} s | {wall:.1f} s "
        f"| {cpu:.1f} s | {peak:.2f} GiB | {policies} |"
    )


def cdk_lines(ours: Ours, quick: bool, repeat: int, directory: Path = CDK_DIR) -> list[str]:
    """The CDK comparison in markdown: capacity next to ours, then synth time and memory of two fleets."""
    lines = ["### AWS CDK's rendering of the same fleets", ""]
    why = unavailable(directory)
    if why is not None:
        return [*lines, f"Not measured: {why}; run `make bench-cdk`.", ""]
    stacks, imported = cdk_capacity(own_stacks=True), cdk_capacity(own_stacks=False)
    probe = synth(1, 1, 1)
    lines += [
        f"aws-cdk-lib {probe.cdk_version} on Node {probe.node_version} (bench/cdk/synth.js, the flags `cdk init` "
        "writes); `repository.grantPull(role)` for every (role, repository), the registry in its own account. "
        "Sizes are the template's RepositoryPolicyText as compact JSON with CloudFormation's pseudo parameters "
        "resolved. CDK synthesizes a document over the quota without an error.",
        "",
        f"| accounts sharing `{ROLE_NAME}` in one repository policy | fit |",
        "|---|---|",
        f"| ours, plain | {ours.plain:,} |",
        f"| ours, compact (`account_id` known) | {ours.compact:,} |",
        "| CDK, roles of the app's own application stacks (a statement per role: account root + "
        f"`aws:PrincipalTag/aws-cdk:id`) | {stacks:,} |",
        f"| CDK, roles imported by ARN (`iam.Role.fromRoleArn`; role ARNs as principals) | {imported:,} |",
        "",
        "Building and synthesizing a fleet (every account's role pulls every repository; the accounts without an "
        "application stack are imported by ARN; at most 100 repositories a registry stack: CDK refuses a stack of "
        "more than 500 resources, and 500 repositories of the larger fleet make a template over its 10 MB check); "
        "medians, peak RSS the largest; the larger fleet is run once, since it takes minutes.",
        "",
        "| fleet | runs | build + `app.synth()` | whole process | its CPU time | peak RSS | repository policies over "
        "the quota |",
        "|---|---|---|---|---|---|---|",
    ]
    small, large = QUICK_FLEETS if quick else FLEETS
    lines += [_fleet_line(*small, repeat), _fleet_line(*large, 1)]
    if quick:
        lines.append("")
        lines.append("`--quick`: the larger fleet is 300 repositories instead of 1,000.")
    return [*lines, ""]
