"""The pack over gRPC, started the way the engine starts it: `python -u -m pulumi.policy ADDR PACK`."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from ecr_guardrails.catalog import RULES
from google.protobuf import empty_pb2, struct_pb2
from guardrail_paths import PACK_DIR
from guardrail_shapes import APP, PULL, document, pull_policy, repository, repository_policy, role, statement, urn
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

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


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
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


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(values)
    return out


def _configure(
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
            enforcementLevel=level, properties=_struct((config or {}).get(rule.name, {}))
        )
    stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config), timeout=CALL_TIMEOUT)


def _analyze(
    stub: analyzer_pb2_grpc.AnalyzerStub,
    kind: str,
    name: str,
    props: dict[str, Any],
) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    request = analyzer_pb2.AnalyzeRequest(type=kind, name=name, urn=urn(kind, name), properties=_struct(props))
    return list(stub.Analyze(request, timeout=CALL_TIMEOUT).diagnostics)


def test_analyzer_info_lists_every_rule(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    assert info.name == "ecr-guardrails" and info.supportsConfig
    by_name = {p.name: p for p in info.policies}
    assert list(by_name) == [r.name for r in RULES]
    for rule in RULES:
        policy = by_name[rule.name]
        expected = analyzer_pb2.MANDATORY if rule.level == "mandatory" else analyzer_pb2.ADVISORY
        assert policy.enforcementLevel == expected and policy.description == rule.description
        assert set(policy.configSchema.properties) == set(rule.config_schema)
        kind = analyzer_pb2.POLICY_TYPE_STACK if rule.check_stack else analyzer_pb2.POLICY_TYPE_RESOURCE
        assert policy.policy_type == kind


def test_analyze_reports_a_public_repository_policy(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    _configure(analyzer)
    bad = repository_policy(statement("*", PULL, "Open"))
    diagnostics = _analyze(analyzer, bad.type, bad.name, bad.props)
    [diagnostic] = diagnostics
    assert diagnostic.policyName == "ecr-repository-policy-not-public"
    assert diagnostic.policyPackName == "ecr-guardrails"
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert 'Sid "Open"' in diagnostic.message and "Fix:" in diagnostic.message
    assert diagnostic.urn == ""  # resource policies report against the analyzed resource itself


def test_analyze_clean_resources_report_nothing(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    _configure(analyzer)
    for resource in (repository(), repository_policy(), role()):
        assert _analyze(analyzer, resource.type, resource.name, resource.props) == []


def test_configure_sets_rule_config_and_levels(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    stranger = repository_policy(statement({"AWS": "arn:aws:iam::444444444444:root"}, PULL))
    _configure(analyzer)
    assert _analyze(analyzer, stranger.type, stranger.name, stranger.props) == []
    _configure(analyzer, {"ecr-principals-allowed": {"allowedAccountIds": [APP]}})
    [diagnostic] = _analyze(analyzer, stranger.type, stranger.name, stranger.props)
    assert diagnostic.policyName == "ecr-principals-allowed" and "444444444444" in diagnostic.message
    _configure(
        analyzer,
        {"ecr-principals-allowed": {"allowedAccountIds": [APP]}},
        levels={"ecr-principals-allowed": analyzer_pb2.DISABLED},
    )
    assert _analyze(analyzer, stranger.type, stranger.name, stranger.props) == []
    _configure(analyzer, levels={"ecr-force-delete-off": analyzer_pb2.MANDATORY})
    forced = repository(forceDelete=True)
    [diagnostic] = _analyze(analyzer, forced.type, forced.name, forced.props)
    assert diagnostic.policyName == "ecr-force-delete-off" and diagnostic.enforcementLevel == analyzer_pb2.MANDATORY


def test_unknown_values_produce_no_diagnostics(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    _configure(analyzer)
    props = {"repository": UNKNOWN_STRING_VALUE, "policy": UNKNOWN_STRING_VALUE}
    assert _analyze(analyzer, "aws:ecr/repositoryPolicy:RepositoryPolicy", "pending", props) == []
    partly = {
        "name": "r",
        "assumeRolePolicy": json.dumps(
            document({"Effect": "Allow", "Principal": {"AWS": UNKNOWN_STRING_VALUE}, "Action": "sts:AssumeRole"})
        ),
    }
    assert _analyze(analyzer, "aws:iam/role:Role", "pending-role", partly) == []


def test_analyze_stack_reports_against_the_resource_urn(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    _configure(analyzer)
    repo = repository()
    pull_only = document({"Effect": "Allow", "Action": PULL, "Resource": "arn:aws:ecr:us-east-1:1:repository/x"})
    the_role = role()
    resources = [
        analyzer_pb2.AnalyzerResource(type=repo.type, name=repo.name, urn=repo.urn, properties=_struct(repo.props)),
        analyzer_pb2.AnalyzerResource(
            type=the_role.type, name=the_role.name, urn=the_role.urn, properties=_struct(the_role.props)
        ),
        analyzer_pb2.AnalyzerResource(
            type="aws:iam/rolePolicy:RolePolicy",
            name="pull",
            urn=urn("aws:iam/rolePolicy:RolePolicy", "pull"),
            properties=_struct({"role": UNKNOWN_STRING_VALUE, "policy": json.dumps(pull_only)}),
            propertyDependencies={"role": analyzer_pb2.AnalyzerPropertyDependencies(urns=[the_role.urn])},
        ),
    ]
    response = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources), timeout=CALL_TIMEOUT)
    found = {(d.policyName, d.urn, d.enforcementLevel) for d in response.diagnostics}
    assert found == {
        ("ecr-lifecycle-policy-present", repo.urn, analyzer_pb2.MANDATORY),
        ("ecr-puller-has-authorization-token", the_role.urn, analyzer_pb2.MANDATORY),
    }
    fixed = [
        *resources[:2],
        analyzer_pb2.AnalyzerResource(
            type="aws:iam/rolePolicy:RolePolicy",
            name="pull",
            urn=urn("aws:iam/rolePolicy:RolePolicy", "pull"),
            properties=_struct({"role": "payments-task", "policy": json.dumps(pull_policy())}),
        ),
    ]
    response = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=fixed), timeout=CALL_TIMEOUT)
    assert {d.policyName for d in response.diagnostics} == {"ecr-lifecycle-policy-present"}
