"""Rendering a plan's review for people (text) and for scripts (JSON, versioned: docs/plan-json.md)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from ecr_shared_services.plan.access_matrix import AccessCell
from ecr_shared_services.plan.baseline import PlanDiff, retention_note
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.review import SCHEMA_VERSION, Review
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan
from ecr_shared_services.plan.stack_error import BAD_INPUT, BLOCKED, CRASHED, CYCLE, TIMED_OUT

# Input properties that hold policy documents, by resource type.
POLICY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("policy",),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ("policy",),
    "aws:ecr/registryPolicy:RegistryPolicy": ("policy",),
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/policy:Policy": ("policy",),
}


def policy_documents(resource: Registration) -> list[tuple[str, Any]]:
    """(property, parsed document) for each policy document among the resource's inputs."""
    found = []
    for prop in POLICY_INPUTS.get(resource.type, ()):
        text = resource.inputs.get(prop)
        if isinstance(text, str):
            try:
                found.append((prop, json.loads(text)))
            except ValueError:
                found.append((prop, text))
    return found


def _created(stack: StackPlan) -> list[Registration]:
    return [r for r in stack.resources if not r.read]


def column_names(cells: list[AccessCell]) -> dict[str, str]:
    """Repository ARN -> its column heading: the name, with the account when two accounts share a name."""
    names: dict[str, set[str]] = {}
    for c in cells:
        names.setdefault(c.repository, set()).add(c.repository_arn)
    shared = {name for name, arns in names.items() if len(arns) > 1}
    return {c.repository_arn: _heading(c, c.repository in shared) for c in cells}


def _heading(cell: AccessCell, with_account: bool) -> str:
    return f"{cell.repository} ({cell.repository_arn.split(':')[4]})" if with_account else cell.repository


def cell_text(cell: AccessCell) -> str:
    text = cell.decision if cell.decision != "deny" else f"deny ({cell.denied_by})"
    return text + ("*" if cell.requested else "")


# Beyond this many repositories or roles the text matrix is summarised; JSON and Markdown keep every cell.
MATRIX_COLUMNS, MATRIX_ROWS = 8, 40


def summary_lines(cells: list[AccessCell], headings: dict[str, str], roles: int) -> list[str]:
    lines = [
        f"Access: {roles} puller roles x {len(headings)} repositories, summarised "
        "(every cell: --format json or --format markdown)",
        "  per account of the roles: roles, pulls asked for, allowed of those",
    ]
    by_account: dict[str, list[AccessCell]] = {}
    for cell in cells:
        by_account.setdefault(cell.role_arn.split(":")[4], []).append(cell)
    for account, found in sorted(by_account.items()):
        asked = [c for c in found if c.requested]
        allowed = sum(c.decision == "allow" for c in asked)
        role_count = len({c.role_arn for c in found})
        lines.append(f"    {account}: {role_count} role(s), {len(asked)} asked, {allowed} allowed")
    lines.append("  per repository: roles allowed to pull it (asked for, and not asked for)")
    for arn, heading in sorted(headings.items(), key=lambda item: item[1]):
        allowed_cells = [c for c in cells if c.repository_arn == arn and c.decision == "allow"]
        asked_count = sum(c.requested for c in allowed_cells)
        lines.append(f"    {heading}: {asked_count} asked, {len(allowed_cells) - asked_count} not asked")
    return [*lines, ""]


def _matrix_lines(cells: list[AccessCell]) -> list[str]:
    if not cells:
        return []
    headings = column_names(cells)
    columns = sorted(headings, key=lambda arn: headings[arn])
    roles = sorted({(c.stack, c.role_arn) for c in cells})
    if len(columns) > MATRIX_COLUMNS or len(roles) > MATRIX_ROWS:
        return summary_lines(cells, headings, len(roles))
    width = max(len(f"{stack}: {arn}") for stack, arn in roles)
    lines = ["Access: every puller role x every repository, both sides evaluated (* = asked for)"]
    lines.append("  " + " " * width + "  " + "  ".join(f"{headings[arn]:<22}" for arn in columns))
    by_key = {(c.stack, c.role_arn, c.repository_arn): c for c in cells}
    for stack, role in roles:
        row = [f"{cell_text(by_key[(stack, role, arn)]):<22}" for arn in columns]
        lines.append(f"  {f'{stack}: {role}':<{width}}  " + "  ".join(row))
    lines.append("")
    return lines


