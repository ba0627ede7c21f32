"""The access matrix of a large fleet: every application role against every registry repository.

The fleet: `repositories` repositories in one registry, each shared (role consumers, default form) with the
task roles of 5 accounts; `roles` roles spread over 100 accounts, each pulling 10 repositories its account
is granted. Built directly as a plan (no stack runs), so only the matrix is timed.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass

from bench.fleets import REGION, REGISTRY_ACCOUNT, account, repository_name, sizes
from bench.planned_stacks import puller_stack, registry_stack
from ecr_shared_services.access import Policies, RequestContext, evaluate_access
from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.plan.access_matrix import access_matrix
from ecr_shared_services.plan.runner import ProjectPlan
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import RoleConsumer

ACCOUNTS = 100
SHARED_WITH = 5  # accounts per repository
ROLE_NAMES = [f"app-{n}" for n in range(5)]
PULLS = 10  # repositories per role


def _granted(repository: int) -> list[int]:
    return [(repository * SHARED_WITH + k) % ACCOUNTS for k in range(SHARED_WITH)]


def fleet_plan(roles: int, repositories: int) -> ProjectPlan:
    names = [repository_name(r) for r in range(repositories)]
    arns = {n: RepositoryRef("aws", REGION, REGISTRY_ACCOUNT, n).arn for n in names}
    by_account: dict[int, list[str]] = {}
    policies = {}
    for r, name in enumerate(names):
        consumers = [RoleConsumer(account_id=account(a), role_names=ROLE_NAMES) for a in _granted(r)]
        policies[name] = repository_policy_json(consumers, "aws", REGION, name)
        for a in _granted(r):
            by_account.setdefault(a, []).append(name)
    registry = registry_stack("registry", REGISTRY_ACCOUNT, REGION, policies)
    apps = []
    for i in range(roles):
        a = i % ACCOUNTS
        pulled = by_account.get(a, [])[:PULLS]
        arn = role_arn("aws", account(a), ROLE_NAMES[(i // ACCOUNTS) % len(ROLE_NAMES)], "/")
        policy = json.dumps(identity_policy([arns[n] for n in pulled]))
        apps.append(puller_stack(f"app-{i}", account(a), REGION, arn, policy))
    return ProjectPlan("fleet", (registry, *apps))


@dataclass(frozen=True)
class MatrixTiming:
    roles: int
    repositories: int
    seconds: float  # median of the runs
    allowed: int
    full_evaluator_us: float  # one evaluate_access per cell, median over a sample of cells

    @property
    def cells(self) -> int:
        return self.roles * self.repositories


def full_evaluator_per_cell(plan: ProjectPlan, sample: int = 300) -> float:
    """Microseconds per cell of the matrix as one evaluate_access per cell (policies parsed each time)."""
    repositories = plan.stacks[0].inventory.repositories
    pullers = [puller for app in plan.stacks[1:] for puller in app.inventory.pullers]
    cells = [(pullers[i % len(pullers)], repositories[(i * 7919) % len(repositories)]) for i in range(sample)]
    start = time.perf_counter()
    for puller, repository in cells:
        evaluate_access(
            puller.role_arn,
            repository.arn,
            Policies(identity=[puller.policy], repository=repository.policy),
            context=RequestContext(no_organization=True),
        )
    return (time.perf_counter() - start) / sample * 1e6


def matrix_timing(roles: int, repositories: int, repeat: int = 3) -> MatrixTiming:
    plan = fleet_plan(roles, repositories)
    times, allowed = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        cells = access_matrix(plan)
        times.append(time.perf_counter() - start)
        allowed = sum(c.decision == "allow" for c in cells)
        del cells
    return MatrixTiming(roles, repositories, statistics.median(times), allowed, full_evaluator_per_cell(plan))


if __name__ == "__main__":
    for roles, repos in sizes(None, "The access matrix of ROLESxREPOSITORIES", "500x2000").sizes:
        found = matrix_timing(roles, repos, repeat=1)
        print(
            f"{found.roles} roles x {found.repositories} repositories: {found.seconds:.2f} s, "
            f"{found.cells / found.seconds:,.0f} cells/s, {found.allowed} allowed; "
            f"full evaluator {found.full_evaluator_us:,.0f} us/cell"
        )
