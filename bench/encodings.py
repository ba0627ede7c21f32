"""Capacity of one repository policy per encoding: how many accounts fit in ECR's 10,240 characters.

Run with `.venv/bin/python bench/encodings.py`. Sizes are exact and repeatable (no timing); the figures
go to BENCHMARKS.md by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, RoleConsumer
from ecr_shared_services.spec.registry import PolicyEncoding

REGION = "us-east-1"
REGISTRY = "987654321098"

# (label, encoding, registry account known) for each column.
ENCODINGS: tuple[tuple[str, PolicyEncoding, str | None], ...] = (
    ("plain", "plain", None),
    ("compact, registry account unknown", "compact", None),
    ("compact, registry account known", "compact", REGISTRY),
)

# What one account of the fleet consumes.
FLEETS: dict[str, Callable[[str], list[Consumer]]] = {
    "role ecsTaskExecutionRole (condition form)": lambda account: [
        RoleConsumer(account_id=account, role_names=["ecsTaskExecutionRole"])
    ],
    "roles ecsTaskExecutionRole + eks-node, path /service-role/": lambda account: [
        RoleConsumer(account_id=account, role_names=["ecsTaskExecutionRole", "eks-node"], role_path="/service-role/")
    ],
    "every account ecsTaskExecutionRole, every other one also eks-node": lambda account: [
        RoleConsumer(account_id=account, role_names=["ecsTaskExecutionRole", "eks-node"][: 1 + int(account) % 2])
    ],
    "account consumer": lambda account: [AccountConsumer(account_id=account)],
}


def fits(
    per_account: Callable[[str], list[Consumer]], count: int, encoding: PolicyEncoding, registry: str | None
) -> int:
    """The size of the policy for `count` accounts, or 0 when it is over the quota."""
    consumers = [c for i in range(count) for c in per_account(f"{100000000000 + i}")]
    try:
        text = repository_policy_json(consumers, "aws", REGION, "r", encoding, registry)
    except PolicySizeError:
        return 0
    return len(text or "")


def capacity(per_account: Callable[[str], list[Consumer]], encoding: PolicyEncoding, registry: str | None) -> int:
    """The most accounts whose consumers fit in one repository policy in `encoding` (binary search)."""
    low, high = 0, 3000
    while low < high:
        mid = (low + high + 1) // 2
        if fits(per_account, mid, encoding, registry):
            low = mid
        else:
            high = mid - 1
    return low


def main() -> int:
    print("== Accounts per repository policy (ECR: 10,240 characters), by encoding")
    for fleet, per_account in FLEETS.items():
        plain = capacity(per_account, "plain", None)
        print(f"  {fleet}")
        for label, encoding, registry in ENCODINGS:
            found = plain if encoding == "plain" else capacity(per_account, encoding, registry)
            print(f"    {label:36s} {found:5d} accounts  {found / plain:5.2f}x plain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
