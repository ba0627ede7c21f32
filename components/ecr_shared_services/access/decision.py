"""The decision for one API call, in three parts: gather each side's verdict, combine them as IAM
does into one outcome, and attribute a refusal to the sides that caused it (with their fixes).

IAM's policy evaluation logic (IAM User Guide, "Policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
"Cross-account policy evaluation logic"):
- An explicit Deny in any policy that applies wins.
- Every SCP level over the caller's account must allow; the SCPs attached at one level are combined
  (AWS Organizations User Guide, "SCP evaluation",
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
  SCPs do not apply to service principals.
- Cross-account: the identity side (within its permissions boundary) AND the repository policy.
- Same account: either the identity side (within its boundary) OR the repository policy; a
  repository grant naming the very user or session is not limited by the boundary, one naming the
  account or the role is.
- `ecr:GetAuthorizationToken` is decided by the identity side alone: a repository policy cannot grant it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from ecr_shared_services.access.fixes import access_denied_message, allow_fix, remove_fix
from ecr_shared_services.access.grammar import Policy
from ecr_shared_services.access.matching import Request, statement_applies
from ecr_shared_services.access.question import Unreadable
from ecr_shared_services.access.results import (
    Decision,
    Fix,
    LevelVerdict,
    Side,
    SideState,
    SideVerdict,
    StatementRef,
    StepResult,
)
from ecr_shared_services.access.truth import Truth, all_of, any_of
from ecr_shared_services.aws.arns import RepositoryRef

# The order sides are named in when several refuse the same step.
DENY_ORDER: tuple[Side, ...] = ("scp", "identity", "boundary", "resource")
_REPORT_ORDER: tuple[Side, ...] = ("identity", "resource", "boundary", "scp")


class ResourceSideMemo:
    """The repository side's verdicts already found, for a caller that evaluates many repositories whose
    policies are one parsed Policy object (the same text): the verdict is a function of that policy, the
    action, the caller, its permissions-boundary flag and the request's context keys, and of the resource ARN
    only when a statement has a Resource or NotResource element (then the ARN is part of the key)."""

    def __init__(self) -> None:
        # Each entry keeps its policy: the id in the key cannot be reused by another object meanwhile.
        self._found: dict[tuple[object, ...], tuple[Policy, SideVerdict]] = {}

    def verdict(self, policy: Policy, request: Request) -> SideVerdict:
        names_resources = any(s.resources is not None or s.not_resources is not None for s in policy.statements)
        keys = request.keys
        key = (
            id(policy),
            request.action,
            request.resource if names_resources else None,
            request.caller,
            request.has_boundary,
            frozenset(keys.values.items()),
            keys.tag_prefixes_known,
        )
        found = self._found.get(key)
        if found is None:
            found = (policy, side_verdict("resource", [policy], request))
            self._found[key] = found
        return found[1]


@dataclass(frozen=True)
class PolicySet:
    """The parsed policies in play, and the sides that could not be read."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    scp_levels: tuple[tuple[Policy, ...], ...] = ()
    unreadable: Unreadable = field(default_factory=Unreadable)
    # Set by a caller that evaluates many repositories sharing their policies (see ResourceSideMemo).
    resource_memo: ResourceSideMemo | None = None


class Outcome(Enum):
    """What IAM does with one request."""

    ALLOW = "allow"
    UNKNOWN = "unknown"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"


# ---- gathering ---------------------------------------------------------------------------------


def _ref(policy: Policy, index: int) -> StatementRef:
    statement = policy.statements[index]
    return StatementRef(policy.name, policy.kind, statement.index, statement.sid)


def _state(allows: Truth, denies: Truth) -> SideState:
    if denies is not Truth.NO:
        return "deny" if denies is Truth.YES else "unknown"
    return {Truth.YES: "allow", Truth.UNKNOWN: "unknown", Truth.NO: "no_allow"}[allows]  # type: ignore[return-value]


