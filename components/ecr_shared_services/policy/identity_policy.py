"""The puller's identity policy and the role's optional CloudWatch Logs policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN, AccessLevel, actions_for
from ecr_shared_services.policy.document import VERSION, one_or_many


def identity_policy(repository_arns: Sequence[str], access: AccessLevel = "pull") -> dict[str, Any]:
    """`ecr:GetAuthorizationToken` on `*` (it has no resource) plus the access level's actions on
    exactly these repositories."""
    if not repository_arns:
        raise ValueError("an identity policy needs at least one repository ARN")
    return {
        "Version": VERSION,
        "Statement": [
            {"Sid": "GetAuthorizationToken", "Effect": "Allow", "Action": AUTHORIZATION_TOKEN, "Resource": "*"},
            {
                "Sid": "PullImages" if access == "pull" else "PushAndPullImages",
                "Effect": "Allow",
                "Action": list(actions_for(access)),
                "Resource": one_or_many(repository_arns),
            },
        ],
    }


def logs_policy(partition: str, region: str, account_id: str, log_groups: Sequence[str]) -> dict[str, Any]:
    """Write access to named log groups only: what ECS task execution needs of AmazonECSTaskExecutionRolePolicy
    for the awslogs driver, without its `*` resources."""
    arns = [f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}:*" for name in log_groups]
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "WriteTaskLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": one_or_many(arns),
            }
        ],
    }
