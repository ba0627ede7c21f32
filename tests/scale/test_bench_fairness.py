"""The component-overhead benchmark compares like with like: its plain pulumi_aws program registers exactly
the resources, names, inputs and options SharedRegistry registers (only the component itself and the
children's parent differ)."""

from __future__ import annotations

from typing import Any

from bench.fleets import registry_args
from bench.overhead import component_program, plain_program, plain_repositories, run
from ecr_shared_services.shared_registry import TYPE_TOKEN


def registered(program: Any) -> list[tuple[str, str, Any, bool]]:
    return sorted(
        (r.type, r.name, r.inputs, r.retain_on_delete) for r in run(program).registrations if r.type != TYPE_TOKEN
    )


def test_plain_program_registers_what_the_component_registers() -> None:
    args = registry_args(3, 2)
    ours = registered(component_program(args))
    assert ours == registered(plain_program(plain_repositories(args)))
    assert [kind for kind, *_ in ours].count("aws:ecr/repositoryPolicy:RepositoryPolicy") == 3
