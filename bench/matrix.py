"""The access matrix of a large fleet: every application role against every registry repository.

The fleet: `repositories` repositories in one registry, each shared (role consumers, default form) with the
task roles of 5 accounts; `roles` roles spread over 100 accounts, each pulling 10 repositories its account
is granted. Built directly as a plan (no stack runs), so only the matrix is timed.

With `--requested`, the fleet of the offline plan's benchmark (bench/plan_fleets.py) instead: `roles`
application roles, each the task execution role of its own account and pulling every one of the
`repositories`, which are each shared with all those accounts. Every cell is then one a stack asked for (an
allow), the cells the index cannot decide.

Usage: `python -m bench.matrix [--requested] [ROLESxREPOSITORIES ...]`.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass

from bench.fleets import REGION, REGISTRY_ACCOUNT, ROLE_NAME, account, repository_name, sizes
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


def requested_plan(roles: int, repositories: int) -> ProjectPlan:
    """`roles` roles, one per account, each pulling all `repositories`, which are shared with every such role."""
    names = [repository_name(r) for r in range(repositories)]
    arns = [RepositoryRef("aws", REGION, REGISTRY_ACCOUNT, n).arn for n in names]
    consumers = [RoleConsumer(account_id=account(a), role_names=[ROLE_NAME]) for a in range(roles)]
    registry = registry_stack(
        "registry", REGISTRY_ACCOUNT, REGION, {n: repository_policy_json(consumers, "aws", REGION, n) for n in names}
    )
    policy = json.dumps(identity_policy(arns))
    apps = [
        puller_stack(f"app-{a}", account(a), REGION, role_arn("aws", account(a), ROLE_NAME, "/"), policy)
        for a in range(roles)
    ]
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


def matrix_timing(roles: int, repositories: int, repeat: int = 3, requested: bool = False) -> MatrixTiming:
    """The matrix of fleet_plan, or with `requested` of requested_plan (every cell one a stack asked for)."""
    plan = (requested_plan if requested else fleet_plan)(roles, repositories)
    times, allowed = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        cells = access_matrix(plan)
        times.append(time.perf_counter() - start)
        allowed = sum(c.decision == "allow" for c in cells)
        del cells
    return MatrixTiming(roles, repositories, statistics.median(times), allowed, full_evaluator_per_cell(plan))


if __name__ == "__main__":
    options = sizes(
        None,
        "The access matrix of ROLESxREPOSITORIES",
        "500x2000",
        requested="every role pulls every repository: every cell is one a stack asked for",
    )
    for roles, repos in options.sizes:
        found = matrix_timing(roles, repos, repeat=1, requested=options.requested)
        print(
            f"{found.roles} roles x {found.repositories} repositories{' (all requested)' if options.requested else ''}:"
            f" {found.seconds:.2f} s, {found.cells / found.seconds:,.0f} cells/s, "
            f"{found.seconds / found.cells * 1e6:.1f} us/cell, {found.allowed} allowed; "
            f"full evaluator {found.full_evaluator_us:,.0f} us/cell"
        )