@dataclass
class _Tally:
    allows: list[Truth]
    denies: list[Truth]
    exact: list[Truth]
    direct: list[Truth]
    allowed_by: list[StatementRef]
    denied_by: list[StatementRef]
    notes: list[str]


def side_verdict(side: Side, policies: Sequence[Policy], request: Request) -> SideVerdict:
    """Combine every statement of every policy of one side for one request."""
    tally = _Tally([], [], [], [], [], [], [])
    for policy in policies:
        for position, statement in enumerate(policy.statements):
            match = statement_applies(statement, request)
            if match.truth is Truth.NO:
                continue
            tally.notes.extend(f"{policy.name}, {statement.label}: {note}" for note in match.notes)
            if statement.effect == "Deny":
                tally.denies.append(match.truth)
                if match.truth is Truth.YES:
                    tally.denied_by.append(_ref(policy, position))
                continue
            tally.allows.append(match.truth)
            tally.exact.append(match.truth if match.exact_principal else Truth.NO)
            tally.direct.append(Truth.NO if match.delegating_principal else match.truth)
            if match.truth is Truth.YES:
                tally.allowed_by.append(_ref(policy, position))
    allows, denies = any_of(tally.allows), any_of(tally.denies)
    return SideVerdict(
        side=side,
        state=_state(allows, denies),
        allows=allows,
        denies=denies,
        exact_allows=any_of(tally.exact),
        direct_allows=any_of(tally.direct),
        allowed_by=tuple(tally.allowed_by),
        denied_by=tuple(tally.denied_by),
        notes=tuple(dict.fromkeys(tally.notes)),
    )


def _absent(side: Side, state: SideState) -> SideVerdict:
    return SideVerdict(side, state, Truth.NO, Truth.NO)


def _unknown(side: Side, reason: str) -> SideVerdict:
    return SideVerdict(side, "unknown", Truth.UNKNOWN, Truth.UNKNOWN, Truth.UNKNOWN, Truth.UNKNOWN, notes=(reason,))


def _partial(verdict: SideVerdict, reason: str) -> SideVerdict:
    """A side of which only some policies could be read: what they allow or deny stands, but their
    silence proves nothing."""

    def proven(truth: Truth) -> Truth:
        return Truth.YES if truth is Truth.YES else Truth.UNKNOWN

    denies = proven(verdict.denies)
    return SideVerdict(
        verdict.side,
        "deny" if denies is Truth.YES else "unknown",
        proven(verdict.allows),
        denies,
        proven(verdict.exact_allows),
        proven(verdict.direct_allows),
        verdict.allowed_by,
        verdict.denied_by,
        (*verdict.notes, reason),
    )


def scp_verdict(levels: Sequence[Sequence[Policy]], request: Request) -> SideVerdict:
    """Every level must allow; within a level, the Allows of all its SCPs are combined."""
    verdicts = [side_verdict("scp", level, request) for level in levels]
    allows = all_of(v.allows for v in verdicts)
    denies = any_of(v.denies for v in verdicts)
    return SideVerdict(
        "scp",
        _state(allows, denies),
        allows,
        denies,
        allowed_by=tuple(ref for v in verdicts for ref in v.allowed_by),
        denied_by=tuple(ref for v in verdicts for ref in v.denied_by),
        notes=tuple(note for v in verdicts for note in v.notes),
        levels=tuple(
            LevelVerdict(number, tuple(p.name for p in level), v.state)
            for number, (level, v) in enumerate(zip(levels, verdicts, strict=True), start=1)
        ),
    )


def _identity_sides(request: Request, policies: PolicySet) -> dict[Side, SideVerdict]:
    unreadable = policies.unreadable
    identity = side_verdict("identity", policies.identity, request)
    if "identity" in unreadable.sides:
        identity = _partial(identity, unreadable.reason("identity"))
    if "boundary" in unreadable.sides:
        boundary = _unknown("boundary", unreadable.reason("boundary"))
    elif policies.boundary is not None:
        boundary = side_verdict("boundary", [policies.boundary], request)
    else:
        boundary = _absent("boundary", "absent")
    if "scp" in unreadable.sides:
        scp = _unknown("scp", unreadable.reason("scp"))
    elif policies.scp_levels:
        scp = scp_verdict(policies.scp_levels, request)
    else:
        scp = _absent("scp", "absent")
    return {"identity": identity, "boundary": boundary, "scp": scp}


