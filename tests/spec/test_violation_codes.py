"""Violation codes: one catalog, documented, used by the specs; unknown fields suggest the closest known one."""

import re
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.codes import CATALOG, RETIRED
from ecr_shared_services.errors import SpecError, Violation
from ecr_shared_services.spec.application import ApplicationStackSpec
from ecr_shared_services.spec.registry import SharedRegistryArgs

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\bESS\d{3}\b")
ROLE = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}


def codes_in(*folders: str) -> set[str]:
    """The codes written in the source under `folders`, leaving out the catalog itself."""
    paths = [path for f in folders for path in (ROOT / f).rglob("*.py") if path.name != "codes.py"]
    return {code for path in paths for code in CODE.findall(path.read_text())}


def test_the_documented_table_is_the_catalog() -> None:
    text = (ROOT / "docs" / "violation-codes.md").read_text()
    rows = re.findall(r"^\| (ESS\d{3}) \| (.+) \|$", text, re.MULTILINE)
    assert rows == list(CATALOG.items())


def test_every_code_used_is_in_the_catalog_and_every_catalog_code_is_used() -> None:
    used = codes_in("components/ecr_shared_services", "stacks")
    assert used <= set(CATALOG), f"codes missing from the catalog: {sorted(used - set(CATALOG))}"
    live = set(CATALOG) - RETIRED
    assert live <= used, f"catalog codes nothing reports: {sorted(live - used)}"
    assert not used & RETIRED, f"retired codes still reported: {sorted(used & RETIRED)}"


def test_a_code_outside_the_catalog_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown violation code 'ESS999'"):
        Violation("name", "x", "a rule", "a fix", "ESS999")


def test_the_message_carries_code_field_value_rule_and_fix() -> None:
    error = SpecError("Thing", [Violation("a.b", 3, "must be even", "add one", "ESS009"), Violation("c", None, "r")])
    assert str(error) == "Thing: 2 invalid values:\n  - ESS009 a.b = 3: must be even. Fix: add one\n  - c = None: r"


def registry(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"region": "us-east-1", "repositories": [{"name": "payment-service", "consumers": [ROLE]}]}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("data", "field", "value", "suggestion"),
    [
        (registry(regoin="us-east-1"), "regoin", "us-east-1", "region"),
        (
            registry(repositories=[{"name": "a1", "consumers": [ROLE], "scan_on_pus": False}]),
            "repositories[0].scan_on_pus",
            False,
            "scan_on_push",
        ),
        (
            registry(consumers=[{**ROLE, "role_name": ["x"]}]),
            "consumers[0].role_name",
            ["x"],
            "role_names",
        ),
        (
            registry(defaults={"lifecycle": {"keep_last_taged": 5}}),
            "defaults.lifecycle.keep_last_taged",
            5,
            "keep_last_tagged",
        ),
    ],
)
def test_an_unknown_field_suggests_the_closest_known_one(
    data: dict[str, Any], field: str, value: Any, suggestion: str
) -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(data)
    [violation] = caught.value.violations
    assert (violation.field, violation.value, violation.code) == (field, value, "ESS002")
    assert violation.fix == f"did you mean `{suggestion}`? Rename it, or remove it"


def test_an_unknown_field_of_an_application_role_suggests_the_role_field() -> None:
    with pytest.raises(SpecError) as caught:
        ApplicationStackSpec.parse(
            {
                "account_id": "123456789012",
                "registry_stack": "acme/ecr-shared-services/registry",
                "repositories": ["payment-service"],
                "role": {"role_name": "r", "trust": {"servce": "lambda"}},
            }
        )
    [violation] = caught.value.violations
    assert (violation.field, violation.code) == ("role.trust.servce", "ESS002")
    assert violation.fix == "did you mean `service`? Rename it, or remove it"
