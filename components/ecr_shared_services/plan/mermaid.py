"""The plan as a Mermaid graph: accounts, the roles and repositories in them, and each allowed pull as an edge.

Beyond `DETAIL_ACCOUNTS` accounts the graph is summarised: one node per account, one edge per pair of
accounts with the number of pulls between them."""

from __future__ import annotations

from collections import Counter
from typing import Any

DETAIL_ACCOUNTS = 10


def _account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else "unknown"


def _label(text: str) -> str:
    # Mermaid labels are quoted: a double quote inside is written as its entity.
    return text.replace('"', "#quot;")


def _nodes(data: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Role ARN -> node ID and repository ARN -> node ID, for every role and repository of the plan."""
    roles = sorted({p["role_arn"] for p in data.get("pullers", [])} | {c["role_arn"] for c in data.get("access", [])})
    repositories = sorted({r["arn"] for r in data.get("repositories", [])})
    return {arn: f"role{i}" for i, arn in enumerate(roles)}, {arn: f"repo{i}" for i, arn in enumerate(repositories)}


def _allowed(data: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted({(c["role_arn"], c["repository_arn"]) for c in data.get("access", []) if c["decision"] == "allow"})


def _detailed(data: dict[str, Any], roles: dict[str, str], repositories: dict[str, str]) -> list[str]:
    by_account: dict[str, list[str]] = {}
    for arn, node in roles.items():
        by_account.setdefault(_account(arn), []).append(f'    {node}(["{_label(arn.split("/")[-1])}"])')
    for arn, node in repositories.items():
        by_account.setdefault(_account(arn), []).append(f'    {node}[("{_label(arn.split(":repository/")[-1])}")]')
    lines = []
    for account in sorted(by_account):
        lines += [f'  subgraph acct{account}["account {account}"]', *by_account[account], "  end"]
    lines += [
        f"  {roles[role]} -->|pull| {repositories[repo]}" for role, repo in _allowed(data) if repo in repositories
    ]
    return lines


def _summarised(data: dict[str, Any], roles: dict[str, str], repositories: dict[str, str]) -> list[str]:
    accounts = sorted({_account(arn) for arn in [*roles, *repositories]})
    counts = Counter((_account(role), _account(repo)) for role, repo in _allowed(data))
    role_counts = Counter(_account(arn) for arn in roles)
    repo_counts = Counter(_account(arn) for arn in repositories)
    lines = [
        f'  acct{a}["account {a}<br/>{role_counts[a]} role(s), {repo_counts[a]} repository(ies)"]' for a in accounts
    ]
    lines += [f'  acct{src} -->|"{n} pull(s)"| acct{dst}' for (src, dst), n in sorted(counts.items())]
    return lines


def render_mermaid(data: dict[str, Any]) -> str:
    """A `flowchart LR` of the plan's JSON data: roles on the left, repositories they may pull on the right."""
    roles, repositories = _nodes(data)
    accounts = {_account(arn) for arn in [*roles, *repositories]}
    body = _detailed if len(accounts) <= DETAIL_ACCOUNTS else _summarised
    header = [f"%% shared-registry plan of project {data['project']}: allowed pulls ({len(accounts)} accounts)"]
    return "\n".join([*header, "flowchart LR", *body(data, roles, repositories)]) + "\n"
