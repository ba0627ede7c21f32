"""Trust policies for the puller role, with confused-deputy conditions where the service sets them."""

from __future__ import annotations

from typing import Any

from ecr_shared_services.policy.document import VERSION
from ecr_shared_services.spec.puller import TrustSpec

_SERVICES = {
    "ecs-tasks": "ecs-tasks.amazonaws.com",
    "eks-pod-identity": "pods.eks.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
}
# Services documented to send aws:SourceAccount when they assume a role. EC2 does not send it
# for instance profiles, and Pod Identity's documented conditions are its session tags.
_SENDS_SOURCE_ACCOUNT = {"ecs-tasks", "lambda"}


def trust_policy(trust: TrustSpec, account_id: str) -> dict[str, Any]:
    """Who may assume the puller role. `account_id` is the role's own account."""
    if trust.service == "eks-irsa":
        return _irsa(trust)
    statement: dict[str, Any] = {
        "Sid": "AssumeBy" + "".join(part.title() for part in trust.service.split("-")),
        "Effect": "Allow",
        "Principal": {"Service": _SERVICES[trust.service]},
        "Action": ["sts:AssumeRole", "sts:TagSession"] if trust.service == "eks-pod-identity" else "sts:AssumeRole",
    }
    condition: dict[str, dict[str, str]] = {}
    if trust.service in _SENDS_SOURCE_ACCOUNT:
        condition["StringEquals"] = {"aws:SourceAccount": account_id}
    if trust.service == "eks-pod-identity" and trust.namespace:
        tags = {"aws:RequestTag/kubernetes-namespace": trust.namespace}
        if trust.service_account:
            tags["aws:RequestTag/kubernetes-service-account"] = trust.service_account
        condition["StringEquals"] = tags
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


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
