"""Calls to the provider as the engine makes them, and the same components run in process under mocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

import grpc
import pulumi
from fake_engine import PROJECT, STACK, STACK_URN, FakeMonitor, serve
from google.protobuf import struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, resource_pb2_grpc

from ecr_shared_services import (
    PullerPolicy,
    PullerPolicyArgsDict,
    PullerRole,
    PullerRoleArgsDict,
    SharedRegistry,
    SharedRegistryArgsDict,
)
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.plan.registration import Registration

CALL = 60.0
REGISTRY_TYPE = "ecr-shared-services:index:SharedRegistry"
PULLER_TYPE = "ecr-shared-services:index:PullerRole"
POLICY_TYPE = "ecr-shared-services:index:PullerPolicy"


def snake(value: Any) -> Any:
    """Schema (camelCase) input → the Python API's snake_case keys; a raw lifecycle document stays as written."""
    if isinstance(value, dict):
        return {
            re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower(): item if key == "raw" else snake(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [snake(item) for item in value]
    return value


def construct(
    provider: provider_pb2_grpc.ResourceProviderStub, monitor: str, type_token: str, name: str, inputs: dict[str, Any]
) -> provider_pb2.ConstructResponse:
    """Construct as the engine asks for a component a program declared in another language."""
    struct = struct_pb2.Struct()
    struct.update(inputs)  # numbers become doubles, as on the wire from any language
    request = provider_pb2.ConstructRequest(
        project=PROJECT,
        stack=STACK,
        organization="organization",
        parallel=4,
        monitorEndpoint=monitor,
        type=type_token,
        name=name,
        parent=STACK_URN,
        inputs=struct,
    )
    response: provider_pb2.ConstructResponse = provider.Construct(request, timeout=CALL)
    return response


class Monitor:
    """A fake resource monitor on its own port for one test."""

    def __init__(self, mocks: AwsMocks) -> None:
        self.fake = FakeMonitor(mocks)
        self.server, self.address = serve(self.fake, resource_pb2_grpc.add_ResourceMonitorServicer_to_server)

    @property
    def registrations(self) -> list[Registration]:
        return self.fake.monitor.registrations

    def close(self) -> None:
        self.server.stop(grace=None)


def running_monitor(mocks: AwsMocks) -> Iterator[Monitor]:
    monitor = Monitor(mocks)
    try:
        yield monitor
    finally:
        monitor.close()


OUTPUTS = {
    REGISTRY_TYPE: {
        "repositories": "repositories",
        "registryId": "registry_id",
        "grants": "grants",
        "policies": "policies",
    },
    PULLER_TYPE: {
        "roleArn": "role_arn",
        "roleName": "role_name",
        "policy": "policy",
        "instanceProfileArn": "instance_profile_arn",
        "policies": "policies",
    },
    POLICY_TYPE: {"roleArn": "role_arn", "roleName": "role_name", "policy": "policy", "policies": "policies"},
}


def _component(type_token: str, name: str, args: dict[str, Any]) -> SharedRegistry | PullerRole | PullerPolicy:
    """The Python component of `type_token`, given the same plain dict the provider hands it: only the run-time
    checks judge it."""
    if type_token == REGISTRY_TYPE:
        return SharedRegistry(name, cast(SharedRegistryArgsDict, args))
    if type_token == PULLER_TYPE:
        return PullerRole(name, cast(PullerRoleArgsDict, args))
    return PullerPolicy(name, cast(PullerPolicyArgsDict, args))


def in_process(type_token: str, name: str, args: dict[str, Any], mocks: AwsMocks) -> MockRun:
    """What the Python component registers for the same input under Pulumi's mocks, its outputs exported
    under their schema names."""

    def program() -> None:
        component = _component(type_token, name, args)
        for schema_name, attribute in OUTPUTS[type_token].items():
            value = getattr(component, attribute)
            if value is not None:  # the provider host leaves an output that is None out of the state
                pulumi.export(schema_name, value)

    run = run_under_mocks(program, mocks)
    if run.error:
        raise run.error
    return run


def identity(registrations: list[Registration]) -> list[dict[str, Any]]:
    """What must match between the two: URN, type, name, parent, inputs and delete behaviour, by URN."""
    keys = ("urn", "type", "name", "parent", "custom", "inputs", "retain_on_delete", "protect")
    return [{key: getattr(r, key) for key in keys} for r in sorted(registrations, key=lambda r: r.urn)]


def rejected(provider: provider_pb2_grpc.ResourceProviderStub, monitor: Monitor, type_token: str, inputs: Any) -> str:
    """The error text of a Construct that must fail before the component registers anything."""
    try:
        construct(provider, monitor.address, type_token, "rejected", inputs)
    except grpc.RpcError as error:
        assert monitor.registrations == [], "a rejected input registered resources"
        return str(error.details())
    raise AssertionError(f"Construct accepted {inputs!r}")
