"""The plan as a Markdown review for a pull request: verdict first, the change against the baseline next,
the details folded. Trimmed under GitHub's comment limit, saying so."""

from __future__ import annotations

import json
from typing import Any

from ecr_shared_services.plan.baseline import retention_note

# GitHub refuses comments over 65,536 characters; leave room for what a CI job adds around the report.
LIMIT = 64_000


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _verdict(data: dict[str, Any]) -> list[str]:
    mark = "✅ passes" if data["exit_code"] == 0 else f"❌ fails (exit {data['exit_code']})"
    return [f"## Plan of `{data['project']}`: {mark}", "", f"**{_cell(data['verdict'])}**", ""]


def _diff(data: dict[str, Any]) -> list[str]:
    diff = data.get("diff")
    if diff is None:
        return ["_No baseline given: run with `--baseline` to see what this change does to access._", ""]
    lines = ["### What this change does", ""]
    for change in diff["repositories"]:
        what = ", ".join(
            f"`{k}` {_cell(json.dumps(v[0]))} → {_cell(json.dumps(v[1]))}" for k, v in change["differences"].items()
        )
        kept = retention_note(change["change"], change["differences"], change["retained"])
        lines.append(
            f"- ⚠️ repository `{change['name']}` would be **{change['change']}**{': ' + what if what else ''}{kept}"
        )
    for key, title in (
        ("pulls_gained", "pull gained"),
        ("pulls_lost", "pull lost"),
        ("grants_added", "grant added"),
        ("grants_removed", "grant removed"),
    ):
        lines += [f"- {title}: `{_cell(item)}`" for item in diff[key]]
    if len(lines) == 2:
        lines.append("Nothing changes in access or repositories.")
    return [*lines, ""]


def _findings(data: dict[str, Any]) -> list[str]:
    guardrails = data["guardrails"]
    if guardrails["pack"] is None:
        return ["_Guardrails not run: the ecr-guardrails pack was not found (`--policy-pack DIR`)._", ""]
    findings = guardrails["findings"]
    if not findings:
        return ["Guardrails: no findings.", ""]
    lines = [
        f"### Guardrails: {len(findings)} finding(s)",
        "",
        "| level | stack | resource | rule | message |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {f['level']} | {_cell(f['stack'])} | {_cell(f['resource'] or '(stack)')} | {f['rule']} | "
        f"{_cell(f['message'])} |"
        for f in findings
    ]
    return [*lines, ""]


def _matrix(data: dict[str, Any]) -> list[str]:
    cells = data["access"]
    if not cells:
        return []
    repositories = sorted({c["repository_arn"] for c in cells})
    roles = sorted({c["role_arn"] for c in cells})
    by_key = {(c["role_arn"], c["repository_arn"]): c for c in cells}
    names = [arn.split(":")[4] + ":" + arn.split(":repository/")[-1] for arn in repositories]
    lines = [
        "<details><summary>Access matrix: "
        f"{len(roles)} role(s) × {len(repositories)} repository(ies) (* = asked for)</summary>",
        "",
        "| role | " + " | ".join(_cell(n) for n in names) + " |",
        "|---|" + "---|" * len(repositories),
    ]
    for role in roles:
        row = []
        for arn in repositories:
            cell = by_key.get((role, arn))
            text = "" if cell is None else cell["decision"] + (f" ({cell['denied_by']})" if cell["denied_by"] else "")
            row.append(text + ("*" if cell and cell["requested"] else ""))
        lines.append(f"| `{role}` | " + " | ".join(row) + " |")
    return [*lines, "", "</details>", ""]


def _stack(stack: dict[str, Any]) -> list[str]:
    status = "ok" if stack["ok"] else f"fails ({stack['error']['kind']})"
    kind = f"{stack['kind']}, " if stack["kind"] else ""
    lines = [
        f"<details><summary>Stack <code>{stack['stack']}</code> ({kind}account {stack['account_id']}, "
        f"{stack['region']}): {status}, {len(stack['resources'])} resource(s)</summary>",
        "",
    ]
    if stack["error"]:
        lines += ["```", stack["error"]["message"], "```", ""]
    lines += [f"- {'reads' if r['read'] else 'creates'} `{r['type']}` `{r['name']}`" for r in stack["resources"]]
    lines += [f"- ⚠️ {_cell(w)}" for w in stack["warnings"]]
    return [*lines, "", "</details>", ""]


def render_markdown(data: dict[str, Any], limit: int = LIMIT) -> str:
    """The review a CI job posts: heading and verdict, the diff, guardrail findings, then folded details."""
    head = [*_verdict(data), *_diff(data), *_findings(data)]
    sections = [_matrix(data), *(_stack(s) for s in data["stacks"])]
    text = "\n".join(head)
    for index, section in enumerate(sections):
        block = "\n".join(section)
        if len(text) + len(block) + 200 > limit:
            left = len(sections) - index
            note = (
                f"\n_Trimmed to stay under {limit:,} characters: {left} detail section(s) left out. "
                "Run `shared-registry plan --format json` for everything._\n"
            )
            return text + note
        text += "\n" + block
    return text
