"""Typed errors of the access evaluator: input it cannot read, each saying what to correct."""

from __future__ import annotations


class PolicyFormatError(ValueError):
    """A policy document that is not valid IAM policy grammar (or not JSON at all).

    `path` names the element, e.g. `Statement[0].Principal.AWS`; empty for the whole document."""

    def __init__(self, policy: str, problem: str, fix: str = "", path: str = "") -> None:
        self.policy = policy
        self.problem = problem
        self.fix = fix
        self.path = path
        text = f"{policy}: {path}: {problem}" if path else f"{policy}: {problem}"
        super().__init__(f"{text}. Fix: {fix}" if fix else text)


class AccessInputError(ValueError):
    """A caller, image or context the evaluator cannot use (bad ARN, bad URI, conflicting inputs)."""

    def __init__(self, what: str, value: object, problem: str, fix: str = "") -> None:
        self.what = what
        self.value = value
        self.problem = problem
        self.fix = fix
        text = f"{what} {value!r}: {problem}"
        super().__init__(f"{text}. Fix: {fix}" if fix else text)
