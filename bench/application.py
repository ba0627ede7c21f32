"""What one application stack pays to read a large registry: the example stacks' own programs under the mocks.

The registry program runs once on a synthetic fleet; its exports are what the application's StackReference
reads. The application pulls one repository, so whatever grows with the registry is the reading.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.fleets import REGION, REGISTRY_ACCOUNT, ROLE_NAME, account, registry_args, repository_name, sizes
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks

PROJECT = "ecr-shared-services"
REGISTRY_STACK = f"acme/{PROJECT}/registry"
STACKS = Path(__file__).resolve().parents[1] / "stacks"


def _program(module: str) -> Callable[[], None]:
    """The example stack program `module` (registry_program or application_program), imported from stacks/."""
    if str(STACKS) not in sys.path:
        sys.path.insert(0, str(STACKS))
    run: Callable[[], None] = __import__(module).run
    return run


def _checked(result: MockRun) -> MockRun:
    if result.error is not None:
        raise result.error
    return result


def registry_outputs(repositories: int, accounts: int) -> dict[str, Any]:
    """The registry stack's exports for the fleet, as a StackReference to it reads them."""
    spec = registry_args(repositories, accounts)
    config = {
        "aws:region": REGION,
        "aws:allowedAccountIds": json.dumps([REGISTRY_ACCOUNT]),
        "ecr:registry": json.dumps({"repositories": spec["repositories"]}),
    }
    run = run_under_mocks(
        _program("registry_program"),
        AwsMocks(REGISTRY_ACCOUNT, REGION),
        project=PROJECT,
        stack="registry",
        config=config,
    )
    # Through JSON, as the plan hands one stack's outputs to the next.
    outputs: dict[str, Any] = json.loads(json.dumps(_checked(run).outputs))
    return outputs


def application_run(outputs: dict[str, Any], pulls: int = 1) -> MockRun:
    """One application stack in the first consumer account, pulling the first `pulls` repositories."""
    consumer = account(0)
    config = {
        "aws:region": REGION,
        "aws:allowedAccountIds": json.dumps([consumer]),
        "ecr:registryStack": REGISTRY_STACK,
        "ecr:repositories": json.dumps([repository_name(r) for r in range(pulls)]),
        "ecr:role": json.dumps({"role_name": ROLE_NAME, "trust": {"service": "ecs-tasks"}}),
    }
    mocks = AwsMocks(consumer, REGION, stack_outputs={f"{PROJECT}/registry": outputs})
    return _checked(
        run_under_mocks(_program("application_program"), mocks, project=PROJECT, stack="app", config=config)
    )


def application_seconds(repositories: int, accounts: int, repeat: int = 3) -> tuple[float, int]:
    """Median seconds of one application stack reading this registry, and the size of the registry's
    exports as JSON (characters)."""
    outputs = registry_outputs(repositories, accounts)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        application_run(outputs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(json.dumps(outputs))


if __name__ == "__main__":
    for repos, accts in sizes(None, "One application stack reading a registry's exports", "100x50").sizes:
        seconds, size = application_seconds(repos, accts)
        print(f"registry {repos} x {accts} ({size:,} characters of exports): application {seconds:.2f} s")
