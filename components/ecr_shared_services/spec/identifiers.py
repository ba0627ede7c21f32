"""Constrained string types for AWS identifiers, usable as pydantic field types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator

from ecr_shared_services.aws import identifiers as ids
from ecr_shared_services.aws.partitions import PARTITIONS, partition_for_region
from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import refuse


def _checker(name: str, ok: Callable[[str], bool], code: str) -> AfterValidator:
    rule, fix = ids.RULES[name]

    def check(value: str) -> str:
        if not ok(value):
            refuse([Violation("", value, rule, fix, code)])
        return value

    return AfterValidator(check)


AccountId = Annotated[str, _checker("account_id", ids.is_account_id, "ESS101")]
Region = Annotated[str, _checker("region", lambda v: bool(ids.REGION.match(v)), "ESS102")]
RepositoryName = Annotated[str, _checker("repository_name", ids.is_repository_name, "ESS103")]
RoleName = Annotated[str, _checker("role_name", ids.is_role_name, "ESS104")]
IamPath = Annotated[str, _checker("iam_path", lambda v: len(v) <= 512 and bool(ids.IAM_PATH.match(v)), "ESS105")]
OrganizationId = Annotated[str, _checker("organization_id", lambda v: bool(ids.ORG_ID.match(v)), "ESS106")]
OrgPath = Annotated[str, _checker("org_path", lambda v: bool(ids.ORG_PATH.match(v)), "ESS107")]


def _check_partition(value: str) -> str:
    if value not in PARTITIONS:
        rule = f"unknown partition; known partitions are {', '.join(PARTITIONS)}"
        refuse([Violation("", value, rule, "leave it out to derive it from the region", "ESS108")])
    return value


PartitionName = Annotated[str, AfterValidator(_check_partition)]


def effective_partition(partition: str | None, region: str) -> str:
    """The partition given, or else the region's own."""
    return partition or partition_for_region(region).name


def partition_violations(partition: str | None, region: str) -> list[Violation]:
    """A partition given beside a region must be the region's own."""
    derived = partition_for_region(region).name
    if partition and partition != derived:
        rule = f"region {region} is in partition {derived}"
        return [Violation("partition", partition, rule, f"set partition: {derived} or leave it out", "ESS109")]
    return []
