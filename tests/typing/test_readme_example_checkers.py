"""The README's Python example, copied into a program of its own, passes `mypy --strict` and pyright (strict);
copies with a misspelt key, a value of the wrong type, or PullerRole's `role_name` given to PullerPolicy fail
them, at the line of the mistake; and, as the
README says, a consumer annotated with its own TypedDict has a misspelt key named. Dicts written straight
into the components' constructors are checked too (`{"repos": []}` passed the checkers while the
constructors took any Mapping).

The example is read from the README itself (conftest.py), so the two cannot drift.
Each checker runs once over all the programs; mypy's cache lives in pytest's cache directory, so only
the first run pays for analysing pulumi_aws.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import mypy.api
import pytest

SOURCE_ROOT = Path(__file__).resolve().parents[2] / "components"
# Each mistake is made at a place the example holds once.
MISSPELT = (
    '"role_names": ["ecsTaskExecutionRole", "payments-task-execution"]',
    '"role_name": ["ecsTaskExecutionRole", "payments-task-execution"]',
)
WRONG_TYPE = ('"registry": {"account_id": "987654321098"', '"registry": {"account_id": 987654321098')
# PullerRole's key given to PullerPolicy, whose role exists and is named by `role`.
POLICY_KEY = ('"role": "ecsTaskExecutionRole"', '"role_name": "ecsTaskExecutionRole"')
ANNOTATED_ENTRY = """from ecr_shared_services import RoleConsumerArgsDict

consumer: RoleConsumerArgsDict = {"kind": "role", "account_id": "123456789012", "role_name": ["ecsTaskExecutionRole"]}
"""
INLINE_ARGS = """from ecr_shared_services import PullerRole, SharedRegistry

SharedRegistry("shared", {"region": "us-east-1", "repos": []})
PullerRole("payments", {"role_name": "ecsTaskExecutionRole", "repository_arn": []})
"""
PROGRAMS = (
    "example.py",
    "misspelt_key.py",
    "wrong_type.py",
    "policy_key.py",
    "annotated_entry.py",
    "inline_args.py",
)


def _changed(source: str, change: tuple[str, str]) -> str:
    before, after = change
    assert source.count(before) == 1, f"the README example no longer holds {before!r} exactly once"
    return source.replace(before, after)


def _line_of(source: str, text: str) -> int:
    """1-based line of the first line holding `text`."""
    return next(number for number, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory, readme_example: str) -> Path:
    """The example, its three broken copies, a misspelt annotated consumer and misspelt inline args."""
    folder = tmp_path_factory.mktemp("programs")
    example = readme_example
    (folder / "example.py").write_text(example)
    (folder / "misspelt_key.py").write_text(_changed(example, MISSPELT))
    (folder / "wrong_type.py").write_text(_changed(example, WRONG_TYPE))
    (folder / "policy_key.py").write_text(_changed(example, POLICY_KEY))
    (folder / "annotated_entry.py").write_text(ANNOTATED_ENTRY)
    (folder / "inline_args.py").write_text(INLINE_ARGS)
    return folder


def _by_file(diagnostics: list[tuple[str, int, str]]) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {name: [] for name in PROGRAMS}
    for file, line, message in diagnostics:
        found[Path(file).name].append((line, message))
    return found


def _consumer_lines(source: str) -> range:
    """The lines of the example's first consumer entry, from `"consumers": [` to the misspelt key."""
    return range(_line_of(source, '"consumers": ['), _line_of(source, MISSPELT[1]) + 1)