def _resource_side(request: Request, policies: PolicySet) -> SideVerdict:
    if request.resource == "*":
        return _absent("resource", "not_applicable")
    verdict = None
    if policies.resource is not None:
        memo = policies.resource_memo
        verdict = (
            memo.verdict(policies.resource, request)
            if memo is not None
            else side_verdict("resource", [policies.resource], request)
        )
    if "resource" in policies.unreadable.sides:
        reason = policies.unreadable.reason("resource")
        return _partial(verdict, reason) if verdict is not None else _unknown("resource", reason)
    return verdict or _absent("resource", "absent")


@dataclass(frozen=True)
class Verdicts:
    """Each side's verdict for one request."""

    by_side: dict[Side, SideVerdict]

    def __getitem__(self, side: Side) -> SideVerdict:
        return self.by_side[side]

    def applies(self, side: Side) -> bool:
        return self.by_side[side].state not in ("absent", "not_applicable")

    def ok(self, side: Side) -> Truth:
        """Whether a side that only limits (boundary, SCPs) lets the request through."""
        return self.by_side[side].allows if self.applies(side) else Truth.YES

    @property
    def ordered(self) -> tuple[SideVerdict, ...]:
        return tuple(self.by_side[s] for s in _REPORT_ORDER)


def gather(request: Request, policies: PolicySet) -> Verdicts:
    """Every side's verdict; identity-side policies do not bind a service principal."""
    by_side: dict[Side, SideVerdict]
    if request.caller.is_service:
        by_side = {side: _absent(side, "not_applicable") for side in ("identity", "boundary", "scp")}
    else:
        by_side = _identity_sides(request, policies)
    by_side["resource"] = _resource_side(request, policies)
    return Verdicts(by_side)


# ---- combining ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combined:
    """The outcome, and the truths it was built from (which attribution reads)."""

    outcome: Outcome
    granted: Truth  # some policy grants the request (before SCPs and explicit denies)
    scp_ok: Truth
    boundary_ok: Truth
    explicit_deny: Truth


def _granted(verdicts: Verdicts, request: Request, cross_account: bool) -> Truth:
    identity_ok = all_of([verdicts["identity"].allows, verdicts.ok("boundary")])
    resource = verdicts["resource"]
    if request.caller.is_service:
        return resource.allows
    if request.resource == "*":
        return identity_ok
    if cross_account:
        return all_of([identity_ok, resource.allows])
    # Within one account a repository policy grants on its own only when it names the caller (or
    # everyone), not when it names the account, which defers to the account's identity policies.
    resource_alone = any_of([resource.exact_allows, all_of([resource.direct_allows, verdicts.ok("boundary")])])
    return any_of([identity_ok, resource_alone])


def combine(verdicts: Verdicts, request: Request, cross_account: bool) -> Combined:
    """IAM's combination of the sides' verdicts into one outcome."""
    granted = _granted(verdicts, request, cross_account)
    explicit_deny = any_of(verdicts[s].denies for s in DENY_ORDER if verdicts.applies(s))
    scp_ok = verdicts.ok("scp")
    truth = all_of([explicit_deny.negate(), scp_ok, granted])
    if truth is Truth.YES:
        outcome = Outcome.ALLOW
    elif truth is Truth.UNKNOWN:
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.EXPLICIT_DENY if explicit_deny is Truth.YES else Outcome.IMPLICIT_DENY
    return Combined(outcome, granted, scp_ok, verdicts.ok("boundary"), explicit_deny)


# ---- attributing -------------------------------------------------------------------------------


def _identity_or_boundary(verdicts: Verdicts) -> Side:
    return "identity" if verdicts["identity"].allows is Truth.NO else "boundary"


