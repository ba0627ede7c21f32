"""IAM wildcard matching (`*` any run, `?` one character) for actions, resources and condition values.

A pattern without `*` or `?` is compared by equality: the regular expression it would compile to matches
exactly the pattern itself (case-sensitively), or, ignoring case, exactly the strings equal to it once both
are lowercased when both are ASCII (outside ASCII, Unicode case folding has special cases, such as the long
s matching `s`: those go to the regular expression).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=4096)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = ("." + "*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def has_wildcard(pattern: str) -> bool:
    """Whether `pattern` holds `*` or `?`: otherwise it matches by equality."""
    return "*" in pattern or "?" in pattern


def general_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """The regular-expression matcher every pattern can take (the reference for the equality fast path)."""
    return _compile(pattern, ignore_case).fullmatch(value) is not None


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """True when `value` matches `pattern` as a whole."""
    if not has_wildcard(pattern):
        if not ignore_case:
            return pattern == value
        if pattern.isascii() and value.isascii():
            return pattern.lower() == value.lower()
    return general_match(pattern, value, ignore_case=ignore_case)


def action_matches(pattern: str, action: str) -> bool:
    """Action names are case-insensitive in every policy type."""
    return wildcard_match(pattern, action, ignore_case=True)


# An ARN has six colon-separated parts: `arn:partition:service:region:account:resource`.
_ARN_COLONS = 5


def arn_matches(pattern: str, arn: str) -> bool:
    """Resource and Arn* matching: `*` alone matches anything, otherwise each of the six
    colon-separated ARN parts is matched on its own, so a wildcard never spans a colon."""
    if pattern == "*":
        return True
    if not has_wildcard(pattern):
        # Each part equal, and six of them: the whole strings equal, with five colons at least.
        return pattern == arn and pattern.count(":") >= _ARN_COLONS
    pattern_parts = pattern.split(":", _ARN_COLONS)
    arn_parts = arn.split(":", _ARN_COLONS)
    if len(pattern_parts) != _ARN_COLONS + 1 or len(arn_parts) != _ARN_COLONS + 1:
        return False
    return all(wildcard_match(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


@dataclass(frozen=True)
class PatternSet:
    """The patterns of one policy element, split once: those without a wildcard are looked up in a set,
    only the others are matched one by one."""

    patterns: tuple[str, ...]
    exact: frozenset[str]
    wild: tuple[str, ...]

    @staticmethod
    def of_arns(patterns: Iterable[str]) -> PatternSet:
        # An exact pattern that is not a whole ARN matches nothing (see arn_matches): it is left out.
        listed = tuple(patterns)
        exact = frozenset(p for p in listed if not has_wildcard(p) and p.count(":") >= _ARN_COLONS)
        return PatternSet(listed, exact, tuple(p for p in listed if has_wildcard(p)))

    @staticmethod
    def of_actions(patterns: Iterable[str]) -> PatternSet:
        # Lowercased when ASCII; any other exact pattern is matched as a wildcard pattern would be.
        listed = tuple(patterns)
        exact = frozenset(p.lower() for p in listed if not has_wildcard(p) and p.isascii())
        return PatternSet(listed, exact, tuple(p for p in listed if has_wildcard(p) or not p.isascii()))

    def any_arn(self, arn: str) -> bool:
        """Whether some pattern covers `arn`, as `any(arn_matches(p, arn) for p in patterns)`."""
        return arn in self.exact or any(arn_matches(p, arn) for p in self.wild)

    def any_action(self, action: str) -> bool:
        """Whether some pattern covers `action`, as `any(action_matches(p, action) for p in patterns)`."""
        if not action.isascii():  # case folding beyond ASCII: every pattern through the general matcher
            return any(action_matches(p, action) for p in self.patterns)
        return action.lower() in self.exact or any(action_matches(p, action) for p in self.wild)
