"""How a role's repository ARNs are spread over its identity policies, decided before any ARN is known.

A role's inline policies share 10,240 characters; beyond them, customer-managed policies of 6,144 characters
each are attached, as many as the role's quota allows (10 by default, at most 20). IAM quotas:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("IAM and AWS STS quotas").

The plan is made from how many ARNs there are and a bound on each one's length, so that the number of policies
(child resources) is known when the component is constructed, before any Output resolves. SLOT 1 is the first
policy (`ecr-images`: inline, or managed with PullerPolicy's `attach_as: managed`), slots 2.. are managed
policies. Each slot holds a contiguous range of positions of the sorted ARNs; a slot is named by its position,
never by its content, so adding a repository changes documents (a new version of the same policy), not names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.identifiers import REPOSITORY_NAME_MAX
from ecr_shared_services.aws.partitions import PARTITIONS
from ecr_shared_services.errors import IdentityPolicyOverflowError
from ecr_shared_services.policy.identity_policy import identity_policy, logs_policy, overflow_policy
from ecr_shared_services.policy.sizing import MANAGED_POLICY, ROLE_INLINE_POLICIES, to_json
from ecr_shared_services.spec.puller import RepositoryAccessArgs

# The most managed policies one role can have attached, after a quota increase (10 by default).
MANAGED_POLICIES_MAX = 20
# The longest region code AWS lists (us-isof-south-1). AWS documents no maximum: an ARN longer than the
# bound is still caught when the documents are rendered, with the fix (max_repository_arn_length).
MAX_REGION_LENGTH = 15
_LONGEST_PARTITION = max(PARTITIONS, key=len)
# arn:PARTITION:ecr:REGION:ACCOUNT:repository/ at its longest, and a whole repository ARN at its longest.
ARN_PREFIX_BOUND = len(f"arn:{_LONGEST_PARTITION}:ecr:{'r' * MAX_REGION_LENGTH}:{'0' * 12}:repository/")
MAX_REPOSITORY_ARN_LENGTH = ARN_PREFIX_BOUND + REPOSITORY_NAME_MAX
FIRST_KEY = "ecr-images"


def arn_length_bound(repository_name: str, partition: str | None = None) -> int:
    """The longest ARN a repository of this name can have in any region and account, of `partition` when it
    is known (a role pulls only within its own partition), else of any partition."""
    shorter = len(_LONGEST_PARTITION) - len(partition) if partition else 0
    return ARN_PREFIX_BOUND - shorter + len(repository_name)


def slot_key(number: int) -> str:
    """The key (and inline policy name) of slot `number`: `ecr-images`, then `ecr-images-2`, ..."""
    return FIRST_KEY if number == 1 else f"{FIRST_KEY}-{number}"


@dataclass(frozen=True)
class Slot:
    """One identity policy of the role and the positions [start, stop) of the sorted ARNs it names."""

    number: int
    start: int
    stop: int

    @property
    def key(self) -> str:
        return slot_key(self.number)


@dataclass(frozen=True)
class SlotPlan:
    """The role's identity policies, planned from the ARNs' count and length bound."""

    slots: tuple[Slot, ...]
    access: AccessLevel
    patterns: tuple[str, ...] = ()

    @property
    def managed_parts(self) -> tuple[Slot, ...]:
        """The slots after the first: customer-managed policies, with either attachment."""
        return self.slots[1:]

    def documents(self, sorted_arns: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Key → document, the ARNs cut into the planned ranges. Fewer ARNs than planned (duplicates that
        resolved to one) leave the last parts short or empty; an ARN past the plan is a bug, refused."""
        if len(sorted_arns) > self.slots[-1].stop:
            raise ValueError(f"{len(sorted_arns)} ARNs for a plan of {self.slots[-1].stop}")
        first, *rest = self.slots
        documents = {first.key: identity_policy([*sorted_arns[first.start : first.stop], *self.patterns], self.access)}
        for slot in rest:
            documents[slot.key] = overflow_policy(sorted_arns[slot.start : slot.stop], self.access, slot.number)
        return documents


@dataclass(frozen=True)
class _Sizes:
    """Exact compact sizes of the two document shapes, from their size with one one-character resource."""

    first: int
    part: int

    @staticmethod
    def of(access: AccessLevel) -> _Sizes:
        return _Sizes(len(to_json(identity_policy(["x"], access))), len(to_json(overflow_policy(["x"], access, 99))))


def document_size(one_resource_size: int, count: int, total_length: int) -> int:
    """Characters of a document whose single Resource element names `count` strings of `total_length`
    characters together, given its size with one one-character resource: one string is written bare
    (`"R"`), several as a list (`["R1","R2"]`)."""
    if count <= 1:
        return one_resource_size - 1 + total_length
    return one_resource_size - 2 + total_length + 3 * count


def _fill(lengths: Sequence[int], start: int, room: int, one_resource_size: int, fixed: Sequence[int] = ()) -> int:
    """The end of the longest run of positions from `start` that fits `room` beside the `fixed` resources."""
    count, total, stop = len(fixed), sum(fixed), start
    while stop < len(lengths) and document_size(one_resource_size, count + 1, total + lengths[stop]) <= room:
        count, total, stop = count + 1, total + lengths[stop], stop + 1
    return stop


@dataclass(frozen=True)
class PackingRequest:
    """What the plan is made from: each position's length bound (sorted order), the access level, the room of
    the first policy, how many managed policies may follow it, and whom an error names."""

    lengths: tuple[int, ...]
    access: AccessLevel
    first_room: int
    first_quota: str
    managed_allowed: int
    role: str
    patterns: tuple[str, ...] = ()
    # How the length bound was found, for the error's options (None: every ARN was known exactly).
    assumed_bound: int | None = None


