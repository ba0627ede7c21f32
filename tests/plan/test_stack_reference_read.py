"""A StackReference read answered by the plan's mock monitor: the referenced stack's outputs, plain JSON data,
turned into protobuf by protobuf's Struct, give exactly the response the SDK's MockMonitor gives."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from google.protobuf import struct_pb2
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


def request() -> Any:
    properties = struct_pb2.Struct()
    properties.update({"name": TARGET})
    return resource_pb2.ReadResourceRequest(
        id=TARGET, type=STACK_REFERENCE, name="registry", parent="", properties=properties
    )


def mocks(outputs: dict[str, Any]) -> AwsMocks:
    # Outputs are kept by `project/stack`, the organization left out.
    return AwsMocks("111111111111", "us-east-1", {"project/registry": outputs}, project="project")


def reads_by_the_sdk(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The reads the SDK's MockMonitor.ReadResource (and so its serializer) answers from now on."""
    reads: list[Any] = []
    original = MockMonitor.ReadResource

    def noted(self: MockMonitor, req: Any) -> Any:
        reads.append(req)
        return original(self, req)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(MockMonitor, "ReadResource", noted)
    return reads


def test_the_response_is_the_sdk_mock_monitors(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = RecordingMonitor(mocks(OUTPUTS))
    theirs = MockMonitor(mocks(OUTPUTS))
    sdk = theirs.ReadResource(request())  # type: ignore[no-untyped-call]
    sdk_reads = reads_by_the_sdk(monkeypatch)
    mine = ours.ReadResource(request())
    assert sdk_reads == []  # answered by Struct.update, not by the SDK's serializer
    assert mine == sdk
    assert ours.resources == theirs.resources
    [read] = ours.registrations
    assert read.read and read.outputs["outputs"] == OUTPUTS


class Opaque:
    """Not JSON data: Struct.update refuses it, so the SDK's own serializer answers."""

    def __str__(self) -> str:
        return "opaque"


@pytest.mark.parametrize("value", [Opaque(), {1: "a non-string key"}])
def test_anything_but_plain_data_goes_to_the_sdks_serializer(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sdk_reads = reads_by_the_sdk(monkeypatch)
    monitor = RecordingMonitor(mocks({"odd": value}))
    # The SDK's serializer may refuse it too: what matters is that it was asked.
    with contextlib.suppress(Exception):
        monitor.ReadResource(request())
    assert len(sdk_reads) == 1
