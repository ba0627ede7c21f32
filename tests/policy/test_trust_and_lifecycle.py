"""Trust policies per workload, and lifecycle policies from the knobs."""

import pytest

from ecr_shared_services.policy.lifecycle import lifecycle_policy
from ecr_shared_services.policy.trust_policy import trust_policy
from ecr_shared_services.spec.puller import TrustSpec
from ecr_shared_services.spec.repository import LifecycleSpec

ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    ("service", "principal", "action", "condition"),
    [
        ("ecs-tasks", "ecs-tasks.amazonaws.com", "sts:AssumeRole", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
        ("codebuild", "codebuild.amazonaws.com", "sts:AssumeRole", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
        ("ec2", "ec2.amazonaws.com", "sts:AssumeRole", None),
        ("eks-node", "ec2.amazonaws.com", "sts:AssumeRole", None),
        ("eks-fargate", "eks-fargate-pods.amazonaws.com", "sts:AssumeRole", None),
        ("eks-pod-identity", "pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"], None),
    ],
)
def test_service_trust(service: str, principal: str, action: object, condition: object) -> None:
    [statement] = trust_policy(TrustSpec(service=service), ACCOUNT)["Statement"]
    assert statement["Principal"] == {"Service": principal}
    assert statement["Action"] == action
    assert statement.get("Condition") == condition


def test_pod_identity_can_be_narrowed_to_a_service_account() -> None:
    [statement] = trust_policy(
        TrustSpec(service="eks-pod-identity", namespace="payments", service_account="api"), ACCOUNT
    )["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            "aws:RequestTag/kubernetes-namespace": "payments",
            "aws:RequestTag/kubernetes-service-account": "api",
        }
    }


def test_irsa_trusts_one_service_account_of_one_cluster() -> None:
    provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123"
    [statement] = trust_policy(
        TrustSpec(service="eks-irsa", oidc_provider_arn=provider, namespace="payments", service_account="api"), ACCOUNT
    )["Statement"]
    assert statement["Principal"] == {"Federated": provider}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/ABC123"
    assert statement["Condition"] == {
        "StringEquals": {f"{issuer}:aud": "sts.amazonaws.com", f"{issuer}:sub": "system:serviceaccount:payments:api"}
    }


def test_lifecycle_from_knobs() -> None:
    rules = lifecycle_policy(
        LifecycleSpec(expire_untagged_after_days=3, keep_last_tagged=10, expire_tagged_after_days=400)
    )["rules"]
    assert [r["rulePriority"] for r in rules] == [1, 2, 3]
    assert rules[0]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 3,
    }
    assert rules[1]["selection"] == {
        "tagStatus": "tagged",
        "tagPatternList": ["*"],
        "countType": "imageCountMoreThan",
        "countNumber": 10,
    }
    assert rules[2]["selection"] == {
        "tagStatus": "tagged",
        "tagPatternList": ["*"],
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 400,
    }
    only_tagged = lifecycle_policy(LifecycleSpec(expire_untagged_after_days=None, keep_last_tagged=5))["rules"]
    assert [r["rulePriority"] for r in only_tagged] == [1]


def test_the_default_lifecycle_never_expires_a_tagged_image() -> None:
    """A tagged image may be what a running service rolls back to: by default only untagged images expire.
    Rule shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html"""
    [rule] = lifecycle_policy(LifecycleSpec())["rules"]
    assert rule["selection"]["tagStatus"] == "untagged"
    assert rule["selection"]["countNumber"] == 14
    assert rule["action"] == {"type": "expire"}


def test_lifecycle_raw_is_passed_through() -> None:
    raw = {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
                "action": {"type": "expire"},
            }
        ]
    }
    assert lifecycle_policy(LifecycleSpec(raw=raw)) == raw
