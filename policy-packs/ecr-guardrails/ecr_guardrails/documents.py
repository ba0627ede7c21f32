"""IAM policy documents in every shape Pulumi programs hand them over.

A document may arrive as a JSON string or as a dict, a `Statement` as one object or a list, and any
part of it may be unknown during a preview. Parsing never raises: what cannot be read is reported
as unknown, and the rules stay silent about it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .values import UNKNOWN, Unknown, as_list, is_unknown, plain

_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Statement:
    """One statement, its elements kept raw (a string, a list, a dict, `UNKNOWN` or absent)."""

    index: int
    raw: dict[str, Any]

    def get(self, element: str) -> Any:
        """The element, or None when absent."""
        return self.raw.get(element)

    def has(self, element: str) -> bool:
        """Whether the element is present at all (even unknown)."""
        return element in self.raw

    @property
    def label(self) -> str:
        """How a message names the statement: its position, and its Sid when it has one."""
        sid = self.raw.get("Sid")
        if isinstance(sid, str) and sid:
            return f'statement {self.index + 1} (Sid "{sid}")'
        return f"statement {self.index + 1}"

    @property
    def effect(self) -> str | Unknown | None:
        """'Allow' or 'Deny' as written; `UNKNOWN` when not yet known."""
        value = self.raw.get("Effect")
        if is_unknown(value):
            return UNKNOWN
        return value if isinstance(value, str) else None

    @property
    def is_allow(self) -> bool | None:
        """True for Allow, False for Deny, None when the effect is unknown."""
        effect = self.effect
        if effect is UNKNOWN:
            return None
        return effect == "Allow"

    def strings(self, element: str) -> list[str | Unknown] | Unknown:
        """A one-or-many string element as a list; `UNKNOWN` when the element itself is unknown."""
        value = self.raw.get(element)
        if is_unknown(value):
            return UNKNOWN
        out: list[str | Unknown] = []
        for item in as_list(value):
            out.append(UNKNOWN if is_unknown(item) else str(item))
        return out


@dataclass(frozen=True)
class Document:
    """A parsed policy document.

    `complete` is False when a statement (or the statement list) is unknown, so that stack-level
    rules, which need the whole picture, can stay silent. `text` is the policy as the service will
    measure it, or None when not knowable.
    """

    statements: list[Statement] = field(default_factory=list)
    complete: bool = True
    text: str | None = None

    @property
    def non_whitespace_length(self) -> int | None:
        """The size IAM counts against its quotas: every character except whitespace."""
        return None if self.text is None else len(_WHITESPACE.sub("", self.text))


def _contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def parse_document(value: Any) -> Document | None:
    """Parse a policy document; None when it is unknown, absent or not a policy at all.

    Malformed JSON is a provider error at apply time, not a guardrail finding, so it yields None.
    """
    value = plain(value)
    if value is None or is_unknown(value):
        return None
    text: str | None
    if isinstance(value, str):
        text = value
        try:
            body = plain(json.loads(value))
        except ValueError:
            return None
    elif isinstance(value, dict):
        body = value
        # Pulumi serializes a dict policy compactly; the measured size is at least this.
        text = None if _contains_unknown(body) else json.dumps(body, separators=(",", ":"))
    else:
        return None
    if not isinstance(body, dict):
        return None
    raw_statements = body.get("Statement")
    if is_unknown(raw_statements):
        return Document([], complete=False, text=text)
    statements: list[Statement] = []
    complete = True
    for index, item in enumerate(as_list(raw_statements)):
        if isinstance(item, dict):
            statements.append(Statement(index, item))
        else:
            complete = False
    return Document(statements, complete=complete, text=text)
