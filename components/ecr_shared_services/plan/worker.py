"""Run one stack's program in this process and write what it did as JSON.

Usage: `python -m ecr_shared_services.plan.worker REQUEST.json RESULT.json [CPU_SECONDS]`.

A process per stack gives each program the clean interpreter a real `pulumi up` gives it (its own
sys.path, imported modules and runtime globals).

Exit status: 0 once RESULT.json is complete (the program's own error, if any, is inside it). A program
that uses up its CPU-time limit is ended by SIGXCPU; SIGTERM ends the worker. Either signal first
writes every thread's stack to stderr, so the report can say where the program was.
"""

from __future__ import annotations

import dataclasses
import difflib
import faulthandler
import json
import math
import os
import pickle
import runpy
import signal
import sys
from pathlib import Path
from typing import Any

import pulumi

from ecr_shared_services.errors import SpecError
from ecr_shared_services.plan.data_safety import deletion_warnings
from ecr_shared_services.plan.inventory import grants_warnings
from ecr_shared_services.plan.memory_paced_gc import collection_paced_by_memory
from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import (
    STACK_REFERENCE,
    AwsMocks,
    FailedStackReference,
    PendingStackReference,
    UnknownStackReference,
)
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.stack_error import BAD_INPUT, BLOCKED, PROGRAM_ERROR, WAITING, Kind, stack_error
from ecr_shared_services.plan.stack_names import stack_key

# Between the CPU-time limit's SIGXCPU and the kernel's SIGKILL: time for the stack dump.
CPU_GRACE_SECONDS = 5


def limit_cpu_time(seconds: float) -> None:
    """Bound the CPU time this process may use: a runaway loop is stopped whatever the machine's load.

    A busy machine makes a valid program take longer on the wall clock, but not use more CPU, so this
    limit does not make plans flaky; the wall-clock deadline the runner keeps can then be generous.
    """
    if sys.platform == "win32":  # no RLIMIT_CPU there: the runner's wall-clock deadline still applies
        return
    import resource

    soft = max(1, math.ceil(seconds))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    wanted_hard = soft + CPU_GRACE_SECONDS
    hard = wanted_hard if hard == resource.RLIM_INFINITY else min(hard, wanted_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))
    # SIGXCPU's default action dumps core: never into the user's project directory.
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    faulthandler.register(signal.SIGXCPU, all_threads=True, chain=True)


def _kind(exc: BaseException) -> Kind:
    if isinstance(exc, (SpecError, UnknownStackReference, pulumi.ConfigMissingError)):
        return BAD_INPUT
    if isinstance(exc, FailedStackReference):
        return BLOCKED
    if isinstance(exc, PendingStackReference):
        return WAITING
    return PROGRAM_ERROR


def _message(exc: BaseException, config: dict[str, str]) -> str:
    message = str(exc)
    if isinstance(exc, pulumi.ConfigMissingError):
        # A missing required key is usually a misspelt one: name the closest key the config does have.
        closest = difflib.get_close_matches(exc.key, [k for k in config if k not in (exc.key,)], n=1, cutoff=0.6)
        if closest:
            message += f"; the config has {closest[0]!r}: did you mean that?"
    return message


@dataclasses.dataclass
class _ReferenceNotingMocks(AwsMocks):
    """The mocks, noting every stack (`project/stack`) a StackReference of the program names."""

    referenced: list[str] = dataclasses.field(default_factory=list)

    def referenced_outputs(self, target: str) -> dict[str, Any]:
        self.referenced.append(stack_key(target, self.project))
        return super().referenced_outputs(target)


def _sent(registration: Registration) -> dict[str, Any]:
    """A registration as the result carries it. A StackReference's outputs are the whole outputs of the stack
    it reads, which the plan already has (that stack's own plan, or a --stack-outputs file): each reading
    stack sending them back again made the plan hold one more copy per reader (50 MB each for a registry of
    1,000 repositories x 200 accounts). The reference's other outputs (its name) stay.

    Its fields as they are, not copied (`asdict` copies every nested value): the result is encoded at once."""
    sent = {f.name: getattr(registration, f.name) for f in dataclasses.fields(registration)}
    if registration.type == STACK_REFERENCE and registration.read:
        sent["outputs"] = {k: v for k, v in registration.outputs.items() if k != "outputs"}
    return sent


