"""The base class of every spec: strict fields, and one SpecError listing every violation.

Validators report what they find as `Violation`s through `refuse`; pydantic's own errors (a missing or
unknown field, a wrong type) become `Violation`s too, each with its code, in `violations_of`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import ErrorDetails

from ecr_shared_services.errors import SpecError, Violation


class Spec(BaseModel):
    """A frozen pydantic model whose constructor raises SpecError instead of ValidationError."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            with _one_validation():
                super().__init__(**data)
        except ValidationError as error:
            raise SpecError(type(self).__name__, violations_of(type(self), error)) from None

    @classmethod
    def parse(cls, data: Any) -> Any:
        """Validate plain data (dicts from YAML or stack config) into this spec, raising SpecError."""
        try:
            with _one_validation():
                return cls.model_validate(data)
        except ValidationError as error:
            raise SpecError(cls.__name__, violations_of(cls, error)) from None


# `validated_once`'s memo for the validation under way, per validated list type: plain data → spec, and the
# keys of each list object seen. pydantic calls each nested spec's own `__init__`, which starts a validation
# of its own without pydantic's context: a context variable reaches them all.
_MEMO: ContextVar[dict[object, tuple[dict[Any, Any], dict[int, Any]]] | None] = ContextVar(
    "validated_once", default=None
)
# The leaves other than strings a memo key may hold. Each is keyed with its type, so that 1, 1.0 and True
# never stand for one another.
_LEAVES = (int, float, bool, type(None))


@contextmanager
def _one_validation() -> Iterator[None]:
    """The memo of the outermost validation under way, or a new one for as long as this one lasts."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _data_key(value: Any) -> Any:
    """A hashable key equal for equal plain data (dicts, lists, JSON-like leaves), or None for anything
    else (a pulumi Output, a model instance), which is then validated as given."""
    kind = type(value)
    if kind is str:
        return value
    if isinstance(value, dict):
        items: list[Any] = [dict]
        for key, item in value.items():
            found = _data_key(item)
            if type(key) is not str or found is None:
                return None
            items.append((key, found))
        return tuple(items)
    if isinstance(value, (list, tuple)):
        keys: list[Any] = [kind]
        for item in value:
            found = _data_key(item)
            if found is None:
                return None
            keys.append(found)
        return tuple(keys)
    return (kind, value) if kind in _LEAVES else None


def validated_once() -> WrapValidator:
    """A validator for a list of specs that, within one validation, validates each distinct item once.

    Equal plain data gives equal frozen specs, so an item equal to one validated earlier in the same parse is
    that spec itself (fleets repeat the same consumers on every repository). A list with any new item, or any
    item that is not plain data, is validated whole, as without this validator: errors keep their paths.
    """
    token = object()

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        memos = _MEMO.get()
        if memos is None or not isinstance(value, list):
            return handler(value)
        specs, lists = memos.setdefault(token, ({}, {}))
        # One list object given for many repositories (a YAML alias, a variable) is keyed once: `lists` holds
        # the list itself, so that its id stays its own while the validation lasts.
        seen = lists.get(id(value))
        keys = seen[1] if seen is not None and seen[0] is value else [_data_key(item) for item in value]
        lists[id(value)] = (value, keys)
        if all(key is not None and key in specs for key in keys):
            return [specs[key] for key in keys]
        validated = handler(value)
        return [item if key is None else specs.setdefault(key, item) for key, item in zip(keys, validated, strict=True)]

    return WrapValidator(validate)


def refuse(violations: Iterable[Violation]) -> None:
    """Raise every violation a validator found, at once; their fields are relative to the validated value."""
    found = list(violations)
    if found:
        # pydantic keeps a ValueError raised in a validator as the error's context, under the value's path.
        raise SpecError("", found)


def listed_twice(values: Iterable[Any]) -> list[Any]:
    """The values that appear more than once, sorted (strings only: Outputs cannot be compared yet)."""
    seen: set[Any] = set()
    twice: set[Any] = set()
    for value in values:
        if isinstance(value, str):
            (twice if value in seen else seen).add(value)
    return sorted(twice)


def violations_of(model: type[BaseModel], error: ValidationError) -> list[Violation]:
    """Every problem in a ValidationError of `model`, as violations with paths from the model's root."""
    out: list[Violation] = []
    for item in error.errors(include_url=False):
        where = format_loc(model, item["loc"])
        inner = (item.get("ctx") or {}).get("error")
        if isinstance(inner, SpecError):
            out += [v.under(where) for v in inner.violations]
        else:
            out.append(_pydantic_violation(model, item).under(where))
    return out


