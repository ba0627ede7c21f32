"""What is put to the evaluator besides the caller and the image: the policies in play, the sides
that could not be read, and where the repository really is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecr_shared_services.access.grammar import PolicyInput, PolicyKind
from ecr_shared_services.aws.arns import RepositoryRef


@dataclass(frozen=True)
class Policies:
    """The policy documents in play (JSON text, dicts or parsed Policy objects).

    `scp_levels`: the service control policies over the caller's account, one entry per level of the
    organization from the root down to the account; the SCPs attached at one level are combined (any
    of them may allow), and every level must allow."""

    identity: Sequence[PolicyInput] = ()
    repository: PolicyInput | None = None
    boundary: PolicyInput | None = None
    scp_levels: Sequence[Sequence[PolicyInput]] = ()


@dataclass(frozen=True)
class Unreadable:
    """Sides whose policies could not be read, each with why: their verdict is unknown, not absent."""

    reasons: Mapping[PolicyKind, str] = field(default_factory=dict)

    @property
    def sides(self) -> frozenset[PolicyKind]:
        return frozenset(self.reasons)

    def reason(self, side: PolicyKind) -> str:
        return self.reasons.get(side) or f"the {side} policies were not read"


@dataclass(frozen=True)
class RepositoryFound:
    """Where the repository really is, when known (a mismatch with the image is a finding), and
    whether it exists at all (False: it does not)."""

    repository: RepositoryRef | None = None
    exists: bool | None = None
