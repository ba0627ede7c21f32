"""What the AWS-managed policies that carry ECR rights grant, for the stack-level checks.

Their documents are not in the stack, yet a role often gets ecr:GetAuthorizationToken from one of
them (the ECS task execution policy above all). Only policies whose ECR content is stable and
documented are listed; any other attached policy outside the stack makes the checks undecided.
"""

from __future__ import annotations

from typing import Final

from .actions import AUTHORIZATION_TOKEN, PULL_ACTIONS

_TOKEN_AND_PULL: Final[dict[str, object]] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": [AUTHORIZATION_TOKEN, *PULL_ACTIONS], "Resource": "*"}],
}

# Keyed by the part after `:iam::aws:policy/`, so that every partition matches.
AWS_MANAGED_ECR_POLICIES: Final[dict[str, dict[str, object]]] = {
    "service-role/AmazonECSTaskExecutionRolePolicy": _TOKEN_AND_PULL,
    "AmazonEC2ContainerRegistryReadOnly": _TOKEN_AND_PULL,
    "AmazonEC2ContainerRegistryPullOnly": _TOKEN_AND_PULL,
    "AmazonEC2ContainerRegistryPowerUser": _TOKEN_AND_PULL,
    "AmazonEC2ContainerRegistryFullAccess": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}],
    },
}


def aws_managed_document(policy_arn: str) -> dict[str, object] | None:
    """The ECR-relevant document of a known AWS-managed policy, or None."""
    marker = ":iam::aws:policy/"
    if marker not in policy_arn:
        return None
    return AWS_MANAGED_ECR_POLICIES.get(policy_arn.split(marker, 1)[1])
