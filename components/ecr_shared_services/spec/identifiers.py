"""Constrained string types for AWS identifiers, usable as pydantic field types."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from ecr_shared_services.aws import identifiers as ids
from ecr_shared_services.aws.partitions import PARTITIONS, partition_for_region
from ecr_shared_services.spec.base import Problem, rule_error


def _checker(name: str, ok: object) -> AfterValidator:
    rule, fix = ids.RULES[name]

    def check(value: str) -> str:
        if not callable(ok) or not ok(value):
            raise rule_error(rule, fix)
        return value

    return AfterValidator(check)


AccountId = Annotated[str, _checker("account_id", ids.is_account_id)]
Region = Annotated[str, _checker("region", lambda v: bool(ids.REGION.match(v)))]
RepositoryName = Annotated[str, _checker("repository_name", ids.is_repository_name)]
RoleName = Annotated[str, _checker("role_name", ids.is_role_name)]
IamPath = Annotated[str, _checker("iam_path", lambda v: len(v) <= 512 and bool(ids.IAM_PATH.match(v)))]
OrganizationId = Annotated[str, _checker("organization_id", lambda v: bool(ids.ORG_ID.match(v)))]
OrgPath = Annotated[str, _checker("org_path", lambda v: bool(ids.ORG_PATH.match(v)))]


def _check_partition(value: str) -> str:
    if value not in PARTITIONS:
        raise rule_error(
            f"unknown partition; known partitions are {', '.join(PARTITIONS)}",
            "leave it out to derive it from the region",
        )
    return value


PartitionName = Annotated[str, AfterValidator(_check_partition)]


def effective_partition(partition: str | None, region: str) -> str:
    """The partition given, or else the region's own."""
    return partition or partition_for_region(region).name


def partition_problems(partition: str | None, region: str) -> list[Problem]:
    """A partition given beside a region must be the region's own."""
    derived = partition_for_region(region).name
    if partition and partition != derived:
        return [
            (
                "partition",
                partition,
                f"region {region} is in partition {derived}",
                f"set partition: {derived} or leave it out",
            )
        ]
    return []
