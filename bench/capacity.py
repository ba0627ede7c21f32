"""The capacity section of the benchmarks: accounts per repository policy in each encoding against the plain
one, repositories per role's inline policy, and AWS CDK's rendering of the same fleet (bench/cdk_comparison.py).

`.venv/bin/python -m bench.capacity` prints the section alone.
"""

from __future__ import annotations

import sys

from bench.cdk_comparison import Ours, cdk_lines
from bench.encodings import COMPACT, COMPACT_UNKNOWN, ENCODINGS, FLEETS, PLAIN, SHARED_ROLE, Capacity, capacity, largest
from bench.fleets import REGION, REGISTRY_ACCOUNT, repository_name
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, ROLE_INLINE_POLICIES, to_json


def identity_policy_capacity() -> int:
    """Repositories named `service-NNNN` one role's inline identity policy can name (whitespace not counted)."""

    def fits(n: int) -> bool:
        arns = [f"arn:aws:ecr:{REGION}:{REGISTRY_ACCOUNT}:repository/{repository_name(i)}" for i in range(n)]
        return len(to_json(identity_policy(arns))) <= ROLE_INLINE_POLICIES.limit

    return largest(fits, high=1000)


def _cell(found: Capacity) -> str:
    return f"{found.accounts:,} ({found.size:,})"


def _ratio(found: Capacity, plain: Capacity) -> str:
    return f"{found.accounts / plain.accounts:.2f}×" if plain.accounts else "—"


def encoding_lines() -> tuple[list[str], Ours]:
    """The table of accounts per repository policy by encoding, and our figures for the CDK comparison."""
    lines = [
        "### Capacity per encoding",
        "",
        f"Accounts whose consumers fit in one repository policy ({REPOSITORY_POLICY.limit:,} characters, whitespace "
        "counted; the policy's size in parentheses). The headline is compact against plain, with the registry's",
        "`account_id` known (without it the compact form keeps the account roots as principals):",
        "",
        f"| consumers | **compact / plain** | {' | '.join(e.label for e in ENCODINGS)} |",
        "|---|---|" + "---|" * len(ENCODINGS),
    ]
    ours = Ours(plain=0, compact=0)
    for label, per_account in FLEETS.items():
        found = {e: capacity(per_account, e) for e in ENCODINGS}
        plain = found[PLAIN]
        headline = f"**{_ratio(found[COMPACT], plain)}** ({_ratio(found[COMPACT_UNKNOWN], plain)} without `account_id`)"
        lines.append(f"| {label} | {headline} | {' | '.join(_cell(found[e]) for e in ENCODINGS)} |")
        if label == SHARED_ROLE:
            ours = Ours(plain=plain.accounts, compact=found[COMPACT].accounts)
    lines += [
        "",
        f"Repositories (`service-NNNN`) one role's inline policy can name: {identity_policy_capacity()}.",
        "",
    ]
    return lines, ours


def capacity_lines(quick: bool, repeat: int) -> list[str]:
    """The whole capacity section, in markdown: per encoding, then AWS CDK's rendering (when measurable)."""
    lines, ours = encoding_lines()
    return lines + cdk_lines(ours, quick, repeat)


if __name__ == "__main__":
    print("\n".join(capacity_lines(quick="--quick" in sys.argv, repeat=1)))
