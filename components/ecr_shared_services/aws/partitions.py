"""AWS partitions and how a region maps to one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    name: str
    dns_suffix: str
    region_prefixes: tuple[str, ...]


PARTITIONS: dict[str, Partition] = {
    "aws": Partition("aws", "amazonaws.com", ()),
    "aws-cn": Partition("aws-cn", "amazonaws.com.cn", ("cn-",)),
    "aws-us-gov": Partition("aws-us-gov", "amazonaws.com", ("us-gov-",)),
    "aws-iso": Partition("aws-iso", "c2s.ic.gov", ("us-iso-",)),
    "aws-iso-b": Partition("aws-iso-b", "sc2s.sgov.gov", ("us-isob-",)),
}


def partition_for_region(region: str) -> Partition:
    """The partition a region belongs to (`cn-north-1` → aws-cn, otherwise by prefix, else aws)."""
    for partition in PARTITIONS.values():
        if any(region.startswith(prefix) for prefix in partition.region_prefixes):
            return partition
    return PARTITIONS["aws"]


def dns_suffix(partition: str) -> str:
    return PARTITIONS[partition].dns_suffix
