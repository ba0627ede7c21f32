"""The provider as Pulumi runs a Python plugin: `python <plugin dir> <engine address>` runs its __main__.py,
which prints its port.

The process is killed by a finalizer whatever the test did, and every wait has a timeout.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2_grpc

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from fake_engine import FakeEngine, serve  # noqa: E402

ROOT = HERE.parents[1]
WAIT = 30.0


def _first_line(process: subprocess.Popen[str]) -> str:
    """The provider's first stdout line, or TimeoutError when none comes within WAIT seconds."""
    assert process.stdout is not None
    with ThreadPoolExecutor(max_workers=1) as pool:
        line = pool.submit(process.stdout.readline)
        try:
            return line.result(timeout=WAIT)
        except TimeoutError:
            process.kill()  # unblocks the reader: its pipe closes
            raise


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEngine]:
    fake = FakeEngine()
    server, address = serve(fake, engine_pb2_grpc.add_EngineServicer_to_server)
    fake.address = address
    yield fake
    server.stop(grace=None)


@pytest.fixture(scope="module")
def provider(engine: FakeEngine) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT), engine.address],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process)
        if not line.strip().isdigit():
            process.kill()
            raise RuntimeError(f"the provider printed {line!r}, not a port; stderr: {process.communicate()[1]}")
        channel = grpc.insecure_channel(f"127.0.0.1:{line.strip()}")
        grpc.channel_ready_future(channel).result(timeout=WAIT)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        process.kill()
        process.communicate(timeout=WAIT)
