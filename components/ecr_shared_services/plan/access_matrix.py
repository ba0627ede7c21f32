"""Every planned role against every planned repository, both sides evaluated as AWS would."""

from __future__ import annotations

from dataclasses import dataclass

from ecr_shared_services.access import Policies, RequestContext, evaluate_access
from ecr_shared_services.plan.runner import ProjectPlan


@dataclass(frozen=True)
class AccessCell:
    """Whether one application role could pull one repository, and if not, which side refuses."""

    stack: str
    role_arn: str
    repository: str
    requested: bool
    decision: str  # allow | deny | unknown
    denied_by: str | None
    message: str | None


def access_matrix(plan: ProjectPlan) -> list[AccessCell]:
    """One cell per (application role, registry repository) of the stacks that planned cleanly."""
    cells: list[AccessCell] = []
    registries = [s for s in plan.stacks if s.role == "registry" and s.ok]
    for app in (s for s in plan.stacks if s.role == "application" and s.ok):
        role_arn, role_policy = app.outputs.get("roleArn"), app.outputs.get("rolePolicy")
        if not isinstance(role_arn, str) or not isinstance(role_policy, str):
            continue
        org_id = app.config.get("ecr:organizationId")
        context = RequestContext(org_id=org_id, no_organization=org_id is None)
        requested = set(app.outputs.get("imageRepositories") or {})
        for registry in registries:
            policies = registry.outputs.get("repositoryPolicies") or {}
            for name, repository in sorted((registry.outputs.get("repositories") or {}).items()):
                report = evaluate_access(
                    role_arn,
                    repository["arn"],
                    Policies(identity=[role_policy], repository=policies.get(name)),
                    context=context,
                )
                cells.append(
                    AccessCell(
                        app.stack, role_arn, name, name in requested, report.decision, report.denied_by, report.message
                    )
                )
    return cells


def unexpected_denials(cells: list[AccessCell]) -> list[AccessCell]:
    """Cells a stack asked for that would not be allowed: what must never deploy."""
    return [c for c in cells if c.requested and c.decision != "allow"]
