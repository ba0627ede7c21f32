"""Typed errors. Each carries what a user needs to fix the input that caused it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (field path), what (the value), which rule, and how to fix it."""

    field: str
    value: Any
    rule: str
    fix: str = ""

    def render(self) -> str:
        text = f"{self.field or '(top level)'} = {self.value!r}: {self.rule}"
        return f"{text}. Fix: {self.fix}" if self.fix else text


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a pydantic location as `repositories[0].consumers[1].account_id`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"account", "role", "organization", "lambda"} and out.endswith("]"):
            # pydantic inserts the union tag into the path; it says nothing to a user.
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


class SpecError(ValueError):
    """Input that breaks one or more rules. Lists every violation found in one go."""

    def __init__(self, subject: str, violations: Iterable[Violation]) -> None:
        self.subject = subject
        self.violations: list[Violation] = list(violations)
        count = len(self.violations)
        lines = [f"{subject}: {count} invalid value{'s' if count != 1 else ''}:"]
        lines += [f"  - {v.render()}" for v in self.violations]
        super().__init__("\n".join(lines))

    @classmethod
    def from_validation_error(cls, subject: str, error: ValidationError) -> SpecError:
        violations: list[Violation] = []
        for item in error.errors(include_url=False):
            ctx = item.get("ctx") or {}
            prefix = format_loc(item["loc"])
            inner = ctx.get("error")
            if isinstance(inner, SpecError):
                # A nested spec built through its own constructor already listed its violations.
                for v in inner.violations:
                    path = f"{prefix}.{v.field}" if prefix and v.field else (prefix or v.field)
                    violations.append(Violation(path, v.value, v.rule, v.fix))
                continue
            nested = ctx.get("violations")
            if nested:
                # A model-level rule reported several problems at once; keep them apart.
                for field, value, rule, fix in nested:
                    joiner = "" if field.startswith("[") else "."
                    path = f"{prefix}{joiner}{field}" if prefix and field else (prefix or field)
                    violations.append(Violation(path, value, rule, fix))
                continue
            violations.append(
                Violation(prefix, item.get("input"), ctx.get("rule") or item["msg"], ctx.get("fix") or _fix_for(item))
            )
        return cls(subject, violations)


def _fix_for(item: Any) -> str:
    kind = item.get("type", "")
    if kind == "missing":
        return "add this field"
    if kind == "extra_forbidden":
        return "remove this field or correct its spelling"
    if kind == "string_type":
        return "write it as a quoted string"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "set `kind` to one of: account, role, organization, lambda"
    return ""


class PolicySizeError(ValueError):
    """A rendered policy document would exceed an AWS quota, so AWS would reject it."""

    def __init__(self, document: str, size: int, limit: int, quota: str, fix: str) -> None:
        self.document = document
        self.size = size
        self.limit = limit
        self.quota = quota
        super().__init__(f"{document} is {size} characters, over the {quota} limit of {limit}. Fix: {fix}")


class AccessNotGrantedError(ValueError):
    """An application asks for a repository the registry does not grant it."""
