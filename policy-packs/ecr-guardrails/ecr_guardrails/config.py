"""Typed reads of a rule's `--policy-pack-config` values.

The engine validates config against each rule's schema before the pack sees it; these readers
still tolerate missing or odd values, since the rules are also called directly by tests and tools.
"""

from __future__ import annotations

from typing import Any, Final

from .model import Config

STRING_LIST: Final[dict[str, Any]] = {"type": "array", "items": {"type": "string"}}


def string_list(config: Config, key: str) -> list[str]:
    """A list of strings (an absent key or a non-list is an empty list)."""
    value = config.get(key)
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v) for v in value]


def flag(config: Config, key: str, default: bool) -> bool:
    """A boolean."""
    value = config.get(key)
    return value if isinstance(value, bool) else default


def integer(config: Config, key: str, default: int) -> int:
    """A whole number (config arrives through protobuf Struct, so numbers may be floats)."""
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)
