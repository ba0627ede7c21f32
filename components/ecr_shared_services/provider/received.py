"""From what a component provider receives to what the specs validate.

The provider host hands a component a plain dict keyed by the Python names of the argument classes (so
already the specs' snake_case names), with enum members for enum inputs and, since every number crosses the
wire as a float, floats for integers. Two wire encodings are the provider's own: a lifecycle rule of 0 is
off (a schema input cannot be null) and `lifecycle.enabled: false` means no lifecycle policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from ecr_shared_services.errors import SpecError, Violation
from ecr_shared_services.spec.puller import PullerRoleArgs
from ecr_shared_services.spec.registry import SharedRegistryArgs

_LIFECYCLE_RULES = ("keep_last_tagged", "expire_untagged_after_days")


def plain(value: Any) -> Any:
    """`value` with enum members replaced by their values and whole floats by ints, at any depth."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _lifecycle(data: dict[str, Any], where: str, problems: list[Violation]) -> dict[str, Any] | None:
    if data.get("enabled", True) is False:
        others = sorted(set(data) - {"enabled"})
        if others:
            problems.append(
                Violation(
                    f"{where}.enabled",
                    False,
                    f"no lifecycle policy is made, so {others} would be ignored",
                    "remove `enabled: false`, or remove the other lifecycle settings",
                )
            )
        return None
    rules = {key: value for key, value in data.items() if key != "enabled"}
    return {key: None if key in _LIFECYCLE_RULES and value == 0 else value for key, value in rules.items()}


def _with_lifecycle(settings: dict[str, Any], where: str, problems: list[Violation]) -> dict[str, Any]:
    if isinstance(settings.get("lifecycle"), dict):
        return {**settings, "lifecycle": _lifecycle(settings["lifecycle"], f"{where}.lifecycle", problems)}
    return settings


def _validated(spec: type[SharedRegistryArgs] | type[PullerRoleArgs], data: Any, problems: list[Violation]) -> Any:
    """The spec for `data`, or one SpecError with the provider's problems and the spec's together."""
    try:
        result = spec.parse(data)
    except SpecError as error:
        raise SpecError(error.subject, [*problems, *error.violations]) from None
    if problems:
        raise SpecError(spec.__name__, problems)
    return result


def registry_spec(received: Mapping[str, Any]) -> SharedRegistryArgs:
    """The validated SharedRegistryArgs for the inputs a provider received (SpecError when invalid)."""
    data = plain(received)
    problems: list[Violation] = []
    if isinstance(data.get("defaults"), dict):
        data["defaults"] = _with_lifecycle(data["defaults"], "defaults", problems)
    if isinstance(data.get("repositories"), list):
        data["repositories"] = [
            _with_lifecycle(repo, f"repositories[{index}]", problems) if isinstance(repo, dict) else repo
            for index, repo in enumerate(data["repositories"])
        ]
    result: SharedRegistryArgs = _validated(SharedRegistryArgs, data, problems)
    return result


def puller_spec(received: Mapping[str, Any]) -> PullerRoleArgs:
    """The validated PullerRoleArgs for the inputs a provider received (SpecError when invalid)."""
    result: PullerRoleArgs = _validated(PullerRoleArgs, plain(received), [])
    return result
