"""The shared analyzer: one running policy pack per pytest worker.

The pack folder is an import root (pytest's `pythonpath`), as it is when the engine runs the pack.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.runtime.proto import analyzer_pb2_grpc


@pytest.fixture(scope="session")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """One running analyzer per pytest worker, shared by every wire test (each test configures it)."""
    from guardrail_wire import run_analyzer

    yield from run_analyzer()
