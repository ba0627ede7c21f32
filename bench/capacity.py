"""How many consumers fit in one repository policy, and how many repositories in one role's inline policy."""

from __future__ import annotations

from collections.abc import Callable

from bench.fleets import REGION, ROLE_NAME, account
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import ROLE_INLINE_POLICIES, to_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, RoleConsumer


def largest(fits: Callable[[int], bool], high: int = 2000) -> int:
    """The largest n in [1, high] for which `fits(n)` (fits is monotone: true up to some n)."""
    low = 1
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def repository_policy_capacity(make: Callable[[int], Consumer]) -> tuple[int, int]:
    """How many consumers of one kind fit in one repository policy, and that policy's size."""

    def fits(n: int) -> bool:
        try:
            repository_policy_json([make(i) for i in range(n)], "aws", REGION, "r")
        except PolicySizeError:
            return False
        return True

    most = largest(fits)
    text = repository_policy_json([make(i) for i in range(most)], "aws", REGION, "r") or ""
    return most, len(text)


CONSUMER_KINDS: dict[str, Callable[[int], Consumer]] = {
    "account consumers": lambda i: AccountConsumer(account_id=account(i)),
    f"role consumers, `condition` form, `{ROLE_NAME}`": lambda i: RoleConsumer(
        account_id=account(i), role_names=[ROLE_NAME]
    ),
    "role consumers, `condition` form, `app-task`": lambda i: RoleConsumer(
        account_id=account(i), role_names=["app-task"]
    ),
    f"role consumers, `arn` form, `{ROLE_NAME}`": lambda i: RoleConsumer(
        account_id=account(i), role_names=[ROLE_NAME], principal_form="arn"
    ),
}


def identity_policy_capacity() -> int:
    """Repositories named `service-NNNN` one role's inline identity policy can name (whitespace not counted)."""

    def fits(n: int) -> bool:
        arns = [f"arn:aws:ecr:{REGION}:987654321098:repository/service-{i:04d}" for i in range(n)]
        return len(to_json(identity_policy(arns))) <= ROLE_INLINE_POLICIES.limit

    return largest(fits, high=1000)
