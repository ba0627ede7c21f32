"""Rendering an AccessReport: readable text (verdict first, then each step) and the JSON document
described in docs/explain-json.md."""

from __future__ import annotations

import json
from typing import Any

from ecr_shared_services.access.results import AccessReport, SideVerdict, StepResult

SCHEMA = "shared-registry/explain/v1"

_SIDE_NAMES = {
    "identity": "identity policies",
    "resource": "repository policy",
    "boundary": "permissions boundary",
    "scp": "service control policies",
}
_STATE_WORDS = {
    "allow": "allows",
    "deny": "DENIES explicitly",
    "no_allow": "no statement allows",
    "unknown": "cannot be decided",
    "absent": "none",
    "not_applicable": "not consulted",
}


def to_json_dict(report: AccessReport) -> dict[str, Any]:
    """The machine-readable report (schema `shared-registry/explain/v1`)."""
    step = report.failing_step
    return {
        "schema": SCHEMA,
        "decision": report.decision,
        "denied_by": report.denied_by,
        "explicit": report.explicit,
        "step": (step.action if step else None) if report.decision == "deny" else None,
        "message": report.message,
        "principal": report.principal,
        "image": report.image,
        "repository": {
            "arn": report.repository.arn,
            "url": report.repository.url,
            "name": report.repository.name,
            "account_id": report.repository.account_id,
            "region": report.repository.region,
            "partition": report.repository.partition,
        },
        "access": report.access,
        "cross_account": report.cross_account,
        "steps": [s.to_json() for s in report.steps],
        "findings": [f.to_json() for f in report.findings],
        "fixes": [f.to_json() for f in report.fixes],
        "unknown_inputs": list(report.unknown_inputs),
        "not_evaluable": sorted({note for s in report.steps if s.required for note in s.notes}),
        "inputs": report.inputs,
    }


def to_json(report: AccessReport) -> str:
    return json.dumps(to_json_dict(report), indent=2, sort_keys=False)


def _side_line(verdict: SideVerdict) -> str:
    words = _STATE_WORDS[verdict.state]
    # Statements that allow are named only when the side allows: with SCP levels, one level's Allow
    # does not make the side allow.
    refs = {"deny": verdict.denied_by, "allow": verdict.allowed_by}.get(verdict.state, ())
    detail = f" ({'; '.join(ref.label for ref in refs)})" if refs else ""
    return f"{_SIDE_NAMES[verdict.side]}: {words}{detail}"


def _level_lines(verdict: SideVerdict) -> list[str]:
    """Each SCP level (root first) with the policies attached there and what they say together."""
    return [
        f"           level {level.level}: {', '.join(level.policies)}: {_STATE_WORDS[level.state]}"
        for level in verdict.levels
    ]


def _step_lines(step: StepResult) -> list[str]:
    mark = {"allow": "ok  ", "deny": "DENY", "unknown": "??  "}[step.decision]
    optional = "" if step.required else " (not required for a pull)"
    lines = [f"  [{mark}] {step.action} on {step.resource}{optional}"]
    for verdict in step.sides:
        if verdict.state in ("absent", "not_applicable"):
            continue
        lines.append(f"         {_side_line(verdict)}")
        lines.extend(_level_lines(verdict))
    for note in step.notes:
        lines.append(f"         not evaluable: {note}")
    return lines


def to_text(report: AccessReport) -> str:
    """Verdict first, then each step, then the fixes."""
    verb = report.access
    where = (
        f"cross-account: caller account {report.principal.split(':')[4] or '-'} -> registry account "
        f"{report.repository.account_id}"
        if report.cross_account
        else "same account"
    )
    lines: list[str] = []
    if report.decision == "allow":
        lines.append(f"ALLOWED: {report.principal} can {verb} {report.image}")
    elif report.decision == "unknown":
        lines.append(f"UNKNOWN: cannot decide whether {report.principal} can {verb} {report.image}")
    else:
        side = report.denied_by
        kind = "explicit deny" if report.explicit else "no matching Allow"
        refused = "the image location" if side == "location" else f"the {_SIDE_NAMES[side or 'identity']} ({kind})"
        step = report.failing_step
        at = f" at {step.action}" if step and side != "location" else ""
        lines.append(f"DENIED: {report.principal} cannot {verb} {report.image}")
        lines.append(f"  refused by: {refused}{at}")
        if report.message:
            lines.append(f"  AWS says: {report.message}")
    if report.cross_account:
        lines.append(f"  ({where}: both the identity side and the repository policy must allow)")
    for finding in report.findings:
        lines.append(f"  finding: {finding.message}")
        lines.append(f"    fix: {finding.fix}")
    if report.unknown_inputs:
        lines.append(f"  not read: {', '.join(report.unknown_inputs)} (their verdicts are unknown)")
    lines.append("")
    lines.append(f"Steps of a {verb} of {report.repository.arn}:")
    for step in report.steps:
        lines.extend(_step_lines(step))
    if report.fixes:
        lines.append("")
        lines.append("Fix:")
        for fix in report.fixes:
            lines.append(f"  - {fix.text}")
            if fix.statement is not None:
                body = json.dumps(fix.statement, indent=2)
                lines.extend(f"      {line}" for line in body.splitlines())
    return "\n".join(lines) + "\n"
