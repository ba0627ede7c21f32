"""The text report on a terminal: the matrix as a table, allowed cells green, denied red, the verdict coloured."""

from __future__ import annotations

from rich.console import Console

from ecr_shared_services.plan.access_matrix import AccessCell
from ecr_shared_services.plan.inventory import PULLER_ROLE
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.review import Review
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan
from ecr_shared_services.plan.terminal import print_terminal

REPO = "arn:aws:ecr:us-east-1:111111111111:repository/"
ROLE = "arn:aws:iam::222222222222:role/app"


def test_the_matrix_is_a_coloured_table_and_a_denied_request_fails_the_verdict_in_red() -> None:
    cells = [
        AccessCell("apps", ROLE, "api", True, "allow", None, None, f"{REPO}api"),
        AccessCell("apps", ROLE, "worker", True, "deny", "resource", "not allowed", f"{REPO}worker"),
    ]
    console = Console(record=True, width=200, force_terminal=True, color_system="standard")
    puller = Registration(
        f"urn:pulumi:apps::p::{PULLER_ROLE}::app",
        PULLER_ROLE,
        "app",
        "",
        False,
        {},
        {"role_arn": ROLE, "policy": "{}"},
        "",
    )
    stack = StackPlan("apps", "222222222222", "us-east-1", (puller,), {})
    review = Review(ProjectPlan("p", (stack,)), cells, [], "policy-packs/ecr-guardrails")
    print_terminal(review, console)
    styled = console.export_text(styles=True, clear=False)
    plain = console.export_text()
    row = next(line for line in plain.splitlines() if ROLE in line)
    assert [part.strip() for part in row.split("│")[2:4]] == ["allow*", "deny (resource)*"]
    assert "\x1b[32mallow*" in styled and "\x1b[31mdeny (resource)*" in styled
    assert f"DENIED: {ROLE} cannot pull worker it asks for" in plain
    assert "\x1b[1;31m1 requested pull(s) would be denied" in styled
