"""Resource reads answered by the plan's mock monitor: a StackReference's state (the referenced stack's outputs)
and any other plain JSON data, turned into protobuf by protobuf's Struct, give exactly the response the SDK's
MockMonitor gives; anything else goes through the SDK's serializer, as there."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2

from ecr_shared_services.plan.mocks import STACK_REFERENCE, AwsMocks, RecordingMonitor

TARGET = "acme/project/registry"
OUTPUTS: dict[str, Any] = {
    "registryId": "987654321098",
    "repositories": {"api": {"name": "api", "arn": "arn:aws:ecr:us-east-1:987654321098:repository/api"}},
    "repositoryPolicies": {"api": '{"Version":"2012-10-17","Statement":[]}'},
    "counts": [1, 2.5, True, None, -(2**40)],
    "empty": {},
}


def request(kind: str = STACK_REFERENCE) -> Any:
    properties = struct_pb2.Struct()
    properties.update({"name": TARGET})
    return resource_pb2.ReadResourceRequest(id=TARGET, type=kind, name="registry", parent="", properties=properties)


def mocks(outputs: dict[str, Any]) -> AwsMocks:
    # Outputs are kept by `project/stack`, the organization left out.
    return AwsMocks("111111111111", "us-east-1", {"project/registry": outputs}, project="project")


def serialized_by_the_sdk(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The states the SDK's serializer (`rpc.serialize_properties`) is given from now on."""
    given: list[Any] = []
    original = rpc.serialize_properties

    def noted(state: Any, *args: Any, **kwargs: Any) -> Any:
        given.append(state)
        return original(state, *args, **kwargs)

    monkeypatch.setattr(rpc, "serialize_properties", noted)
    return given


@pytest.mark.parametrize("kind", [STACK_REFERENCE, "aws:ecr/repository:Repository"])
def test_the_response_is_the_sdk_mock_monitors(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = RecordingMonitor(mocks(OUTPUTS))
    theirs = MockMonitor(mocks(OUTPUTS))
    sdk = theirs.ReadResource(request(kind))  # type: ignore[no-untyped-call]
    sdk_serialized = serialized_by_the_sdk(monkeypatch)
    mine = ours.ReadResource(request(kind))
    assert sdk_serialized == []  # answered by Struct.update, not by the SDK's serializer
    assert mine == sdk
    assert ours.resources == theirs.resources
    [read] = ours.registrations
    assert read.read and read.type == kind
    if kind == STACK_REFERENCE:
        assert read.outputs["outputs"] == OUTPUTS


class Opaque:
    """Not JSON data: Struct.update refuses it, so the SDK's own serializer answers."""

    def __str__(self) -> str:
        return "opaque"


@pytest.mark.parametrize("value", [Opaque(), {1: "a non-string key"}])
def test_anything_but_plain_data_goes_to_the_sdks_serializer(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sdk_serialized = serialized_by_the_sdk(monkeypatch)
    looked_up: list[str] = []
    stack_mocks = mocks({"odd": value})
    original = stack_mocks.referenced_outputs

    def noted(target: str) -> dict[str, Any]:
        looked_up.append(target)
        return original(target)

    monkeypatch.setattr(stack_mocks, "referenced_outputs", noted)
    monitor = RecordingMonitor(stack_mocks)
    # The SDK's serializer may refuse it too: what matters is that it was asked.
    with contextlib.suppress(Exception):
        monitor.ReadResource(request())
    assert len(sdk_serialized) == 1
    assert looked_up == [TARGET]  # the mocks answer once: the serializer is given the same state
