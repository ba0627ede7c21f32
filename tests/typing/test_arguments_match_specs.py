"""The TypedDicts of ecr_shared_services.arguments describe exactly the shapes the pydantic specs accept.

Walked from SharedRegistryArgs, PullerRoleArgs and PullerPolicyArgs down through every nested spec: the same
keys, the same required keys (plus the discriminator, which a union of consumers needs even though each spec
defaults it), and the same Literal values for kinds and enums.
"""

from typing import Annotated, Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo
from typing_extensions import NotRequired, TypedDict, is_typeddict

import ecr_shared_services
from ecr_shared_services import (
    PullerPolicyArgs,
    PullerPolicyArgsDict,
    PullerRoleArgs,
    PullerRoleArgsDict,
    SharedRegistryArgs,
    SharedRegistryArgsDict,
)
from ecr_shared_services.arguments import RoleConsumerArgsDict, TrustArgsDict
from ecr_shared_services.spec.consumers import RoleConsumer
from ecr_shared_services.spec.puller import TrustSpec


def _models_in(annotation: Any) -> tuple[set[type[BaseModel]], str | None]:
    """The spec classes inside a field's annotation, and the discriminator of their union, if any."""
    found: set[type[BaseModel]] = set()
    discriminators: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, type) and issubclass(node, BaseModel):
            found.add(node)
        elif get_origin(node) is Annotated:
            base, *metadata = get_args(node)
            discriminators.extend(
                m.discriminator for m in metadata if isinstance(m, FieldInfo) and isinstance(m.discriminator, str)
            )
            walk(base)
        elif get_origin(node) is not Literal:
            for arg in get_args(node):
                walk(arg)

    walk(annotation)
    return found, (discriminators[0] if discriminators else None)


def _dicts_in(annotation: Any) -> set[Any]:
    if is_typeddict(annotation):
        return {annotation}
    if get_origin(annotation) is Literal:
        return set()
    return set().union(*(_dicts_in(arg) for arg in get_args(annotation)))


def _literals(annotation: Any) -> set[Any]:
    if get_origin(annotation) is Literal:
        return set(get_args(annotation))
    if get_origin(annotation) is Annotated:
        return _literals(get_args(annotation)[0])
    return set().union(*(_literals(arg) for arg in get_args(annotation)))


def _keys(typed: Any) -> dict[str, Any]:
    """Key → annotation, as written (NotRequired kept, pulumi.Input left a forward reference)."""
    annotations: dict[str, Any] = typed.__annotations__
    return annotations


def _pairs(model_annotation: Any, dict_annotation: Any, where: str) -> tuple[list[tuple[Any, Any, str | None]], str]:
    """Each nested spec with its TypedDict (by the discriminator's value for a union), or what does not match."""
    models, discriminator = _models_in(model_annotation)
    dicts = _dicts_in(dict_annotation)
    names = sorted(m.__name__ for m in models), sorted(d.__name__ for d in dicts)
    if len(models) != len(dicts):
        return [], f"{where}: the spec nests {names[0]}, the TypedDict {names[1]}"
    if len(models) == 1:
        return [(models.pop(), dicts.pop(), None)], ""
    by_kind = {frozenset(_literals(_keys(d).get(discriminator or ""))): d for d in dicts}
    pairs = [(m, by_kind.get(frozenset({m.model_fields[discriminator or ""].default})), discriminator) for m in models]
    if any(d is None for _, d, _ in pairs):
        return [], f"{where}: the union's {discriminator!r} values differ: {names}"
    return pairs, ""


