"""Rendering a ProjectPlan for people (text) and for scripts (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ecr_shared_services.plan.access_matrix import AccessCell, unexpected_denials
from ecr_shared_services.plan.registration import Registration
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


def _matrix_lines(cells: list[AccessCell]) -> list[str]:
    if not cells:
        return []
    headings = column_names(cells)
    columns = sorted(headings, key=lambda arn: headings[arn])
    roles = sorted({(c.stack, c.role_arn) for c in cells})
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


def render_text(plan: ProjectPlan, cells: list[AccessCell]) -> str:
    lines: list[str] = [f"Project {plan.project}: {len(plan.stacks)} stacks, planned offline (no AWS calls)", ""]
    for stack in plan.stacks:
        status = "ok" if stack.ok else "FAILS"
        kind = f"{stack.role}, " if stack.role else ""
        lines.append(f"=== stack {stack.stack} ({kind}account {stack.account_id}, {stack.region}): {status}")
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
        lines.append("")
    lines += _matrix_lines(cells)
    denied = unexpected_denials(cells)
    lines += [f"DENIED: {c.role_arn} cannot pull {c.repository} it asks for: {c.message}" for c in denied]
    lines.append(_summary(plan, denied))
    return "\n".join(lines)


def _summary(plan: ProjectPlan, denied: list[AccessCell]) -> str:
    failed = [s.stack for s in plan.stacks if not s.ok and s.error_kind != BLOCKED]
    blocked = [s.stack for s in plan.stacks if s.error_kind == BLOCKED]
    if not failed and not blocked:
        if denied:
            return f"{len(denied)} requested pull(s) would be denied"
        return "Every stack plans cleanly: each application is granted every repository it pulls."
    text = f"{len(failed)} stack(s) would fail: {', '.join(failed)}"
    if blocked:
        text += f"; {len(blocked)} stack(s) read a stack that failed and were not planned: {', '.join(blocked)}"
    return text


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


def render_json(plan: ProjectPlan, cells: list[AccessCell]) -> str:
    data: dict[str, Any] = {
        "project": plan.project,
        "ok": plan.ok and not unexpected_denials(cells),
        "given_outputs": list(plan.given_outputs),
        "access": [asdict(c) for c in cells],
        "stacks": [
            {
                **{k: v for k, v in asdict(stack).items() if k != "resources"},
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
            for stack in plan.stacks
        ],
    }
    for stack in data["stacks"]:
        if stack.get("error"):
            stack["error"].pop("traceback", None)
    return json.dumps(data, indent=2, default=str)
