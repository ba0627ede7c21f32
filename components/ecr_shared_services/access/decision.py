"""The decision for one API call: gather each side's verdict, then combine them as IAM does.

- An explicit Deny in any policy that applies wins.
- Every SCP level over the caller's account must allow (SCPs do not apply to service principals).
- Cross-account: the identity side (within its permissions boundary) AND the repository policy.
- Same account: either the identity side (within its boundary) OR the repository policy; a
  repository grant naming the very user or session is not limited by the boundary, one naming the
  account or the role is.
- `ecr:GetAuthorizationToken` is decided by the identity side alone: a repository policy cannot grant it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecr_shared_services.access.fixes import access_denied_message, allow_fix, remove_fix
from ecr_shared_services.access.grammar import Policy
from ecr_shared_services.access.matching import Request, statement_applies
from ecr_shared_services.access.results import Fix, Side, SideVerdict, StatementRef, StepResult
from ecr_shared_services.access.truth import Truth, all_of, any_of
from ecr_shared_services.aws.arns import RepositoryRef

# The order sides are named in when several refuse the same step.
DENY_ORDER: tuple[Side, ...] = ("scp", "identity", "boundary", "resource")


@dataclass(frozen=True)
class PolicySet:
    """The policies in play. `unknown` names the sides that could not be read: their verdict is
    unknown, not absent."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    scps: tuple[Policy, ...] = ()
    unknown: frozenset[Side] = frozenset()
    unknown_reasons: tuple[tuple[Side, str], ...] = ()

    def reason(self, side: Side) -> str:
        return next((text for s, text in self.unknown_reasons if s == side), f"the {side} policies were not read")


def _ref(policy: Policy, index: int) -> StatementRef:
    statement = policy.statements[index]
    return StatementRef(policy.name, policy.kind, statement.index, statement.sid)


def side_verdict(side: Side, policies: Sequence[Policy], request: Request) -> SideVerdict:
    """Combine every statement of every policy of one side for one request."""
    allows: list[Truth] = []
    denies: list[Truth] = []
    exact: list[Truth] = []
    direct: list[Truth] = []
    allowed_by: list[StatementRef] = []
    denied_by: list[StatementRef] = []
    notes: list[str] = []
    for policy in policies:
        for position, statement in enumerate(policy.statements):
            match = statement_applies(statement, request)
            if match.truth is Truth.NO:
                continue
            notes.extend(f"{policy.name}, {statement.label}: {note}" for note in match.notes)
            if statement.effect == "Deny":
                denies.append(match.truth)
                if match.truth is Truth.YES:
                    denied_by.append(_ref(policy, position))
            else:
                allows.append(match.truth)
                exact.append(match.truth if match.exact_principal else Truth.NO)
                direct.append(Truth.NO if match.delegating_principal else match.truth)
                if match.truth is Truth.YES:
                    allowed_by.append(_ref(policy, position))
    allow_truth, deny_truth = any_of(allows), any_of(denies)
    if deny_truth is Truth.YES:
        state = "deny"
    elif deny_truth is Truth.UNKNOWN:
        state = "unknown"
    elif allow_truth is Truth.YES:
        state = "allow"
    elif allow_truth is Truth.UNKNOWN:
        state = "unknown"
    else:
        state = "no_allow"
    return SideVerdict(
        side=side,
        state=state,  # type: ignore[arg-type]
        allows=allow_truth,
        denies=deny_truth,
        exact_allows=any_of(exact),
        direct_allows=any_of(direct),
        allowed_by=tuple(allowed_by),
        denied_by=tuple(denied_by),
        notes=tuple(dict.fromkeys(notes)),
    )


def _unknown(side: Side, reason: str) -> SideVerdict:
    return SideVerdict(side, "unknown", Truth.UNKNOWN, Truth.UNKNOWN, Truth.UNKNOWN, Truth.UNKNOWN, notes=(reason,))


def _partial(verdict: SideVerdict, reason: str) -> SideVerdict:
    """A side of which only some policies could be read: what they allow or deny stands, but their
    silence proves nothing."""
    allows = Truth.YES if verdict.allows is Truth.YES else Truth.UNKNOWN
    denies = Truth.YES if verdict.denies is Truth.YES else Truth.UNKNOWN
    state = "deny" if denies is Truth.YES else "unknown"
    return SideVerdict(
        verdict.side,
        state,  # type: ignore[arg-type]
        allows,
        denies,
        Truth.YES if verdict.exact_allows is Truth.YES else Truth.UNKNOWN,
        Truth.YES if verdict.direct_allows is Truth.YES else Truth.UNKNOWN,
        verdict.allowed_by,
        verdict.denied_by,
        (*verdict.notes, reason),
    )


def _scp_verdict(policies: PolicySet, request: Request) -> SideVerdict:
    # Each SCP is one level of the organization (root, OU, account): every level must allow.
    levels = [side_verdict("scp", [policy], request) for policy in policies.scps]
    allows = all_of(level.allows for level in levels)
    denies = any_of(level.denies for level in levels)
    state = (
        "deny"
        if denies is Truth.YES
        else "unknown"
        if denies is Truth.UNKNOWN
        else ("allow" if allows is Truth.YES else "unknown" if allows is Truth.UNKNOWN else "no_allow")
    )
    return SideVerdict(
        "scp",
        state,  # type: ignore[arg-type]
        allows,
        denies,
        allowed_by=tuple(ref for level in levels for ref in level.allowed_by),
        denied_by=tuple(ref for level in levels for ref in level.denied_by),
        notes=tuple(note for level in levels for note in level.notes),
    )


