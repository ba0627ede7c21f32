"""`shared-registry plan [PROJECT_DIR]`: every stack of the project, run offline under the mock runtime."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ecr_shared_services.errors import SpecError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="run every stack offline and show what it would create, with every policy document",
        description=(
            "Runs each stack's real program under Pulumi's mock runtime (registry stacks first, then the "
            "applications, whose StackReferences are answered with the registry's outputs). No AWS account "
            "and no Pulumi CLI needed. Exit 0 when every stack would deploy, 1 when one would fail, 2 for bad input."
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the plan pulls in Pulumi, which the other commands do not need.
    from ecr_shared_services.plan.access_matrix import access_matrix, unexpected_denials
    from ecr_shared_services.plan.report import render_json, render_text
    from ecr_shared_services.plan.runner import plan_project

    try:
        plan = plan_project(args.project_dir.resolve())
    except SpecError as error:
        print(error, file=sys.stderr)
        return 2
    cells = access_matrix(plan)
    print(render_json(plan, cells) if args.format == "json" else render_text(plan, cells))
    return 0 if plan.ok and not unexpected_denials(cells) else 1