def plan_slots(request: PackingRequest) -> SlotPlan:
    """The fewest slots that hold every position, first policy first; IdentityPolicyOverflowError when they
    need more managed policies than allowed."""
    sizes = _Sizes.of(request.access)
    lengths = request.lengths
    stop = _fill(lengths, 0, request.first_room, sizes.first, [len(p) for p in request.patterns])
    if stop == 0 and lengths:
        raise _overflow(request, sizes, [Slot(1, 0, 0)])
    slots = [Slot(1, 0, stop)]
    while stop < len(lengths):
        start, stop = stop, _fill(lengths, stop, MANAGED_POLICY.limit, sizes.part)
        if stop == start:  # one ARN longer than a whole managed policy: no plan can hold it
            raise _overflow(request, sizes, slots)
        slots.append(Slot(len(slots) + 1, start, stop))
    if len(slots) - 1 > request.managed_allowed:
        raise _overflow(request, sizes, slots)
    return SlotPlan(tuple(slots), request.access, request.patterns)


def _overflow(request: PackingRequest, sizes: _Sizes, slots: list[Slot]) -> IdentityPolicyOverflowError:
    allowed = max(request.managed_allowed, 0)
    placed = slots[: allowed + 1]
    fit = placed[-1].stop if placed else 0
    # Each resource takes at least 3 characters, so no policy holds more than a third of its quota.
    longest = [max(request.lengths, default=0)] * (MANAGED_POLICY.limit // 3)
    per_part = _fill(longest, 0, MANAGED_POLICY.limit, sizes.part)
    # The size of one document naming every repository: what the quotas together must hold.
    size = document_size(sizes.first, len(request.lengths), sum(request.lengths))
    room = request.first_room + allowed * MANAGED_POLICY.limit
    options = [
        "declare the namespaces the role may pull everything under (`namespaces: [team-a]`, with `registry` set), "
        "and list only the repositories outside them",
        "split the repositories across several roles",
    ]
    if allowed < MANAGED_POLICIES_MAX:
        options.insert(
            1,
            f"raise max_managed_policies (now {allowed}): IAM's quota of managed policies attached to a role is "
            f"10 by default and AWS can raise it to {MANAGED_POLICIES_MAX} ('Managed policies per role'); count the "
            f"other policies attached to the role",
        )
    if request.assumed_bound is not None:
        options.insert(
            0,
            f"give max_repository_arn_length: ARNs that arrive as Outputs were assumed {request.assumed_bound} "
            f"characters long (the longest an ECR repository ARN can be)",
        )
    return IdentityPolicyOverflowError(
        role=request.role,
        repositories=len(request.lengths),
        fit=fit,
        first_fit=slots[0].stop,
        per_managed=per_part,
        managed_allowed=allowed,
        size=size,
        limit=room,
        quota=f"{request.first_quota} + {allowed} x {MANAGED_POLICY.name}",
        options=options,
    )


def arn_lengths(known_arns: Sequence[str], unknown: int, unknown_bound: int) -> tuple[int, ...]:
    """Each sorted position's length bound: exact when every ARN is known (a string), else the longest of the
    known ones and `unknown_bound`, for every position (the order is not known until the Outputs resolve)."""
    known = sorted(set(known_arns))
    if not unknown:
        return tuple(len(arn) for arn in known)
    bound = max([unknown_bound, *(len(arn) for arn in known)])
    return (bound,) * (len(known) + unknown)


def other_inline_room(log_groups: Sequence[str]) -> int:
    """Characters the role's `task-logs` inline policy can take at most (0 without log groups): its ARNs hold
    the role's partition and region, known only when the Outputs resolve, so the longest are assumed."""
    if not log_groups:
        return 0
    return len(to_json(logs_policy(_LONGEST_PARTITION, "r" * MAX_REGION_LENGTH, "0" * 12, log_groups)))


def inline_room(log_groups: Sequence[str]) -> int:
    """The room for `ecr-images` among the role's inline policies (IAM counts them together)."""
    return ROLE_INLINE_POLICIES.limit - other_inline_room(log_groups)


def plan_for(args: RepositoryAccessArgs, role: str, *, first_managed: bool = False) -> SlotPlan:
    """The slot plan of a puller's arguments. The first policy is inline beside `task-logs` (PullerRole, and
    PullerPolicy inline), or a managed policy that counts against the same quota as the parts after it, with
    `task-logs` managed too (PullerPolicy `attach_as: managed`)."""
    given = args.max_repository_arn_length
    lengths = arn_lengths(
        args.known_repository_arns(), args.unknown_repository_arns(), given or MAX_REPOSITORY_ARN_LENGTH
    )
    assumed = MAX_REPOSITORY_ARN_LENGTH if args.unknown_repository_arns() and not given else None
    if first_managed:
        room, quota = MANAGED_POLICY.limit, MANAGED_POLICY.name
        allowed = args.max_managed_policies - 1 - (1 if args.cloudwatch_log_groups else 0)
    else:
        room, quota = inline_room(args.cloudwatch_log_groups), ROLE_INLINE_POLICIES.name
        allowed = args.max_managed_policies
    patterns = tuple(args.namespace_patterns())
    return plan_slots(PackingRequest(lengths, args.access, room, quota, allowed, role, patterns, assumed))
