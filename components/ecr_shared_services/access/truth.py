"""Three-valued logic: what the evaluator could not decide stays undecided instead of being guessed."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Truth(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @staticmethod
    def of(value: bool) -> Truth:
        return Truth.YES if value else Truth.NO

    def negate(self) -> Truth:
        if self is Truth.UNKNOWN:
            return self
        return Truth.NO if self is Truth.YES else Truth.YES


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene AND: any NO wins, then any UNKNOWN; empty is YES."""
    result = Truth.YES
    for value in values:
        if value is Truth.NO:
            return Truth.NO
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene OR: any YES wins, then any UNKNOWN; empty is NO."""
    result = Truth.NO
    for value in values:
        if value is Truth.YES:
            return Truth.YES
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result
