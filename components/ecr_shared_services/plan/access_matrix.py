"""Every planned role against every planned repository, both sides evaluated as AWS would."""

from __future__ import annotations

from dataclasses import dataclass

from ecr_shared_services.access import Policies, RequestContext, evaluate_access
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan


@dataclass(frozen=True)
class AccessCell:
    """Whether one role could pull one repository, and if not, which side refuses."""

    stack: str
    role_arn: str
    repository: str
    requested: bool
    decision: str  # allow | deny | unknown
    denied_by: str | None
    message: str | None
    repository_arn: str = ""


def _context(plan: ProjectPlan, stack: StackPlan) -> RequestContext:
    # The role's organization: its stack's `ecr:organizationId`, else the plan's; unknown when neither says.
    org_id = stack.config.get("ecr:organizationId") or plan.organization_id
    return RequestContext(org_id=org_id) if org_id else RequestContext()


def access_matrix(plan: ProjectPlan) -> list[AccessCell]:
    """One cell per (puller role, repository) found in the stacks that planned cleanly."""
    cells: list[AccessCell] = []
    planned = [s for s in plan.stacks if s.ok]
    repositories = sorted(
        (r for s in planned for r in s.inventory.repositories), key=lambda r: (r.name, r.arn, r.stack)
    )
    for stack in planned:
        context = _context(plan, stack)
        for puller in stack.inventory.pullers:
            requested = set(puller.requested)
            for repository in repositories:
                report = evaluate_access(
                    puller.role_arn,
                    repository.arn,
                    Policies(identity=[puller.policy], repository=repository.policy),
                    context=context,
                )
                cells.append(
                    AccessCell(
                        stack.stack,
                        puller.role_arn,
                        repository.name,
                        repository.arn in requested,
                        report.decision,
                        report.denied_by,
                        report.message,
                        repository.arn,
                    )
                )
    return cells


def unexpected_denials(cells: list[AccessCell]) -> list[AccessCell]:
    """Cells a stack asked for that would not be allowed: what must never deploy."""
    return [c for c in cells if c.requested and c.decision != "allow"]
