"""Reading a Pulumi project from disk: Pulumi.yaml, its stack configs, and each stack's account and region."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNTS_KEY = "aws:allowedAccountIds"
# The C loader reads large configs many times faster; both give the same values.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A float as YAML 1.1 (PyYAML) reads one: a dot, and a signed exponent if any. JSON's `1e5` or `1.5e3` is a
# string there, so a document that has one is read as YAML.
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
# Text YAML reads differently from JSON or refuses: non-ASCII (YAML folds U+0085, U+2028 and U+2029 as line
# breaks), tabs and other control characters, \u escapes (surrogates), and space between a key and its `:`
# (YAML's simple keys end on their own line and count that space in their 1,024 characters; in JSON a quote
# followed by space and `:` ends a key).
_NOT_PLAIN_JSON = re.compile(r"[^\n\r\x20-\x7e]|\\u|\"[ \r\n]+:")
# YAML's simple keys are at most 1,024 characters long; a decoded key of this many is at most 1,002 quoted
# (each escape left is two characters for one).
_LONGEST_KEY = 500


class _NotAsYaml(ValueError):
    """A JSON document YAML would read differently."""


def _yaml_float(text: str) -> float:
    if not _YAML_FLOAT.fullmatch(text):
        raise _NotAsYaml(text)
    return float(text)


def _yaml_constant(text: str) -> Any:
    raise _NotAsYaml(text)  # NaN, Infinity: not JSON, and strings to YAML


def _yaml_mapping(mapping: dict[str, Any]) -> dict[str, Any]:
    # Called for each of a config's mappings (200,000 in a large registry's): the lengths are taken in C.
    if mapping and max(map(len, mapping)) > _LONGEST_KEY:
        raise _NotAsYaml("a key longer than YAML's simple keys")
    return mapping


# The characters `_NOT_PLAIN_JSON` lets through, as bytes: deleting them leaves whatever it would find.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n\r"


def _plain_json_text(text: str) -> bool:
    """`not _NOT_PLAIN_JSON.search(text)`, by scans in C: the regular expression reads a 17 MB config at
    about 60 MB/s, longer than parsing it."""
    if not text.isascii() or text.encode("ascii").translate(None, _PLAIN_BYTES) or "\\u" in text:
        return False
    # Space before a `:` is rare: only a text that has some is searched for one after a quote.
    return not any(space in text for space in (" :", "\n:", "\r:")) or not _NOT_PLAIN_JSON.search(text)


def _as_json(text: str) -> Any:
    """A config written as a JSON object (as programs often write one) read by the JSON parser, which is many
    times faster than YAML's for the same value; None when the text is not such a document, or when YAML
    would read some value of it differently."""
    if not text.lstrip().startswith("{") or not _plain_json_text(text):
        return None
    try:
        return json.loads(text, parse_float=_yaml_float, parse_constant=_yaml_constant, object_hook=_yaml_mapping)
    except ValueError:  # not JSON (json.JSONDecodeError), or _NotAsYaml
        return None


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with one project file: which file, what is wrong, and how to fix it."""

    path: str
    problem: str
    fix: str = ""

    def render(self) -> str:
        return f"{self.path}: {self.problem}" + (f". Fix: {self.fix}" if self.fix else "")


