"""IAM policy documents in every shape Pulumi programs hand them over.

A document may arrive as a JSON string or as a dict, a `Statement` as one object or a list, and any
part of it may be unknown during a preview. Parsing never raises: an unknown document is None, a
malformed one (see `grammar`) is `Malformed`, and the rules judge only well-formed documents.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from .grammar import PolicyKind, document_problem
from .values import UNKNOWN, Unknown, as_list, is_unknown, plain


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
    iam_size: int | None = None

    @property
    def non_whitespace_length(self) -> int | None:
        """The size IAM counts against its quotas: the compact JSON, whitespace between tokens dropped.

        The IAM quotas page (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
        says only that white space is not counted; whether spaces inside string values count is
        unknown, and they are counted here, as in the project's policy/sizing.py.
        """
        return self.iam_size


def contains_unknown(value: Any) -> bool:
    """Whether any part of a plain value is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def compact(body: Any) -> str:
    """A document as compact JSON, key order kept, non-ASCII as is: how IAM sizes are measured here
    (the same measure as the project's `policy/sizing.py`), and what the provider sends for a dict."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Malformed:
    """A policy document AWS refuses: not JSON, or not the IAM policy grammar."""

    problem: str


def _load(value: Any) -> tuple[Any, str | None] | Malformed | None:
    """The document body and its text (None when not knowable); None when absent or unknown."""
    if isinstance(value, str):
        try:
            return plain(json.loads(value)), value
        except ValueError as error:
            return Malformed(f"not valid JSON ({error})")
    if isinstance(value, dict):
        return value, None if contains_unknown(value) else compact(value)
    return Malformed(f"a policy must be JSON text or an object, got {type(value).__name__}")


def read_policy(value: Any, kind: PolicyKind | None = None) -> Document | Malformed | None:
    """Parse a policy document: a Document, `Malformed` (AWS refuses it), or None when absent/unknown.

    `kind` adds the checks that depend on where the policy is used (None: only the common grammar).
    """
    value = plain(value)
    if value is None or value == "" or is_unknown(value):
        return None  # "" is how a program leaves a policy out (an empty inline policy entry)
    if isinstance(value, str):
        return _read_text(value, kind)
    return _read(value, kind)


@functools.lru_cache(maxsize=1024)
def _read_text(text: str, kind: PolicyKind | None) -> Document | Malformed | None:
    """A policy given as text, read once per text and kind: the registry's repositories usually share one
    policy text, which several rules read for each repository. The result is frozen, so sharing it is safe."""
    return _read(text, kind)


def _read(value: Any, kind: PolicyKind | None) -> Document | Malformed | None:
    loaded = _load(value)
    if loaded is None or isinstance(loaded, Malformed):
        return loaded
    body, text = loaded
    problem = document_problem(body, kind)
    if problem:
        return Malformed(problem)
    raw_statements = body["Statement"]
    size = None if text is None else len(compact(json.loads(text)))
    if is_unknown(raw_statements):
        return Document([], complete=False, text=text, iam_size=size)
    statements: list[Statement] = []
    complete = True
    for index, item in enumerate(as_list(raw_statements)):
        if isinstance(item, dict):
            statements.append(Statement(index, item))
        else:
            complete = False
    return Document(statements, complete=complete, text=text, iam_size=size)


def parse_document(value: Any, kind: PolicyKind | None = None) -> Document | None:
    """Parse a policy document; None when it is unknown, absent or malformed.

    The rules judge only well-formed documents; `policy-well-formed` reports the malformed ones.
    """
    found = read_policy(value, kind)
    return found if isinstance(found, Document) else None
