"""Synthetic fleets for the benchmarks: N repositories each shared with M accounts' task roles."""

from __future__ import annotations

import argparse
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


def size(text: str) -> tuple[int, int]:
    """`AxB` as given on a bench module's command line (`200x50`): two positive numbers, or a usage error."""
    try:
        first, second = (int(n) for n in text.lower().split("x"))
    except ValueError:
        first = second = 0
    if first < 1 or second < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: write two positive numbers as AxB, for example 200x50")
    return first, second


def sizes(argv: list[str] | None, description: str, default: str, **flags: str) -> argparse.Namespace:
    """A bench module's command line: sizes AxB (default `default`) and on/off `flags` (name -> help)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("sizes", nargs="*", type=size, default=[size(default)], metavar="AxB")
    for name, text in flags.items():
        parser.add_argument(f"--{name.replace('_', '-')}", action="store_true", help=text)
    return parser.parse_args(argv)
