"""The overhead benchmark's fleet with equal consumer lists (each repository its own list, as parsed from YAML)
registers exactly what the fleet with one shared list registers, in the component and in the plain program."""

from __future__ import annotations

from typing import Any

from bench.fleets import registry_args
from bench.overhead import component_program, equal_lists, plain_program, plain_repositories, run


def registered(program: Any) -> list[tuple[str, str, Any, Any]]:
    return sorted((r.type, r.name, r.inputs, r.outputs) for r in run(program).registrations)


def test_equal_lists_register_what_one_shared_list_registers() -> None:
    shared = registry_args(4, 3)
    equal = equal_lists(shared)
    assert equal == shared
    assert equal["repositories"][0]["consumers"] is not equal["repositories"][1]["consumers"]
    ours = registered(component_program(equal))
    assert ours == registered(component_program(shared))
    plain = registered(plain_program(plain_repositories(equal)))
    assert [r for r in ours if r[0].startswith("aws:")] == plain
