"""ECR lifecycle policies built from the simple knobs of LifecycleSpec."""

from __future__ import annotations

from typing import Any

from ecr_shared_services.spec.repository import LifecycleSpec


def lifecycle_policy(spec: LifecycleSpec) -> dict[str, Any]:
    """Expire untagged images after N days (priority 1), keep the newest N tagged images (priority 2)."""
    if spec.raw is not None:
        return spec.raw
    rules: list[dict[str, Any]] = []
    if spec.expire_untagged_after_days is not None:
        rules.append(
            {
                "rulePriority": len(rules) + 1,
                "description": f"Expire untagged images {spec.expire_untagged_after_days} days after push",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": spec.expire_untagged_after_days,
                },
                "action": {"type": "expire"},
            }
        )
    if spec.keep_last_tagged is not None:
        rules.append(
            {
                "rulePriority": len(rules) + 1,
                "description": f"Keep the newest {spec.keep_last_tagged} tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPatternList": ["*"],
                    "countType": "imageCountMoreThan",
                    "countNumber": spec.keep_last_tagged,
                },
                "action": {"type": "expire"},
            }
        )
    return {"rules": rules}
