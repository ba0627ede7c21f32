"""Every planned role against every planned repository, both sides evaluated as AWS would.

A matrix of many roles and many repositories is mostly cells where the role's identity policy does not
name the repository: an index of each role's statements (by action and resource) and of each repository
policy's Deny statements (by action) decides those, with the evaluator's own matching and message. Every
other cell, and every cell the index cannot prove, has the full evaluator's (`evaluate_access`) verdict,
found once per role for all the repositories that put the same question to it (see `_Role.cell_key`): a
stack that pulls 1,000 repositories of one registry asks one question, not 1,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecr_shared_services.access import (
    Caller,
    Policies,
    Policy,
    RequestContext,
    evaluate_access,
    parse_caller,
    parse_target,
    steps_for,
)
from ecr_shared_services.access.decision import ResourceSideMemo
from ecr_shared_services.access.errors import AccessInputError, PolicyFormatError
from ecr_shared_services.access.fixes import access_denied_message
from ecr_shared_services.access.grammar import Statement

# The evaluator's own element matching: the index never judges an action or a resource differently from it.
from ecr_shared_services.access.matching import action_truth, resource_truth
from ecr_shared_services.access.results import AccessReport, StepResult
from ecr_shared_services.access.shared_policies import SharedRepositoryPolicies, parsed_or_none
from ecr_shared_services.access.truth import Truth
from ecr_shared_services.access.verdict_keys import (
    IdentityQuestions,
    RepositoryQuestion,
    repository_question,
    statements_covering,
)
from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN
from ecr_shared_services.aws.arns import RepositoryRef
from ecr_shared_services.plan.inventory import PlannedRepository
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan

# The name evaluate_access gives an unnamed identity policy: the index's parsed one carries the same.
IDENTITY_NAME = "identity policy #1"
# The first step of a pull that needs a repository grant: when the index proves it is refused, it is the
# pull's failing step (the token step before it is decided per role).
FIRST_PULL_STEP = next(action for action, required in steps_for("pull") if required and action != AUTHORIZATION_TOKEN)
# The steps of a pull whose requests name the repository.
REPOSITORY_STEPS = tuple(action for action, _ in steps_for("pull") if action != AUTHORIZATION_TOKEN)


@dataclass(frozen=True, slots=True)
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


def _has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


@dataclass(frozen=True)
class _Repository:
    """One repository of a registry, with what the index needs of it."""

    name: str
    arn: str
    policy_text: str | None
    target: RepositoryRef | None  # None: the ARN does not parse; the evaluator says why
    policy: Policy | None
    deny_may_apply: bool  # some Deny statement might cover FIRST_PULL_STEP (principal not looked at)
    resource: str = ""  # the ARN the evaluator's requests name (target.arn), computed once
    # What a verdict of this repository depends on besides the ARN as the identity policy sees it (see
    # _Role.cell_key); None: the evaluator is asked about this repository every time (its target or its
    # policy does not parse, and the evaluator is left to say so).
    question: RepositoryQuestion | None = None

    @staticmethod
    def of(repository: PlannedRepository, shared: SharedRepositoryPolicies) -> _Repository:
        """`shared`: the repository policies parsed so far, by text: a fleet's repositories often share one
        text, which is then one Policy object (what the evaluator's ResourceSideMemo looks for)."""
        name, arn, policy_text = repository.name, repository.arn, repository.policy
        try:
            target: RepositoryRef | None = parse_target(arn)
        except (PolicyFormatError, AccessInputError):
            target = None
        resource = target.arn if target else ""
        if not policy_text:
            return _Repository(
                name,
                arn,
                None,
                target,
                None,
                False,
                resource,
                repository_question(target, None, None) if target else None,
            )
        policy = shared.parsed(policy_text)
        deny = policy is None or any(
            s.effect == "Deny" and action_truth(s, FIRST_PULL_STEP) is not Truth.NO for s in policy.statements
        )
        question = repository_question(target, policy, policy_text) if policy is not None and target else None
        return _Repository(name, arn, policy_text, target, policy, deny, resource, question)

    def policies_for(self, identity: Policy | str) -> Policies:
        return Policies(identity=[identity], repository=self.policy or self.policy_text)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The full evaluator's verdict on a cell, without the ARN its message names: the same for every cell
    that puts the same question (see _Role.cell_key)."""

    decision: str
    denied_by: str | None = None
    message: str | None = None  # a refusal whose message names no repository (the token step's)
    failing: StepResult | None = None  # else the refused step, whose message names the cell's ARN

    @staticmethod
    def of(report: AccessReport, caller: Caller, resource: str) -> _Outcome | None:
        """The report's verdict for reuse, or None when it is not the template's to rebuild: a finding, or a
        message the template does not give back exactly for this very cell."""
        if report.findings:
            return None
        step = report.failing_step
        if step is None:
            outcome = _Outcome(report.decision)
        elif step.resource == "*":
            outcome = _Outcome(report.decision, report.denied_by, report.message)
        else:
            outcome = _Outcome(report.decision, report.denied_by, failing=step)
        return (
            outcome
            if outcome.verdict(caller, resource) == (report.decision, report.denied_by, report.message)
            else None
        )

    def verdict(self, caller: Caller, resource: str) -> tuple[str, str | None, str | None]:
        step = self.failing
        if step is None or step.denied_by is None:
            return self.decision, self.denied_by, self.message
        message = access_denied_message(caller, step.action, resource, step.denied_by, step.explicit)
        return self.decision, self.denied_by, message


@dataclass
class _Role:
    """One application role: its caller, its parsed identity policy and the index of its statements that
    might cover FIRST_PULL_STEP, by exact resource ARN, plus those whose resource has a wildcard."""

    arn: str
    policy_text: str
    context: RequestContext
    caller: Caller | None
    policy: Policy | None
    exact: frozenset[str]
    wild: tuple[Statement, ...]
    # The token step per region (it names no repository; only the region is in its request context).
    tokens: dict[str, StepResult]
    # The statements that might cover a step of the pull naming the repository (every one but the token's),
    # as the identity side's part of a cell's key.
    pulling: IdentityQuestions = field(default_factory=lambda: IdentityQuestions({}, ()))
    # The evaluator's verdicts found so far, by cell_key.
    outcomes: dict[tuple[object, ...], _Outcome] = field(default_factory=dict)

    @staticmethod
    def of(arn: str, policy_text: str, context: RequestContext) -> _Role:
        try:
            caller: Caller | None = parse_caller(arn)
        except (PolicyFormatError, AccessInputError):
            caller = None
        policy = parsed_or_none(policy_text, IDENTITY_NAME, "identity")
        exact: set[str] = set()
        wild: list[Statement] = []
        for statement in policy.statements if policy else ():
            if action_truth(statement, FIRST_PULL_STEP) is Truth.NO:
                continue
            if statement.resources is not None and not any(_has_wildcard(p) for p in statement.resources):
                exact.update(statement.resources)
            else:
                wild.append(statement)
        pulling = IdentityQuestions.of(statements_covering([policy] if policy else [], REPOSITORY_STEPS))
        return _Role(arn, policy_text, context, caller, policy, frozenset(exact), tuple(wild), {}, pulling)

    @property
    def indexable(self) -> bool:
        return self.caller is not None and self.policy is not None and not self.caller.is_service

    def may_name(self, resource: str) -> bool:
        """Whether some statement of the role might cover FIRST_PULL_STEP on `resource`."""
        if resource in self.exact:
            return True
        return bool(self.wild) and any(resource_truth(s, resource) is not Truth.NO for s in self.wild)

    def cell_key(self, repository: _Repository) -> tuple[object, ...] | None:
        """The question a cell of an indexable role puts to the evaluator: every input its verdict depends on,
        the role's own aside (caller, identity policy, context).

        Per step of the pull, the role's side is a function of the request (role, action, resource, context
        keys): the context keys are in the repository's question (region, account), and the resource
        counts only through whether each statement's Resource or NotResource covers it (a statement that
        cannot cover the action never applies). None: the cell is left to the evaluator each time."""
        if repository.question is None:
            return None
        resource = repository.resource
        return (repository.question, self.pulling.key(resource))

    def token(self, target: RepositoryRef) -> StepResult:
        found = self.tokens.get(target.region)
        if found is None:
            policies = Policies(identity=[self.policy or self.policy_text])
            report = evaluate_access(self.arn, target, policies, context=self.context)
            found = next(step for step in report.steps if step.action == AUTHORIZATION_TOKEN)
            self.tokens[target.region] = found
        return found


def _indexed(role: _Role, caller: Caller, repository: _Repository) -> tuple[str, str | None, str | None] | None:
    """(decision, denied_by, message) when the index proves the cell, else None.

    Proven: the token step is refused (it comes first), or, cross-account with the token granted, no
    statement of the role might cover the first pull step on this repository and no Deny of its repository
    policy might: the identity side then has no Allow, so IAM refuses the step for want of one."""
    target = repository.target
    if target is None:
        return None
    token = role.tokens.get(target.region) or role.token(target)
    if token.decision == "deny":
        return token.decision, token.denied_by, token.message
    if token.decision != "allow" or repository.deny_may_apply or caller.account_id == target.account_id:
        return None
    if role.may_name(repository.resource):
        return None
    return "deny", "identity", access_denied_message(caller, FIRST_PULL_STEP, repository.resource, "identity", False)


def _context(plan: ProjectPlan, stack: StackPlan) -> RequestContext:
    # The role's organization: its stack's `ecr:organizationId`, else the plan's; unknown when neither says.
    org_id = stack.config.get("ecr:organizationId") or plan.organization_id
    return RequestContext(org_id=org_id) if org_id else RequestContext()


def access_matrix(plan: ProjectPlan) -> list[AccessCell]:
    """One cell per (puller role, repository) found in the stacks that planned cleanly."""
    cells: list[AccessCell] = []
    planned = [s for s in plan.stacks if s.ok]
    shared = SharedRepositoryPolicies()
    memo = shared.memo
    repositories = [
        _Repository.of(r, shared)
        for r in sorted((r for s in planned for r in s.inventory.repositories), key=lambda r: (r.name, r.arn, r.stack))
    ]
    for stack in planned:
        context = _context(plan, stack)
        for puller in stack.inventory.pullers:
            role = _Role.of(puller.role_arn, puller.identity_policy, context)
            requested = set(puller.requested)
            caller = role.caller if role.indexable else None
            for repository in repositories:
                verdict = (caller and _indexed(role, caller, repository)) or _asked(role, caller, repository, memo)
                cells.append(
                    AccessCell(
                        stack.stack,
                        puller.role_arn,
                        repository.name,
                        repository.arn in requested,
                        *verdict,
                        repository.arn,
                    )
                )
    return cells


def _asked(
    role: _Role, caller: Caller | None, repository: _Repository, memo: ResourceSideMemo
) -> tuple[str, str | None, str | None]:
    """The full evaluator's verdict on one cell, found once per question the role puts to it. `caller`: the
    role's when it is indexable, else None (every cell is then evaluated on its own)."""
    key = role.cell_key(repository) if caller is not None else None
    if key is None or caller is None:
        return _verdict(_evaluated(role, repository, memo))
    found = role.outcomes.get(key)
    if found is None:
        report = _evaluated(role, repository, memo)
        outcome = _Outcome.of(report, caller, repository.resource)
        if outcome is None:
            return _verdict(report)
        role.outcomes[key] = found = outcome
    return found.verdict(caller, repository.resource)


def _verdict(report: AccessReport) -> tuple[str, str | None, str | None]:
    return report.decision, report.denied_by, report.message


def _evaluated(role: _Role, repository: _Repository, memo: ResourceSideMemo | None = None) -> AccessReport:
    """The full evaluator's report on one cell."""
    return evaluate_access(
        role.arn,
        repository.arn,
        repository.policies_for(role.policy or role.policy_text),
        context=role.context,
        resource_memo=memo,
    )


def unexpected_denials(cells: list[AccessCell]) -> list[AccessCell]:
    """Cells a stack asked for that would not be allowed: what must never deploy."""
    return [c for c in cells if c.requested and c.decision != "allow"]