def format_loc(root: type[BaseModel], loc: Sequence[str | int]) -> str:
    """Render a pydantic location as `repositories[0].consumers[1].account_id`."""
    out = ""
    models = [root]
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        tagged = [m for m in models if _tag(m) == part]
        if tagged:
            # pydantic inserts the union tag into the path; it says nothing to a user.
            models = tagged
            continue
        models = _field_models(models, part)
        out += f".{part}" if out else part
    return out


# pydantic's error types, grouped by the code they are reported with.
_TYPE_ERRORS = ("_type", "_parsing")
_CHOICE_ERRORS = {"literal_error", "enum", "union_tag_invalid", "union_tag_not_found"}
_RANGE_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_long",
    "too_short",
    "string_too_long",
    "string_too_short",
}


def _pydantic_violation(model: type[BaseModel], item: ErrorDetails) -> Violation:
    """One of pydantic's own errors, with its code and a fix; the field is filled in by the caller."""
    kind, value, loc = item["type"], item.get("input"), item["loc"]
    if kind == "missing":
        return Violation("", value, item["msg"], "add this field", "ESS001")
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, value)
    if kind.startswith("union_tag"):
        tags = ", ".join(_tags(_models_at(model, loc)))
        return Violation("", value, item["msg"], f"set `kind` to one of: {tags}", "ESS004")
    if kind in _CHOICE_ERRORS:
        return Violation("", value, item["msg"], "", "ESS004")
    if kind == "string_type":
        return Violation("", value, item["msg"], "write it as a quoted string", "ESS003")
    if kind.endswith(_TYPE_ERRORS):
        return Violation("", value, item["msg"], "", "ESS003")
    if kind in _RANGE_ERRORS:
        return Violation("", value, item["msg"], "", "ESS005")
    return Violation("", value, item["msg"], "", "ESS009")


def _unknown_field(model: type[BaseModel], loc: tuple[str | int, ...], value: Any) -> Violation:
    key = str(loc[-1])
    known = sorted({name for m in _models_at(model, loc[:-1]) for name in m.model_fields})
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        fix = f"did you mean `{close[0]}`? Rename it, or remove it"
    else:
        fix = f"remove it; the fields here are: {', '.join(known)}"
    return Violation("", value, "unknown field", fix, "ESS002")


def _models_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[type[BaseModel]]:
    """The spec classes a value at `loc` (a pydantic location) may be: one, or a union's members."""
    models = [root]
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: its models are already the list's
        tagged = [m for m in models if _tag(m) == part]
        models = tagged or _field_models(models, part)
    return models


def _field_models(models: list[type[BaseModel]], name: str) -> list[type[BaseModel]]:
    """The spec classes the field `name` of any of `models` may hold."""
    return [found for m in models if name in m.model_fields for found in _models_in(m.model_fields[name].annotation)]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _tag(model: type[BaseModel]) -> str | None:
    """The `kind` a member of a tagged union is chosen by, if it is one."""
    field = model.model_fields.get("kind")
    return field.default if field is not None and isinstance(field.default, str) else None


def _tags(models: Iterable[type[BaseModel]]) -> list[str]:
    return [tag for m in models if (tag := _tag(m))]
