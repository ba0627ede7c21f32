"""The pack over gRPC, started the way the engine starts it: `python -u -m pulumi.policy ADDR PACK`."""

from __future__ import annotations

import json

from ecr_guardrails.catalog import RULES
from google.protobuf import empty_pb2
from guardrail_shapes import APP, PULL, document, pull_policy, repository, repository_policy, role, statement, urn
from guardrail_wire import CALL_TIMEOUT, analyze, configure, struct
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE


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
    configure(analyzer)
    bad = repository_policy(statement("*", PULL, "Open"))
    diagnostics = analyze(analyzer, bad.type, bad.name, bad.props)
    [diagnostic] = diagnostics
    assert diagnostic.policyName == "ecr-repository-policy-not-public"
    assert diagnostic.policyPackName == "ecr-guardrails"
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert 'Sid "Open"' in diagnostic.message and "Fix:" in diagnostic.message
    assert diagnostic.urn == ""  # resource policies report against the analyzed resource itself


def test_analyze_clean_resources_report_nothing(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer)
    for resource in (repository(), repository_policy(), role()):
        assert analyze(analyzer, resource.type, resource.name, resource.props) == []


def test_configure_sets_rule_config_and_levels(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    stranger = repository_policy(statement({"AWS": "arn:aws:iam::444444444444:root"}, PULL))
    configure(analyzer)
    assert analyze(analyzer, stranger.type, stranger.name, stranger.props) == []
    configure(analyzer, {"ecr-principals-allowed": {"allowedAccountIds": [APP]}})
    [diagnostic] = analyze(analyzer, stranger.type, stranger.name, stranger.props)
    assert diagnostic.policyName == "ecr-principals-allowed" and "444444444444" in diagnostic.message
    configure(
        analyzer,
        {"ecr-principals-allowed": {"allowedAccountIds": [APP]}},
        levels={"ecr-principals-allowed": analyzer_pb2.DISABLED},
    )
    assert analyze(analyzer, stranger.type, stranger.name, stranger.props) == []
    configure(analyzer, levels={"ecr-force-delete-off": analyzer_pb2.MANDATORY})
    forced = repository(forceDelete=True)
    [diagnostic] = analyze(analyzer, forced.type, forced.name, forced.props)
    assert diagnostic.policyName == "ecr-force-delete-off" and diagnostic.enforcementLevel == analyzer_pb2.MANDATORY


def test_unknown_policies_get_only_the_known_at_preview_advisory(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer)
    props = {"repository": UNKNOWN_STRING_VALUE, "policy": UNKNOWN_STRING_VALUE}
    [diagnostic] = analyze(analyzer, "aws:ecr/repositoryPolicy:RepositoryPolicy", "pending", props)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("policy-known-at-preview", analyzer_pb2.ADVISORY)
    assert "policy not known at preview; it will be checked at update" in diagnostic.message
    assert 'ECR repository policy "pending"' in diagnostic.message
    partly = {
        "name": "r",
        "assumeRolePolicy": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": UNKNOWN_STRING_VALUE}, "Action": "sts:AssumeRole"}],
        },
    }
    [diagnostic] = analyze(analyzer, "aws:iam/role:Role", "pending-role", partly)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("policy-known-at-preview", analyzer_pb2.ADVISORY)
    assert 'IAM role "pending-role" trust policy' in diagnostic.message
    known = {"repository": UNKNOWN_STRING_VALUE, "policy": json.dumps(document(statement({"AWS": APP}, PULL)))}
    assert analyze(analyzer, "aws:ecr/repositoryPolicy:RepositoryPolicy", "known", known) == []


def test_analyze_stack_reports_against_the_resource_urn(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer)
    repo = repository()
    pull_only = document({"Effect": "Allow", "Action": PULL, "Resource": "arn:aws:ecr:us-east-1:1:repository/x"})
    the_role = role()
    resources = [
        analyzer_pb2.AnalyzerResource(type=repo.type, name=repo.name, urn=repo.urn, properties=struct(repo.props)),
        analyzer_pb2.AnalyzerResource(
            type=the_role.type, name=the_role.name, urn=the_role.urn, properties=struct(the_role.props)
        ),
        analyzer_pb2.AnalyzerResource(
            type="aws:iam/rolePolicy:RolePolicy",
            name="pull",
            urn=urn("aws:iam/rolePolicy:RolePolicy", "pull"),
            properties=struct({"role": UNKNOWN_STRING_VALUE, "policy": json.dumps(pull_only)}),
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
            properties=struct({"role": "payments-task", "policy": json.dumps(pull_policy())}),
        ),
    ]
    response = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=fixed), timeout=CALL_TIMEOUT)
    assert {d.policyName for d in response.diagnostics} == {"ecr-lifecycle-policy-present"}
