"""How many accounts' consumers fit in one repository policy (ECR: 10,240 characters), per encoding.

Sizes are exact and repeatable (no timing): each figure is a binary search over the number of accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.fleets import REGION, REGISTRY_ACCOUNT, ROLE_NAME, account
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, RoleConsumer
from ecr_shared_services.spec.registry import PolicyEncoding

# What one account of a fleet consumes, given the account's index.
PerAccount = Callable[[int], list[Consumer]]


@dataclass(frozen=True)
class Encoding:
    """One column of the table: an encoding, and whether the registry's account_id is known."""

    label: str
    encoding: PolicyEncoding
    registry_account: str | None


PLAIN = Encoding("plain", "plain", None)
COMPACT_UNKNOWN = Encoding("compact, `account_id` unknown", "compact", None)
COMPACT = Encoding("compact, `account_id` known", "compact", REGISTRY_ACCOUNT)
ENCODINGS = (PLAIN, COMPACT_UNKNOWN, COMPACT)


def _mixed(index: int) -> list[Consumer]:
    """A third account consumers, a third `ecsTaskExecutionRole`, a third that role and `eks-node` too."""
    if index % 3 == 0:
        return [AccountConsumer(account_id=account(index))]
    return [RoleConsumer(account_id=account(index), role_names=[ROLE_NAME, "eks-node"][: index % 3])]


SHARED_ROLE = f"role consumers sharing `{ROLE_NAME}`"
FLEETS: dict[str, PerAccount] = {
    SHARED_ROLE: lambda i: [RoleConsumer(account_id=account(i), role_names=[ROLE_NAME])],
    "role consumers, a distinct role name each (`app-NNNN-task`)": lambda i: [
        RoleConsumer(account_id=account(i), role_names=[f"app-{i:04d}-task"])
    ],
    f"role consumers sharing `{ROLE_NAME}` and `eks-node` on path `/service-role/`": lambda i: [
        RoleConsumer(account_id=account(i), role_names=[ROLE_NAME, "eks-node"], role_path="/service-role/")
    ],
    "account consumers": lambda i: [AccountConsumer(account_id=account(i))],
    "mixed: ⅓ accounts, ⅓ one shared role, ⅓ two shared roles": _mixed,
    f"role consumers sharing `{ROLE_NAME}`, `principal_form: arn`": lambda i: [
        RoleConsumer(account_id=account(i), role_names=[ROLE_NAME], principal_form="arn")
    ],
}


def largest(fits: Callable[[int], bool], high: int, low: int = 0) -> int:
    """The largest n in [low, high] for which `fits(n)` (fits is monotone: true up to some n; `fits(low)`)."""
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def policy_size(per_account: PerAccount, count: int, encoding: Encoding) -> int | None:
    """The size of the repository policy for `count` accounts, or None when it is over the quota."""
    consumers = [c for i in range(count) for c in per_account(i)]
    try:
        text = repository_policy_json(consumers, "aws", REGION, "r", encoding.encoding, encoding.registry_account)
    except PolicySizeError:
        return None
    return len(text or "")


@dataclass(frozen=True)
class Capacity:
    accounts: int
    size: int


def capacity(per_account: PerAccount, encoding: Encoding, high: int = 3000) -> Capacity:
    """The most accounts whose consumers fit in one repository policy in `encoding`, and its size then."""
    most = largest(lambda n: policy_size(per_account, n, encoding) is not None, high)
    return Capacity(most, policy_size(per_account, most, encoding) or 0)
