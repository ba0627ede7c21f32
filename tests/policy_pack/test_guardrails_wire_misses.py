"""Misses and false alarms found with plain `pulumi_aws` programs, each checked through the Analyzer over gRPC.

Each resource is what a plain program sends (the provider's camelCase inputs), not a component's shape.
A miss asserts the policy name and its level; a false alarm asserts silence.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from guardrail_wire import analyze, configure
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

REGISTRY = "987654321098"
CONSUMER = "123456789012"
MANDATORY, ADVISORY = analyzer_pb2.MANDATORY, analyzer_pb2.ADVISORY

REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
REGISTRY_POLICY = "aws:ecr/registryPolicy:RegistryPolicy"
CREATION_TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"
PULL_THROUGH_CACHE = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
REPOSITORY = "aws:ecr/repository:Repository"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
ECS_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": CONSUMER}},
            }
        ],
    }
)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _grant(principal: Any, actions: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": "Grant", "Effect": "Allow", "Principal": principal, "Action": actions, **extra}


def _levels(diagnostics: list[analyzer_pb2.AnalyzeDiagnostic]) -> dict[str, int]:
    return {d.policyName: d.enforcementLevel for d in diagnostics}


@pytest.fixture
def stub(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> analyzer_pb2_grpc.AnalyzerStub:
    configure(analyzer)  # the defaults every stack gets without a config file
    return analyzer


# ------------------------------------------------------------------ cross-account admin actions
# Action names: Service Authorization Reference, "Actions defined by Amazon Elastic Container Registry"
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html).


@pytest.mark.parametrize(
    "actions",
    [
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:DeleteRepository",
        "ecr:BatchDeleteImage",
        "ecr:PutLifecyclePolicy",
        "ecr:PutImageTagMutability",
        "ecr:TagResource",
        ["ecr:Set*"],
        "ecr:Delete*",
        "ecr:Put*",
        [*PULL, "ecr:setrepositorypolicy"],  # action names are case-insensitive
    ],
)
def test_admin_actions_granted_to_another_account_fail(stub: analyzer_pb2_grpc.AnalyzerStub, actions: Any) -> None:
    props = {"repository": "payments", "policy": _policy(_grant({"AWS": f"arn:aws:iam::{CONSUMER}:root"}, actions))}
    diagnostics = analyze(stub, REPOSITORY_POLICY, "payments-policy", props)
    assert _levels(diagnostics).get("ecr-no-cross-account-admin") == MANDATORY
    [message] = [d.message for d in diagnostics if d.policyName == "ecr-no-cross-account-admin"]
    assert CONSUMER in message and 'Sid "Grant"' in message and "Fix:" in message


def test_admin_actions_for_the_registry_account_pass_when_configured(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer, {"ecr-no-cross-account-admin": {"registryAccountIds": [REGISTRY]}})
    own = {
        "repository": "payments",
        "policy": _policy(
            _grant({"AWS": f"arn:aws:iam::{REGISTRY}:role/admin"}, ["ecr:SetRepositoryPolicy", "ecr:BatchDeleteImage"])
        ),
    }
    assert analyze(analyzer, REPOSITORY_POLICY, "own", own) == []
    other = {"repository": "payments", "policy": _policy(_grant({"AWS": CONSUMER}, "ecr:DeleteRepository"))}
    assert _levels(analyze(analyzer, REPOSITORY_POLICY, "other", other)) == {"ecr-no-cross-account-admin": MANDATORY}


def test_admin_actions_through_not_action_fail(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "NotAction": ["ecr:DeleteRepository"]}
    diagnostics = analyze(stub, REPOSITORY_POLICY, "p", {"repository": "r", "policy": _policy(statement)})
    assert _levels(diagnostics)["ecr-no-cross-account-admin"] == MANDATORY
    [message] = [d.message for d in diagnostics if d.policyName == "ecr-no-cross-account-admin"]
    assert "ecr:SetRepositoryPolicy" in message and "ecr:DeleteRepository," not in message


# ------------------------------------------------------------- AWS managed policies attached by ARN
# Documents: AWS Managed Policy Reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/).


def test_full_access_attached_by_role_policy_attachment_fails(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"role": "ci", "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess"}
    diagnostics = analyze(stub, ROLE_POLICY_ATTACHMENT, "ci-ecr", props)
    levels = _levels(diagnostics)
    assert levels["ecr-identity-policy-no-wildcard-actions"] == MANDATORY
    assert levels["ecr-pull-scoped-to-repositories"] == MANDATORY
    for diagnostic in diagnostics:
        assert "AWS managed policy AmazonEC2ContainerRegistryFullAccess" in diagnostic.message
        assert 'IAM role policy attachment "ci-ecr"' in diagnostic.message


def test_power_user_in_role_managed_policy_arns_fails(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {
        "name": "builder",
        "assumeRolePolicy": ECS_TRUST,
        "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"],
    }
    diagnostics = analyze(stub, ROLE, "builder", props)
    assert _levels(diagnostics) == {"ecr-pull-scoped-to-repositories": MANDATORY}
    assert "AWS managed policy AmazonEC2ContainerRegistryPowerUser" in diagnostics[0].message


@pytest.mark.parametrize(
    ("kind", "props", "name"),
    [
        (
            POLICY_ATTACHMENT,
            {"name": "ro", "roles": ["app"], "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"},
            "AmazonEC2ContainerRegistryReadOnly",
        ),
        (
            ROLE_POLICY_ATTACHMENT,
            {"role": "app", "policyArn": "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"},
            "AmazonEC2ContainerRegistryPullOnly",
        ),
        (
            ROLE_POLICY_ATTACHMENT,
            {"role": "app", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
            "AmazonECSTaskExecutionRolePolicy",
        ),
        (
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            {
                "roleName": "app",
                "policyArns": ["arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess"],
            },
            "AWSAppRunnerServicePolicyForECRAccess",
        ),
    ],
)
def test_pull_on_every_repository_from_a_managed_policy_fails(
    stub: analyzer_pb2_grpc.AnalyzerStub, kind: str, props: dict[str, Any], name: str
) -> None:
    diagnostics = analyze(stub, kind, "attach", props)
    assert _levels(diagnostics) == {"ecr-pull-scoped-to-repositories": MANDATORY}
    assert f"AWS managed policy {name}" in diagnostics[0].message and '"*"' in diagnostics[0].message


def test_administrator_access_attached_fails_the_wildcard_rule(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"role": "ops", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert (
        _levels(analyze(stub, ROLE_POLICY_ATTACHMENT, "ops-admin", props))["ecr-identity-policy-no-wildcard-actions"]
        == MANDATORY
    )


def test_unknown_and_customer_policy_arns_are_not_judged(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    for arn in (f"arn:aws:iam::{CONSUMER}:policy/AmazonEC2ContainerRegistryFullAccess", UNKNOWN_STRING_VALUE):
        assert analyze(stub, ROLE_POLICY_ATTACHMENT, "custom", {"role": "app", "policyArn": arn}) == []


# --------------------------------------------------------------------------- new resource types


def test_creation_template_with_public_admin_policy_fails(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {
        "prefix": "ROOT",
        "appliedFors": ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE"],
        "imageTagMutability": "IMMUTABLE",
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:987654321098:key/k"}],
        "repositoryPolicy": _policy(_grant("*", "ecr:*")),
    }
    levels = _levels(analyze(stub, CREATION_TEMPLATE, "root-template", props))
    assert levels == {
        "ecr-repository-policy-not-public": MANDATORY,
        "ecr-no-cross-account-push": MANDATORY,
        "ecr-no-cross-account-admin": MANDATORY,
        "ecr-repository-policy-no-wildcard-actions": MANDATORY,
    }


def test_creation_template_settings_are_checked(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {
        "prefix": "team-a",
        "appliedFors": ["REPLICATION"],
        "imageTagMutability": "MUTABLE",
        "encryptionConfigurations": [{"encryptionType": "AES256"}],
    }
    diagnostics = analyze(stub, CREATION_TEMPLATE, "team-a", props)
    assert _levels(diagnostics) == {"ecr-tag-immutability": MANDATORY, "ecr-kms-encryption": ADVISORY}
    assert all('ECR repository creation template "team-a"' in d.message for d in diagnostics)


def test_registry_policy_with_admin_wildcard_to_another_account_fails(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    # Registry policies name Resource (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html).
    everything = f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/*"
    props = {"policy": _policy(_grant({"AWS": CONSUMER}, "ecr:*", Resource=everything))}
    levels = _levels(analyze(stub, REGISTRY_POLICY, "registry", props))
    assert levels == {"ecr-no-cross-account-admin": MANDATORY, "ecr-repository-policy-no-wildcard-actions": MANDATORY}


def test_pull_through_cache_from_an_unlisted_upstream_is_reported(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    allowed = {"allowedUpstreamRegistryUrls": ["public.ecr.aws"]}
    configure(analyzer, {"ecr-pull-through-cache-upstream-allowed": allowed})
    hub = {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io"}
    [diagnostic] = analyze(analyzer, PULL_THROUGH_CACHE, "hub", hub)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("ecr-pull-through-cache-upstream-allowed", ADVISORY)
    assert "registry-1.docker.io" in diagnostic.message
    public = {"ecrRepositoryPrefix": "ecr-public", "upstreamRegistryUrl": "public.ecr.aws"}
    assert analyze(analyzer, PULL_THROUGH_CACHE, "public", public) == []


def test_replication_outside_the_allowed_accounts_fails(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer, {"ecr-replication-destinations-allowed": {"allowedAccountIds": [REGISTRY]}})
    props = {
        "replicationConfiguration": {
            "rules": [
                {
                    "destinations": [
                        {"region": "eu-west-1", "registryId": REGISTRY},
                        {"region": "us-west-2", "registryId": "444455556666"},
                    ],
                    "repositoryFilters": [{"filter": "prod", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    }
    [diagnostic] = analyze(analyzer, REPLICATION, "replication", props)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("ecr-replication-destinations-allowed", MANDATORY)
    assert "444455556666 (us-west-2)" in diagnostic.message and f"{REGISTRY} (" not in diagnostic.message


def test_registry_scanning_with_only_manual_rules_is_reported(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    manual = {
        "scanType": "ENHANCED",
        "rules": [{"scanFrequency": "MANUAL", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}],
    }
    [diagnostic] = analyze(stub, REGISTRY_SCANNING, "scanning", manual)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("ecr-registry-scanning-automatic", ADVISORY)
    on_push = {
        "scanType": "BASIC",
        "rules": [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}],
    }
    assert analyze(stub, REGISTRY_SCANNING, "scanning", on_push) == []


# ------------------------------------------------------------- narrowed Principal "*" is not public
# Restricting keys: IAM Access Analyzer filter keys, condition.* criteria
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html);
# IP ranges: Amazon S3's meaning of "public" (/8 or narrower for IPv4,
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}},
        {"StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}},
        {"StringEquals": {"aws:PrincipalAccount": CONSUMER}},
        {"StringEquals": {"aws:SourceAccount": CONSUMER}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
        {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    ],
)
def test_principal_star_narrowed_by_a_restricting_key_is_silent(
    stub: analyzer_pb2_grpc.AnalyzerStub, condition: dict[str, Any]
) -> None:
    props = {"repository": "payments", "policy": _policy(_grant("*", PULL, Condition=condition))}
    assert analyze(stub, REPOSITORY_POLICY, "narrowed", props) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"aws:SourceVpce": "vpce-*"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-0a1b2c3d"}},
        {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}},
    ],
)
def test_restricting_keys_that_restrict_nothing_still_fail(
    stub: analyzer_pb2_grpc.AnalyzerStub, condition: dict[str, Any]
) -> None:
    props = {"repository": "payments", "policy": _policy(_grant("*", PULL, Condition=condition))}
    assert _levels(analyze(stub, REPOSITORY_POLICY, "wide", props)) == {"ecr-repository-policy-not-public": MANDATORY}


# ------------------------------------------------------------------------ tag mutability exclusions
# Filters: "Preventing image tags from being overwritten in Amazon ECR", exclusion filters use `*` as the
# only wildcard (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html).


@pytest.mark.parametrize(("pattern", "fails"), [("*", True), ("**", True), ("latest", False), ("dev-*", False)])
def test_exclusion_filters_that_match_every_tag_fail(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, pattern: str, fails: bool
) -> None:
    configure(analyzer, {"ecr-tag-immutability": {"allowImmutableWithExclusion": True}})
    props = {
        "name": "payments",
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filter": pattern, "filterType": "WILDCARD"}],
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:987654321098:key/k"}],
    }
    diagnostics = analyze(analyzer, REPOSITORY, "payments", props)
    assert _levels(diagnostics) == ({"ecr-tag-immutability": MANDATORY} if fails else {})


# ------------------------------------------------------------------------------ unknown at preview


@pytest.mark.parametrize(
    ("kind", "props"),
    [
        (
            CREATION_TEMPLATE,
            {
                "prefix": "ROOT",
                "appliedFors": ["REPLICATION"],
                "imageTagMutability": "IMMUTABLE",
                "encryptionConfigurations": [{"encryptionType": "KMS"}],
                "repositoryPolicy": UNKNOWN_STRING_VALUE,
            },
        ),
        (ROLE_POLICY, {"role": "app", "policy": UNKNOWN_STRING_VALUE}),
        (REGISTRY_POLICY, {"policy": UNKNOWN_STRING_VALUE}),
    ],
)
def test_a_policy_unknown_at_preview_gets_an_advisory(
    stub: analyzer_pb2_grpc.AnalyzerStub, kind: str, props: dict[str, Any]
) -> None:
    [diagnostic] = analyze(stub, kind, "pending", props)
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("policy-known-at-preview", ADVISORY)
    assert "policy not known at preview; it will be checked at update" in diagnostic.message


# ------------------------------------------------------------------------------- malformed policies
# Grammar of the IAM JSON policy language
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).


@pytest.mark.parametrize(
    "policy",
    [
        json.dumps({"Version": "2012-10-17", "statement": [_grant("*", "ecr:*")]}),
        _policy({"effect": "Allow", "principal": "*", "action": "ecr:*"}),
        _policy(_grant({"AWS": 123456789012}, PULL)),
        _policy(_grant({"AWS": CONSUMER}, 123)),
    ],
)
def test_malformed_repository_policies_fail(stub: analyzer_pb2_grpc.AnalyzerStub, policy: str) -> None:
    diagnostics = analyze(stub, REPOSITORY_POLICY, "malformed", {"repository": "payments", "policy": policy})
    assert _levels(diagnostics) == {"policy-well-formed": MANDATORY}


def test_identity_policy_with_a_principal_is_malformed(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    policy = _policy({"Effect": "Allow", "Principal": "*", "Action": PULL, "Resource": "*"})
    diagnostics = analyze(stub, ROLE_POLICY, "with-principal", {"role": "app", "policy": policy})
    assert _levels(diagnostics) == {"policy-well-formed": MANDATORY}
    assert "cannot have Principal" in diagnostics[0].message


def test_an_empty_inline_policy_entry_is_not_malformed(stub: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """An empty `inline_policies` entry is how a program removes a role's inline policies (pulumi_aws Role)."""
    for entry in ({}, {"name": "", "policy": ""}):
        props = {"name": "app", "assumeRolePolicy": ECS_TRUST, "inlinePolicies": [entry]}
        assert analyze(stub, ROLE, "app", props) == []
