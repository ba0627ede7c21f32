"""Runs every rule of the catalog over a list of resources, as the engine would, without the engine."""

from __future__ import annotations

from typing import Any

from ecr_guardrails.catalog import RULES
from ecr_guardrails.model import Resource


def findings_by_rule(
    resources: list[Resource],
    config: dict[str, dict[str, Any]] | None = None,
) -> dict[str, list[tuple[str, str | None]]]:
    """Rule name -> [(message, urn)] for every rule that reported something."""
    config = config or {}
    out: dict[str, list[tuple[str, str | None]]] = {}
    for rule in RULES:
        found: list[tuple[str, str | None]] = []
        rule_config = config.get(rule.name, {})
        if rule.check_stack is not None:
            found.extend((f.message, f.urn) for f in rule.run_stack(resources, rule_config))
        else:
            for resource in resources:
                found.extend((m, resource.urn) for m in rule.run(resource, rule_config))
        if found:
            out[rule.name] = found
    return out


def mandatory_findings(
    resources: list[Resource],
    config: dict[str, dict[str, Any]] | None = None,
) -> dict[str, list[tuple[str, str | None]]]:
    mandatory = {r.name for r in RULES if r.level == "mandatory"}
    return {k: v for k, v in findings_by_rule(resources, config).items() if k in mandatory}
