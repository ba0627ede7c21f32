"""The one place that touches Pulumi SDK internals the mock runtime needs and the SDK does not export.

The offline plan runs a program in-process under `set_mocks`, which the SDK supports for unit tests
but not for running whole stack programs repeatedly. Doing that needs six private pieces: resetting
the runtime's module-level state, running a program function the way the language host does, awaiting
a coroutine from synchronous code, decoding a resource request's protobuf properties, seeing which
config keys a program asks for, not taking the Python stack of every registration, and answering a
resource read with plain data as the engine would. If an SDK
upgrade moves any of them, `check_sdk_internals()` (run by the tests) names the missing piece.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from google.protobuf import struct_pb2
from pulumi.runtime import config, resource, rpc, settings
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")

# (module, attribute) pairs this module relies on; checked by `check_sdk_internals`.
REQUIRED: tuple[tuple[str, str], ...] = (
    ("pulumi.runtime.settings", "ROOT"),
    ("pulumi.runtime.settings", "SETTINGS"),
    ("pulumi.runtime.stack", "run_pulumi_func"),
    ("pulumi.runtime.sync_await", "_sync_await"),
    ("pulumi.runtime.rpc", "deserialize_properties"),
    ("pulumi.runtime.config", "CONFIG"),
    ("pulumi.runtime.resource", "_get_stack_trace"),
    ("pulumi.runtime.proto.resource_pb2", "ReadResourceResponse"),
)


def check_sdk_internals() -> list[str]:
    """The SDK internals this adapter needs that the installed SDK lacks (empty when all are there)."""
    import importlib

    missing = [f"{module}.{name}" for module, name in REQUIRED if not hasattr(importlib.import_module(module), name)]
    state = getattr(settings, "SETTINGS", None)
    for attr in ("rpc_manager", "outputs"):
        if state is not None and not hasattr(state, attr):
            missing.append(f"pulumi.runtime.settings.SETTINGS.{attr}")
    return missing


def reset_runtime() -> None:
    """Forget the root resource, pending RPCs and outputs an earlier run left in this process."""
    settings.ROOT.set(None)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()


def run_program(main: Callable[[], Awaitable[None]]) -> None:
    """Run `main` as the language host runs a stack program, waiting for every RPC it starts."""
    _sync_await(run_pulumi_func(main))


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def without_stack_traces() -> Iterator[None]:
    """Register resources without the Python stack the SDK takes for each one.

    The SDK sends the engine each registration's stack trace and source position, for its diagnostics; the
    mock monitor ignores both, and taking them was an eighth of a large registry's run (1.2 s of 10 s for
    3,000 resources: a frame summary and a file URI for each of about 28 frames). With an empty trace the SDK
    sends no source position, as it does when it finds no caller.
    """
    taken = resource._get_stack_trace
    resource._get_stack_trace = _no_stack_trace
    try:
        yield
    finally:
        resource._get_stack_trace = taken


def sync_await(awaitable: Coroutine[Any, Any, T]) -> T:
    """Await from synchronous code on the runtime's event loop."""
    result: T = _sync_await(awaitable)
    return result


def deserialize_properties(struct: Any) -> dict[str, Any]:
    """A resource request's protobuf properties as plain Python values.

    Decoded on the runtime's event loop: resource references among them become Outputs bound to it."""

    async def decode() -> dict[str, Any]:
        return dict(rpc.deserialize_properties(struct))

    return sync_await(decode())


class _AskedConfig(dict[str, Any]):
    """The program's config, noting every key looked up in it (the SDK asks `key in config` first)."""

    def __init__(self, values: dict[str, str], asked: set[str]) -> None:
        super().__init__(values)
        self.asked = asked

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)


def set_config_noting_reads(values: dict[str, str]) -> set[str]:
    """Set the program's config, as `set_all_config` does; the returned set fills with every key it asks for."""
    asked: set[str] = set()
    config.set_all_config({}, [])
    config.CONFIG.set(_AskedConfig(values, asked))
    return asked


def read_response(urn: str, state: dict[str, Any]) -> Any:
    """The monitor's answer to a resource read of `state`, as MockMonitor.ReadResource gives it. Plain JSON
    data (strings, numbers, booleans, None, lists, mappings with string keys) is turned into the protobuf
    Struct `rpc.serialize_properties` makes of it by protobuf's own Struct.update, without the SDK's await per
    value (a registry's outputs read by a StackReference: 8 ms instead of 37 ms); anything else goes through
    the SDK's serializer."""
    properties = struct_pb2.Struct()
    try:
        properties.update(state)
    except (ValueError, TypeError):
        properties = _sync_await(rpc.serialize_properties(state, {}))
    return resource_pb2.ReadResourceResponse(urn=urn, properties=properties)
