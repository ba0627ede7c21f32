"""The SDK internals the offline plan relies on are all present in the installed Pulumi SDK.

An SDK upgrade that moves one of them fails here, naming it, rather than somewhere deep in a plan run.
"""

from __future__ import annotations

import ast
import pathlib

import pulumi
from pulumi.runtime import resource

from ecr_shared_services.plan import sdk_internals
from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks

PACKAGE = pathlib.Path(sdk_internals.__file__).parent.parent


def test_every_sdk_internal_the_adapter_needs_is_present() -> None:
    assert sdk_internals.check_sdk_internals() == []


def test_only_the_adapter_imports_private_sdk_modules() -> None:
    private = {
        "pulumi.runtime.settings",
        "pulumi.runtime.stack",
        "pulumi.runtime.sync_await",
        "pulumi.runtime.rpc",
        "pulumi.runtime.config",
        "pulumi.runtime.resource",
        "pulumi.runtime.proto",
    }
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "sdk_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
                if names & private:
                    offenders.append(f"{path.relative_to(PACKAGE)}: from {node.module} import ...")
    assert offenders == []


def test_a_program_under_the_mocks_registers_without_a_stack_trace() -> None:
    """The SDK takes the Python stack of every registration for the engine's diagnostics; the mock monitor
    never reads it, so the plan's runs leave it empty, and only while they run."""
    seen: list[int] = []

    def program() -> None:
        seen.append(len(resource._get_stack_trace().frames))
        pulumi.export("x", 1)

    run = run_under_mocks(program, AwsMocks("123456789012", "us-east-1"))
    assert run.error is None and run.outputs == {"x": 1}
    assert seen == [0]
    assert resource._get_stack_trace is not sdk_internals._no_stack_trace
