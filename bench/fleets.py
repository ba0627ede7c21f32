"""Synthetic fleets for the benchmarks: N repositories each shared with M accounts' task roles."""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
REGISTRY_ACCOUNT = "987654321098"
ROLE_NAME = "ecsTaskExecutionRole"


def account(index: int) -> str:
    """The index-th consumer account (never the registry account)."""
    return f"{100000000000 + index}"


def repository_name(index: int) -> str:
    return f"service-{index:04d}"


def registry_args(repositories: int, accounts: int) -> dict[str, Any]:
    """A registry whose every repository is shared with `accounts` accounts' task execution roles."""
    consumers = [{"kind": "role", "account_id": account(a), "role_names": [ROLE_NAME]} for a in range(accounts)]
    return {
        "region": REGION,
        "account_id": REGISTRY_ACCOUNT,
        "repositories": [{"name": repository_name(r), "consumers": consumers} for r in range(repositories)],
    }
