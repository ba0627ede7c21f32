"""Run one stack program in a fresh process: `python -m ecr_shared_services.plan.worker REQUEST.json RESULT.json`.

A process per stack gives each program the clean interpreter a real `pulumi up` gives it (its own
sys.path, imported modules and runtime globals).
"""

from __future__ import annotations

import dataclasses
import faulthandler
import json
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks


def run(request: dict[str, Any]) -> dict[str, Any]:
    mocks = AwsMocks(request["account_id"], request["region"], request.get("stack_outputs") or {})
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
        error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        }
    return {
        "outputs": result.outputs,
        "resources": [dataclasses.asdict(r) for r in result.registrations],
        "error": error,
    }


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text())
    # A program that never finishes leaves every thread's stack on stderr for the report, then exits.
    faulthandler.dump_traceback_later(float(request.get("deadline_seconds", 120)), exit=True)
    Path(argv[1]).write_text(json.dumps(run(request), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
