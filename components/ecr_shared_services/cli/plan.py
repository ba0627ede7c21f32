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

# Exit status for input the plan cannot use (the others: plan/review.py).
BAD_INPUT = 2
FORMATS = ("text", "json", "markdown", "mermaid")


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


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text}")
    return value


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="run every stack offline and show what it would create, with every policy document",
        description=(
            "Runs each stack's real program under Pulumi's mock runtime, each after the stacks its "
            "StackReferences read (answered with their outputs). Finds every SharedRegistry, PullerRole and "
            "PullerPolicy the programs register, evaluates every role against every repository, runs the "
            "ecr-guardrails pack, and compares with a baseline plan. No AWS account and no Pulumi CLI needed. "
            "Exit 0 when every stack would deploy and every requested pull is allowed, 1 when a stack would fail, "
            "a pull would be denied, a guardrail is mandatory or a repository would be replaced or deleted "
            "(without --allow-replace), 2 for bad input (unreadable project files, a config the specs refuse, "
            "a reference to a stack that does not exist, a reference cycle), 128+N when stopped by signal N."
        ),
    )
    parser.add_argument(
        "project_dir",
        nargs="?",
        default=".",
        type=Path,
        help="the directory holding Pulumi.yaml (default: the current directory)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (docs/plan-json.md), markdown (a pull request comment) or mermaid (a graph)",
    )
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
        "--policy-pack",
        type=Path,
        metavar="DIR",
        help="the ecr-guardrails pack's directory (default: policy-packs/ecr-guardrails beside the library)",
    )
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="the pack's config, the file `pulumi preview --policy-pack-config` takes",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="an earlier `plan --format json`: pulls and grants gained or lost, repositories replaced or deleted",
    )
    parser.add_argument(
        "--allow-replace",
        action="store_true",
        help="a repository replaced or deleted against the baseline is reported, but does not fail the plan",
    )
    parser.add_argument(
        "--jobs",
        type=_count,
        metavar="N",
        help="how many stacks run at once, each in its own worker process (default: the number of cores)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a line on stderr as each stack ends (default: from six stacks up, when stderr is a terminal)",
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


def _guardrails(args: argparse.Namespace) -> Any:
    from ecr_shared_services.plan.guardrails import DEFAULT_PACK, load_guardrails
    from ecr_shared_services.plan.inputs import PlanInputError

    pack = args.policy_pack or (DEFAULT_PACK if DEFAULT_PACK.is_dir() else None)
    if pack is None and args.policy_pack_config is not None:
        raise PlanInputError(
            f"--policy-pack-config {args.policy_pack_config}: the ecr-guardrails pack is not beside this "
            "installation; give its directory with --policy-pack DIR"
        )
    return load_guardrails(pack.resolve(), args.policy_pack_config) if pack is not None else None


def _plan(args: argparse.Namespace) -> int:
    import dataclasses

    from ecr_shared_services.plan.access_matrix import access_matrix
    from ecr_shared_services.plan.baseline import compare, read_baseline
    from ecr_shared_services.plan.inputs import read_stack_outputs
    from ecr_shared_services.plan.project import shown
    from ecr_shared_services.plan.review import Review
    from ecr_shared_services.plan.runner import Limits, plan_project

    # Every input file is read before any stack runs: a bad one fails at once.
    baseline = read_baseline(args.baseline) if args.baseline else None
    guardrails = _guardrails(args)
    plan = plan_project(
        args.project_dir.resolve(),
        limits=Limits(args.cpu_limit, args.timeout),
        stacks=tuple(args.stack),
        stack_outputs=read_stack_outputs(args.stack_outputs, args.project_dir.resolve()),
        organization_id=args.organization_id,
        jobs=args.jobs,
        progress=args.progress,
    )
    findings = guardrails.run(plan) if guardrails else []
    pack = shown(guardrails.pack) if guardrails else None
    review = Review(plan, access_matrix(plan), findings, pack, allow_replace=args.allow_replace)
    if baseline is not None:
        review = dataclasses.replace(review, diff=compare(baseline, _data(review)))
    if args.format == "text" and sys.stdout.isatty():
        from rich.console import Console

        from ecr_shared_services.plan.terminal import print_terminal

        print_terminal(review, Console())
    else:
        print(_render(review, args.format))
    return _exit(review, args.project_dir)


def _data(review: Any) -> dict[str, Any]:
    from ecr_shared_services.plan.report import plan_data

    return plan_data(review)


def _render(review: Any, format: str) -> str:
    from ecr_shared_services.plan.markdown import render_markdown
    from ecr_shared_services.plan.mermaid import render_mermaid
    from ecr_shared_services.plan.report import render_json, render_text

    if format == "text":
        return render_text(review)
    renderers = {"json": render_json, "markdown": render_markdown, "mermaid": render_mermaid}
    return renderers[format](_data(review))


def _exit(review: Any, project_dir: Path) -> int:
    from ecr_shared_services.plan.report import bad_input_lines

    plan = review.plan
    bad = bad_input_lines(plan)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return BAD_INPUT
    if review.nothing_planned:
        print(f"{project_dir}: {review.verdict()}", file=sys.stderr)
        return BAD_INPUT
    code: int = review.exit_code
    return code