class ProjectError(ValueError):
    """Project files the plan cannot use: one line per problem, each naming its file."""

    def __init__(self, problems: Iterable[FileProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when under it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _fail(path: Path, problem: str, fix: str = "") -> ProjectError:
    return ProjectError([FileProblem(shown(path), problem, fix)])


@dataclass(frozen=True)
class StackConfig:
    """One stack's config file, flattened the way the Pulumi CLI hands config to a program."""

    name: str
    path: Path
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return str(self.values.get("aws:region", ""))

    @property
    def account_id(self) -> str:
        allowed = self.values.get(ACCOUNTS_KEY)
        return str(allowed[0]) if isinstance(allowed, list) and allowed else ""

    def engine_config(self) -> dict[str, str]:
        """Config as the engine passes it: strings as they are, structured values as JSON text."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    main: Path
    stacks: tuple[StackConfig, ...]


def read_yaml(path: Path) -> Any:
    """The YAML document in `path`, or a ProjectError saying in one line why it cannot be read."""
    if path.is_dir():
        raise _fail(path, "is a directory, not a YAML file", "remove or rename it")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(path, f"is not UTF-8 text (byte {error.start} is {error.object[error.start]:#04x})") from None
    except OSError as error:
        raise _fail(path, f"cannot be read: {error.strerror}") from None
    as_json = _as_json(text)
    if as_json is not None:
        return as_json
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader, C or pure Python
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or " ".join(str(error).split())
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise _fail(path, f"is not valid YAML: {problem}{where}") from None


def _mapping(path: Path, value: Any, what: str, fix: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, f"{what} must be a mapping, found {_kind(value)}", fix)
    return value


def _kind(value: Any) -> str:
    kinds = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return kinds.get(type(value), type(value).__name__)


def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / "Pulumi.yaml"
    if not path.exists():
        raise _fail(directory, "no Pulumi.yaml here", "run from the project directory or pass it as an argument")
    manifest = _mapping(path, read_yaml(path), "the file", "write the project settings as `key: value` lines")
    name = manifest.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, f"the project needs a `name`, found {name!r}", "add `name: my-project`")
    return manifest


def _directory_setting(directory: Path, manifest: dict[str, Any], key: str) -> Path:
    value = manifest.get(key, ".")
    if not isinstance(value, str):
        raise _fail(directory / "Pulumi.yaml", f"`{key}` must be a path, found {_kind(value)}")
    return directory / value


def _stack_configs(config_dir: Path, manifest_path: Path) -> list[StackConfig]:
    if not config_dir.is_dir():
        raise _fail(
            manifest_path,
            f"stackConfigDir {shown(config_dir)!r} is not a directory, so there are no stack configs to plan",
            "correct stackConfigDir, or remove it when the stack configs sit beside Pulumi.yaml",
        )
    stacks = []
    for path in sorted(config_dir.glob("Pulumi.*.yaml")):
        data = _mapping(path, read_yaml(path), "the file", "start it with `config:`")
        values = _mapping(path, data.get("config"), "`config`", "write each setting as `namespace:key: value`")
        stacks.append(StackConfig(path.name[len("Pulumi.") : -len(".yaml")], path, dict(values)))
    if not stacks:
        raise _fail(
            config_dir,
            "no stack configs here (looked for Pulumi.<stack>.yaml): a plan of nothing proves nothing",
            "add a stack config, or point stackConfigDir in Pulumi.yaml at the directory holding them",
        )
    return stacks


def _stack_problems(stack: StackConfig) -> list[FileProblem]:
    where = shown(stack.path)
    problems = []
    allowed = stack.values.get(ACCOUNTS_KEY)
    if allowed is not None and not isinstance(allowed, list):
        problems.append(
            FileProblem(
                where,
                f"{ACCOUNTS_KEY} must be a list of account IDs, found {_kind(allowed)} {allowed!r}",
                f'write it as a list: `{ACCOUNTS_KEY}: ["{allowed}"]`',
            )
        )
    elif not stack.account_id:
        problems.append(
            FileProblem(
                where,
                f"no {ACCOUNTS_KEY}: the offline plan needs each stack's account, pinned the standard way",
                f'add `{ACCOUNTS_KEY}: ["123456789012"]` (it also stops deploys to the wrong account)',
            )
        )
    if not stack.region:
        problems.append(FileProblem(where, "no aws:region: each stack needs its region", "add `aws:region: us-east-1`"))
    return problems


def load_project(directory: Path) -> Project:
    """Load Pulumi.yaml and every `Pulumi.<stack>.yaml` in its stack config directory.

    Raises ProjectError, one line per problem, for anything that is not a project the plan can run.
    """
    manifest = _manifest(directory)
    manifest_path = directory / "Pulumi.yaml"
    stacks = _stack_configs(_directory_setting(directory, manifest, "stackConfigDir"), manifest_path)
    problems = [problem for stack in stacks for problem in _stack_problems(stack)]
    if problems:
        raise ProjectError(problems)
    main = _directory_setting(directory, manifest, "main")
    if not main.exists():
        raise _fail(manifest_path, f"main {shown(main)!r} does not exist", "point `main` at the program's directory")
    return Project(str(manifest["name"]), directory, main, tuple(stacks))
