"""Reading a Pulumi project from disk: Pulumi.yaml, its stack configs, and each stack's account and region."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ecr_shared_services.errors import SpecError, Violation

ROLE_KEY = "ecr:stackRole"
ROLES = ("registry", "application")


@dataclass(frozen=True)
class StackConfig:
    """One stack's config file, flattened the way the Pulumi CLI hands config to a program."""

    name: str
    path: Path
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return str(self.values.get(ROLE_KEY, ""))

    @property
    def region(self) -> str:
        return str(self.values.get("aws:region", ""))

    @property
    def account_id(self) -> str:
        allowed = self.values.get("aws:allowedAccountIds") or []
        return str(allowed[0]) if allowed else ""

    def engine_config(self) -> dict[str, str]:
        """Config as the engine passes it: strings as they are, structured values as JSON text."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    main: Path
    stacks: tuple[StackConfig, ...]


def load_project(directory: Path) -> Project:
    """Load Pulumi.yaml and every `Pulumi.<stack>.yaml` in its stack config directory."""
    manifest_path = directory / "Pulumi.yaml"
    if not manifest_path.is_file():
        raise SpecError(
            "project",
            [
                Violation(
                    str(directory),
                    str(manifest_path),
                    "no Pulumi.yaml here",
                    "run from the project directory or pass it as an argument",
                )
            ],
        )
    manifest = yaml.safe_load(manifest_path.read_text()) or {}
    config_dir = directory / str(manifest.get("stackConfigDir", "."))
    stacks = []
    for path in sorted(config_dir.glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi.") : -len(".yaml")]
        data = yaml.safe_load(path.read_text()) or {}
        stacks.append(StackConfig(stack, path, dict(data.get("config") or {})))
    problems = [
        Violation(
            f"{s.path.name}: {ROLE_KEY}",
            s.role or None,
            f"each stack sets {ROLE_KEY} to one of {ROLES}",
            f"add `{ROLE_KEY}: registry` or `{ROLE_KEY}: application`",
        )
        for s in stacks
        if s.role not in ROLES
    ]
    problems += [
        Violation(
            f"{s.path.name}: aws:allowedAccountIds",
            None,
            "the offline plan needs each stack's account, pinned the standard way",
            'add `aws:allowedAccountIds: ["123456789012"]` (it also stops deploys to the wrong account)',
        )
        for s in stacks
        if not s.account_id
    ]
    problems += [
        Violation(f"{s.path.name}: aws:region", None, "each stack needs its region", "add `aws:region: us-east-1`")
        for s in stacks
        if not s.region
    ]
    if problems:
        raise SpecError(f"project {manifest.get('name')}", problems)
    main = directory / str(manifest.get("main", "."))
    return Project(str(manifest["name"]), directory, main, tuple(stacks))
