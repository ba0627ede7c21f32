"""The evaluator's findings as data: per side, per step, and for the whole pull or push."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ecr_shared_services.access.grammar import PolicyKind
from ecr_shared_services.access.truth import Truth
from ecr_shared_services.aws.arns import RepositoryRef

Side = PolicyKind  # "identity" | "resource" | "boundary" | "scp"
Decision = Literal["allow", "deny", "unknown"]
SideState = Literal["allow", "deny", "no_allow", "unknown", "absent", "not_applicable"]
DeniedBy = Literal["identity", "resource", "boundary", "scp", "location"]


@dataclass(frozen=True)
class StatementRef:
    """Where a statement lives: policy name and kind, position, Sid."""

    policy: str
    kind: Side
    index: int
    sid: str | None

    @property
    def label(self) -> str:
        which = f"Sid {self.sid!r}" if self.sid else f"statement #{self.index + 1}"
        return f"{which} in {self.policy}"

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "kind": self.kind, "index": self.index, "sid": self.sid}


@dataclass(frozen=True)
class LevelVerdict:
    """What the SCPs attached at one level of the organization (root, an OU, the account) say."""

    level: int  # 1 for the root, then down towards the account
    policies: tuple[str, ...]
    state: SideState

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "policies": list(self.policies), "verdict": self.state}


@dataclass(frozen=True)
class SideVerdict:
    """What one side (all policies of one kind) says about one step."""

    side: Side
    state: SideState
    allows: Truth
    denies: Truth
    exact_allows: Truth = Truth.NO
    direct_allows: Truth = Truth.NO
    allowed_by: tuple[StatementRef, ...] = ()
    denied_by: tuple[StatementRef, ...] = ()
    notes: tuple[str, ...] = ()
    levels: tuple[LevelVerdict, ...] = ()  # SCPs only

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "verdict": self.state,
            "allowed_by": [ref.to_json() for ref in self.allowed_by],
            "denied_by": [ref.to_json() for ref in self.denied_by],
            "not_evaluable": list(self.notes),
        }
        if self.side == "scp":
            data["levels"] = [level.to_json() for level in self.levels]
        return data


@dataclass(frozen=True)
class Fix:
    """A concrete change, kept as data and rendered once: add a statement allowing `actions` on
    `resource` to the policy at `where` (for the repository policy, naming `grantee`), or remove the
    denying statement `statement_ref`."""

    side: Side
    change: Literal["add_statement", "remove_statement"]
    where: str
    actions: tuple[str, ...]
    resource: str
    statement: dict[str, Any] | None = None
    statement_ref: StatementRef | None = None
    grantee: str = ""

    @property
    def text(self) -> str:
        """One sentence for people."""
        actions = ", ".join(self.actions)
        if self.change == "remove_statement":
            label = self.statement_ref.label if self.statement_ref else self.where
            return (
                f"remove or narrow {label}: it explicitly denies {actions}, and no Allow anywhere can override "
                "an explicit deny"
            )
        if self.side == "resource":
            return f"add to {self.where} a statement allowing {self.grantee} to call {actions}"
        text = f"add to {self.where} a statement allowing {actions} on {self.resource}"
        return text + " (a repository policy cannot grant it)" if self.resource == "*" else text

    def to_json(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "change": self.change,
            "where": self.where,
            "actions": list(self.actions),
            "resource": self.resource,
            "text": self.text,
            "statement": self.statement,
            "remove": self.statement_ref.to_json() if self.statement_ref else None,
        }


@dataclass(frozen=True)
class StepResult:
    """One API call of the pull or push and whether IAM would let it through."""

    action: str
    resource: str
    required: bool
    decision: Decision
    sides: tuple[SideVerdict, ...]
    denied_by: Side | None = None
    explicit: bool = False
    refused_by: tuple[Side, ...] = ()
    deny_statement: StatementRef | None = None
    message: str | None = None
    fixes: tuple[Fix, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "required": self.required,
            "decision": self.decision,
            "denied_by": self.denied_by,
            "explicit": self.explicit,
            "refused_by": list(self.refused_by),
            "deny_statement": self.deny_statement.to_json() if self.deny_statement else None,
            "message": self.message,
            "sides": {verdict.side: verdict.to_json() for verdict in self.sides},
            "fixes": [fix.to_json() for fix in self.fixes],
            "not_evaluable": list(self.notes),
        }


@dataclass(frozen=True)
class Finding:
    """Something wrong outside the policies: the image URI names another region or account, or
    the repository does not exist."""

    kind: Literal["region_mismatch", "account_mismatch", "partition_mismatch", "repository_not_found"]
    message: str
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class AccessReport:
    """The answer to "can this caller pull (or push) this image, and if not, why"."""

    principal: str
    image: str
    repository: RepositoryRef
    access: Literal["pull", "push"]
    cross_account: bool
    steps: tuple[StepResult, ...]
    findings: tuple[Finding, ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)
    unknown_inputs: tuple[str, ...] = ()
    fixes: tuple[Fix, ...] = ()  # every required step's fixes, merged per policy

    @property
    def failing_step(self) -> StepResult | None:
        return next((s for s in self.steps if s.required and s.decision == "deny"), None)

    @property
    def decision(self) -> Decision:
        if self.findings or self.failing_step is not None:
            return "deny"
        if any(s.required and s.decision == "unknown" for s in self.steps):
            return "unknown"
        return "allow"

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @property
    def denied_by(self) -> DeniedBy | None:
        if self.findings:
            return "location"
        step = self.failing_step
        return step.denied_by if step else None

    @property
    def explicit(self) -> bool:
        step = self.failing_step
        return bool(step and step.explicit and not self.findings)

    @property
    def message(self) -> str | None:
        if self.findings:
            return self.findings[0].message
        step = self.failing_step
        return step.message if step else None
