"""From what a component provider receives to what the specs validate.

The provider host hands a component a plain dict keyed by the Python names of the argument classes (so
already the specs' snake_case names), with enum members for enum inputs and, since every number crosses the
wire as a float, floats for integers. Two wire encodings are the provider's own: a lifecycle rule of 0 is
off (a schema input cannot be null) and `lifecycle.enabled: false` means no lifecycle policy. An Output
where the schema asks for a plain value (a secret, or another resource's value sent past the SDK's types)
cannot be checked, so it fails first, as a SpecError naming each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import pulumi

from ecr_shared_services.errors import SpecError, Violation
from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs
from ecr_shared_services.spec.registry import SharedRegistryArgs

_LIFECYCLE_RULES = ("expire_untagged_after_days", "keep_last_tagged", "expire_tagged_after_days")
# The inputs whose items (or, for the boundary and PullerPolicy's role, the value) may be Outputs; the schema
# leaves them non-plain. No other input of any component has one of these names.
_OUTPUT_ITEMS = ("role_arns", "deployer_role_arns", "repository_arns")
_OUTPUT_VALUES = ("permissions_boundary", "role")
AN_OUTPUT = "an output"


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


def _output(path: str) -> Violation:
    return Violation(
        path,
        AN_OUTPUT,
        "this input must be a plain value, known before anything is created (it is checked then)",
        "pass the value itself (not a secret); only role_arns, deployer_role_arns, repository_arns, "
        "permissions_boundary and PullerPolicy's role take outputs",
    )


def outputs_where_plain(value: Any, path: str = "") -> list[Violation]:
    """A violation for each Output in `value` at a place whose input is plain in the schema."""
    if isinstance(value, pulumi.Output):
        return [_output(path)]
    found: list[Violation] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in _OUTPUT_VALUES or (key in _OUTPUT_ITEMS and isinstance(item, list)):
                continue  # Outputs are welcome here (as the list's items)
            found += outputs_where_plain(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += outputs_where_plain(item, f"{path}[{index}]")
    return found


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


def _validated(
    spec: type[SharedRegistryArgs] | type[PullerRoleArgs] | type[PullerPolicyArgs], data: Any, problems: list[Violation]
) -> Any:
    """The spec for `data`, or one SpecError with the provider's problems and the spec's together."""
    try:
        result = spec.parse(data)
    except SpecError as error:
        raise SpecError(error.subject, [*problems, *error.violations]) from None
    if problems:
        raise SpecError(spec.__name__, problems)
    return result


def _known(subject: str, data: Any) -> Any:
    """`data`, or SpecError naming every Output where a plain value is needed: the specs cannot check those."""
    outputs = outputs_where_plain(data)
    if outputs:
        raise SpecError(subject, outputs)
    return data


def registry_spec(received: Mapping[str, Any]) -> SharedRegistryArgs:
    """The validated SharedRegistryArgs for the inputs a provider received (SpecError when invalid)."""
    data = _known("SharedRegistryArgs", plain(received))
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
    result: PullerRoleArgs = _validated(PullerRoleArgs, _known("PullerRoleArgs", plain(received)), [])
    return result


def policy_spec(received: Mapping[str, Any]) -> PullerPolicyArgs:
    """The validated PullerPolicyArgs for the inputs a provider received (SpecError when invalid)."""
    result: PullerPolicyArgs = _validated(PullerPolicyArgs, _known("PullerPolicyArgs", plain(received)), [])
    return result
