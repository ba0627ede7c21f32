"""The ECR actions each access level needs, and the action AWS grants only on the identity side."""

from __future__ import annotations

from typing import Literal

AccessLevel = Literal["pull", "push"]

AUTHORIZATION_TOKEN = "ecr:GetAuthorizationToken"

PULL_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)
# What a pull cannot do without; BatchCheckLayerAvailability is used by clients but not required.
PULL_REQUIRED: tuple[str, ...] = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")

PUSH_ONLY_ACTIONS: tuple[str, ...] = (
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)
PUSH_ACTIONS: tuple[str, ...] = tuple(sorted(PULL_ACTIONS + PUSH_ONLY_ACTIONS))

ACCESS_LEVELS: tuple[AccessLevel, ...] = ("pull", "push")


def actions_for(access: AccessLevel) -> tuple[str, ...]:
    """The repository actions an access level grants, sorted."""
    return PULL_ACTIONS if access == "pull" else PUSH_ACTIONS
