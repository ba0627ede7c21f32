"""Each rule against passing and failing inputs, in the varied shapes hand-written programs use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ecr_guardrails.catalog import rule
from ecr_guardrails.model import Resource
from ecr_guardrails.resource_types import MANAGED_POLICY, POLICY_ATTACHMENT, REGISTRY_POLICY, ROLE_POLICY_ATTACHMENT
from guardrail_shapes import (
    APP,
    CI,
    ORG,
    PULL,
    PUSH,
    document,
    lambda_pull,
    make,
    org_paths_pull,
    org_pull,
    pull_policy,
    replace_props,
    repo_arn,
    repository,
    repository_policy,
    role,
    role_policy,
    statement,
    trust_policy,
)


def messages(name: str, resource: Resource, config: dict[str, Any] | None = None) -> list[str]:
    return rule(name).run(resource, config or {})


def stack(name: str, resources: list[Resource], config: dict[str, Any] | None = None) -> list[str]:
    return [f.message for f in rule(name).run_stack(resources, config or {})]


# ------------------------------------------------------------------------------------ not public


@pytest.mark.parametrize("as_dict", [False, True])
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["*"]}, {"AWS": "arn:aws:iam::*:root"}])
def test_public_principal_fails(principal: Any, as_dict: bool) -> None:
    [message] = messages(
        "ecr-repository-policy-not-public", repository_policy(statement(principal, PULL, "Open"), as_dict=as_dict)
    )
    assert 'statement 1 (Sid "Open")' in message and "Fix:" in message


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": ORG}},
        {"ForAllValues:StringEquals": {"aws:PrincipalAccount": APP}},
        {"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}},
        {"Bool": {"aws:SecureTransport": "true"}},
    ],
)
def test_public_principal_with_a_condition_that_narrows_nothing_fails(condition: dict[str, Any]) -> None:
    resource = repository_policy(statement("*", PULL, Condition=condition))
    assert len(messages("ecr-repository-policy-not-public", resource)) == 1


@pytest.mark.parametrize(
    "st",
    [
        org_pull(),
        org_paths_pull(),
        lambda_pull(),
        statement("*", PULL, Condition={"StringEquals": {"aws:PrincipalAccount": [APP]}}),
    ],
)
def test_narrowed_public_principal_passes(st: dict[str, Any]) -> None:
    assert messages("ecr-repository-policy-not-public", repository_policy(st)) == []


def test_public_deny_is_fine_and_registry_policy_is_checked_too() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "ecr:*"}
    assert messages("ecr-repository-policy-not-public", repository_policy(deny)) == []
    registry = make(
        REGISTRY_POLICY,
        "registry",
        {
            "policy": json.dumps(
                document(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "ecr:ReplicateImage",
                        "Resource": "arn:aws:ecr:us-east-1:987654321098:repository/*",
                    }
                )
            )
        },
    )
    assert len(messages("ecr-repository-policy-not-public", registry)) == 1


# ------------------------------------------------------------------------------------------ push


def test_push_to_publisher_passes_and_to_others_fails() -> None:
    config = {"publisherAccountIds": [CI]}
    ok = repository_policy(statement({"AWS": [f"arn:aws:iam::{CI}:role/ci"]}, PUSH))
    bad = repository_policy(statement({"AWS": [f"arn:aws:iam::{CI}:root", APP]}, ["ecr:PutImage"]))
    assert messages("ecr-no-cross-account-push", ok, config) == []
    [message] = messages("ecr-no-cross-account-push", bad, config)
    assert APP in message and CI not in message.split("publisherAccountIds")[0]


def test_push_by_wildcard_action_and_to_an_organization_fails() -> None:
    wildcard = repository_policy(statement({"AWS": f"arn:aws:iam::{APP}:root"}, ["ecr:Put*"]))
    org = repository_policy(statement("*", PUSH, Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}}))
    assert len(messages("ecr-no-cross-account-push", wildcard, {"publisherAccountIds": [CI]})) == 1
    assert "every account the condition admits" in messages("ecr-no-cross-account-push", org)[0]


def test_pull_only_grants_are_not_push() -> None:
    assert messages("ecr-no-cross-account-push", repository_policy()) == []


# ------------------------------------------------------------------------------ ECR acceptance


@pytest.mark.parametrize("action", ["*", "ecr:*", "ECR:*", ["ecr:BatchGetImage", "ecr:*"]])
def test_wildcard_actions_fail(action: Any) -> None:
    resource = repository_policy(statement({"AWS": f"arn:aws:iam::{APP}:root"}, action))
    assert len(messages("ecr-repository-policy-no-wildcard-actions", resource)) == 1


def test_resource_element_and_authorization_token_are_rejected() -> None:
    st = statement(
        {"AWS": f"arn:aws:iam::{APP}:root"}, ["ecr:GetAuthorizationToken", *PULL], Resource=repo_arn("payments")
    )
    found = messages("ecr-repository-policy-accepted-by-ecr", repository_policy(st))
    assert len(found) == 2
    assert any("Resource element" in m for m in found) and any("GetAuthorizationToken" in m for m in found)


def test_not_principal_and_not_action() -> None:
    both = {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{APP}:root"}, "NotAction": "ecr:Delete*"}
    deny = {"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{APP}:root"}, "Action": "ecr:*"}
    assert len(messages("ecr-policy-no-not-principal-or-not-action", repository_policy(both))) == 2
    assert messages("ecr-policy-no-not-principal-or-not-action", repository_policy(deny)) == []


@pytest.mark.parametrize(
    ("condition", "count"),
    [
        (None, 1),
        ({"StringEquals": {"aws:SourceAccount": APP}}, 0),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:lambda:us-east-1:{APP}:function:*"}}, 0),
        ({"ArnLikeIfExists": {"aws:SourceArn": f"arn:aws:lambda:us-east-1:{APP}:function:*"}}, 1),
    ],
)
def test_service_principal_needs_a_source_condition(condition: Any, count: int) -> None:
    extra = {"Condition": condition} if condition else {}
    st = statement({"Service": ["lambda.amazonaws.com"]}, ["ecr:BatchGetImage"], **extra)
    assert len(messages("ecr-service-principal-source-condition", repository_policy(st))) == count


def test_principals_allowed_is_silent_until_configured() -> None:
    stranger = repository_policy(statement({"AWS": "arn:aws:iam::444444444444:root"}, PULL))
    assert messages("ecr-principals-allowed", stranger) == []
    config = {"allowedAccountIds": [APP], "allowedOrganizationIds": [ORG]}
    assert len(messages("ecr-principals-allowed", stranger, config)) == 1
    assert messages("ecr-principals-allowed", repository_policy(), config) == []
    other_org = repository_policy(statement("*", PULL, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-other"}}))
    assert len(messages("ecr-principals-allowed", other_org, config)) == 1


def test_repository_policy_size_limit() -> None:
    small = repository_policy()
    padded = make(
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "big",
        {"policy": json.dumps(document(*[statement({"AWS": f"arn:aws:iam::{i:012d}:root"}, PULL) for i in range(80)]))},
    )
    assert messages("ecr-policy-size", small) == []
    assert "10240" in messages("ecr-policy-size", padded)[0]


# ----------------------------------------------------------------------------------- repository


@pytest.mark.parametrize(
    ("props", "config", "count"),
    [
        ({}, {}, 0),
        ({"imageTagMutability": "MUTABLE"}, {}, 1),
        ({"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}, {}, 1),
        ({"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}, {"allowImmutableWithExclusion": True}, 0),
    ],
)
def test_tag_immutability(props: dict[str, Any], config: dict[str, Any], count: int) -> None:
    assert len(messages("ecr-tag-immutability", repository(**props), config)) == count


def test_tag_mutability_unset_means_mutable() -> None:
    resource = repository()
    del resource.props["imageTagMutability"]
    assert len(messages("ecr-tag-immutability", resource)) == 1


def test_kms_encryption_and_allowed_keys() -> None:
    aes = repository(encryptionConfigurations=[{"encryptionType": "AES256"}])
    aws_key = repository(encryptionConfigurations=[{"encryptionType": "KMS"}])
    assert len(messages("ecr-kms-encryption", aes)) == 1
    assert messages("ecr-kms-encryption", aws_key) == []
    allowed = {"allowedKmsKeyArns": ["arn:aws:kms:us-east-1:987654321098:key/k1"]}
    assert messages("ecr-kms-encryption", repository(), allowed) == []
    assert "aws/ecr" in messages("ecr-kms-encryption", aws_key, allowed)[0]


# ---------------------------------------------------------------------------------- pulling side


@pytest.mark.parametrize(
    ("resource_value", "config", "count"),
    [
        (repo_arn("payments"), {}, 0),
        ([repo_arn("payments"), repo_arn("orders")], {}, 0),
        ("*", {}, 1),
        ("arn:aws:ecr:us-east-1:987654321098:repository/*", {}, 1),
        ("arn:aws:ecr:*:987654321098:repository/payments", {}, 1),
        (
            "arn:aws:ecr:us-east-1:987654321098:repository/team-a/*",
            {"allowedWildcardPrefixes": ["arn:aws:ecr:us-east-1:987654321098:repository/team-a/"]},
            0,
        ),
        (
            "arn:aws:ecr:us-east-1:987654321098:repository/*",
            {"allowedWildcardPrefixes": ["arn:aws:ecr:us-east-1:987654321098:repository/team-a/"]},
            1,
        ),
    ],
)
def test_pull_scoped_to_repositories(resource_value: Any, config: dict[str, Any], count: int) -> None:
    body = document({"Effect": "Allow", "Action": ["ecr:BatchGetImage"], "Resource": resource_value})
    assert len(messages("ecr-pull-scoped-to-repositories", role_policy(body=body), config)) == count


def test_pull_scope_in_managed_policy_dict_and_role_inline_policy() -> None:
    body = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:Batch*", "Resource": "*"}}
    managed = make(MANAGED_POLICY, "pull", {"policy": body})
    inline = role(inlinePolicies=[{"name": "pull", "policy": json.dumps(body)}])
    assert len(messages("ecr-pull-scoped-to-repositories", managed)) == 1
    [message] = messages("ecr-pull-scoped-to-repositories", inline)
    assert 'inline policy "pull"' in message


def test_token_on_star_only() -> None:
    assert messages("ecr-authorization-token-on-any-resource", role_policy()) == []
    bad = document({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": [repo_arn("payments")]})
    assert len(messages("ecr-authorization-token-on-any-resource", role_policy(body=bad))) == 1


@pytest.mark.parametrize(
    ("action", "resource_value", "count"),
    [("*", "*", 1), ("ecr:*", repo_arn("x"), 1), ("*", "arn:aws:s3:::bucket/*", 0), ("ecr:BatchGetImage", "*", 0)],
)
def test_identity_wildcard_actions(action: str, resource_value: str, count: int) -> None:
    body = document({"Effect": "Allow", "Action": action, "Resource": resource_value})
    assert len(messages("ecr-identity-policy-no-wildcard-actions", role_policy(body=body))) == count


@pytest.mark.parametrize(
    ("principal", "condition", "count"),
    [
        ({"AWS": "*"}, None, 1),
        ({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": ORG}}, 0),
        ({"AWS": f"arn:aws:iam::{CI}:root"}, None, 1),
        ({"AWS": [CI]}, None, 1),
        ({"AWS": f"arn:aws:iam::{CI}:root"}, {"StringEquals": {"sts:ExternalId": "x"}}, 0),
        ({"AWS": f"arn:aws:iam::{CI}:role/deployer"}, None, 0),
        ({"Service": "ecs-tasks.amazonaws.com"}, None, 0),
    ],
)
def test_trust_not_public(principal: Any, condition: Any, count: int) -> None:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        st["Condition"] = condition
    assert len(messages("iam-trust-not-public", role(assumeRolePolicy=json.dumps(document(st))))) == count


def test_trust_service_source_account_only_for_supporting_services() -> None:
    assert messages("iam-trust-service-source-account", role()) == []
    bare = {"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"}
    assert len(messages("iam-trust-service-source-account", role(assumeRolePolicy=json.dumps(document(bare))))) == 1
    ec2 = role(assumeRolePolicy=json.dumps(trust_policy("ec2.amazonaws.com")))
    ec2.props["assumeRolePolicy"] = json.dumps(
        document({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    )
    assert messages("iam-trust-service-source-account", ec2) == []
    config = {"servicesSupportingSourceAccount": ["ec2.amazonaws.com"]}
    assert len(messages("iam-trust-service-source-account", ec2, config)) == 1


def test_trust_policy_size_uses_configured_quota() -> None:
    arns = [f"arn:aws:iam::{CI}:role/deployer-{i:03d}" for i in range(60)]
    big = role(
        assumeRolePolicy=json.dumps(
            document({"Effect": "Allow", "Principal": {"AWS": arns}, "Action": "sts:AssumeRole"})
        )
    )
    assert len(messages("iam-policy-size", big)) == 1
    assert messages("iam-policy-size", big, {"trustPolicyMaxCharacters": 4096.0}) == []


# ------------------------------------------------------------------------------------ stack rules


def test_token_may_come_from_another_policy_or_an_aws_managed_attachment() -> None:
    pull_only = role_policy(body=document({"Effect": "Allow", "Action": PULL, "Resource": repo_arn("payments")}))
    token = make(
        "aws:iam/rolePolicy:RolePolicy",
        "token",
        {
            "role": "payments-task",
            "policy": json.dumps(document({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})),
        },
    )
    execution = make(
        ROLE_POLICY_ATTACHMENT,
        "exec",
        {"role": "payments-task", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
    )
    assert len(stack("ecr-puller-has-authorization-token", [role(), pull_only])) == 1
    assert stack("ecr-puller-has-authorization-token", [role(), pull_only, token]) == []
    assert stack("ecr-puller-has-authorization-token", [role(), pull_only, execution]) == []


def test_token_check_follows_managed_policies_in_the_stack_and_stays_silent_on_foreign_ones() -> None:
    pull_only = role_policy(body=document({"Effect": "Allow", "Action": PULL, "Resource": repo_arn("payments")}))
    managed = make(
        MANAGED_POLICY,
        "token",
        {
            "arn": f"arn:aws:iam::{APP}:policy/token",
            "policy": json.dumps(document({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})),
        },
    )
    attach = make(
        ROLE_POLICY_ATTACHMENT, "attach", {"role": "payments-task", "policyArn": f"arn:aws:iam::{APP}:policy/token"}
    )
    foreign = make(
        ROLE_POLICY_ATTACHMENT,
        "foreign",
        {"role": "payments-task", "policyArn": "arn:aws:iam::111111111111:policy/elsewhere"},
    )
    assert stack("ecr-puller-has-authorization-token", [role(), pull_only, managed, attach]) == []
    assert len(stack("ecr-puller-has-authorization-token", [role(), pull_only, managed])) == 1
    assert stack("ecr-puller-has-authorization-token", [role(), pull_only, foreign]) == []


def test_policy_attachment_by_role_name_gives_the_token_and_counts_against_the_quota() -> None:
    """aws.iam.PolicyAttachment names its roles; an attachment naming the role attaches the policy to it."""
    pull_only = role_policy(body=document({"Effect": "Allow", "Action": PULL, "Resource": repo_arn("payments")}))
    read_only = make(
        POLICY_ATTACHMENT,
        "read-only",
        {
            "name": "ro",
            "roles": ["payments-task", "other"],
            "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        },
    )
    elsewhere = replace_props(read_only, roles=["other"])
    assert stack("ecr-puller-has-authorization-token", [role(), pull_only, read_only]) == []
    assert len(stack("ecr-puller-has-authorization-token", [role(), pull_only, elsewhere])) == 1
    many = [replace_props(read_only, policyArn=f"arn:aws:iam::{APP}:policy/p{i}") for i in range(2)]
    found = stack("iam-role-policy-quotas", [role(), *many], {"managedPoliciesPerRole": 1})
    assert len(found) == 1 and "2 managed policies" in found[0]


def test_roles_without_pull_need_no_token() -> None:
    other = role_policy(body=document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}))
    assert stack("ecr-puller-has-authorization-token", [role(), other]) == []


def test_inline_policies_of_a_role_are_counted_together() -> None:
    repos = [f"service-{i:04d}-with-a-long-repository-name" for i in range(140)]
    halves = [role_policy(body=pull_policy(*repos[:70])), role_policy(body=pull_policy(*repos[70:]))]
    halves[1] = make(halves[1].type, "second", halves[1].props)
    assert all(messages("iam-policy-size", p) == [] for p in halves)
    assert len(stack("iam-role-policy-quotas", [role(), *halves])) == 1
    assert stack("iam-role-policy-quotas", [role(), halves[0]]) == []


def test_managed_policy_quota_is_configurable() -> None:
    attachments = [
        make(ROLE_POLICY_ATTACHMENT, f"a{i}", {"role": "payments-task", "policyArn": f"arn:aws:iam::{APP}:policy/p{i}"})
        for i in range(12)
    ]
    assert len(stack("iam-role-policy-quotas", [role(), *attachments])) == 1
    assert stack("iam-role-policy-quotas", [role(), *attachments], {"managedPoliciesPerRole": 20}) == []


def test_lifecycle_matched_through_property_dependencies_when_name_is_unknown() -> None:
    from ecr_guardrails.values import UNKNOWN
    from guardrail_shapes import lifecycle_policy

    repo = repository()
    lifecycle = lifecycle_policy()
    linked = Resource(
        lifecycle.type,
        lifecycle.name,
        lifecycle.urn,
        {**lifecycle.props, "repository": UNKNOWN},
        {"repository": (repo.urn,)},
    )
    other = repository("orders")
    found = rule("ecr-lifecycle-policy-present").run_stack([repo, other, linked], {})
    assert [f.urn for f in found] == [other.urn]
