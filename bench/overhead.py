"""Component overhead: SharedRegistry against the same resources declared with plain pulumi_aws.

Both programs run under the same mocks (`run_under_mocks`) and register the same resources with the same
inputs; the plain one gets its documents rendered beforehand, so the difference is what the component
costs on top of the resources it makes (validation, rendering, outputs).
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from bench.fleets import REGION, REGISTRY_ACCOUNT, registry_args, sizes
from ecr_shared_services import SharedRegistry, SharedRegistryArgs
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.policy.grants import effective_consumers
from ecr_shared_services.policy.lifecycle import lifecycle_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import to_json
from ecr_shared_services.shared_registry import _repository_inputs

NAME = "shared"


@dataclass(frozen=True)
class PlainRepository:
    """One repository's resources as plain pulumi_aws would declare them."""

    name: str
    inputs: dict[str, Any]
    retain_on_delete: bool
    policy: str | None
    lifecycle: str | None


def plain_repositories(args: dict[str, Any]) -> list[PlainRepository]:
    """The documents and inputs SharedRegistry would register, rendered up front."""
    spec = SharedRegistryArgs.parse(args)
    consumers = effective_consumers(spec)
    out = []
    for repo in spec.repositories:
        settings = repo.settings(spec.defaults)
        found = consumers[repo.name]
        policy = repository_policy_json(found, spec.partition_name, spec.region, repo.name) if found else None
        lifecycle = to_json(lifecycle_policy(settings.lifecycle)) if settings.lifecycle is not None else None
        inputs = _repository_inputs(repo.name, settings)
        out.append(PlainRepository(repo.name, inputs, settings.retain_on_delete, policy, lifecycle))
    return out


def plain_program(repositories: list[PlainRepository]) -> Callable[[], None]:
    def program() -> None:
        for repo in repositories:
            resource = aws.ecr.Repository(
                f"{NAME}-{repo.name}",
                **repo.inputs,
                opts=pulumi.ResourceOptions(retain_on_delete=repo.retain_on_delete),
            )
            if repo.policy is not None:
                aws.ecr.RepositoryPolicy(f"{NAME}-{repo.name}-policy", repository=resource.name, policy=repo.policy)
            if repo.lifecycle is not None:
                aws.ecr.LifecyclePolicy(
                    f"{NAME}-{repo.name}-lifecycle", repository=resource.name, policy=repo.lifecycle
                )

    return program


def component_program(args: dict[str, Any]) -> Callable[[], None]:
    def program() -> None:
        SharedRegistry(NAME, SharedRegistryArgs.parse(args))

    return program


def run(program: Callable[[], None]) -> MockRun:
    result = run_under_mocks(program, AwsMocks(REGISTRY_ACCOUNT, REGION))
    if result.error is not None:
        raise result.error
    return result


def _seconds(program: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU: this process's, every thread's; less hit by a busy machine)."""
    # The previous run's garbage is collected here, not inside this run's time.
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    run(program)
    return time.perf_counter() - start, time.process_time() - cpu


@dataclass(frozen=True)
class Overhead:
    repositories: int
    accounts: int
    ours: float  # median wall seconds
    plain: float
    ours_cpu: float  # median CPU seconds
    plain_cpu: float

    @property
    def ratio(self) -> float:
        return self.ours / self.plain

    @property
    def cpu_ratio(self) -> float:
        return self.ours_cpu / self.plain_cpu


def equal_lists(args: dict[str, Any]) -> dict[str, Any]:
    """The same registry with every value its own object, as parsed from YAML or stack config: repositories
    list equal consumers, not one shared list."""
    copied: dict[str, Any] = json.loads(json.dumps(args))
    return copied


def overhead(repositories: int, accounts: int, repeat: int = 3, *, equal: bool = False) -> Overhead:
    """Median wall time of each program, the two alternating so that machine noise hits both alike.

    `equal`: each repository's consumers are an equal list of its own, rather than the one list object
    `registry_args` shares between them."""
    args = registry_args(repositories, accounts)
    if equal:
        args = equal_lists(args)
    ours_program, plain = component_program(args), plain_program(plain_repositories(args))
    # A small fleet first, untimed: the first run in a process pays for imports and the SDK's lazy setup.
    small = registry_args(2, 1)
    run(component_program(small))
    run(plain_program(plain_repositories(small)))
    ours_times: list[tuple[float, float]] = []
    plain_times: list[tuple[float, float]] = []
    for round_ in range(repeat):
        # Each goes first every other round: neither always runs on the heap the other left.
        pair = [(ours_program, ours_times), (plain, plain_times)]
        for program, times in pair if round_ % 2 == 0 else reversed(pair):
            times.append(_seconds(program))

    def median(times: list[tuple[float, float]], which: int) -> float:
        return statistics.median(t[which] for t in times)

    return Overhead(
        repositories,
        accounts,
        median(ours_times, 0),
        median(plain_times, 0),
        median(ours_times, 1),
        median(plain_times, 1),
    )


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.overhead [--equal-lists] [REPOSxACCOUNTS ...]`: one line per size."""
    args = sizes(
        argv,
        "SharedRegistry against the same resources as plain pulumi_aws, under the same mocks",
        "200x50",
        equal_lists="give each repository its own equal consumer list (as parsed from YAML), not one shared list",
    )
    for repos, accts in args.sizes:
        found = overhead(repos, accts, equal=args.equal_lists)
        lists = " (equal consumer lists)" if args.equal_lists else ""
        print(
            f"{repos} x {accts}{lists}: ours {found.ours:.2f} s, plain {found.plain:.2f} s, {found.ratio:.2f}x"
            f" (CPU: ours {found.ours_cpu:.2f} s, plain {found.plain_cpu:.2f} s, {found.cpu_ratio:.2f}x)"
        )


if __name__ == "__main__":
    main()