def differences(model: type[BaseModel], typed: Any, where: str = "", discriminator: str | None = None) -> list[str]:
    """Every way `typed` does not describe `model`, recursively; empty when it describes it exactly."""
    where = where or model.__name__
    fields = {field.alias or name: field for name, field in model.model_fields.items()}
    keys = _keys(typed)
    found = [f"{where}.{k}: in {model.__name__}, not in {typed.__name__}" for k in sorted(fields.keys() - keys.keys())]
    found += [f"{where}.{k}: in {typed.__name__}, not in {model.__name__}" for k in sorted(keys.keys() - fields.keys())]
    required = {k for k, field in fields.items() if field.is_required()} | ({discriminator} if discriminator else set())
    if required != set(typed.__required_keys__):
        found.append(f"{where}: required {sorted(required)} in the spec, {sorted(typed.__required_keys__)} here")
    for key in sorted(fields.keys() & keys.keys()):
        model_type, dict_type = fields[key].annotation, keys[key]
        if _literals(model_type) != _literals(dict_type):
            found.append(f"{where}.{key}: values {_literals(model_type)} in the spec, {_literals(dict_type)} here")
        pairs, mismatch = _pairs(model_type, dict_type, f"{where}.{key}")
        found += [mismatch] if mismatch else []
        for nested_model, nested_dict, kind in pairs:
            found += differences(nested_model, nested_dict, f"{where}.{key}<{nested_model.__name__}>", kind)
    return found


def _reached(model: type[BaseModel], typed: Any) -> set[Any]:
    """Every TypedDict met on the walk down from (model, typed)."""
    seen = {typed}
    keys = _keys(typed)
    for key, field in model.model_fields.items():
        for nested_model, nested_dict, _ in _pairs(field.annotation, keys.get(key), key)[0]:
            seen |= _reached(nested_model, nested_dict)
    return seen


# The components' arguments, each with the TypedDict that describes it.
ROOTS: list[tuple[type[BaseModel], Any]] = [
    (SharedRegistryArgs, SharedRegistryArgsDict),
    (PullerRoleArgs, PullerRoleArgsDict),
    (PullerPolicyArgs, PullerPolicyArgsDict),
]


@pytest.mark.parametrize(("model", "typed"), ROOTS, ids=lambda item: getattr(item, "__name__", ""))
def test_typed_dicts_describe_the_specs_exactly(model: type[BaseModel], typed: Any) -> None:
    assert differences(model, typed) == []


def test_every_nested_typed_dict_is_reached_and_exported() -> None:
    reached = set().union(*(_reached(model, typed) for model, typed in ROOTS))
    exported = {name for name in ecr_shared_services.__all__ if name.endswith("ArgsDict")}
    # ConsumerArgsDict names the union of the four consumer kinds, each of them reached on its own.
    assert {d.__name__ for d in reached} | {"ConsumerArgsDict"} == exported
    assert all(getattr(ecr_shared_services, d.__name__) is d for d in reached)
    assert len(reached) == 12


def test_a_field_added_to_a_spec_alone_is_found() -> None:
    class TrustWithAudience(TrustSpec):
        audience: str = "sts.amazonaws.com"

    assert differences(TrustWithAudience, TrustArgsDict) == [
        "TrustWithAudience.audience: in TrustWithAudience, not in TrustArgsDict"
    ]


def test_a_key_that_became_required_or_a_changed_enum_is_found() -> None:
    class StrictTrust(TypedDict):
        service: Literal["ecs-tasks", "lambda"]
        oidc_provider_arn: NotRequired[str | None]
        namespace: NotRequired[str | None]
        service_account: NotRequired[str | None]
        cluster_name: NotRequired[str | None]
        cluster_region: NotRequired[str | None]
        github_subjects: NotRequired[list[str]]

    found = differences(TrustSpec, StrictTrust)
    assert found[0] == "TrustSpec: required [] in the spec, ['service'] here"
    assert found[1].startswith("TrustSpec.service: values ")
    assert len(found) == 2


def test_a_nested_difference_names_its_path() -> None:
    class Narrow(TypedDict):
        kind: Literal["role"]
        role_names: NotRequired[list[str]]

    class Holder(BaseModel):
        consumer: RoleConsumer = Field()

    class HolderDict(TypedDict):
        consumer: Narrow

    found = differences(Holder, HolderDict)
    assert "Holder.consumer<RoleConsumer>.role_arns: in RoleConsumer, not in Narrow" in found
    assert "Holder.consumer<RoleConsumer>: required [] in the spec, ['kind'] here" in found
    assert differences(RoleConsumer, RoleConsumerArgsDict, discriminator="kind") == []
