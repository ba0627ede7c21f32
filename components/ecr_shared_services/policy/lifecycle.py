"""ECR lifecycle policies built from the simple knobs of LifecycleSpec."""

from __future__ import annotations

from typing import Any

from ecr_shared_services.spec.repository import LifecycleSpec

# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
# A `tagged` selection needs a tag pattern; "*" matches every tagged image.
_EVERY_TAG = {"tagStatus": "tagged", "tagPatternList": ["*"]}


def _rule(description: str, selection: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "selection": selection, "action": {"type": "expire"}}


def lifecycle_policy(spec: LifecycleSpec) -> dict[str, Any]:
    """Expire untagged images after N days; expire tagged images only when a count or an age is set."""
    if spec.raw is not None:
        return spec.raw
    rules: list[dict[str, Any]] = []
    if spec.expire_untagged_after_days is not None:
        days = spec.expire_untagged_after_days
        rules.append(
            _rule(
                f"Expire untagged images {days} days after push",
                {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days},
            )
        )
    if spec.keep_last_tagged is not None:
        rules.append(
            _rule(
                f"Keep the newest {spec.keep_last_tagged} tagged images",
                {**_EVERY_TAG, "countType": "imageCountMoreThan", "countNumber": spec.keep_last_tagged},
            )
        )
    if spec.expire_tagged_after_days is not None:
        days = spec.expire_tagged_after_days
        rules.append(
            _rule(
                f"Expire tagged images {days} days after push",
                {**_EVERY_TAG, "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days},
            )
        )
    return {"rules": [{"rulePriority": priority, **rule} for priority, rule in enumerate(rules, start=1)]}
