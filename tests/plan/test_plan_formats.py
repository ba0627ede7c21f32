"""The example stacks' plan in every format: JSON valid against its published schema, Markdown and Mermaid
carrying every role, repository and allowed pull."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from example_project import ROOT, run_plan

from ecr_shared_services.plan.markdown import render_markdown
from ecr_shared_services.plan.mermaid import DETAIL_ACCOUNTS, render_mermaid
from ecr_shared_services.plan.report import render_json

SCHEMA = json.loads((ROOT / "docs" / "plan.schema.json").read_text())


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    proc = run_plan(str(ROOT), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_the_example_plan_is_valid_against_the_published_schema(example: dict[str, Any]) -> None:
    jsonschema.validate(example, SCHEMA)
    assert (example["schema_version"], example["ok"], example["exit_code"]) == (1, True, 0)
    assert example["guardrails"]["pack"] is not None
    assert [f for f in example["guardrails"]["findings"] if f["level"] == "mandatory"] == []


def test_the_json_report_is_the_same_data_with_one_entry_per_line(example: dict[str, Any]) -> None:
    text = render_json(example)
    assert json.loads(text) == example
    lines = {line.strip().rstrip(",") for line in text.splitlines()}
    # Each resource, cell, grant and finding on a line of its own; a stack's fields each on theirs.
    resources = [r for stack in example["stacks"] for r in stack["resources"]]
    for entry in [*resources, *example["access"], *example["grants"], *example["guardrails"]["findings"]]:
        assert json.dumps(entry) in lines
    for stack in example["stacks"]:
        assert f'"stack": {json.dumps(stack["stack"])}' in lines
        assert f'"config_file": {json.dumps(stack["config_file"])}' in lines


def test_the_schema_refuses_a_plan_that_breaks_it(example: dict[str, Any]) -> None:
    broken = {**example, "access": [{**example["access"][0], "decision": "maybe"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def roles_and_repositories(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    return {c["role_arn"] for c in data["access"]}, {r["arn"] for r in data["repositories"]}


def test_markdown_puts_the_verdict_first_and_every_role_and_repository_in_the_details(
    example: dict[str, Any],
) -> None:
    text = render_markdown(example)
    lines = text.splitlines()
    assert lines[0] == "## Plan of `ecr-shared-services`: ✅ passes"
    assert lines[2] == f"**{example['verdict']}**"
    roles, repositories = roles_and_repositories(example)
    matrix = text[text.index("<summary>Access matrix") :]
    assert all(f"`{role}`" in matrix for role in roles)
    assert all(arn.split(":")[4] + ":" + arn.split(":repository/")[1] in matrix for arn in repositories)
    assert text.count("<details>") == text.count("</details>") == 1 + len(example["stacks"])


def test_markdown_is_trimmed_under_the_limit_with_a_note(example: dict[str, Any]) -> None:
    text = render_markdown(example, limit=2_000)
    assert len(text) < 2_000
    assert "Trimmed to stay under 2,000 characters" in text
    assert text.startswith("## Plan of `ecr-shared-services`")


def mermaid_edges(text: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^\s+(\w+) -->\|[^|]*\| (\w+)$", text, re.MULTILINE))


def mermaid_nodes(text: str) -> dict[str, str]:
    """Node ID -> label."""
    return dict(re.findall(r'^\s+(\w+)[\[(]+"([^"]+)"', text, re.MULTILINE))


def test_mermaid_has_every_role_and_repository_and_every_allowed_pull_as_an_edge(example: dict[str, Any]) -> None:
    text = render_mermaid(example)
    assert text.splitlines()[1] == "flowchart LR"
    nodes = mermaid_nodes(text)
    roles, repositories = roles_and_repositories(example)
    labels = sorted(nodes.values())
    assert sorted([r.split("/")[-1] for r in roles] + [a.split(":repository/")[1] for a in repositories]) == labels
    allowed = [c for c in example["access"] if c["decision"] == "allow"]
    assert len(mermaid_edges(text)) == len(allowed) == 7
    for account in ("987654321098", "123456789012", "210987654321"):
        assert f'subgraph acct{account}["account {account}"]' in text


def test_mermaid_beyond_ten_accounts_is_one_node_per_account(example: dict[str, Any]) -> None:
    cells = [
        {**example["access"][0], "role_arn": f"arn:aws:iam::{n:012d}:role/r", "decision": "allow"}
        for n in range(DETAIL_ACCOUNTS + 2)
    ]
    text = render_mermaid({**example, "access": cells, "pullers": []})
    assert "subgraph" not in text
    repository_account = cells[0]["repository_arn"].split(":")[4]
    assert len(re.findall(rf'-->\|"1 pull\(s\)"\| acct{repository_account}$', text, re.MULTILINE)) == len(cells)


def test_the_cli_writes_markdown_and_mermaid(tmp_path: Path) -> None:
    markdown = run_plan(str(ROOT), "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.startswith("## Plan of `ecr-shared-services`: ✅ passes")
    mermaid = run_plan(str(ROOT), "--format", "mermaid")
    assert mermaid.returncode == 0 and "flowchart LR" in mermaid.stdout


def test_the_ci_job_posts_the_markdown_review_against_the_base_branch() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "github-actions" / "plan-review.yml").read_text())
    steps = workflow["jobs"]["plan"]["steps"]
    commands = [step.get("run", "") for step in steps]
    baseline = next(i for i, c in enumerate(commands) if "--format json" in c and "> baseline.json" in c)
    review = next(i for i, c in enumerate(commands) if "--format markdown --baseline baseline.json" in c)
    post = next(i for i, c in enumerate(commands) if "gh pr comment" in c and "--body-file review.md" in c)
    assert baseline < review < post
    assert workflow["permissions"]["pull-requests"] == "write"
