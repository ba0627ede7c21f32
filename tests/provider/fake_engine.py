"""The engine's side of a component provider's Construct, in process: an engine that takes logs and a
resource monitor that answers like AWS would (ecr_shared_services.plan.mocks), recording what it is asked."""

from __future__ import annotations

import threading
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc

from ecr_shared_services.plan.mocks import AwsMocks, RecordingMonitor

PROJECT = "project"
STACK = "stack"
# The stack's URN in the Python runs under mocks (plan/mock_runtime.py), so that URNs compare equal.
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """Keeps the log messages the provider sends (warnings and errors of the component)."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.address = ""

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        self.messages.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=STACK_URN)

    def SetRootResource(self, request: Any, context: Any) -> engine_pb2.SetRootResourceResponse:
        return engine_pb2.SetRootResourceResponse()


class FixedStackMonitor(RecordingMonitor):
    """The recording mock monitor with URNs of a fixed project and stack (not read from this process's runtime)."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent:
            type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


class FakeMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The resource monitor over gRPC, one call at a time (the mock monitor keeps plain dicts)."""

    def __init__(self, mocks: AwsMocks) -> None:
        self.monitor = FixedStackMonitor(mocks)
        self.outputs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _call(self, method: str, request: Any) -> Any:
        with self._lock:
            return getattr(self.monitor, method)(request)

    def SupportsFeature(self, request: Any, context: Any) -> resource_pb2.SupportsFeatureResponse:
        return resource_pb2.SupportsFeatureResponse(hasSupport=self._call("SupportsFeature", request).hasSupport)

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:
        return self._call("GetDeploymentInfo", request)

    def Invoke(self, request: Any, context: Any) -> Any:
        return self._call("Invoke", request)

    def RegisterResource(self, request: Any, context: Any) -> Any:
        return self._call("RegisterResource", request)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
        self.outputs[request.urn] = request.outputs
        return self._call("RegisterResourceOutputs", request)

    def RegisterPackage(self, request: Any, context: Any) -> Any:
        return self._call("RegisterPackage", request)

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:
        return self._call("SignalAndWaitForShutdown", request)


def serve(servicer: Any, add: Any) -> tuple[grpc.Server, str]:
    """Start `servicer` on a free port of 127.0.0.1; the address to give the provider."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"
