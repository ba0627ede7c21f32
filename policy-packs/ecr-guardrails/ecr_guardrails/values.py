"""Plain values from resource properties, with preview-time unknowns made explicit.

During a preview the engine sends sentinel strings for values it cannot know yet, and
`pulumi_policy` wraps the properties in proxies that raise on access to them. A rule that lets that
exception escape is reported by the analyzer as an advisory "can't run policy" diagnostic; the pack
promises silence instead, so every rule works on plain values where an unknown is the `UNKNOWN`
marker and decides for itself what it can still say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

_SENTINELS: Final = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class Unknown:
    """The type of `UNKNOWN`: a value the engine will only know after the update."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()


def is_unknown(value: object) -> bool:
    """True for the `UNKNOWN` marker and for a raw engine sentinel string."""
    return value is UNKNOWN or (isinstance(value, str) and value in _SENTINELS)


def plain(value: Any) -> Any:
    """A deep copy of `value` as dicts, lists and scalars, with every unknown replaced by `UNKNOWN`.

    Works on `pulumi_policy` proxies (whose item access raises on unknowns) and on ordinary values
    (which may hold the sentinel strings themselves, for example in tests or in parsed JSON).
    """
    if isinstance(value, str):
        return UNKNOWN if value in _SENTINELS else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[str(key)] = plain(value[key])
            except UnknownValueError:
                out[str(key)] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def as_list(value: Any) -> list[Any]:
    """IAM's "one or many": a single value becomes a one-item list; absent becomes empty."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]
