"""Run a Pulumi program under the mock runtime from a library call, and collect what it registered."""

from __future__ import annotations

import asyncio
import gc
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import set_mocks

from ecr_shared_services.plan.mocks import AwsMocks, RecordingMonitor
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.sdk_internals import (
    reset_runtime,
    run_program,
    set_config_noting_reads,
    without_stack_traces,
)


@dataclass
class MockRun:
    """What a program did under the mocks: its registrations, its exports, and the error that stopped it."""

    registrations: list[Registration]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    # The program's error with its traceback, as text: the run's frames are released once it ends.
    traceback: str = ""
    # Every config key the program looked up, set or not.
    config_asked: set[str] = field(default_factory=set)

    def by_name(self, name: str, type_token: str | None = None) -> Registration:
        found = [r for r in self.registrations if r.name == name and type_token in (None, r.type)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} registrations named {name!r}: {[r.name for r in self.registrations]}")
        return found[0]

    @property
    def cause(self) -> BaseException | None:
        """The error as the program raised it: Pulumi wraps errors raised while it resolves an input
        (`While processing input: ...`); this unwraps them."""
        return program_error(self.error) if self.error is not None else None

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_token]


def program_error(error: BaseException) -> BaseException:
    """The innermost error under Pulumi's `While processing ...` wrappers.

    Pulumi's `wait_for_rpcs` re-raises a failed registration `from` itself, so the outermost wrapper is its
    own `__cause__` and the wrapper it replaced survives only as its `__context__`: the walk follows
    whichever link leads somewhere new, and never visits an error twice.
    """
    seen = {id(error)}
    while str(error).startswith("While processing "):
        inner = next(
            (e for e in (error.__cause__, error.__context__) if e is not None and id(e) not in seen),
            None,
        )
        if inner is None:
            break
        seen.add(id(inner))
        error = inner
    return error


def run_under_mocks(
    program: Callable[[], object],
    mocks: AwsMocks,
    *,
    project: str = "project",
    stack: str = "stack",
    config: dict[str, str] | None = None,
    organization: str = "organization",
) -> MockRun:
    """Run `program` as a fresh stack: new root resource, new config, answers from `mocks`."""
    # A fresh runtime: no root resource, no pending RPCs or errors left by an earlier run in this process.
    reset_runtime()
    monitor = RecordingMonitor(mocks)
    set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor, organization=organization)
    asked = set_config_noting_reads(dict(config or {}))
    run = MockRun(monitor.registrations, config_asked=asked)
    loops: list[asyncio.AbstractEventLoop] = []

    async def main() -> None:
        loops.append(asyncio.get_running_loop())
        program()
        root = pulumi.runtime.get_root_resource()
        for key, value in getattr(root, "outputs", {}).items():
            run.outputs[key] = await pulumi.Output.from_input(value).future()

    try:
        with without_stack_traces():
            run_program(main)
    except Exception as exc:
        run.error = exc
    if run.error is not None:
        cause = run.cause or run.error
        run.traceback = "".join(traceback.format_exception(type(cause), cause, cause.__traceback__))
        if loops:
            _release_failed_run(loops[0], run.error)
    return run


def _chain(error: BaseException) -> list[BaseException]:
    """The error and every error it was raised from or during, each once."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None and all(current is not seen for seen in found):
            found.append(current)
            pending += [current.__cause__, current.__context__]
    return found


def _release_failed_run(loop: asyncio.AbstractEventLoop, error: BaseException) -> None:
    """Free a failed run's runtime state now, and retrieve the run's error from the futures that hold it.

    A failed registration sets its error on every output of the resource, and on those of every resource
    that waits for it. The outputs nobody awaited hold it unretrieved until the next run resets the runtime;
    the garbage collector then reaches them at some later moment and asyncio logs each as "Future exception
    was never retrieved", in whatever code runs then. The error is the run's own, already in `MockRun.error`:
    collect them here and let only those pass silently; any other unretrieved error is still logged.
    """
    # The tracebacks' frames (and the closures they run) hold the run's resources and outputs: keep their text.
    for raised in _chain(error):
        raised.__traceback__ = None
    reset_runtime()
    own = program_error(error)
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is not None and "future" in context and program_error(exc) is own:
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    try:
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
