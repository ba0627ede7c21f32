"""The text report on a terminal: the access matrix as a table, decisions and findings in colour (rich).

Only when standard output is a terminal: piped or redirected, `render_text` writes plain text."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ecr_shared_services.plan.access_matrix import AccessCell
from ecr_shared_services.plan.report import (
    MATRIX_COLUMNS,
    MATRIX_ROWS,
    cell_text,
    column_names,
    diff_lines,
    guardrail_lines,
    stack_lines,
    summary_lines,
)
from ecr_shared_services.plan.review import Review

STYLES = {"allow": "green", "deny": "red", "unknown": "yellow"}


def _matrix(cells: list[AccessCell]) -> Table | list[str]:
    headings = column_names(cells)
    columns = sorted(headings, key=lambda arn: headings[arn])
    roles = sorted({(c.stack, c.role_arn) for c in cells})
    if len(columns) > MATRIX_COLUMNS or len(roles) > MATRIX_ROWS:
        return summary_lines(cells, headings, len(roles))
    table = Table(title="Access: every puller role x every repository (* = asked for)", title_justify="left")
    table.add_column("stack: role")
    for arn in columns:
        table.add_column(headings[arn])
    by_key = {(c.stack, c.role_arn, c.repository_arn): c for c in cells}
    for stack, role in roles:
        row = [by_key[(stack, role, arn)] for arn in columns]
        table.add_row(f"{stack}: {role}", *(Text(cell_text(c), style=STYLES.get(c.decision, "")) for c in row))
    return table


def print_terminal(review: Review, console: Console) -> None:
    """The text report, with the matrix as a table and colour for decisions, findings and the verdict."""
    plan = review.plan
    console.print(Text(f"Project {plan.project}: {len(plan.stacks)} stacks, planned offline (no AWS calls)\n"))
    for stack in plan.stacks:
        console.print(Text("\n".join(stack_lines(stack)), style="" if stack.ok else "red"))
    if review.cells:
        matrix = _matrix(review.cells)
        console.print(matrix if isinstance(matrix, Table) else Text("\n".join(matrix)))
    for cell in review.denied:
        console.print(Text(f"DENIED: {cell.role_arn} cannot pull {cell.repository} it asks for: {cell.message}", "red"))
    for line in guardrail_lines(review):
        console.print(Text(line, style="red" if line.lstrip().startswith("MANDATORY") else ""))
    for line in diff_lines(review.diff):
        console.print(Text(line, style="bold red" if "DANGER" in line else ""))
    console.print(Text(review.verdict(), style="bold green" if review.exit_code == 0 else "bold red"))
