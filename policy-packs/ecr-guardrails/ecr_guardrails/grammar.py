"""IAM policy grammar: what AWS refuses as a malformed policy document.

Follows "Grammar of the IAM JSON policy language"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): element names are
case-sensitive (`statement`, `effect` and `principal` are not elements), Effect is `Allow` or `Deny`,
Action/Resource values and principal IDs are strings, and a Principal is `"*"` or a map from
`AWS`/`Service`/`Federated`/`CanonicalUser` to one or more strings. Condition values may also be
numbers and booleans. Unknown parts (preview) are assumed well formed: only what is known can be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

from .values import as_list, is_unknown

# identity: no Principal, Resource required (identity policies, boundaries, SCPs);
# resource: Principal required (repository, registry and trust policies).
PolicyKind = Literal["identity", "resource"]

VERSIONS: Final = ("2012-10-17", "2008-10-17")
TOP_ELEMENTS: Final = frozenset({"Version", "Id", "Statement"})
STATEMENT_ELEMENTS: Final = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
PRINCIPAL_TYPES: Final = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_STRING_LIST_ELEMENTS: Final = ("Action", "NotAction", "Resource", "NotResource")
# <action_string> = "*" | "<service>:<action>" (IAM: "Actions/Conditions must be prefaced by a vendor").
_ACTION: Final = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+)$")
_EXCLUSIVE: Final = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))


def _strings_problem(element: str, value: Any, scalars: tuple[type, ...] = (str,)) -> str | None:
    """A problem with a one-or-many value whose items must be of `scalars` (None: fine)."""
    if is_unknown(value):
        return None
    if value == [] and scalars == (str,):
        return f"{element} is an empty list"
    for item in as_list(value):
        if is_unknown(item):
            continue
        if not isinstance(item, scalars):
            return f"{element} holds {item!r}, which is not a string"
    return None


def _value_form_problem(element: str, value: Any) -> str | None:
    """Actions are SERVICE:ACTION or `*`; resources are ARNs or `*`."""
    for item in as_list(value):
        if not isinstance(item, str) or is_unknown(item):
            continue
        if "Action" in element and not _ACTION.match(item):
            return f'{element} {item!r} is not an action (write SERVICE:ACTION, e.g. "ecr:BatchGetImage")'
        if "Resource" in element and item != "*" and not item.startswith("arn:"):
            return f'{element} {item!r} is not an ARN or "*"'
    return None


def _principal_problem(element: str, value: Any) -> str | None:
    if is_unknown(value) or value == "*":
        return None
    if not isinstance(value, Mapping) or not value:
        return f'{element} must be "*" or a map such as {{"AWS": "ACCOUNT-OR-ARN"}}, got {value!r}'
    for kind, ids in value.items():
        if kind not in PRINCIPAL_TYPES:
            return f"{element} has principal type {kind!r}; the types are {', '.join(sorted(PRINCIPAL_TYPES))}"
        problem = _strings_problem(f"{element}.{kind}", ids)
        if problem:
            return problem
    return None


def _condition_problem(value: Any) -> str | None:
    if is_unknown(value):
        return None
    if not isinstance(value, Mapping):
        return f"Condition must be a map of operator to {{key: values}}, got {value!r}"
    for operator, block in value.items():
        if is_unknown(block):
            continue
        if not isinstance(block, Mapping):
            return f"Condition operator {operator} must map keys to values, got {block!r}"
        for key, values in block.items():
            problem = _strings_problem(f"Condition.{operator}.{key}", values, (str, int, float, bool))
            if problem:
                return problem
    return None


def _kind_problem(raw: Mapping[str, Any], kind: PolicyKind | None) -> str | None:
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if kind == "resource" and not has_principal:
        return "a resource policy statement needs Principal or NotPrincipal"
    if kind == "identity" and has_principal:
        return "an identity policy statement cannot have Principal or NotPrincipal"
    if kind == "identity" and "Resource" not in raw and "NotResource" not in raw:
        return "an identity policy statement needs Resource or NotResource"
    return None


def _element_problem(raw: Mapping[str, Any]) -> str | None:
    unknown = sorted(str(k) for k in raw if k not in STATEMENT_ELEMENTS)
    if unknown:
        return f"unknown element(s) {unknown} (element names are case-sensitive: {sorted(STATEMENT_ELEMENTS)})"
    effect = raw.get("Effect")
    if not is_unknown(effect) and effect not in ("Allow", "Deny"):
        return f'Effect must be "Allow" or "Deny", got {effect!r}'
    sid = raw.get("Sid")
    if sid is not None and not is_unknown(sid) and not isinstance(sid, str):
        return f"Sid must be a string, got {sid!r}"
    if "Action" not in raw and "NotAction" not in raw:
        return "a statement needs Action or NotAction"
    for one, other in _EXCLUSIVE:
        if one in raw and other in raw:
            return f"a statement may not have both {one} and {other}"
    return None


def statement_problem(raw: Any, kind: PolicyKind | None) -> str | None:
    """What makes one statement malformed, or None (`kind` None: skip the kind-dependent checks)."""
    if is_unknown(raw):
        return None
    if not isinstance(raw, Mapping):
        return f"a statement must be an object, got {raw!r}"
    problem = _element_problem(raw) or _kind_problem(raw, kind)
    if problem:
        return problem
    for element in _STRING_LIST_ELEMENTS:
        if element in raw:
            problem = _strings_problem(element, raw[element]) or _value_form_problem(element, raw[element])
            if problem:
                return problem
    for element in ("Principal", "NotPrincipal"):
        if element in raw:
            problem = _principal_problem(element, raw[element])
            if problem:
                return problem
    return _condition_problem(raw["Condition"]) if "Condition" in raw else None


def document_problem(body: Any, kind: PolicyKind | None) -> str | None:
    """What makes a parsed policy document malformed, or None; the message names the statement."""
    if not isinstance(body, Mapping):
        return f"a policy document must be a JSON object, got {type(body).__name__}"
    unknown = sorted(str(k) for k in body if k not in TOP_ELEMENTS)
    if unknown:
        return f"unknown top-level element(s) {unknown} (element names are case-sensitive: Version, Id, Statement)"
    if "Statement" not in body:
        return "no Statement element"
    if "Id" in body and not is_unknown(body["Id"]) and not isinstance(body["Id"], str):
        return f"Id must be a string, got {body['Id']!r}"
    version = body.get("Version")
    if version is not None and not is_unknown(version) and version not in VERSIONS:
        return f"Version must be {' or '.join(VERSIONS)}, got {version!r}"
    statements = body["Statement"]
    if is_unknown(statements):
        return None
    if statements is None:
        return "Statement is null"
    for index, raw in enumerate(as_list(statements)):
        problem = statement_problem(raw, kind)
        if problem:
            return f"statement {index + 1}: {problem}"
    return None
