"""Matching the caller against a resource policy's Principal and NotPrincipal elements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecr_shared_services.access.context import Caller
from ecr_shared_services.access.grammar import Principals
from ecr_shared_services.access.principal_index import ACCOUNT as _ACCOUNT
from ecr_shared_services.access.principal_index import UNIQUE_ID as _UNIQUE_ID
from ecr_shared_services.access.truth import Truth
from ecr_shared_services.aws.arns import parse_principal_arn


@dataclass(frozen=True)
class PrincipalMatch:
    truth: Truth
    # The entry named this very identity (a user ARN or a session ARN), not an account or a role:
    # within one account, such a grant is not limited by a permissions boundary.
    exact: bool = False
    # The entry named the caller's whole account: that hands the decision to the account's own IAM
    # policies, so within one account it grants nothing without an identity-policy Allow.
    delegates: bool = False
    note: str = ""

    @property
    def rank(self) -> int:
        """How directly the entry names the caller: the identity itself, a role, or only its account."""
        return 2 if self.exact else 0 if self.delegates else 1


def _aws_entry_matches(entry: str, caller: Caller) -> PrincipalMatch:
    # {"AWS": "*"} is the same as a bare "*" (IAM documents the two as equivalent).
    if entry == "*":
        return PrincipalMatch(Truth.YES)
    if caller.is_service:
        return PrincipalMatch(Truth.NO)
    if _ACCOUNT.match(entry):
        return PrincipalMatch(Truth.of(entry == caller.account_id), delegates=True)
    if _UNIQUE_ID.match(entry):
        return PrincipalMatch(Truth.NO, note=f"principal {entry} is a unique ID: the role or user it named was deleted")
    if "*" in entry or "?" in entry:
        return PrincipalMatch(Truth.UNKNOWN, note=f"principal {entry!r}: wildcards are not allowed in a principal ARN")
    try:
        named = parse_principal_arn(entry)
    except ValueError:
        return PrincipalMatch(Truth.UNKNOWN, note=f"principal {entry!r} is not an ARN this evaluator models")
    if named.partition != caller.partition or named.account_id != caller.account_id:
        return PrincipalMatch(Truth.NO)
    if named.kind == "root":
        return PrincipalMatch(Truth.YES, delegates=True)
    if named.kind == "role":
        # A role ARN matches every session of that role. Compare names: a session ARN has no path,
        # and role names are unique within an account.
        return PrincipalMatch(Truth.of(caller.kind in ("role", "assumed-role") and caller.name == named.name))
    if named.kind == "assumed-role":
        return PrincipalMatch(Truth.of(caller.kind == "assumed-role" and caller.arn == entry), exact=True)
    return PrincipalMatch(Truth.of(caller.kind == "user" and caller.arn == entry), exact=True)


def _entry_matches(kind: str, entry: str, caller: Caller) -> PrincipalMatch:
    if kind == "AWS":
        return _aws_entry_matches(entry, caller)
    if kind == "Service":
        return PrincipalMatch(Truth.of(caller.is_service and caller.service.lower() == entry.lower()))
    return PrincipalMatch(Truth.NO)  # Federated, CanonicalUser: neither names an IAM role, user or service


def _best(matches: Iterable[PrincipalMatch]) -> PrincipalMatch:
    """The most direct YES; else UNKNOWN with the last entry's note that could not be decided; else NO."""
    unknown_note = ""
    best = PrincipalMatch(Truth.NO)
    for match in matches:
        if match.truth is Truth.YES and (best.truth is not Truth.YES or match.rank > best.rank):
            best = match
        elif match.truth is Truth.UNKNOWN:
            unknown_note = match.note
    if best.truth is Truth.YES:
        return best
    if unknown_note:
        return PrincipalMatch(Truth.UNKNOWN, note=unknown_note)
    return best


def principal_matches(principals: Principals, caller: Caller) -> PrincipalMatch:
    """Does a Principal element name the caller? UNKNOWN only for entries IAM would not accept."""
    if principals.everyone:
        return PrincipalMatch(Truth.YES)
    if caller.is_service:
        return principal_matches_each(principals, caller)
    # An identity: only AWS entries can name it, and of those only the ones for any caller or for its account.
    return _best(_aws_entry_matches(e, caller) for e in principals.aws_index.candidates(caller.account_id))


def principal_matches_each(principals: Principals, caller: Caller) -> PrincipalMatch:
    """`principal_matches` looking at every entry of every principal type (what the index must agree with)."""
    if principals.everyone:
        return PrincipalMatch(Truth.YES)
    return _best(_entry_matches(kind, e, caller) for kind, entries in principals.by_type.items() for e in entries)


def not_principal_applies(principals: Principals, caller: Caller, has_boundary: bool) -> PrincipalMatch:
    """Does a NotPrincipal statement apply to the caller (i.e. the caller is not excepted)?

    AWS JSON policy elements: NotPrincipal
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):
    AWS may check the account, then the role or user, then the assumed-role session, so an exception
    holds only when each of them is listed; the page's example for a role lists the session ARN, the
    role ARN and the account, and a session must always be named itself (no wildcard means "all
    sessions"). A principal with a permissions boundary is never excepted by NotPrincipal with Deny.
    """
    if principals.everyone:
        return PrincipalMatch(Truth.NO)
    if caller.is_service:
        services = [s.lower() for s in principals.values("Service")]
        return PrincipalMatch(Truth.of(caller.service.lower() not in services))
    if has_boundary:
        return PrincipalMatch(Truth.YES, note="NotPrincipal never excepts a principal that has a permissions boundary")
    entries = principals.values("AWS")
    account_listed = any(e in (caller.account_id, caller.account_root) for e in entries)
    if not account_listed:
        return PrincipalMatch(Truth.YES)
    if caller.kind == "root":
        return PrincipalMatch(Truth.NO)
    named = [e for e in entries if e not in (caller.account_id, caller.account_root)]
    # For a session, a role ARN here excepts the role, not its sessions: the session needs its own ARN.
    identity_listed = any(e != caller.arn and _aws_entry_matches(e, caller).truth is Truth.YES for e in named)
    if caller.kind == "assumed-role" and identity_listed:
        return PrincipalMatch(Truth.of(caller.arn not in named))
    if caller.kind != "assumed-role" and (identity_listed or caller.arn in named):
        return PrincipalMatch(Truth.NO)
    return PrincipalMatch(
        Truth.UNKNOWN,
        note="NotPrincipal lists the caller's account but not each of its role and session: AWS's result "
        "depends on the order it checks identities in",
    )
