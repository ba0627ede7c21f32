"""The provider's argument classes describe the specs' shapes: the same keys, the same required keys, and
enums with the values the specs' Literals allow. The rules themselves live only in the specs."""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from ecr_shared_services.aws.actions import AccessLevel as SpecAccessLevel
from ecr_shared_services.errors import SpecError
from ecr_shared_services.provider import enums, puller_args, registry_args
from ecr_shared_services.provider.received import plain, registry_spec
from ecr_shared_services.spec import consumers, puller, registry, repository

CONSUMER_KINDS = (
    consumers.AccountConsumer,
    consumers.RoleConsumer,
    consumers.OrganizationConsumer,
    consumers.LambdaConsumer,
)
# Keys of the provider only, with what they stand for in the spec (see provider/received.py).
PROVIDER_ONLY = {registry_args.Lifecycle: {"enabled"}}

PAIRS: list[tuple[Any, type[BaseModel]]] = [
    (registry_args.SharedRegistryArgs, registry.SharedRegistryArgs),
    (registry_args.Repository, repository.RepositorySpec),
    (registry_args.RepositorySettings, repository.RepositorySettings),
    (registry_args.Lifecycle, repository.LifecycleSpec),
    (puller_args.PullerRoleArgs, puller.PullerRoleArgs),
    (puller_args.PullerPolicyArgs, puller.PullerPolicyArgs),
    (puller_args.Trust, puller.TrustSpec),
    (puller_args.RegistryLocation, puller.RegistryLocation),
]


def _required(model: type[BaseModel]) -> set[str]:
    return {name for name, field in model.model_fields.items() if field.is_required()}


@pytest.mark.parametrize(("provider_class", "spec"), PAIRS, ids=lambda item: getattr(item, "__name__", ""))
def test_same_keys_and_required_keys_as_the_spec(provider_class: Any, spec: type[BaseModel]) -> None:
    keys = set(provider_class.__annotations__) - PROVIDER_ONLY.get(provider_class, set())
    assert keys == set(spec.model_fields)
    assert set(provider_class.__required_keys__) == _required(spec)


def test_one_consumer_class_holds_every_kind() -> None:
    every = set().union(*(kind.model_fields for kind in CONSUMER_KINDS))
    assert set(registry_args.Consumer.__annotations__) == every
    # `kind` is required by the provider: the discriminated union needs it.
    assert set(registry_args.Consumer.__required_keys__) == {"kind"}


def _literal_values(annotation: Any) -> list[str]:
    return list(get_args(annotation))


@pytest.mark.parametrize(
    ("enum", "allowed"),
    [
        (enums.ConsumerKind, [get_args(kind.model_fields["kind"].annotation)[0] for kind in CONSUMER_KINDS]),
        (enums.AccessLevel, _literal_values(SpecAccessLevel)),
        (enums.PrincipalForm, _literal_values(consumers.RoleConsumer.model_fields["principal_form"].annotation)),
        (enums.ImageTagMutability, _literal_values(repository.TagMutability)),
        (enums.Encryption, _literal_values(repository.Encryption)),
        (enums.TrustService, _literal_values(puller.TrustService)),
        (enums.AttachAs, _literal_values(puller.PullerPolicyArgs.model_fields["attach_as"].annotation)),
        (enums.PolicyEncoding, _literal_values(registry.PolicyEncoding)),
    ],
)
def test_enum_values_are_the_specs_literals(enum: type[Enum], allowed: list[str]) -> None:
    assert [member.value for member in enum] == allowed


def test_received_enums_and_whole_floats_become_plain_values() -> None:
    received = {"kind": enums.ConsumerKind.ROLE, "n": 30.0, "half": 2.5, "nested": [{"flag": True, "m": 1.0}]}
    assert plain(received) == {"kind": "role", "n": 30, "half": 2.5, "nested": [{"flag": True, "m": 1}]}
    assert type(plain(received)["n"]) is int
    assert type(plain(received)["kind"]) is str


def test_lifecycle_encodings_map_to_the_specs_none() -> None:
    received = {
        "region": "us-east-1",
        "defaults": {"lifecycle": {"enabled": False}},
        "repositories": [
            {"name": "a1", "private": True},
            {"name": "b1", "private": True, "lifecycle": {"keep_last_tagged": 0.0, "expire_untagged_after_days": 7.0}},
            {"name": "c1", "private": True, "lifecycle": {"expire_untagged_after_days": 0.0, "keep_last_tagged": 5.0}},
            {"name": "d1", "private": True, "lifecycle": {"expire_tagged_after_days": 0.0}},
        ],
    }
    spec = registry_spec(received)
    assert spec.defaults.lifecycle is None
    assert spec.repositories[0].settings(spec.defaults).lifecycle is None
    lifecycle = spec.repositories[1].settings(spec.defaults).lifecycle
    assert lifecycle is not None
    assert (lifecycle.keep_last_tagged, lifecycle.expire_untagged_after_days) == (None, 7)
    untagged_off = spec.repositories[2].settings(spec.defaults).lifecycle
    assert untagged_off is not None
    assert (untagged_off.expire_untagged_after_days, untagged_off.keep_last_tagged) == (None, 5)
    tagged_off = spec.repositories[3].settings(spec.defaults).lifecycle
    assert tagged_off is not None
    assert (tagged_off.expire_tagged_after_days, tagged_off.expire_untagged_after_days) == (None, 14)
    # Every rule a 0 stands for is None, so a lifecycle of nothing but 0s is the spec's own error.
    all_off = {"expire_untagged_after_days": 0.0, "keep_last_tagged": 0.0, "expire_tagged_after_days": 0.0}
    with pytest.raises(SpecError) as nothing_left:
        registry_spec({**received, "repositories": [{"name": "e1", "private": True, "lifecycle": all_off}]})
    assert [v.code for v in nothing_left.value.violations] == ["ESS212"]
