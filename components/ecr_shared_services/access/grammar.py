"""IAM policy grammar: JSON text or dicts normalised into typed statements.

Normalising once (single statement or list, string or list values, key order, the shapes of
Principal) keeps the matching and decision code free of format cases.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ecr_shared_services.access.errors import PolicyFormatError

PolicyKind = Literal["identity", "resource", "boundary", "scp"]
POLICY_KINDS: tuple[PolicyKind, ...] = ("identity", "resource", "boundary", "scp")

_STATEMENT_KEYS = {
    "sid",
    "effect",
    "action",
    "notaction",
    "resource",
    "notresource",
    "principal",
    "notprincipal",
    "condition",
}


@dataclass(frozen=True)
class Principals:
    """A Principal or NotPrincipal element: `*` alone, or values per principal type."""

    everyone: bool = False
    by_type: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def values(self, kind: str) -> tuple[str, ...]:
        return self.by_type.get(kind, ())

    def to_json(self) -> Any:
        if self.everyone:
            return "*"
        return {k: list(v) if len(v) != 1 else v[0] for k, v in self.by_type.items()}


@dataclass(frozen=True)
class Condition:
    """One operator/key pair of a Condition block, with the values it compares against."""

    operator: str
    key: str
    values: tuple[str, ...]


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


@dataclass(frozen=True)
class Policy:
    """A named policy document of one kind (identity, resource, boundary or scp)."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]
    document: Mapping[str, Any] = field(default_factory=dict, compare=False)


PolicyInput = Policy | Mapping[str, Any] | str


def _strings(policy: str, element: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")  # JSON booleans in conditions mean the strings
        elif isinstance(item, (str, int, float)):
            out.append(str(item))
        else:
            raise PolicyFormatError(policy, f"{element} must be a string or a list of strings, got {item!r}")
    return tuple(out)


def _principals(policy: str, element: str, value: Any) -> Principals:
    if value == "*":
        return Principals(everyone=True)
    if not isinstance(value, Mapping) or not value:
        raise PolicyFormatError(
            policy, f'{element} must be "*" or an object such as {{"AWS": "ACCOUNT-OR-ARN"}}, got {value!r}'
        )
    by_type: dict[str, tuple[str, ...]] = {}
    for kind, raw in value.items():
        by_type[str(kind)] = _strings(policy, f"{element}.{kind}", raw)
    return Principals(by_type=by_type)


def _conditions(policy: str, value: Any) -> tuple[Condition, ...]:
    if not isinstance(value, Mapping):
        raise PolicyFormatError(policy, f"Condition must be an object of operator → {{key: values}}, got {value!r}")
    out: list[Condition] = []
    for operator, block in value.items():
        if not isinstance(block, Mapping):
            raise PolicyFormatError(policy, f"Condition operator {operator} must map keys to values, got {block!r}")
        for key, raw in block.items():
            out.append(Condition(str(operator), str(key), _strings(policy, f"Condition.{operator}.{key}", raw)))
    return tuple(out)


def _statement(policy: str, kind: PolicyKind, index: int, raw: Any) -> Statement:
    where = f"{policy} statement #{index + 1}"
    if not isinstance(raw, Mapping):
        raise PolicyFormatError(where, f"a statement must be an object, got {raw!r}")
    # Element names are matched case-insensitively, as IAM's parser accepts them.
    elements = {str(k).lower(): v for k, v in raw.items()}
    unknown = set(elements) - _STATEMENT_KEYS
    if unknown:
        raise PolicyFormatError(where, f"unknown element(s) {sorted(unknown)}", "remove them or fix their spelling")
    effect = elements.get("effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyFormatError(where, f'Effect must be "Allow" or "Deny", got {effect!r}')
    if ("action" in elements) == ("notaction" in elements):
        raise PolicyFormatError(where, "a statement needs exactly one of Action or NotAction")
    if "resource" in elements and "notresource" in elements:
        raise PolicyFormatError(where, "a statement may not have both Resource and NotResource")
    if "principal" in elements and "notprincipal" in elements:
        raise PolicyFormatError(where, "a statement may not have both Principal and NotPrincipal")
    has_principal = "principal" in elements or "notprincipal" in elements
    if kind == "resource":
        if not has_principal:
            raise PolicyFormatError(where, "a resource-based policy statement needs Principal or NotPrincipal")
    else:
        if has_principal:
            raise PolicyFormatError(
                where,
                f"{_article(kind)} {kind} policy cannot have Principal or NotPrincipal (the principal is implicit); "
                "remove it",
            )
        if "resource" not in elements and "notresource" not in elements:
            raise PolicyFormatError(
                where,
                f'{_article(kind)} {kind} policy statement needs Resource or NotResource; add "Resource": "*" '
                "or the repository ARN",
            )
    sid = elements.get("sid")

    def opt(name: str, label: str) -> tuple[str, ...] | None:
        return _strings(where, label, elements[name]) if name in elements else None

    return Statement(
        index=index,
        effect=effect,
        sid=str(sid) if sid is not None else None,
        actions=opt("action", "Action"),
        not_actions=opt("notaction", "NotAction"),
        resources=opt("resource", "Resource"),
        not_resources=opt("notresource", "NotResource"),
        principal=_principals(where, "Principal", elements["principal"]) if "principal" in elements else None,
        not_principal=(
            _principals(where, "NotPrincipal", elements["notprincipal"]) if "notprincipal" in elements else None
        ),
        conditions=_conditions(where, elements["condition"]) if "condition" in elements else (),
    )


def parse_policy(document: Mapping[str, Any] | str, name: str, kind: PolicyKind) -> Policy:
    """Parse a policy document (JSON text or dict) into a Policy; PolicyFormatError says what is wrong."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"policy kind must be one of {POLICY_KINDS}, got {kind!r}")
    if isinstance(document, str):
        try:
            loaded = json.loads(document)
        except json.JSONDecodeError as error:
            raise PolicyFormatError(name, f"not valid JSON ({error.msg} at line {error.lineno})") from error
    else:
        loaded = document
    if not isinstance(loaded, Mapping):
        raise PolicyFormatError(name, "a policy document must be a JSON object with a Statement element")
    top = {str(k).lower(): v for k, v in loaded.items()}
    if "statement" not in top:
        raise PolicyFormatError(name, "no Statement element", 'add "Statement": [ ... ]')
    raw_statements = top["statement"]
    items: Sequence[Any] = raw_statements if isinstance(raw_statements, list) else [raw_statements]
    statements = tuple(_statement(name, kind, i, raw) for i, raw in enumerate(items))
    return Policy(name=name, kind=kind, statements=statements, document=dict(loaded))


def as_policy(value: PolicyInput, name: str, kind: PolicyKind) -> Policy:
    """Accept a Policy as is (checking its kind), or parse text/dict under `name`."""
    if isinstance(value, Policy):
        if value.kind != kind:
            raise ValueError(f"policy {value.name!r} is a {value.kind} policy, expected {kind}")
        return value
    return parse_policy(value, name, kind)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
