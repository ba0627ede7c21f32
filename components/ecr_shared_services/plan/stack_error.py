"""Why a stack's plan stopped, as the data the worker writes and the report and exit code read."""

from __future__ import annotations

from typing import Final, Literal

# The stack's config is refused by the specs, or names something that does not exist: fix the input.
BAD_INPUT: Final = "bad-input"
# The program raised: its preview would fail (a grant AWS would refuse, a bug in the program).
PROGRAM_ERROR: Final = "program-error"
# The stack reads a stack that failed above; it is planned again once that one plans.
BLOCKED: Final = "blocked"
# The stack reads a stack of the plan that has not run yet: the runner plans that one first (never reported).
WAITING: Final = "waiting"
# The stacks read each other's outputs in a circle: none of them can be planned first.
CYCLE: Final = "reference-cycle"
# The worker process ended without a result: killed, crashed, or wrote an unreadable result.
CRASHED: Final = "crashed"
# The program used up its CPU-time limit or its wall-clock deadline.
TIMED_OUT: Final = "timed-out"

Kind = Literal["bad-input", "program-error", "blocked", "crashed", "timed-out", "waiting", "reference-cycle"]


def stack_error(type_name: str, message: str, kind: Kind, traceback: str = "") -> dict[str, str]:
    """The error of one stack's plan, as JSON-ready data."""
    error = {"type": type_name, "kind": kind, "message": message}
    if traceback:
        error["traceback"] = traceback
    return error
