"""The SDK internals the offline plan relies on are all present in the installed Pulumi SDK.

An SDK upgrade that moves one of them fails here, naming it, rather than somewhere deep in a plan run.
"""

from __future__ import annotations

import ast
import contextlib
import pathlib
from typing import Any

import pulumi
import pytest
from pulumi.runtime import resource

from ecr_shared_services.plan import mock_runtime, sdk_internals
from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks, RecordingMonitor

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


class _Component(pulumi.ComponentResource):
    """A component with its own constructor: the SDK takes a stack trace for it (it looks for a third
    `__init__` frame, the concrete resource class's)."""

    def __init__(self, name: str) -> None:
        super().__init__("test:index:Component", name)


def _stack_frames_sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sent: list[int] = []
    original = RecordingMonitor.RegisterResource

    def noted(self: RecordingMonitor, request: Any) -> Any:
        if request.type == "test:index:Component":
            sent.append(len(request.stackTrace.frames))
        return original(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", noted)
    run = run_under_mocks(lambda: _Component("c"), AwsMocks("123456789012", "us-east-1"))
    assert run.error is None
    return sent


def test_a_program_under_the_mocks_registers_without_a_stack_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK takes the Python stack of every registration for the engine's diagnostics; the mock monitor
    never reads it, so the plan's runs send none, and only while they run."""
    assert _stack_frames_sent(monkeypatch) == [0]
    assert resource._get_stack_trace is not sdk_internals._no_stack_trace


def test_without_the_adapter_the_sdk_sends_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mock_runtime, "without_stack_traces", contextlib.nullcontext)
    [frames] = _stack_frames_sent(monkeypatch)
    assert frames > 0
