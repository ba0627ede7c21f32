"""Benchmarks: policy sizes against AWS quotas, rendering and evaluation speed, offline plan time.

Run with `make bench` (or `.venv/bin/python bench/run.py`). Figures go to BENCHMARKS.md by hand;
compare ratios from one run, not absolute times across machines.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ecr_shared_services.access import Policies, evaluate_access
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, ROLE_INLINE_POLICIES, to_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, RoleConsumer

ROOT = Path(__file__).resolve().parents[1]
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


def capacity(make: Callable[[int], Consumer]) -> tuple[int, int]:
    """How many consumers of one kind fit in one repository policy, and that policy's size."""
    low, high = 1, 2000
    while low < high:
        mid = (low + high + 1) // 2
        try:
            repository_policy_json([make(i) for i in range(mid)], "aws", REGION, "r")
            low = mid
        except PolicySizeError:
            high = mid - 1
    text = repository_policy_json([make(i) for i in range(low)], "aws", REGION, "r") or ""
    return low, len(text)


def main() -> int:
    print("== Repository policy capacity (ECR limit 10,240 characters)")
    kinds: dict[str, Callable[[int], Consumer]] = {
        "account roots": lambda i: AccountConsumer(account_id=f"{100000000000 + i}"),
        "roles, condition form": lambda i: RoleConsumer(account_id=f"{100000000000 + i}", role_names=["app-task"]),
        "roles, arn form": lambda i: RoleConsumer(
            account_id=f"{100000000000 + i}", role_names=["app-task"], principal_form="arn"
        ),
    }
    for label, make in kinds.items():
        fits, size = capacity(make)
        print(f"  {label:24s} {fits:5d} consumers fit ({size} of {REPOSITORY_POLICY.limit} characters)")

    print("== Identity policy capacity (IAM inline total 10,240, whitespace not counted)")
    low, high = 1, 1000
    while low < high:
        mid = (low + high + 1) // 2
        arns = [f"arn:aws:ecr:{REGION}:987654321098:repository/service-{i:04d}" for i in range(mid)]
        if len(to_json(identity_policy(arns))) <= ROLE_INLINE_POLICIES.limit:
            low = mid
        else:
            high = mid - 1
    print(f"  repositories named service-NNNN: {low} fit in one role's inline policy")

    print("== Rendering and evaluation speed")
    consumers = [AccountConsumer(account_id=f"{100000000000 + i}") for i in range(100)]
    render = timed(lambda: repository_policy_json(consumers, "aws", REGION, "r"), number=50)
    print(f"  render a 100-account repository policy: {render * 1e3:.3f} ms")
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
    print(f"  evaluate the seed's pull (3 steps, both sides): {evaluate * 1e3:.3f} ms")

    print("== Offline plan of the example project (3 stacks, a process each)")
    from ecr_shared_services.plan.runner import plan_project

    plan_time = timed(lambda: plan_project(ROOT), repeat=3)
    print(f"  plan_project: {plan_time:.2f} s ({plan_time / 3:.2f} s per stack)")
    print(f"  ratio plan / one evaluation: {plan_time / evaluate:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
