"""The guardrails pack (policy-packs/ecr-guardrails) run over each planned stack, through the pack's own rules.

The pack is imported from its directory, as the policy engine runs it: it stays a pack that does not
need this project installed. Its config is the file `pulumi preview --policy-pack-config` takes: per
rule, a level (`"mandatory"`, `"advisory"`, `"disabled"`) or an object with `enforcementLevel` and the
rule's own settings; `"all"` sets the level of every rule.
"""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecr_shared_services.plan.inputs import PlanInputError, read_json_file
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan

PACK_PACKAGE = "ecr_guardrails"
# Where the pack sits in this repository, beside `components/`.
DEFAULT_PACK = Path(__file__).resolve().parents[3] / "policy-packs" / "ecr-guardrails"
LEVELS = ("advisory", "mandatory", "disabled")


@dataclass(frozen=True)
class GuardrailFinding:
    """One violation the pack reports: where, which rule, how serious, and what it says."""

    stack: str
    rule: str
    level: str  # advisory | mandatory
    resource: str  # the resource's Pulumi name; "" for a finding about the whole stack
    resource_type: str
    urn: str
    message: str


@dataclass(frozen=True)
class RuleSetting:
    level: str
    config: dict[str, Any]


def load_rules(pack: Path) -> tuple[Any, ...]:
    """The pack's `catalog.RULES`, imported from the pack's directory."""
    if not (pack / PACK_PACKAGE / "__init__.py").is_file():
        raise PlanInputError(f"--policy-pack {pack}: no {PACK_PACKAGE} package here (the ecr-guardrails pack)")
    if str(pack) not in sys.path:
        sys.path.insert(0, str(pack))
    catalog = importlib.import_module(f"{PACK_PACKAGE}.catalog")
    return tuple(catalog.RULES)


def _setting(name: str, value: Any, default: str, where: str) -> RuleSetting:
    if isinstance(value, str):
        value = {"enforcementLevel": value}
    if not isinstance(value, dict):
        raise PlanInputError(f"{where}: {name!r} must be a level or an object, found {type(value).__name__}")
    config = dict(value)
    level = config.pop("enforcementLevel", default)
    if level not in LEVELS:
        raise PlanInputError(f"{where}: {name}.enforcementLevel is {level!r}; use one of {', '.join(LEVELS)}")
    return RuleSetting(str(level), config)


def rule_settings(rules: Iterable[Any], config_file: Path | None) -> dict[str, RuleSetting]:
    """Each rule's level and settings: the pack's defaults, as the config file changes them."""
    rules = list(rules)
    raw: Any = read_json_file(config_file, "--policy-pack-config") if config_file else {}
    where = f"--policy-pack-config {config_file}"
    if not isinstance(raw, dict):
        raise PlanInputError(f"{where}: must be a JSON object of rule names, found {type(raw).__name__}")
    names = [rule.name for rule in rules]
    for name in raw:
        if name != "all" and name not in names:
            closest = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {closest[0]!r}?" if closest else f"; the pack's rules are {', '.join(names)}"
            raise PlanInputError(f"{where}: no rule {name!r} in the ecr-guardrails pack{hint}")
    every = _setting("all", raw["all"], "advisory", where).level if "all" in raw else None
    return {rule.name: _setting(rule.name, raw.get(rule.name, {}), every or rule.level, where) for rule in rules}


def _resources(stack: StackPlan, resource_type: Any) -> list[Any]:
    # What the engine hands a pack: each custom resource's inputs over its outputs.
    return [
        resource_type(r.type, r.name, r.urn, {**r.outputs, **r.inputs})
        for r in stack.resources
        if r.custom and not r.read
    ]


def _stack_findings(
    stack: StackPlan, rules: tuple[Any, ...], settings: dict[str, RuleSetting]
) -> list[GuardrailFinding]:
    model = importlib.import_module(f"{PACK_PACKAGE}.model")
    resources = _resources(stack, model.Resource)
    by_urn = {r.urn: r for r in resources}
    found: list[GuardrailFinding] = []
    for rule in rules:
        setting = settings[rule.name]
        if setting.level == "disabled":
            continue
        if rule.check_stack is not None:
            hits = [(f.message, by_urn.get(f.urn or "")) for f in rule.run_stack(resources, setting.config)]
        else:
            hits = [(m, r) for r in resources for m in rule.run(r, setting.config)]
        for message, resource in hits:
            found.append(
                GuardrailFinding(
                    stack.stack,
                    rule.name,
                    setting.level,
                    resource.name if resource else "",
                    resource.type if resource else "",
                    resource.urn if resource else "",
                    message,
                )
            )
    return found


@dataclass(frozen=True)
class Guardrails:
    """The pack's rules with the levels and settings of its config, ready to run over a plan."""

    pack: Path
    rules: tuple[Any, ...]
    settings: dict[str, RuleSetting]

    def run(self, plan: ProjectPlan) -> list[GuardrailFinding]:
        """Every finding of the pack over every stack that planned, mandatory ones first."""
        found = [f for stack in plan.stacks if stack.ok for f in _stack_findings(stack, self.rules, self.settings)]
        return sorted(found, key=lambda f: (f.level != "mandatory", f.stack, f.rule, f.resource))


def load_guardrails(pack: Path, config_file: Path | None = None) -> Guardrails:
    """The pack in `pack` with the config in `config_file`; a PlanInputError for either unusable."""
    rules = load_rules(pack)
    return Guardrails(pack, rules, rule_settings(rules, config_file))


def mandatory(findings: list[GuardrailFinding]) -> list[GuardrailFinding]:
    return [f for f in findings if f.level == "mandatory"]
