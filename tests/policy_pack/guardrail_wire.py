"""The pack's Analyzer over gRPC, started the way the engine starts it: `python -u -m pulumi.policy ADDR PACK`.

One analyzer process serves every wire test of a pytest worker (the `analyzer` fixture in guardrail_fixtures).
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
from ecr_guardrails.catalog import RULES
from google.protobuf import struct_pb2
from guardrail_paths import PACK_DIR
from guardrail_shapes import urn
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

START_TIMEOUT = 30.0
CALL_TIMEOUT = 15.0


def _read_port(process: subprocess.Popen[bytes]) -> int:
    """The first stdout line is the port the analyzer listens on (what the engine reads)."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    line = b""
    while not line.endswith(b"\n"):
        if not selector.select(timeout=START_TIMEOUT):
            raise TimeoutError("the policy pack did not print its port")
        chunk = os.read(process.stdout.fileno(), 1)
        if not chunk:
            raise RuntimeError(f"the policy pack exited: {process.stderr.read() if process.stderr else b''!r}")
        line += chunk
    return int(line.strip())


def run_analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PACK_DIR)],
        cwd=PACK_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        port = _read_port(process)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=START_TIMEOUT)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait(timeout=START_TIMEOUT)


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(values)
    return out


def configure(
    stub: analyzer_pb2_grpc.AnalyzerStub,
    config: dict[str, dict[str, Any]] | None = None,
    levels: dict[str, analyzer_pb2.EnforcementLevel.ValueType] | None = None,
) -> None:
    """Configure replaces the whole config, as the engine sends it once per run."""
    policy_config = {}
    for rule in RULES:
        level = (levels or {}).get(
            rule.name, analyzer_pb2.MANDATORY if rule.level == "mandatory" else analyzer_pb2.ADVISORY
        )
        policy_config[rule.name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=level, properties=struct((config or {}).get(rule.name, {}))
        )
    stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config), timeout=CALL_TIMEOUT)


def analyze(
    stub: analyzer_pb2_grpc.AnalyzerStub,
    kind: str,
    name: str,
    props: dict[str, Any],
) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    request = analyzer_pb2.AnalyzeRequest(type=kind, name=name, urn=urn(kind, name), properties=struct(props))
    return list(stub.Analyze(request, timeout=CALL_TIMEOUT).diagnostics)