def _consequence(stack: StackPlan) -> str:
    kind = stack.error_kind
    if kind in (BAD_INPUT, CYCLE):
        return "bad input, the preview of this stack would fail"
    if kind == BLOCKED:
        return "not planned, it reads a stack that failed above"
    if kind in (CRASHED, TIMED_OUT):
        return "the offline run of this stack's program did not finish"
    return "the preview of this stack would fail"


def stack_lines(stack: StackPlan) -> list[str]:
    status = "ok" if stack.ok else "FAILS"
    kind = f"{stack.role}, " if stack.role else ""
    lines = [f"=== stack {stack.stack} ({kind}account {stack.account_id}, {stack.region}): {status}"]
    for resource in stack.resources:
        verb = "reads  " if resource.read else "creates"
        extra = " [retained on delete]" if resource.retain_on_delete else ""
        lines.append(f"  {verb} {resource.type}  {resource.name}{extra}")
    for resource in _created(stack):
        for prop, document in policy_documents(resource):
            lines.append(f"  --- {resource.name} {prop}:")
            body = json.dumps(document, indent=2) if not isinstance(document, str) else document
            lines += ["    " + line for line in body.splitlines()]
    if stack.outputs:
        lines.append("  exports:")
        for key, value in stack.outputs.items():
            shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            lines.append(f"    {key}: {shown}")
    lines += [f"  WARNING: {warning}" for warning in stack.warnings]
    if stack.error:
        lines.append(f"  ERROR ({stack.error['type']}): {_consequence(stack)}:")
        lines += ["    " + line for line in stack.error["message"].splitlines()]
    return [*lines, ""]


def guardrail_lines(review: Review) -> list[str]:
    if review.guardrails_pack is None:
        return ["Guardrails: not run (the ecr-guardrails pack was not found; give it with --policy-pack DIR)", ""]
    lines = [f"Guardrails ({review.guardrails_pack}): {len(review.findings) or 'no'} finding(s)"]
    for f in review.findings:
        where = f'{f.resource_type} "{f.resource}"' if f.resource else "the stack"
        lines.append(f"  {f.level.upper()} {f.rule} in stack {f.stack}, {where}: {f.message}")
    return [*lines, ""]


def diff_lines(diff: PlanDiff | None) -> list[str]:
    if diff is None:
        return []
    lines = ["Against the baseline:" if not diff.empty else "Against the baseline: no change in access or repositories"]
    for change in diff.repositories:
        what = "; ".join(f"{k}: {json.dumps(v[0])} -> {json.dumps(v[1])}" for k, v in change.differences.items())
        kept = retention_note(change.change, change.differences, change.retained)
        lines.append(
            f"  DANGER repository {change.name} ({change.arn}) would be {change.change}"
            f"{': ' + what if what else ''}{kept}"
        )
    for title, items in (
        ("pull gained", diff.pulls_gained),
        ("pull lost", diff.pulls_lost),
        ("grant added", diff.grants_added),
        ("grant removed", diff.grants_removed),
    ):
        lines += [f"  {title}: {item}" for item in items]
    return [*lines, ""]


def render_text(review: Review) -> str:
    plan = review.plan
    lines: list[str] = [f"Project {plan.project}: {len(plan.stacks)} stacks, planned offline (no AWS calls)", ""]
    for stack in plan.stacks:
        lines += stack_lines(stack)
    lines += _matrix_lines(review.cells)
    lines += [f"DENIED: {c.role_arn} cannot pull {c.repository} it asks for: {c.message}" for c in review.denied]
    lines += guardrail_lines(review)
    lines += diff_lines(review.diff)
    lines.append(review.verdict())
    return "\n".join(lines)


# One line of the CLI's message per stack with bad input; the report above has the whole message.
BAD_INPUT_LINE_CHARACTERS = 400


