"""Trust policies for the puller role, with confused-deputy conditions where the service sets them."""

from __future__ import annotations

from typing import Any

from ecr_shared_services.aws.partitions import partition_for_region
from ecr_shared_services.policy.document import VERSION, Statement, one_or_many
from ecr_shared_services.spec.puller import TrustSpec

_SERVICES = {
    "ecs-tasks": "ecs-tasks.amazonaws.com",
    "eks-node": "ec2.amazonaws.com",
    "eks-fargate": "eks-fargate-pods.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
    "codebuild": "codebuild.amazonaws.com",
    "eks-pod-identity": "pods.eks.amazonaws.com",
}
# Services documented to send aws:SourceAccount when they assume a role (ECS task execution roles,
# CodeBuild service roles). EC2 does not send it for instance profiles, Pod Identity's documented
# conditions are its session tags, and Fargate's documented condition is aws:SourceArn.
_SENDS_SOURCE_ACCOUNT = {"ecs-tasks", "codebuild"}
GITHUB_ISSUER = "token.actions.githubusercontent.com"


def trust_policy(trust: TrustSpec, account_id: str, partition: str = "aws") -> dict[str, Any]:
    """Who may assume the puller role. `account_id` and `partition` are the role's own."""
    if trust.service == "eks-irsa":
        return _irsa(trust)
    if trust.service == "github-oidc":
        return _github(trust, account_id, partition)
    if trust.service == "lambda":
        raise ValueError("a Lambda execution role does not pull its function's image; see TrustSpec")
    statement: Statement = {
        "Sid": "AssumeBy" + "".join(part.title() for part in trust.service.split("-")),
        "Effect": "Allow",
        "Principal": {"Service": _SERVICES[trust.service]},
        "Action": ["sts:AssumeRole", "sts:TagSession"] if trust.service == "eks-pod-identity" else "sts:AssumeRole",
    }
    condition = _service_condition(trust, account_id)
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


def _service_condition(trust: TrustSpec, account_id: str) -> dict[str, dict[str, str]]:
    condition: dict[str, dict[str, str]] = {}
    if trust.service in _SENDS_SOURCE_ACCOUNT:
        condition["StringEquals"] = {"aws:SourceAccount": account_id}
    if trust.service == "eks-pod-identity" and trust.namespace:
        tags = {"aws:RequestTag/kubernetes-namespace": trust.namespace}
        if trust.service_account:
            tags["aws:RequestTag/kubernetes-service-account"] = trust.service_account
        condition["StringEquals"] = tags
    if trust.service == "eks-fargate" and trust.cluster_name and trust.cluster_region:
        partition = partition_for_region(trust.cluster_region).name
        profiles = f"arn:{partition}:eks:{trust.cluster_region}:{account_id}:fargateprofile/{trust.cluster_name}/*"
        condition["ArnLike"] = {"aws:SourceArn": profiles}
    return condition


def _irsa(trust: TrustSpec) -> dict[str, Any]:
    provider_arn = trust.oidc_provider_arn or ""
    issuer = provider_arn.split(":oidc-provider/", 1)[1]
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AssumeByEksServiceAccount",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:aud": "sts.amazonaws.com",
                        f"{issuer}:sub": f"system:serviceaccount:{trust.namespace}:{trust.service_account}",
                    }
                },
            }
        ],
    }


def _github(trust: TrustSpec, account_id: str, partition: str) -> dict[str, Any]:
    """GitHub Actions workflows of the named repositories, through the account's GitHub OIDC provider."""
    condition: dict[str, dict[str, Any]] = {"StringEquals": {f"{GITHUB_ISSUER}:aud": "sts.amazonaws.com"}}
    # StringLike only when a subject holds a wildcard (repo:OWNER/REPO:*): exact subjects stay exact.
    wildcard = any("*" in s or "?" in s for s in trust.github_subjects)
    condition.setdefault("StringLike" if wildcard else "StringEquals", {})[f"{GITHUB_ISSUER}:sub"] = one_or_many(
        trust.github_subjects
    )
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AssumeByGithubActions",
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:{partition}:iam::{account_id}:oidc-provider/{GITHUB_ISSUER}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }
