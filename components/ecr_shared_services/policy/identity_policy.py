"""The puller's identity policy and the role's optional CloudWatch Logs policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN, AccessLevel, actions_for
from ecr_shared_services.policy.document import VERSION, Statement, one_or_many

_TOKEN_STATEMENT: Statement = {
    "Sid": "GetAuthorizationToken",
    "Effect": "Allow",
    "Action": AUTHORIZATION_TOKEN,
    "Resource": "*",
}


def _repository_statement(resources: Sequence[str], access: AccessLevel, part: int) -> Statement:
    """The access level's actions on these resources; a part after the first has its number in its Sid, so
    that the statements of all a role's parts stay distinct when read together."""
    sid = "PullImages" if access == "pull" else "PushAndPullImages"
    return {
        "Sid": sid if part == 1 else f"{sid}{part}",
        "Effect": "Allow",
        "Action": list(actions_for(access)),
        "Resource": one_or_many(resources),
    }


def identity_policy(repository_arns: Sequence[str], access: AccessLevel = "pull") -> dict[str, Any]:
    """`ecr:GetAuthorizationToken` on `*` (it has no resource) plus the access level's actions on
    exactly these repositories (or, when declared, namespace patterns `repository/NAMESPACE/*`)."""
    if not repository_arns:
        raise ValueError("an identity policy needs at least one repository ARN")
    return {
        "Version": VERSION,
        "Statement": [dict(_TOKEN_STATEMENT), _repository_statement(repository_arns, access, 1)],
    }


def overflow_policy(repository_arns: Sequence[str], access: AccessLevel, part: int) -> dict[str, Any]:
    """Part `part` (2, 3, ...) of a role's identity policy: the access level's actions on the repositories
    that did not fit in the parts before it. A part left without repositories (repository ARNs that resolved
    to duplicates) keeps only the token statement, which the first part grants already: IAM refuses an empty
    Resource list."""
    if not repository_arns:
        return {"Version": VERSION, "Statement": [dict(_TOKEN_STATEMENT)]}
    return {"Version": VERSION, "Statement": [_repository_statement(repository_arns, access, part)]}


def merged_policy(documents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One document with every statement of `documents`: what IAM allows with them all attached to one role.
    IAM evaluates all of a principal's identity-based policies together, an Allow in any of them allows
    ("Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)."""
    if len(documents) == 1:
        return documents[0]
    statements: list[Statement] = []
    for document in documents:
        found = document.get("Statement", [])
        statements.extend(found if isinstance(found, list) else [found])
    return {"Version": VERSION, "Statement": statements}


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