def bad_input_lines(plan: ProjectPlan) -> list[str]:
    """One line per stack whose input is bad (a config the specs refuse, a reference to no stack)."""
    lines = []
    for stack in plan.stacks:
        if stack.error is None or stack.error_kind not in (BAD_INPUT, CYCLE):
            continue
        message = " ".join(part.strip() for part in stack.error["message"].splitlines() if part.strip())
        if len(message) > BAD_INPUT_LINE_CHARACTERS:
            message = message[:BAD_INPUT_LINE_CHARACTERS] + "... (the whole message is in the report)"
        lines.append(f"{stack.config_file or stack.stack}: stack {stack.stack} has bad input: {message}")
    return lines


def _shallow(record: Any, *left_out: str) -> dict[str, Any]:
    """A flat dataclass's fields as a dict that shares their values: `asdict` would copy every nested value
    (a registry's config and outputs, many megabytes) only for the copy to be encoded once and dropped."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in left_out}


def _stack_data(stack: StackPlan) -> dict[str, Any]:
    data = {
        **_shallow(stack, "resources"),
        "kind": stack.role,
        "ok": stack.ok,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "read": r.read,
                "retain_on_delete": r.retain_on_delete,
                "inputs": r.inputs,
                "policies": dict(policy_documents(r)),
            }
            for r in stack.resources
        ],
    }
    if data.get("error"):
        data["error"] = {k: v for k, v in data["error"].items() if k != "traceback"}
    return data


def plan_data(review: Review) -> dict[str, Any]:
    """The review as JSON-ready data, in the shape docs/plan.schema.json describes."""
    plan = review.plan
    stacks = [s for s in plan.stacks if s.ok]
    return {
        "schema_version": SCHEMA_VERSION,
        "project": plan.project,
        "ok": review.exit_code == 0,
        "exit_code": review.exit_code,
        "verdict": review.verdict(),
        "given_outputs": list(plan.given_outputs),
        "stacks": [_stack_data(stack) for stack in plan.stacks],
        "access": [_shallow(c) for c in review.cells],
        "repositories": [_shallow(r, "policy") for s in stacks for r in s.inventory.repositories],
        "pullers": [_shallow(p, "policy", "policies") for s in stacks for p in s.inventory.pullers],
        "grants": sorted(g for s in stacks for g in s.inventory.grants),
        "guardrails": {"pack": review.guardrails_pack, "findings": [_shallow(f) for f in review.findings]},
        "diff": None if review.diff is None else asdict(review.diff),
    }


# How deep the report is laid out over lines; below, each value is one line of compact JSON.
LAID_OUT_LEVELS = 4
# `json.dumps(value, default=str)`, without making an encoder for each of the report's 300,000 entries.
_encode = json.JSONEncoder(default=str).encode


def render_json(data: dict[str, Any]) -> str:
    """The report as JSON, laid out over lines down to four levels: each stack's fields, and one line per
    resource, cell, grant, finding and requested ARN. Python's JSON encoder is many times faster without
    indentation (a plan of 1,000 repositories x 200 accounts writes 200 MB), so only the layout around
    those entries is indented; each entry is encoded by the C encoder."""
    return _laid_out(data, 0, in_list=False)


def _laid_out(value: Any, depth: int, in_list: bool) -> str:
    # A flat record in a list (a cell, a finding) stays on one line; one that holds lists or mappings (a
    # stack, a puller) is laid out.
    structured = isinstance(value, dict) and (
        not in_list or any(isinstance(v, (dict, list)) and v for v in value.values())
    )
    if depth >= LAID_OUT_LEVELS or not (isinstance(value, list) or structured) or not value:
        return _encode(value)
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        entries = [f"{inner}{_encode(str(k))}: {_laid_out(v, depth + 1, False)}" for k, v in value.items()]
        return "{\n" + ",\n".join(entries) + f"\n{outer}}}"
    if not any(isinstance(v, (dict, list)) for v in value):  # leaves (grant lines): each its own line
        return "[\n" + ",\n".join([inner + _encode(v) for v in value]) + f"\n{outer}]"
    entries = [f"{inner}{_laid_out(v, depth + 1, True)}" for v in value]
    return "[\n" + ",\n".join(entries) + f"\n{outer}]"