def _refusing_grant(verdicts: Verdicts, combined: Combined, request: Request, cross_account: bool) -> list[Side]:
    """The sides whose missing Allow leaves the request ungranted."""
    resource_refuses = verdicts["resource"].allows is Truth.NO
    if request.caller.is_service:
        return ["resource"]
    if request.resource == "*":
        return [_identity_or_boundary(verdicts)]
    if cross_account:
        identity_side: list[Side] = []
        if verdicts["identity"].allows is Truth.NO:
            identity_side = ["identity"]
        elif combined.boundary_ok is Truth.NO:
            identity_side = ["boundary"]
        return identity_side + (["resource"] if resource_refuses else [])
    if verdicts["resource"].direct_allows is Truth.YES:
        return ["boundary"]  # the repository grant names the role itself: the boundary binds it
    return [_identity_or_boundary(verdicts)] + (["resource"] if resource_refuses else [])


def refusing_sides(verdicts: Verdicts, combined: Combined, request: Request, cross_account: bool) -> tuple[Side, ...]:
    """Which sides refuse a denied request, the deciding one first."""
    if combined.outcome is Outcome.EXPLICIT_DENY:
        return tuple(s for s in DENY_ORDER if verdicts.applies(s) and verdicts[s].denies is Truth.YES)
    refused: list[Side] = ["scp"] if combined.scp_ok is Truth.NO else []
    if combined.granted is Truth.NO:
        refused += _refusing_grant(verdicts, combined, request, cross_account)
    return tuple(refused)


def _policies_to_change(side: Side, verdicts: Verdicts, policies: PolicySet) -> list[str | None]:
    """The policies a fix on `side` goes into: the boundary by name, each SCP level that does not
    allow, or the side as a whole."""
    if side == "boundary" and policies.boundary is not None:
        return [policies.boundary.name]
    failing = [level for level in verdicts["scp"].levels if level.state != "allow"] if side == "scp" else []
    return [f"attached at level {level.level} ({', '.join(level.policies)})" for level in failing] or [None]


def _fixes(
    refused: Sequence[Side],
    verdicts: Verdicts,
    request: Request,
    repository: RepositoryRef,
    policies: PolicySet,
    *,
    explicit: bool,
    cross_account: bool,
) -> tuple[Fix, ...]:
    if explicit:
        return tuple(
            remove_fix(ref, request.action, request.resource) for s in DENY_ORDER for ref in verdicts[s].denied_by
        )
    caller = request.caller
    # Same account: fixing the identity side is enough, so offer that one change.
    wanted = [s for s in refused if s != "resource" or cross_account or caller.is_service]
    return tuple(
        allow_fix(s, caller, repository, request.action, request.resource, name)
        for s in wanted
        for name in _policies_to_change(s, verdicts, policies)
    )


def evaluate_step(
    request: Request,
    policies: PolicySet,
    repository: RepositoryRef,
    *,
    required: bool,
    cross_account: bool,
) -> StepResult:
    """Decide one API call of the pull or push: gather, combine, then attribute a refusal."""
    verdicts = gather(request, policies)
    combined = combine(verdicts, request, cross_account)
    sides = verdicts.ordered
    notes = tuple(note for v in sides for note in v.notes)
    if combined.outcome in (Outcome.ALLOW, Outcome.UNKNOWN):
        decision: Decision = "allow" if combined.outcome is Outcome.ALLOW else "unknown"
        return StepResult(request.action, request.resource, required, decision, sides, notes=notes)
    explicit = combined.outcome is Outcome.EXPLICIT_DENY
    refused = refusing_sides(verdicts, combined, request, cross_account)
    side = refused[0]
    return StepResult(
        request.action,
        request.resource,
        required,
        "deny",
        sides,
        denied_by=side,
        explicit=explicit,
        refused_by=refused,
        deny_statement=verdicts[side].denied_by[0] if explicit else None,
        message=access_denied_message(request.caller, request.action, request.resource, side, explicit),
        fixes=_fixes(refused, verdicts, request, repository, policies, explicit=explicit, cross_account=cross_account),
        notes=notes,
    )
