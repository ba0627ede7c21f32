"""Run one stack program under the mock runtime in a fresh process: `python -m components.plan.worker REQ OUT`.

A fresh process per stack is the isolation Pulumi's runtime needs (global settings, root resource,
event loop). The request and the result are JSON files.
"""

from __future__ import annotations

import dataclasses
import json
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import set_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.plan.mocks import AwsMocks, RecordingMonitor


def run(request: dict[str, Any]) -> dict[str, Any]:
    mocks = AwsMocks(request["account_id"], request["region"], request.get("stack_outputs") or {})
    monitor = RecordingMonitor(mocks)
    set_mocks(mocks, project=request["project"], stack=request["stack"], preview=False, monitor=monitor,
              organization=request.get("organization", "organization"))
    pulumi.runtime.set_all_config(request["config"])
    outputs: dict[str, Any] = {}

    async def program() -> None:
        runpy.run_path(request["main"], run_name="__main__")
        root = pulumi.runtime.get_root_resource()
        for key, value in getattr(root, "outputs", {}).items():
            outputs[key] = await pulumi.Output.from_input(value).future()

    error: dict[str, str] | None = None
    try:
        _sync_await(run_pulumi_func(program))
    except Exception as exc:
        error = {"type": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}
    return {
        "outputs": outputs,
        "resources": [dataclasses.asdict(r) for r in monitor.registrations],
        "error": error,
    }


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text())
    result = run(request)
    Path(argv[1]).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
