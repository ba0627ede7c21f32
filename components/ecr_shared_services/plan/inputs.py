"""Reading the plan's own input files: `--stack-outputs NAME=FILE`. No Pulumi import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ecr_shared_services.plan.stack_names import stack_key


class PlanInputError(ValueError):
    """An input file given on the command line that the plan cannot use: one line naming the file."""


def read_json_file(path: Path, option: str) -> Any:
    """The JSON document in `path`, or a PlanInputError naming the option and the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanInputError(f"{option} {path}: cannot be read: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PlanInputError(f"{option} {path}: is not JSON: {error}") from None


def _project_name(directory: Path) -> str:
    # The project's name qualifies a bare stack name; a manifest the plan cannot read is reported by the plan.
    try:
        manifest = yaml.safe_load((directory / "Pulumi.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return ""
    return str(manifest.get("name", "")) if isinstance(manifest, dict) else ""


def read_stack_outputs(options: list[str], directory: Path) -> dict[str, dict[str, Any]]:
    """`NAME=FILE` options as outputs by `project/stack`; FILE is what `pulumi stack output --json` prints."""
    project = _project_name(directory)
    found: dict[str, dict[str, Any]] = {}
    for option in options:
        name, sep, file = option.partition("=")
        if not sep or not name.strip() or not file:
            raise PlanInputError(f"--stack-outputs {option!r}: write it as NAME=FILE, e.g. acme/registry/prod=out.json")
        outputs = read_json_file(Path(file), "--stack-outputs")
        if not isinstance(outputs, dict):
            raise PlanInputError(
                f"--stack-outputs {file}: must be a JSON object of outputs (`pulumi stack output --json`), "
                f"found {type(outputs).__name__}"
            )
        found[stack_key(name, project)] = outputs
    return found
