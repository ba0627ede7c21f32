"""What a change does, against an earlier `plan --format json`: pulls and grants gained or lost, and the
repositories it would replace or delete. No Pulumi import: both sides are the plan's JSON data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecr_shared_services.plan.inputs import PlanInputError, read_json_file

# The versions of the plan's JSON this comparison reads.
READABLE_VERSIONS = (1,)


@dataclass(frozen=True)
class RepositoryChange:
    """A repository the change would replace or delete: its images go with it."""

    urn: str
    stack: str
    name: str
    arn: str
    change: str  # replaced | deleted
    # For a replacement: each replace-on-change input that differs, as (before, after).
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    retained: bool = False


def retention_note(change: str, differences: dict[str, Any], retained: bool) -> str:
    """What keeping the old repository on delete means for this change, for the report's DANGER line.

    Pulumi creates a replacement before it deletes the old resource; ECR refuses a second repository of the
    same name (RepositoryAlreadyExistsException,
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html)."""
    if not retained:
        return ""
    if change == "replaced" and "name" not in differences:
        return (
            " (retained on delete: the replacement cannot be created while the old repository of the same name"
            " exists, so `pulumi up` stops there and the images stay)"
        )
    return " (retained on delete: the old repository stays in AWS, outside the stack, with its images)"


@dataclass(frozen=True)
class PlanDiff:
    pulls_gained: list[str]
    pulls_lost: list[str]
    grants_added: list[str]
    grants_removed: list[str]
    repositories: list[RepositoryChange]

    @property
    def empty(self) -> bool:
        return not (
            self.pulls_gained or self.pulls_lost or self.grants_added or self.grants_removed or self.repositories
        )


def read_baseline(path: Path) -> dict[str, Any]:
    """An earlier plan's JSON, checked to be one this version can compare with."""
    data = read_json_file(path, "--baseline")
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version not in READABLE_VERSIONS:
        raise PlanInputError(
            f"--baseline {path}: not a `plan --format json` of schema version "
            f"{', '.join(map(str, READABLE_VERSIONS))} (found schema_version {version!r}); "
            "make the baseline with this version's `shared-registry plan --format json`"
        )
    return dict(data)


def allowed_pulls(data: dict[str, Any]) -> set[str]:
    """`role ARN -> repository ARN` for every allowed cell of the plan's access matrix."""
    return {f"{c['role_arn']} -> {c['repository_arn']}" for c in data.get("access", []) if c["decision"] == "allow"}


def _repository_changes(before: dict[str, Any], after: dict[str, Any]) -> list[RepositoryChange]:
    old = {r["urn"]: r for r in before.get("repositories", [])}
    new = {r["urn"]: r for r in after.get("repositories", [])}
    # A stack that did not plan this time says nothing about its repositories: only planned stacks count.
    planned = {s["stack"] for s in after.get("stacks", []) if s.get("ok")}
    changes = []
    for urn, was in sorted(old.items()):
        now = new.get(urn)
        if now is None:
            if was["stack"] in planned:
                changes.append(
                    RepositoryChange(
                        urn,
                        was["stack"],
                        was["name"],
                        was["arn"],
                        "deleted",
                        retained=bool(was.get("retain_on_delete")),
                    )
                )
            continue
        differences = {
            key: (was["identity"].get(key), now["identity"].get(key))
            for key in sorted(set(was["identity"]) | set(now["identity"]))
            if was["identity"].get(key) != now["identity"].get(key)
        }
        if differences:
            changes.append(
                RepositoryChange(
                    urn,
                    now["stack"],
                    now["name"],
                    now["arn"],
                    "replaced",
                    differences,
                    bool(was.get("retain_on_delete")),
                )
            )
    return changes


def compare(before: dict[str, Any], after: dict[str, Any]) -> PlanDiff:
    """What changes from the `before` plan to the `after` plan (both as the plan's JSON data)."""
    pulls_before, pulls_after = allowed_pulls(before), allowed_pulls(after)
    grants_before, grants_after = set(before.get("grants", [])), set(after.get("grants", []))
    return PlanDiff(
        sorted(pulls_after - pulls_before),
        sorted(pulls_before - pulls_after),
        sorted(grants_after - grants_before),
        sorted(grants_before - grants_after),
        _repository_changes(before, after),
    )
