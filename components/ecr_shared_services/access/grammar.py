"""IAM policy grammar: JSON text or dicts checked and normalised into typed statements.

The grammar is IAM's ("Grammar of the IAM JSON policy language",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): element names are
written exactly as there (`Statement`, not `statement`), `Effect` is `Allow` or `Deny`, actions,
resources and principals are strings (one, or a list), principal types are `AWS`, `Service`,
`Federated` and `CanonicalUser`, and condition values are strings, numbers or booleans. A document
outside it is refused with the path of the offending element, never evaluated: IAM refuses to store
it, so no request is ever decided by it.

Normalising once (single statement or list, string or list values) keeps the matching and decision
code free of format cases.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ecr_shared_services.access.errors import PolicyFormatError
from ecr_shared_services.access.principal_index import AwsEntryIndex
from ecr_shared_services.access.wildcards import PatternSet

PolicyKind = Literal["identity", "resource", "boundary", "scp"]
POLICY_KINDS: tuple[PolicyKind, ...] = ("identity", "resource", "boundary", "scp")

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_ELEMENTS = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
# <action_string> = "*" | "<service_namespace>:<action_name>", wildcards allowed in the name.
_ACTION = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+)$")


@dataclass(frozen=True)
class Principals:
    """A Principal or NotPrincipal element: `*` alone, or values per principal type."""

    everyone: bool = False
    by_type: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def values(self, kind: str) -> tuple[str, ...]:
        return self.by_type.get(kind, ())

    @cached_property
    def aws_index(self) -> AwsEntryIndex:
        """The AWS entries grouped by the account they name, once per element (see AwsEntryIndex)."""
        return AwsEntryIndex.of(self.values("AWS"))


@dataclass(frozen=True)
class Condition:
    """One operator/key pair of a Condition block, with the values it compares against."""

    operator: str
    key: str
    values: tuple[str, ...]

    # Looked up once per condition, not once per request.
    @cached_property
    def value_set(self) -> frozenset[str]:
        return frozenset(self.values)

    @cached_property
    def arn_patterns(self) -> PatternSet:
        return PatternSet.of_arns(self.values)

    @cached_property
    def has_variable(self) -> bool:
        """Whether a value holds a policy variable (`${...}`)."""
        return any("${" in value for value in self.values)


@dataclass(frozen=True)
class Statement:
    """A normalised statement. `index` is its position (0-based) in the policy."""

    index: int
    effect: Literal["Allow", "Deny"]
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principal: Principals | None = None
    not_principal: Principals | None = None
    conditions: tuple[Condition, ...] = ()

    @property
    def label(self) -> str:
        return f"statement {self.sid!r}" if self.sid else f"statement #{self.index + 1}"

    # The patterns of each element split once per statement, not once per request (see PatternSet).
    @cached_property
    def action_patterns(self) -> PatternSet:
        return PatternSet.of_actions(self.actions or self.not_actions or ())

    @cached_property
    def resource_patterns(self) -> PatternSet:
        return PatternSet.of_arns(self.resources or self.not_resources or ())


@dataclass(frozen=True)
class Policy:
    """A named policy document of one kind (identity, resource, boundary or scp)."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]


PolicyInput = Policy | Mapping[str, Any] | str


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


@dataclass(frozen=True)
class _Reader:
    """Checks one document, naming each element by its path in error messages."""

    policy: str

    def fail(self, path: str, problem: str, fix: str = "") -> PolicyFormatError:
        return PolicyFormatError(self.policy, problem, fix, path)

    def elements(self, raw: Mapping[Any, Any], allowed: Sequence[str], path: str) -> dict[str, Any]:
        """The elements of an object, refusing unknown names; names are case-sensitive."""
        by_lower = {name.lower(): name for name in allowed}
        for key in raw:
            if key in allowed:
                continue
            here = f"{path}.{key}" if path else str(key)
            known = by_lower.get(str(key).lower())
            if known is not None:
                raise self.fail(here, f"element names are case-sensitive: {key!r} is not {known!r}", f"write {known}")
            raise self.fail(here, f"unknown element {key!r}", f"use only {', '.join(allowed)}")
        return dict(raw)

    def strings(self, path: str, value: Any) -> tuple[str, ...]:
        """A string or a non-empty list of strings."""
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(path, "an empty list", "give at least one value or remove the element")
        for position, item in enumerate(items):
            if not isinstance(item, str):
                where = f"{path}[{position}]" if isinstance(value, list) else path
                raise self.fail(where, f"must be a string, got {_json_type(item)} ({item!r})", "quote the value")
        return tuple(items)

    def actions(self, path: str, value: Any) -> tuple[str, ...]:
        values = self.strings(path, value)
        for action in values:
            if not _ACTION.match(action):
                raise self.fail(path, f"{action!r} is not an action", 'write SERVICE:ACTION, e.g. "ecr:BatchGetImage"')
        return values

    def resources(self, path: str, value: Any) -> tuple[str, ...]:
        values = self.strings(path, value)
        for resource in values:
            if resource != "*" and not resource.startswith("arn:"):
                raise self.fail(path, f"{resource!r} is not an ARN", 'write "*" or an ARN such as arn:aws:ecr:...')
        return values

    def condition_values(self, path: str, value: Any) -> tuple[str, ...]:
        # Quotation marks are optional for numbers and booleans in condition values; they mean the strings.
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if isinstance(item, bool):
                out.append("true" if item else "false")
            elif isinstance(item, (str, int, float)):
                out.append(str(item))
            else:
                raise self.fail(path, f"a condition value must be a string, number or boolean, got {_json_type(item)}")
        return tuple(out)

    def principals(self, path: str, value: Any) -> Principals:
        if value == "*":
            return Principals(everyone=True)
        if not isinstance(value, Mapping) or not value:
            raise self.fail(path, f'must be "*" or an object such as {{"AWS": "ARN"}}, got {_json_type(value)}')
        entries = self.elements(value, PRINCIPAL_TYPES, path)
        return Principals(by_type={kind: self.strings(f"{path}.{kind}", raw) for kind, raw in entries.items()})

    def conditions(self, path: str, value: Any) -> tuple[Condition, ...]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be an object of operator → {{key: values}}, got {_json_type(value)}")
        out: list[Condition] = []
        for operator, block in value.items():
            if not isinstance(block, Mapping):
                raise self.fail(f"{path}.{operator}", f"must map condition keys to values, got {_json_type(block)}")
            for key, raw in block.items():
                out.append(Condition(operator, key, self.condition_values(f"{path}.{operator}.{key}", raw)))
        return tuple(out)


