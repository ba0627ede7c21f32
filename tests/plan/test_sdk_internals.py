"""The SDK internals the offline plan relies on are all present in the installed Pulumi SDK.

An SDK upgrade that moves one of them fails here, naming it, rather than somewhere deep in a plan run.
"""

from __future__ import annotations

import ast
import pathlib

from ecr_shared_services.plan import sdk_internals

PACKAGE = pathlib.Path(sdk_internals.__file__).parent.parent


def test_every_sdk_internal_the_adapter_needs_is_present() -> None:
    assert sdk_internals.check_sdk_internals() == []


def test_only_the_adapter_imports_private_sdk_modules() -> None:
    private = {
        "pulumi.runtime.settings",
        "pulumi.runtime.stack",
        "pulumi.runtime.sync_await",
        "pulumi.runtime.rpc",
        "pulumi.runtime.config",
    }
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "sdk_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
                if names & private:
                    offenders.append(f"{path.relative_to(PACKAGE)}: from {node.module} import ...")
    assert offenders == []