def evaluate_step(
    request: Request,
    policies: PolicySet,
    repository: RepositoryRef,
    *,
    required: bool,
    cross_account: bool,
) -> StepResult:
    """Decide one API call of the pull or push."""
    caller = request.caller
    token_step = request.resource == "*"
    verdicts: dict[Side, SideVerdict] = {}

    def absent(side: Side, state: str) -> SideVerdict:
        return SideVerdict(side, state, Truth.NO, Truth.NO)  # type: ignore[arg-type]

    if caller.is_service:
        for side in ("identity", "boundary", "scp"):
            verdicts[side] = absent(side, "not_applicable")
    else:
        verdicts["identity"] = side_verdict("identity", policies.identity, request)
        if "identity" in policies.unknown:
            verdicts["identity"] = _partial(verdicts["identity"], policies.reason("identity"))
        if "boundary" in policies.unknown:
            verdicts["boundary"] = _unknown("boundary", policies.reason("boundary"))
        elif policies.boundary is not None:
            verdicts["boundary"] = side_verdict("boundary", [policies.boundary], request)
        else:
            verdicts["boundary"] = absent("boundary", "absent")
        if "scp" in policies.unknown:
            verdicts["scp"] = _unknown("scp", policies.reason("scp"))
        elif policies.scps:
            verdicts["scp"] = _scp_verdict(policies, request)
        else:
            verdicts["scp"] = absent("scp", "absent")
    if token_step:
        verdicts["resource"] = absent("resource", "not_applicable")
    elif "resource" in policies.unknown:
        verdicts["resource"] = (
            _partial(side_verdict("resource", [policies.resource], request), policies.reason("resource"))
            if policies.resource is not None
            else _unknown("resource", policies.reason("resource"))
        )
    elif policies.resource is not None:
        verdicts["resource"] = side_verdict("resource", [policies.resource], request)
    else:
        verdicts["resource"] = absent("resource", "absent")

    def applies(side: Side) -> bool:
        return verdicts[side].state not in ("absent", "not_applicable")

    identity, boundary, scp, resource = (verdicts[s] for s in ("identity", "boundary", "scp", "resource"))
    boundary_ok = boundary.allows if applies("boundary") else Truth.YES
    scp_ok = scp.allows if applies("scp") else Truth.YES
    identity_ok = all_of([identity.allows, boundary_ok])
    resource_ok = resource.allows
    if caller.is_service:
        granted = resource_ok
    elif token_step:
        granted = identity_ok
    elif cross_account:
        granted = all_of([identity_ok, resource_ok])
    else:
        # Within one account a repository policy grants on its own only when it names the caller (or
        # everyone), not when it names the account, which defers to the account's identity policies.
        resource_alone = any_of([resource.exact_allows, all_of([resource.direct_allows, boundary_ok])])
        granted = any_of([identity_ok, resource_alone])
    explicit_deny = any_of(v.denies for v in verdicts.values() if applies(v.side))
    decision_truth = all_of([explicit_deny.negate(), scp_ok, granted])
    sides = tuple(verdicts[s] for s in ("identity", "resource", "boundary", "scp"))
    notes = tuple(note for v in sides for note in v.notes)

    if decision_truth is Truth.YES:
        return StepResult(request.action, request.resource, required, "allow", sides, notes=notes)
    if decision_truth is Truth.UNKNOWN:
        return StepResult(request.action, request.resource, required, "unknown", sides, notes=notes)

    if explicit_deny is Truth.YES:
        side = next(s for s in DENY_ORDER if applies(s) and verdicts[s].denies is Truth.YES)
        ref = verdicts[side].denied_by[0]
        fixes: tuple[Fix, ...] = tuple(remove_fix(r, request.action) for s in DENY_ORDER for r in verdicts[s].denied_by)
        return StepResult(
            request.action,
            request.resource,
            required,
            "deny",
            sides,
            denied_by=side,
            explicit=True,
            refused_by=tuple(s for s in DENY_ORDER if applies(s) and verdicts[s].denies is Truth.YES),
            deny_statement=ref,
            message=access_denied_message(caller, request.action, request.resource, side, True),
            fixes=fixes,
            notes=notes,
        )

    refused: list[Side] = []
    if scp_ok is Truth.NO:
        refused.append("scp")
    if granted is Truth.NO:
        if caller.is_service:
            refused.append("resource")
        elif token_step:
            refused.append("identity" if identity.allows is Truth.NO else "boundary")
        elif cross_account:
            if identity.allows is Truth.NO:
                refused.append("identity")
            elif boundary_ok is Truth.NO:
                refused.append("boundary")
            if resource_ok is Truth.NO:
                refused.append("resource")
        elif resource.direct_allows is Truth.YES:
            refused.append("boundary")  # the repository grant names the role itself: the boundary binds it
        else:
            refused.append("identity" if identity.allows is Truth.NO else "boundary")
            if resource_ok is Truth.NO:
                refused.append("resource")
    side = refused[0]
    fix_list: list[Fix] = []
    for s in refused:
        policy_name: str | None = None
        if s == "boundary" and policies.boundary is not None:
            policy_name = policies.boundary.name
        if s == "scp":
            failing = [p for p in policies.scps if side_verdict("scp", [p], request).allows is Truth.NO]
            policy_name = failing[0].name if failing else None
        if s == "resource" and not cross_account and not caller.is_service:
            continue  # same account: fixing the identity side is enough, so offer that one change
        fix_list.append(allow_fix(s, caller, repository, request.action, request.resource, policy_name))
    return StepResult(
        request.action,
        request.resource,
        required,
        "deny",
        sides,
        denied_by=side,
        explicit=False,
        refused_by=tuple(refused),
        message=access_denied_message(caller, request.action, request.resource, side, False),
        fixes=tuple(fix_list),
        notes=notes,
    )