def _check_shape(reader: _Reader, kind: PolicyKind, path: str, elements: Mapping[str, Any]) -> None:
    """The rules on which elements a statement of each policy type has."""
    if ("Action" in elements) == ("NotAction" in elements):
        raise reader.fail(path, "a statement needs exactly one of Action or NotAction")
    if "Resource" in elements and "NotResource" in elements:
        raise reader.fail(path, "a statement may not have both Resource and NotResource")
    if "Principal" in elements and "NotPrincipal" in elements:
        raise reader.fail(path, "a statement may not have both Principal and NotPrincipal")
    has_principal = "Principal" in elements or "NotPrincipal" in elements
    if kind == "resource":
        if not has_principal:
            raise reader.fail(path, "a resource-based policy statement needs Principal or NotPrincipal")
        return
    if has_principal:
        raise reader.fail(
            path, f"{_article(kind)} {kind} policy cannot have Principal or NotPrincipal (the principal is implicit)"
        )
    if "Resource" not in elements and "NotResource" not in elements:
        raise reader.fail(
            path,
            f"{_article(kind)} {kind} policy statement needs Resource or NotResource",
            'add "Resource": "*" or the repository ARN',
        )


def _optional(elements: Mapping[str, Any], name: str, read: Any, path: str) -> Any:
    return read(f"{path}.{name}", elements[name]) if name in elements else None


def _statement(reader: _Reader, kind: PolicyKind, index: int, raw: Any, path: str) -> Statement:
    if not isinstance(raw, Mapping):
        raise reader.fail(path, f"a statement must be an object, got {_json_type(raw)}")
    elements = reader.elements(raw, _STATEMENT_ELEMENTS, path)
    effect = elements.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise reader.fail(f"{path}.Effect", f'must be "Allow" or "Deny", got {effect!r}')
    _check_shape(reader, kind, path, elements)
    sid = elements.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise reader.fail(f"{path}.Sid", f"must be a string, got {_json_type(sid)}")
    return Statement(
        index=index,
        effect=effect,
        sid=sid,
        actions=_optional(elements, "Action", reader.actions, path),
        not_actions=_optional(elements, "NotAction", reader.actions, path),
        resources=_optional(elements, "Resource", reader.resources, path),
        not_resources=_optional(elements, "NotResource", reader.resources, path),
        principal=_optional(elements, "Principal", reader.principals, path),
        not_principal=_optional(elements, "NotPrincipal", reader.principals, path),
        conditions=_optional(elements, "Condition", reader.conditions, path) or (),
    )


def _load(document: Mapping[str, Any] | str, name: str) -> Any:
    if not isinstance(document, str):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError as error:
        raise PolicyFormatError(name, f"not valid JSON ({error.msg} at line {error.lineno})") from error
    except RecursionError as error:
        raise PolicyFormatError(name, "JSON nested too deeply to be a policy document") from error


def parse_policy(document: Mapping[str, Any] | str, name: str, kind: PolicyKind) -> Policy:
    """Parse a policy document (JSON text or dict) into a Policy; PolicyFormatError says what is wrong and where."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"policy kind must be one of {POLICY_KINDS}, got {kind!r}")
    loaded = _load(document, name)
    reader = _Reader(name)
    if not isinstance(loaded, Mapping):
        raise reader.fail(
            "", f"a policy document must be a JSON object with a Statement element, got {_json_type(loaded)}"
        )
    top = reader.elements(loaded, _TOP_ELEMENTS, "")
    version = top.get("Version")
    if "Version" in top and version not in VERSIONS:
        raise reader.fail("Version", f"must be one of {', '.join(VERSIONS)}, got {version!r}", 'write "2012-10-17"')
    if "Id" in top and not isinstance(top["Id"], str):
        raise reader.fail("Id", f"must be a string, got {_json_type(top['Id'])}")
    if "Statement" not in top:
        raise reader.fail("", "no Statement element", 'add "Statement": [ ... ]')
    raw = top["Statement"]
    if isinstance(raw, list):
        statements = tuple(_statement(reader, kind, i, item, f"Statement[{i}]") for i, item in enumerate(raw))
    else:
        statements = (_statement(reader, kind, 0, raw, "Statement"),)
    return Policy(name=name, kind=kind, statements=statements)


def as_policy(value: PolicyInput, name: str, kind: PolicyKind) -> Policy:
    """Accept a Policy as is (checking its kind), or parse text/dict under `name`."""
    if isinstance(value, Policy):
        if value.kind != kind:
            raise ValueError(f"policy {value.name!r} is a {value.kind} policy, expected {kind}")
        return value
    return parse_policy(value, name, kind)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
