"""The AWS managed policies that carry ECR rights, with their documents, for every identity-side rule.

Their documents are not in the stack, yet a role attached to one by ARN gets its rights. Each
document below is the policy's default version as shown in the AWS Managed Policy Reference
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html). Only policies whose
documents are known precisely are listed; any other policy ARN outside the stack is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .actions import AUTHORIZATION_TOKEN

_READ_ONLY: Final = (
    AUTHORIZATION_TOKEN,
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:DescribeImages",
    "ecr:BatchGetImage",
    "ecr:GetLifecyclePolicy",
    "ecr:GetLifecyclePolicyPreview",
    "ecr:ListTagsForResource",
    "ecr:DescribeImageScanFindings",
)
_PUSH: Final = ("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage")


def _on_everything(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": "*"}


@dataclass(frozen=True)
class ManagedPolicy:
    """An AWS managed policy: its name, its path under `arn:PARTITION:iam::aws:policy/`, its document."""

    name: str
    path: str
    document: dict[str, Any]

    @property
    def reference(self) -> str:
        """The AWS Managed Policy Reference page the document comes from."""
        return f"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{self.name}.html"


KNOWN: Final[tuple[ManagedPolicy, ...]] = (
    ManagedPolicy(
        "AmazonEC2ContainerRegistryFullAccess",
        "",
        _on_everything(
            _allow(["ecr:*", "cloudtrail:LookupEvents"]),
            {
                "Effect": "Allow",
                "Action": ["iam:CreateServiceLinkedRole"],
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:AWSServiceName": ["replication.ecr.amazonaws.com"]}},
            },
        ),
    ),
    ManagedPolicy("AmazonEC2ContainerRegistryPowerUser", "", _on_everything(_allow([*_READ_ONLY, *_PUSH]))),
    ManagedPolicy("AmazonEC2ContainerRegistryReadOnly", "", _on_everything(_allow(_READ_ONLY))),
    ManagedPolicy(
        "AmazonEC2ContainerRegistryPullOnly",
        "",
        _on_everything(
            _allow(
                [AUTHORIZATION_TOKEN, "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"]
            )
        ),
    ),
    ManagedPolicy(
        "AmazonECSTaskExecutionRolePolicy",
        "service-role/",
        _on_everything(
            _allow(
                [
                    AUTHORIZATION_TOKEN,
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ]
            )
        ),
    ),
    ManagedPolicy(
        "AWSAppRunnerServicePolicyForECRAccess",
        "service-role/",
        _on_everything(
            _allow(
                [
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "ecr:DescribeImages",
                    AUTHORIZATION_TOKEN,
                    "ecr:BatchCheckLayerAvailability",
                ]
            )
        ),
    ),
    ManagedPolicy("AdministratorAccess", "", _on_everything(_allow(["*"]))),
)

_BY_PATH: Final = {f"{p.path}{p.name}": p for p in KNOWN}
_MARKER: Final = ":iam::aws:policy/"


def known_policy(policy_arn: str) -> ManagedPolicy | None:
    """The known AWS managed policy an ARN names (any partition), or None."""
    if _MARKER not in policy_arn or not policy_arn.startswith("arn:"):
        return None
    return _BY_PATH.get(policy_arn.split(_MARKER, 1)[1])


def aws_managed_document(policy_arn: str) -> dict[str, Any] | None:
    """The document of a known AWS managed policy, or None."""
    policy = known_policy(policy_arn)
    return None if policy is None else policy.document
