"""The pack's files are what Pulumi expects, and its docs and example config match the rules."""

from __future__ import annotations

import ast
import json
import re

import yaml
from ecr_guardrails.catalog import RULES
from ecr_guardrails.policies import build_policies
from guardrail_paths import PACK_DIR
from pulumi_policy import EnforcementLevel, StackValidationPolicy


def test_pulumi_policy_yaml_and_requirements() -> None:
    spec = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert spec["runtime"]["name"] == "python" and spec["version"] and spec["description"]
    requirements = (PACK_DIR / "requirements.txt").read_text()
    assert re.search(r"^pulumi-policy\b", requirements, re.M) and re.search(r"^pulumi\b", requirements, re.M)


def test_policy_pack_is_built_only_in_main_and_the_rules_do_not_import_the_library() -> None:
    for path in PACK_DIR.rglob("*.py"):
        if "venv" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "PolicyPack"]
        assert bool(calls) == (path.name == "__main__.py" and path.parent == PACK_DIR), path
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m == "ecr_shared_services" or m.startswith("ecr_shared_services.") for m in imported), path


def test_rule_names_are_unique_and_policies_match_the_catalog() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for rule, policy in zip(RULES, build_policies(), strict=True):
        assert policy.name == rule.name and policy.description == rule.description
        assert policy.enforcement_level == EnforcementLevel(rule.level)
        assert isinstance(policy, StackValidationPolicy) == (rule.check_stack is not None)
        assert (policy.config_schema is None) == (not rule.config_schema)


def test_every_config_key_is_documented_and_has_a_type() -> None:
    for rule in RULES:
        for key, schema in rule.config_schema.items():
            assert schema.get("type") and schema.get("description"), (rule.name, key)


def test_example_config_uses_only_known_rules_keys_and_types() -> None:
    example = json.loads((PACK_DIR / "policy-config.example.json").read_text())
    by_name = {r.name: r for r in RULES}
    python_type = {"array": list, "boolean": bool, "integer": int, "string": str}
    configured = set()
    for name, value in example.items():
        assert name in by_name, name
        if isinstance(value, str):
            assert value in {"advisory", "mandatory", "disabled"}
            continue
        for key, setting in value.items():
            if key == "enforcementLevel":
                continue
            schema = by_name[name].config_schema[key]
            assert isinstance(setting, python_type[schema["type"]]), (name, key)
            configured.add((name, key))
    assert configured == {(r.name, k) for r in RULES for k in r.config_schema}


def test_readme_has_a_row_per_rule_with_its_level_and_config() -> None:
    readme = (PACK_DIR / "README.md").read_text()
    for rule in RULES:
        scope = "stack" if rule.check_stack else "resource"
        [row] = [line for line in readme.splitlines() if line.startswith(f"| `{rule.name}` | {rule.level} | {scope} |")]
        assert f"| {rule.level} |" in row
        for key in rule.config_schema:
            assert f"`{key}`" in row and f"| `{key}` |" in readme


def test_the_packs_version_floors_are_the_tested_ones() -> None:
    """The pack asks for no older Pulumi SDK or pulumi-policy than the project itself tests with."""
    floors = dict(re.findall(r"^([a-z-]+)>=([\d.]+)", (PACK_DIR / "requirements.txt").read_text(), re.M))
    project = (PACK_DIR.parents[1] / "pyproject.toml").read_text()
    for name in ("pulumi", "pulumi-policy"):
        tested = re.search(rf'"{re.escape(name)}>=([\d.]+)', project)
        assert tested is not None, name
        assert floors[name] == tested.group(1), (name, floors[name], tested.group(1))
