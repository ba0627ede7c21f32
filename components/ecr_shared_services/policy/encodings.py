"""Compact encodings of a repository policy's account and role grants, granting exactly the same principals.

The plain form names every account root, and for role consumers every role ARN as well. When many
accounts share a role name (and path), the compact form writes the name once:

- roles: Principal `{"AWS": "*"}` narrowed by `StringEquals aws:PrincipalAccount [accounts]` AND
  `ArnLike aws:PrincipalArn arn:PARTITION:iam::*:role/PATH/NAME`, or the account roots as principals with
  the same `ArnLike` (whichever is shorter);
- accounts: Principal `{"AWS": "*"}` narrowed by `StringEquals aws:PrincipalAccount [accounts]`.

Why these are exact (IAM User Guide, "AWS global condition context keys":
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
aws:PrincipalAccount is the caller's account, aws:PrincipalArn the caller's role ARN (path included) for a
role and its sessions, and neither is present for an AWS service principal. "Creating a condition with
multiple keys or values" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
several keys are ANDed and several values of one key ORed, so one statement admits the cross product of its
accounts and its role patterns. Each compact statement is therefore built from a block of (account, role)
pairs that is a full cross product, and the blocks together are exactly the plain form's pairs.

Principal `*` grants without an identity policy within the repository's own account, where the plain
form's account root only delegates to that account's IAM ("Policy evaluation logic", same account:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). So `*` is
written only when the registry account is known and is not among the statement's accounts; otherwise the
account roots stay as principals.

The role patterns keep the partition; the account form does not name it, since a principal of another
partition can never use the repository (partitions are isolated: "Partitions" in the whitepaper "AWS Fault
Isolation Boundaries", https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).

Only the plain statements of account consumers and of role consumers in the `condition` form are
rewritten. Organizations, role ARNs as principals (`principal_form: arn`), Lambda statements and the
access levels' separation (push keeps its own statements) are left as rendered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ecr_shared_services.aws.actions import ACCESS_LEVELS
from ecr_shared_services.aws.arns import account_root_arn, parse_principal_arn
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.document import Statement, one_or_many
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, measure, to_json
from ecr_shared_services.spec.registry import PolicyEncoding

# (account ID, role pattern arn:PARTITION:iam::*:role/PATH/NAME)
Pair = tuple[str, str]
# Which principal a block is written with: the shorter, or always one (where Principal * is allowed).
Form = Literal["shorter", "roots", "star"]

SIZE_FIX = (
    "grant an organization or OU instead of many accounts (kind: organization, with ou_paths for OUs); give the "
    "roles one shared name and path across accounts (the compact encoding writes a shared name once); use "
    "account consumers instead of many role names"
)


@dataclass(frozen=True)
class _Block:
    """A cross product of accounts and role patterns: every pair in it is granted."""

    accounts: frozenset[str]
    patterns: frozenset[str]


def role_pattern(arn: str) -> str:
    """The role ARN with its account replaced by `*`: the same role name and path in any account."""
    parts = arn.split(":", 5)
    parts[4] = "*"
    return ":".join(parts)


def _role_arn(pair: Pair) -> str:
    parts = pair[1].split(":", 5)
    parts[4] = pair[0]
    return ":".join(parts)


def _roots(principal: Any) -> list[tuple[str, str]] | None:
    """(partition, account ID) of each entry of a Principal that names account roots only, else None."""
    entries = principal.get("AWS") if isinstance(principal, dict) and len(principal) == 1 else None
    values = [entries] if isinstance(entries, str) else entries
    if not isinstance(values, list) or not values:
        return None
    try:
        refs = [parse_principal_arn(value) for value in values]
    except (ValueError, TypeError):
        return None
    return [(ref.partition, ref.account_id) for ref in refs] if all(ref.kind == "root" for ref in refs) else None


def _role_pairs(statement: Statement) -> set[Pair] | None:
    """The (account, role pattern) pairs of a plain role statement: account roots + ArnEquals role ARNs.

    None unless the statement has exactly that shape and its roots are exactly the roles' accounts (in the
    same partition), which makes the statement grant each role ARN (which pins its account) and nothing else."""
    roots = _roots(statement.get("Principal"))
    condition = statement.get("Condition")
    if roots is None or not isinstance(condition, dict) or list(condition) != ["ArnEquals"]:
        return None
    keys = condition["ArnEquals"]
    arns = keys.get("aws:PrincipalArn") if isinstance(keys, dict) and len(keys) == 1 else None
    values = [arns] if isinstance(arns, str) else arns if isinstance(arns, list) else []
    try:
        refs = [parse_principal_arn(arn) for arn in values]
    except (ValueError, TypeError):
        return None
    if not refs or any(ref.kind != "role" for ref in refs) or {(r.partition, r.account_id) for r in refs} != set(roots):
        return None
    return {(ref.account_id, role_pattern(ref.arn)) for ref in refs}


def _size(statements: Iterable[Statement]) -> int:
    return sum(len(to_json(s)) + 1 for s in statements)


def _star_allowed(accounts: Iterable[str], registry_account: str | None) -> bool:
    return registry_account is not None and registry_account not in set(accounts)


def _block_statement(plain: Statement, sid: str, block: _Block, registry_account: str | None, form: Form) -> Statement:
    """The exact statement for one block: Principal * + aws:PrincipalAccount, or the account roots."""
    patterns = one_or_many(sorted(block.patterns))
    partition = next(iter(block.patterns)).split(":", 2)[1]
    by_roots = {
        **plain,
        "Sid": sid,
        "Principal": {"AWS": one_or_many([account_root_arn(partition, a) for a in block.accounts])},
        "Condition": {"ArnLike": {"aws:PrincipalArn": patterns}},
    }
    if form == "roots" or not _star_allowed(block.accounts, registry_account):
        return by_roots
    by_star = {
        **plain,
        "Sid": sid,
        "Principal": {"AWS": "*"},
        # Always a list: one shape for every size, and what the guardrails read as the admitted accounts.
        "Condition": {
            "StringEquals": {"aws:PrincipalAccount": sorted(block.accounts)},
            "ArnLike": {"aws:PrincipalArn": patterns},
        },
    }
    return by_star if form == "star" else min((by_star, by_roots), key=lambda s: len(to_json(s)))


def _plain_roles(plain: Statement, pairs: set[Pair]) -> list[Statement]:
    """The plain form for some pairs: their account roots + ArnEquals their role ARNs."""
    if not pairs:
        return []
    partition = next(iter(pairs))[1].split(":", 2)[1]
    return [
        {
            **plain,
            "Principal": {"AWS": one_or_many([account_root_arn(partition, a) for a, _ in pairs])},
            "Condition": {"ArnEquals": {"aws:PrincipalArn": one_or_many([_role_arn(p) for p in pairs])}},
        }
    ]


def _by_account(pairs: set[Pair]) -> list[_Block]:
    """Accounts that hold the same set of roles share a block."""
    patterns: dict[str, set[str]] = defaultdict(set)
    for account, pattern in pairs:
        patterns[account].add(pattern)
    accounts: dict[frozenset[str], set[str]] = defaultdict(set)
    for account, held in patterns.items():
        accounts[frozenset(held)].add(account)
    return [_Block(frozenset(a), p) for p, a in accounts.items()]


def _by_role(pairs: set[Pair]) -> list[_Block]:
    """Roles held by the same set of accounts share a block."""
    accounts: dict[str, set[str]] = defaultdict(set)
    for account, pattern in pairs:
        accounts[pattern].add(account)
    patterns: dict[frozenset[str], set[str]] = defaultdict(set)
    for pattern, holders in accounts.items():
        patterns[frozenset(holders)].add(pattern)
    return [_Block(a, frozenset(p)) for a, p in patterns.items()]


def _render_blocks(
    plain: Statement, blocks: list[_Block], rest: set[Pair], registry_account: str | None, form: Form
) -> list[Statement]:
    ordered = sorted(blocks, key=lambda b: (-len(b.accounts), sorted(b.accounts), sorted(b.patterns)))
    sid = plain["Sid"]
    shared = [_block_statement(plain, f"{sid}Shared{n}", b, registry_account, form) for n, b in enumerate(ordered, 1)]
    return _plain_roles(plain, rest) + shared


def role_renderings(plain: Statement, registry_account: str | None) -> list[list[Statement]]:
    """Every exact rendering of a plain role statement this module considers: the statement itself, each
    grouping fully compact, and each grouping with its one-account blocks left in one plain statement; each
    with every block in its shorter form, and (for the proof of exactness) all roots or all `*`."""
    pairs = _role_pairs(plain)
    found = [[plain]]
    if pairs is None:
        return found
    forms: tuple[Form, ...] = ("shorter", "roots", "star")
    for grouping, form in ((g, f) for g in (_by_account, _by_role) for f in forms):
        blocks = grouping(pairs)
        found.append(_render_blocks(plain, blocks, set(), registry_account, form))
        worth = [b for b in blocks if len(b.accounts) > 1]
        rest = {(a, p) for b in blocks if len(b.accounts) == 1 for a in b.accounts for p in b.patterns}
        found.append(_render_blocks(plain, worth, rest, registry_account, form))
    return found


def account_renderings(plain: Statement, registry_account: str | None) -> list[list[Statement]]:
    """An account-roots statement as itself, and as Principal * + aws:PrincipalAccount when that is exact."""
    roots = _roots(plain.get("Principal"))
    accounts = sorted({account for _, account in roots or []})
    if roots is None or "Condition" in plain or not _star_allowed(accounts, registry_account):
        return [[plain]]
    star = {
        **plain,
        "Principal": {"AWS": "*"},
        "Condition": {"StringEquals": {"aws:PrincipalAccount": accounts}},
    }
    return [[plain], [star]]


def _rewriters() -> dict[str, Callable[[Statement, str | None], list[list[Statement]]]]:
    """The Sids of the plain statements a compact encoding may rewrite, each with its renderings."""
    out: dict[str, Callable[[Statement, str | None], list[list[Statement]]]] = {}
    for access in ACCESS_LEVELS:
        out[f"{access.title()}Accounts"] = account_renderings
        out[f"{access.title()}Roles"] = role_renderings
    return out


def renderings(statement: Statement, registry_account: str | None) -> list[list[Statement]]:
    """Every exact rendering of one statement of the plain form (only itself for those left as rendered)."""
    render = _rewriters().get(statement.get("Sid", ""))
    return render(statement, registry_account) if render else [[statement]]


def compact(document: dict[str, Any], registry_account: str | None) -> dict[str, Any]:
    """The document with its account and role statements each in their shortest exact rendering."""
    statements: list[Statement] = []
    for statement in document["Statement"]:
        statements += min(renderings(statement, registry_account), key=_size)
    return {**document, "Statement": statements}


def encode(document: dict[str, Any], encoding: PolicyEncoding, registry_account: str | None, what: str) -> str:
    """The text of the document in the chosen encoding, within ECR's repository policy quota.

    `auto` keeps the plain form while it fits (documents do not change as a fleet grows until they must),
    then takes the compact form, which is only built when the plain one does not fit. Raises
    PolicySizeError, with the size of each form tried, when the chosen one does not fit.
    """
    forms: dict[str, Callable[[], dict[str, Any]]] = {
        "plain": lambda: document,
        "compact": lambda: compact(document, registry_account),
    }
    sizes: dict[str, int] = {}
    for name in _TRIED[encoding]:
        text = to_json(forms[name]())
        sizes[name] = measure(text, REPOSITORY_POLICY)
        if sizes[name] <= REPOSITORY_POLICY.limit:
            return text
    raise _too_large(what, sizes, encoding, registry_account)


# The forms each encoding tries, in order: the first that fits is taken.
_TRIED: dict[str, tuple[str, ...]] = {"auto": ("plain", "compact"), "plain": ("plain",), "compact": ("compact",)}


def _too_large(what: str, sizes: dict[str, int], encoding: PolicyEncoding, registry: str | None) -> PolicySizeError:
    """The error for a policy no allowed encoding fits, with the sizes tried and the options left."""
    smallest = min(sizes, key=lambda name: sizes[name])
    others = "".join(f", {name} {size:,}" for name, size in sizes.items() if name != smallest)
    fix = SIZE_FIX
    if encoding == "plain":
        fix += "; or set encoding: auto, which takes the compact encoding when the plain one does not fit"
    elif registry is None:
        fix += "; or set the registry's account_id, so that the compact encoding may write Principal * narrowed by "
        fix += "aws:PrincipalAccount"
    fix += f" (the shortest encoding tried, {smallest}, is {sizes[smallest]:,} characters{others})"
    return PolicySizeError(what, sizes[smallest], REPOSITORY_POLICY.limit, REPOSITORY_POLICY.name, fix)