def test_mypy_strict_accepts_the_example_and_rejects_a_misspelt_key_and_a_wrong_type(
    programs: Path, request: pytest.FixtureRequest
) -> None:
    # A program of its own: a config of its own (not this project's), the library found as if installed.
    config = programs / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\nmypy_path = {SOURCE_ROOT}\n")
    cache = request.config.cache.mkdir("mypy-readme-example") if request.config.cache else programs / "cache"
    files = [str(programs / name) for name in PROGRAMS]
    stdout, stderr, _ = mypy.api.run(["--config-file", str(config), "--cache-dir", str(cache), *files])
    assert stderr == ""
    errors = re.findall(r"^(.+?\.py):(\d+): error: (.*)$", stdout, re.M)
    found = _by_file([(file, int(line), message) for file, line, message in errors])

    assert found["example.py"] == [], stdout
    misspelt_source = (programs / "misspelt_key.py").read_text()
    [(line, message)] = found["misspelt_key.py"]
    assert line in _consumer_lines(misspelt_source)
    assert "RoleConsumerArgsDict" in message
    wrong_source = (programs / "wrong_type.py").read_text()
    assert found["wrong_type.py"] == [
        (
            _line_of(wrong_source, WRONG_TYPE[1]),
            'Incompatible types (expression has type "int", TypedDict item "account_id" has type "str")  '
            "[typeddict-item]",
        )
    ]
    policy_source = (programs / "policy_key.py").read_text()
    assert found["policy_key.py"] == [
        (_line_of(policy_source, "PullerPolicyArgsDict = {"), message)
        for message in (
            'Missing key "role" for TypedDict "PullerPolicyArgsDict"  [typeddict-item]',
            'Extra key "role_name" for TypedDict "PullerPolicyArgsDict"  [typeddict-unknown-key]',
        )
    ]
    assert found["annotated_entry.py"] == [
        (3, 'Extra key "role_name" for TypedDict "RoleConsumerArgsDict"  [typeddict-unknown-key]')
    ]
    assert [(line, message.split(";")[1]) for line, message in found["inline_args.py"]] == [
        (3, ' expected "SharedRegistryArgs | SharedRegistryArgsDict"  [arg-type]'),
        (4, ' expected "PullerRoleArgs | PullerRoleArgsDict"  [arg-type]'),
    ]


def test_pyright_strict_accepts_the_example_and_rejects_a_misspelt_key_and_a_wrong_type(programs: Path) -> None:
    (programs / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "extraPaths": [str(SOURCE_ROOT)], "pythonVersion": "3.10"})
    )
    result = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, *PROGRAMS],
        cwd=programs,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    found = _by_file(
        [
            (d["file"], d["range"]["start"]["line"] + 1, d["message"])
            for d in report["generalDiagnostics"]
            if d["severity"] == "error"
        ]
    )

    assert report["summary"]["filesAnalyzed"] == len(PROGRAMS)
    assert found["example.py"] == []
    misspelt_source = (programs / "misspelt_key.py").read_text()
    [(line, message)] = found["misspelt_key.py"]
    assert line in _consumer_lines(misspelt_source)
    assert '"SharedRegistryArgsDict"' in message
    assert '"RoleConsumerArgsDict"' in message
    wrong_source = (programs / "wrong_type.py").read_text()
    [(line, message)] = found["wrong_type.py"]
    assert line == _line_of(wrong_source, WRONG_TYPE[1])
    assert '"PullerRoleArgsDict"' in message
    assert '"Literal[987654321098]" is not assignable to "str"' in message
    policy_source = (programs / "policy_key.py").read_text()
    [(line, message)] = found["policy_key.py"]
    assert line == _line_of(policy_source, POLICY_KEY[1])
    assert '"role_name" is an undefined item in type "PullerPolicyArgsDict"' in message
    [(line, message)] = found["annotated_entry.py"]
    assert line == 3
    assert '"role_name" is an undefined item in type "RoleConsumerArgsDict"' in message
    inline = found["inline_args.py"]
    assert [line for line, _ in inline] == [3, 4]
    assert 'parameter "args" of type "SharedRegistryArgs | SharedRegistryArgsDict"' in inline[0][1]
    assert 'parameter "args" of type "PullerRoleArgs | PullerRoleArgsDict"' in inline[1][1]
