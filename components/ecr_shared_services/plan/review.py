"""Everything a plan concludes, in one place: the access matrix, guardrail findings, the change against a
baseline, and the verdict with its exit status. The renderers (text, JSON, Markdown, Mermaid) read this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ecr_shared_services.plan.access_matrix import AccessCell, unexpected_denials
from ecr_shared_services.plan.baseline import PlanDiff
from ecr_shared_services.plan.guardrails import GuardrailFinding, mandatory
from ecr_shared_services.plan.runner import ProjectPlan
from ecr_shared_services.plan.stack_error import BAD_INPUT, BLOCKED, CYCLE

# The version of the plan's JSON (docs/plan-json.md, docs/plan.schema.json): raised on any incompatible change.
SCHEMA_VERSION: Final = 1

# Exit statuses. 1 is for a valid plan that AWS would refuse, a mandatory guardrail finding, or a danger
# (a repository replaced or deleted) not allowed with --allow-replace; 2 is for input the plan cannot use.
OK, WOULD_FAIL, BAD_INPUT_EXIT = 0, 1, 2


@dataclass(frozen=True)
class Review:
    plan: ProjectPlan
    cells: list[AccessCell]
    findings: list[GuardrailFinding]
    # None: guardrails not run (the pack is not there), with why.
    guardrails_pack: str | None
    diff: PlanDiff | None = None
    allow_replace: bool = False

    @property
    def denied(self) -> list[AccessCell]:
        return unexpected_denials(self.cells)

    @property
    def dangers(self) -> list[str]:
        """Repositories the change would replace or delete (their images with them), unless allowed."""
        if self.diff is None or self.allow_replace:
            return []
        return [f"{c.name} ({c.arn}) would be {c.change}" for c in self.diff.repositories]

    @property
    def unchecked(self) -> list[str]:
        """Requested pulls of repositories no planned stack creates: no cell of the matrix checks them."""
        planned = [s for s in self.plan.stacks if s.ok]
        arns = {r.arn for s in planned for r in s.inventory.repositories}
        return sorted(
            f"{p.role_arn} -> {arn}"
            for s in planned
            for p in s.inventory.pullers
            for arn in p.requested
            if arn not in arns
        )

    @property
    def unchecked_fails(self) -> bool:
        # With --stack-outputs the user has put part of the organisation outside the plan on purpose.
        return bool(self.unchecked) and not self.plan.given_outputs

    @property
    def bad_input(self) -> bool:
        return any(s.error_kind in (BAD_INPUT, CYCLE) for s in self.plan.stacks)

    @property
    def nothing_planned(self) -> bool:
        """Every stack planned and none holds a repository or a puller: a clean plan of that proves nothing."""
        stacks = self.plan.stacks
        return self.plan.ok and not any(s.inventory.repositories or s.inventory.pullers for s in stacks)

    @property
    def exit_code(self) -> int:
        if self.bad_input or self.nothing_planned:
            return BAD_INPUT_EXIT
        if not self.plan.ok or self.denied or mandatory(self.findings) or self.dangers or self.unchecked_fails:
            return WOULD_FAIL
        return OK

    def verdict(self) -> str:
        """One line: why the plan passes or fails."""
        if self.nothing_planned:
            return (
                "Nothing to plan: no stack registers an ECR repository, SharedRegistry, PullerRole or PullerPolicy, "
                "so a clean plan would prove nothing"
            )
        failed = [s.stack for s in self.plan.stacks if not s.ok and s.error_kind != BLOCKED]
        blocked = [s.stack for s in self.plan.stacks if s.error_kind == BLOCKED]
        reasons = []
        if failed:
            reasons.append(f"{len(failed)} stack(s) would fail: {', '.join(failed)}")
        if blocked:
            reasons.append(
                f"{len(blocked)} stack(s) read a stack that failed and were not planned: {', '.join(blocked)}"
            )
        if self.denied:
            reasons.append(f"{len(self.denied)} requested pull(s) would be denied")
        if mandatory(self.findings):
            reasons.append(f"{len(mandatory(self.findings))} mandatory guardrail finding(s)")
        if self.dangers:
            reasons.append(
                f"{len(self.dangers)} repository(ies) would be replaced or deleted, images included "
                "(--allow-replace to accept)"
            )
        if self.unchecked_fails:
            reasons.append(
                f"{len(self.unchecked)} requested pull(s) name a repository no planned stack creates, so nothing "
                f"checks them ({', '.join(self.unchecked[:3])}{', ...' if len(self.unchecked) > 3 else ''}): plan "
                "the stack that creates it, or pin its account with an explicit aws.Provider"
            )
        if reasons:
            return "; ".join(reasons)
        clean = "Every stack plans cleanly: each application is granted every repository it pulls."
        if self.unchecked:
            return (
                f"{clean[:-1]} in this plan; {len(self.unchecked)} requested pull(s) of repositories outside it "
                "(given with --stack-outputs) are not checked."
            )
        return clean
