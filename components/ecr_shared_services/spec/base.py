"""The base class of every spec: strict fields, and one SpecError listing every violation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from ecr_shared_services.errors import SpecError


class Spec(BaseModel):
    """A frozen pydantic model whose constructor raises SpecError instead of ValidationError."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise SpecError.from_validation_error(type(self).__name__, error) from None

    @classmethod
    def parse(cls, data: Any) -> Any:
        """Validate plain data (dicts from YAML or stack config) into this spec, raising SpecError."""
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise SpecError.from_validation_error(cls.__name__, error) from None


def rule_error(rule: str, fix: str) -> PydanticCustomError:
    """A field-level error carrying its rule and fix, which SpecError shows apart."""
    return PydanticCustomError("rule", "{rule}", {"rule": rule, "fix": fix})


# (field, value, rule, fix) of one model-level violation.
Problem = tuple[str, Any, str, str]


def raise_if_any(problems: Iterable[Problem]) -> None:
    """Report several model-level problems (field, value, rule, fix) as one error."""
    found = list(problems)
    if found:
        summary = "; ".join(f"{field}: {rule}" for field, _, rule, _ in found)
        raise PydanticCustomError("rules", "{summary}", {"summary": summary, "violations": found})


def listed_twice(values: Iterable[Any]) -> list[Any]:
    """The values that appear more than once, sorted (strings only: Outputs cannot be compared yet)."""
    seen: set[Any] = set()
    twice: set[Any] = set()
    for value in values:
        if isinstance(value, str):
            (twice if value in seen else seen).add(value)
    return sorted(twice)
