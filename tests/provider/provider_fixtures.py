"""The provider as Pulumi runs a Python plugin: `python <plugin dir> <engine address>` runs its __main__.py,
which prints its port.

The process is killed by a finalizer whatever the test did, and every wait has a timeout.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from fake_engine import FakeEngine, serve
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


def _first_line(process: subprocess.Popen[str]) -> str:
    """The provider's first stdout line, or TimeoutError when none comes within WAIT seconds."""
    assert process.stdout is not None
    pool = futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(process.stdout.readline).result(timeout=WAIT)
    except futures.TimeoutError:  # not the builtin TimeoutError before Python 3.11
        process.kill()  # closes the pipe, which ends the read
        raise
    finally:
        pool.shutdown(wait=False)


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEngine]:
    fake = FakeEngine()
    server, address = serve(fake, engine_pb2_grpc.add_EngineServicer_to_server)
    fake.address = address
    yield fake
    server.stop(grace=None)


@pytest.fixture(scope="module")
def provider(
    engine: FakeEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    # stderr goes to a file: a pipe nobody reads would fill with the tracebacks of rejected inputs and block.
    log = tmp_path_factory.mktemp("provider") / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-u", str(ROOT), engine.address],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = _first_line(process)
        if not line.strip().isdigit():
            process.kill()
            process.wait(timeout=WAIT)
            raise RuntimeError(f"the provider printed {line!r}, not a port; stderr: {log.read_text()}")
        channel = grpc.insecure_channel(f"127.0.0.1:{line.strip()}")
        grpc.channel_ready_future(channel).result(timeout=WAIT)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        process.kill()
        process.communicate(timeout=WAIT)
