"""Preview-time unknowns: no crash, no invented violation, no "can't run policy" noise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ecr_guardrails.catalog import RULES, rule
from ecr_guardrails.documents import contains_unknown
from ecr_guardrails.policies import build_policies
from ecr_guardrails.values import plain
from guardrail_shapes import PULL, document, repository, role, statement, urn
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

U = UNKNOWN_STRING_VALUE
OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])

# Resources a preview sends when values come from outputs not yet created.
UNKNOWN_SHAPES: list[tuple[str, dict[str, Any]]] = [
    (
        "aws:ecr/repository:Repository",
        {
            "name": U,
            "imageTagMutability": U,
            "forceDelete": UNKNOWN_BOOLEAN_VALUE,
            "imageScanningConfiguration": UNKNOWN_OBJECT_VALUE,
            "encryptionConfigurations": UNKNOWN_ARRAY_VALUE,
        },
    ),
    (
        "aws:ecr/repository:Repository",
        {
            "name": "x",
            "imageTagMutability": "IMMUTABLE",
            "imageScanningConfiguration": {"scanOnPush": UNKNOWN_BOOLEAN_VALUE},
            "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": U}],
        },
    ),
    ("aws:ecr/repositoryPolicy:RepositoryPolicy", {"repository": U, "policy": U}),
    (
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        {
            "repository": "x",
            "policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": U}, "Action": PULL},
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": PULL,
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": U}},
                    },
                    {"Effect": U, "Principal": "*", "Action": "ecr:*"},
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": U},
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": PULL,
                        "Condition": {"ArnLike": {"aws:SourceArn": U}},
                    },
                ],
            },
        },
    ),
    ("aws:ecr/registryPolicy:RegistryPolicy", {"policy": {"Version": "2012-10-17", "Statement": U}}),
    (
        "aws:iam/role:Role",
        {
            "name": U,
            "assumeRolePolicy": U,
            "inlinePolicies": UNKNOWN_ARRAY_VALUE,
            "managedPolicyArns": UNKNOWN_ARRAY_VALUE,
        },
    ),
    (
        "aws:iam/role:Role",
        {
            "name": "r",
            "assumeRolePolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": U}, "Action": "sts:AssumeRole"},
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"aws:SourceAccount": U}},
                    },
                ],
            },
        },
    ),
    (
        "aws:iam/rolePolicy:RolePolicy",
        {
            "role": U,
            "policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": PULL, "Resource": U},
                    {"Effect": "Allow", "Action": PULL, "Resource": [U]},
                    {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": U},
                    {"Effect": "Allow", "Action": U, "Resource": "*"},
                ],
            },
        },
    ),
    ("aws:iam/policy:Policy", {"policy": U}),
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": U, "policyArn": U}),
    ("aws:ecr/lifecyclePolicy:LifecyclePolicy", {"repository": U, "policy": U}),
    (
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        {"scanType": U, "rules": UNKNOWN_ARRAY_VALUE},
    ),
    (
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        {"scanType": "BASIC", "rules": [{"scanFrequency": U, "repositoryFilters": UNKNOWN_ARRAY_VALUE}]},
    ),
    (
        "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
        {
            "prefix": U,
            "appliedFors": ["REPLICATION"],
            "repositoryPolicy": U,
            "imageTagMutability": U,
            "encryptionConfigurations": UNKNOWN_ARRAY_VALUE,
        },
    ),
    (
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        {"replicationConfiguration": {"rules": [{"destinations": [{"region": U, "registryId": U}]}]}},
    ),
    ("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", {"ecrRepositoryPrefix": U, "upstreamRegistryUrl": U}),
    ("aws:iam/policyAttachment:PolicyAttachment", {"roles": UNKNOWN_ARRAY_VALUE, "policyArn": U}),
    ("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", {"roleName": U, "policyArns": [U]}),
    ("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": U, "policyArn": U}),
    ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {"group": U, "policyArn": U}),
]


def _resource_args(kind: str, props: dict[str, Any]) -> ResourceValidationArgs:
    return ResourceValidationArgs(kind, unknown_checking_proxy(props), urn(kind, "r"), "r", OPTS, None, {})


KNOWN_AT_PREVIEW = "policy-known-at-preview"
POLICY_PROPS = ("policy", "assumeRolePolicy", "inlinePolicies", "repositoryPolicy")
POLICY_CARRIERS = set(rule(KNOWN_AT_PREVIEW).resource_types)


def _has_unknown_policy(kind: str, props: dict[str, Any]) -> bool:
    return kind in POLICY_CARRIERS and any(k in props and contains_unknown(plain(props[k])) for k in POLICY_PROPS)


def _collect(reported: list[str]) -> Callable[..., None]:
    """A `report` callback that keeps each message."""

    def report(message: str, urn: str | None = None) -> None:
        reported.append(message)

    return report


def _collect_as(name: str, reported: list[tuple[str, str]]) -> Callable[..., None]:
    """A `report` callback that keeps each message with the name of the policy that reported it."""

    def report(message: str, urn: str | None = None) -> None:
        reported.append((name, message))

    return report


@pytest.mark.parametrize(("kind", "props"), UNKNOWN_SHAPES)
def test_resource_policies_say_nothing_about_unknowns_but_that_they_are_unknown(
    kind: str, props: dict[str, Any]
) -> None:
    reported: list[tuple[str, str]] = []
    for policy in build_policies():
        if isinstance(policy, ResourceValidationPolicy):
            policy.validate(_resource_args(kind, props), _collect_as(policy.name, reported))
    assert {name for name, _ in reported} <= {KNOWN_AT_PREVIEW}
    assert bool(reported) == _has_unknown_policy(kind, props), reported
    assert all("policy not known at preview; it will be checked at update" in m for _, m in reported)


def test_stack_policies_say_nothing_when_the_links_are_unknown() -> None:
    def stack_resource(kind: str, props: dict[str, Any], name: str) -> PolicyResource:
        return PolicyResource(kind, unknown_checking_proxy(props), urn(kind, name), name, OPTS, None, None, [], {})

    resources = [stack_resource(kind, props, f"r{i}") for i, (kind, props) in enumerate(UNKNOWN_SHAPES)]
    # A repository with a known name whose lifecycle policy's repository is unknown, and a role with
    # pull whose other policies are unknown: both undecidable, hence silent.
    resources.append(stack_resource("aws:ecr/repository:Repository", dict(repository().props), "known-repo"))
    resources.append(stack_resource("aws:iam/role:Role", dict(role().props), "known-role"))
    reported: list[str] = []
    for policy in build_policies():
        if isinstance(policy, StackValidationPolicy):
            policy.validate(StackValidationArgs(resources, {}), _collect(reported))
    assert reported == []


def test_known_violation_next_to_unknowns_is_still_reported() -> None:
    props = {"repository": U, "policy": json.dumps(document(statement("*", PULL)))}
    reported: list[str] = []
    [policy] = [p for p in build_policies() if p.name == "ecr-repository-policy-not-public"]
    assert isinstance(policy, ResourceValidationPolicy)
    policy.validate(_resource_args("aws:ecr/repositoryPolicy:RepositoryPolicy", props), _collect(reported))
    assert len(reported) == 1


def test_every_rule_is_exercised_by_the_unknown_shapes() -> None:
    kinds = {kind for kind, _ in UNKNOWN_SHAPES}
    assert all(set(r.resource_types) & kinds for r in RULES)
