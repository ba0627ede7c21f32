"""`shared-registry plan [PROJECT_DIR]`: every stack of the project, run offline under the mock runtime."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

# The runner's defaults, for the help text (the runner itself does not import Pulumi).
from ecr_shared_services.plan.runner import CPU_FLOOR_SECONDS, CPU_SECONDS_PER_MIB, WALL_PER_CPU

# Exit statuses. 1 is for a valid plan that AWS would refuse (or a program that would fail its preview);
# 2 is for input the plan cannot use or the specs refuse.
OK, WOULD_FAIL, BAD_INPUT = 0, 1, 2


class PlanInterrupted(BaseException):
    """The plan was asked to stop by a signal. A BaseException, like KeyboardInterrupt: nothing may swallow it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="run every stack offline and show what it would create, with every policy document",
        description=(
            "Runs each stack's real program under Pulumi's mock runtime (registry stacks first, then the "
            "applications, whose StackReferences are answered with the registry's outputs). No AWS account "
            "and no Pulumi CLI needed. Exit 0 when every stack would deploy and every requested pull is allowed, "
            "1 when a stack would fail or a pull would be denied, 2 for bad input (unreadable project files, "
            "a config the specs refuse, a reference to a stack that does not exist), 128+N when stopped by "
            "signal N."
        ),
    )
    parser.add_argument(
        "project_dir",
        nargs="?",
        default=".",
        type=Path,
        help="the directory holding Pulumi.yaml (default: the current directory)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="NAME",
        help="plan this stack and the stacks it references (repeatable; default: every stack of the project)",
    )
    parser.add_argument(
        "--stack-outputs",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help=(
            "answer StackReferences to stack NAME (`stack`, `project/stack` or `org/project/stack`) with the "
            "outputs in FILE, as `pulumi stack output --json` prints them (repeatable)"
        ),
    )
    parser.add_argument(
        "--organization-id",
        metavar="ORG_ID",
        help="the AWS Organizations ID of the plan's accounts, for stacks whose config has no ecr:organizationId",
    )
    parser.add_argument(
        "--cpu-limit",
        type=_seconds,
        metavar="SECONDS",
        help=(
            f"CPU time each stack's program may use (default: {CPU_FLOOR_SECONDS:.0f} s plus "
            f"{CPU_SECONDS_PER_MIB:.0f} s per MiB of the stack's config and the outputs it reads)"
        ),
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help=f"wall-clock time each stack's program may take (default: {WALL_PER_CPU:g} times its CPU-time limit)",
    )
    parser.set_defaults(handler=run)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise PlanInterrupted(signum)


def run(args: argparse.Namespace) -> int:
    # Imported here: the plan pulls in Pulumi, which the other commands do not need.
    from ecr_shared_services.plan.inputs import PlanInputError
    from ecr_shared_services.plan.project import ProjectError
    from ecr_shared_services.plan.runner import PlanSelectionError

    # SIGTERM (what CI's `timeout` sends) unwinds like Ctrl-C: the running worker is stopped and reaped
    # and the temporary directories are removed on the way out.
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        return _plan(args)
    except (ProjectError, PlanInputError, PlanSelectionError) as error:
        print(error, file=sys.stderr)
        return BAD_INPUT
    except (PlanInterrupted, KeyboardInterrupt) as stop:
        signum = stop.signum if isinstance(stop, PlanInterrupted) else signal.SIGINT
        print(f"shared-registry plan: stopped by {signal.Signals(signum).name}; no stack left running", file=sys.stderr)
        return 128 + signum
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _plan(args: argparse.Namespace) -> int:
    from ecr_shared_services.plan.access_matrix import access_matrix, unexpected_denials
    from ecr_shared_services.plan.inputs import read_stack_outputs
    from ecr_shared_services.plan.report import bad_input_lines, render_json, render_text
    from ecr_shared_services.plan.runner import Limits, plan_project

    plan = plan_project(
        args.project_dir.resolve(),
        limits=Limits(args.cpu_limit, args.timeout),
        stacks=tuple(args.stack),
        stack_outputs=read_stack_outputs(args.stack_outputs, args.project_dir.resolve()),
        organization_id=args.organization_id,
    )
    cells = access_matrix(plan)
    print(render_json(plan, cells) if args.format == "json" else render_text(plan, cells))
    bad = bad_input_lines(plan)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return BAD_INPUT
    if plan.ok and not any(s.inventory.repositories or s.inventory.pullers for s in plan.stacks):
        print(
            f"{args.project_dir}: nothing to plan: no stack registers an ECR repository, SharedRegistry, PullerRole "
            "or PullerPolicy, so a clean plan would prove nothing",
            file=sys.stderr,
        )
        return BAD_INPUT
    return OK if plan.ok and not unexpected_denials(cells) else WOULD_FAIL