class StackOutputs(dict[str, Any]):
    """The outputs of the stacks the program may read, by `project/stack`: given in the request, or in a file
    the runner wrote once for every stack that reads it, read here only when the program references it."""

    def __init__(self, inline: dict[str, Any], files: dict[str, str]) -> None:
        super().__init__({**dict.fromkeys(files), **inline})
        self._files = {k: v for k, v in files.items() if k not in inline}

    def __getitem__(self, key: str) -> Any:
        if key in self._files:
            # Written by this plan's runner (OutputFiles), in its private directory: never a file from elsewhere.
            self[key] = pickle.loads(Path(self._files.pop(key)).read_bytes())
        return super().__getitem__(key)


def run(request: dict[str, Any]) -> dict[str, Any]:
    mocks = _ReferenceNotingMocks(
        request["account_id"],
        request["region"],
        StackOutputs(request.get("stack_outputs") or {}, request.get("stack_output_files") or {}),
        tuple(request.get("project_stacks") or ()),
        tuple(request.get("failed_stacks") or ()),
        request["project"],
    )
    result = run_under_mocks(
        lambda: runpy.run_path(request["main"], run_name="__main__"),
        mocks,
        project=request["project"],
        stack=request["stack"],
        config=request["config"],
        organization=request.get("organization", "organization"),
    )
    error = None
    if result.cause is not None:
        exc = result.cause
        error = stack_error(
            type(exc).__name__,
            _message(exc, request["config"]),
            _kind(exc),
            result.traceback,
        )
        if isinstance(exc, PendingStackReference):
            error["waiting_for"] = exc.key
    return {
        "outputs": result.outputs,
        "resources": [_sent(r) for r in result.registrations],
        "error": error,
        # For the order of the report: every stack this one reads, not only the one it waited for.
        "referenced_stacks": list(dict.fromkeys(mocks.referenced)),
        "warnings": [
            *unread_config(request["config"], result.config_asked, result.registrations, error is None),
            *deletion_warnings(result.registrations),
            *grants_warnings(result.registrations),
        ],
    }


def unread_config(config: dict[str, str], asked: set[str], resources: list[Registration], finished: bool) -> list[str]:
    """A warning per config key the program never looked up: most often a misspelt key, which does nothing.

    A program stopped by an error may not have asked for everything yet: then only the keys close to one it
    asked for and did not find are named.
    """
    # Keys of a provider's namespace (aws:profile, ...) are read by the provider, which offline is not started.
    skipped = {r.type.split(":")[0] for r in resources} | {"pulumi"}
    missing = sorted(key for key in asked if key not in config)
    warnings = []
    for key in sorted(set(config) - asked):
        if key.split(":")[0] in skipped:
            continue
        closest = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
        if not closest and finished:
            closest = difflib.get_close_matches(key, sorted(asked), n=1, cutoff=0.6)
        if closest or finished:
            hint = f"; did you mean {closest[0]!r}?" if closest else ""
            warnings.append(f"config key {key!r} is never read by the program{hint}")
    return warnings


def main(argv: list[str]) -> int:
    # Ended by the runner (deadline) or by a signal to the plan: first say where every thread was.
    faulthandler.register(signal.SIGTERM, all_threads=True, chain=True)
    if len(argv) > 2:
        limit_cpu_time(float(argv[2]))
    with collection_paced_by_memory(freeze=True):  # the worker ends once its result is written
        result = json.dumps(run(json.loads(Path(argv[0]).read_text())), default=str)
    # Written whole or not at all: a worker ended mid-write leaves no half a result behind.
    partial = Path(argv[1] + ".partial")
    partial.write_text(result)
    os.replace(partial, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
