"""Puts the pack folder on sys.path, as the engine does when it runs the pack; starts the shared analyzer."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACK_DIR = HERE.parents[1] / "policy-packs" / "ecr-guardrails"

for entry in (PACK_DIR, HERE):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))


import pytest  # noqa: E402  (the paths above must be set first)
from pulumi.runtime.proto import analyzer_pb2_grpc  # noqa: E402


@pytest.fixture(scope="session")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """One running analyzer per pytest worker, shared by every wire test (each test configures it)."""
    from guardrail_wire import run_analyzer

    yield from run_analyzer()
