"""How a StackReference's name maps to a planned stack. No Pulumi import."""

from __future__ import annotations


def stack_key(name: str, project: str) -> str:
    """`project/stack` for a reference written `stack`, `project/stack` or `organization/project/stack`.

    Offline there is one organization, so a reference is matched on its project and stack."""
    parts = name.strip().split("/")
    if len(parts) == 1:
        return f"{project}/{parts[0]}"
    return "/".join(parts[-2:])
