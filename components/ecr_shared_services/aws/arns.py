"""Building and parsing the ARNs and image URIs of ECR repositories and IAM principals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecr_shared_services.aws.identifiers import is_repository_name
from ecr_shared_services.aws.partitions import PARTITIONS, dns_suffix, partition_for_region

_REPOSITORY_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):ecr:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):repository/(?P<name>.+)$"
)
_IMAGE_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(-fips)?\.(?P<region>[a-z0-9-]+)\.(?P<suffix>[a-z0-9.]+?)/"
    r"(?P<name>[^:@]+)(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
_PRINCIPAL_ARN = re.compile(r"^arn:(?P<partition>[a-z-]+):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)$")


@dataclass(frozen=True)
class RepositoryRef:
    """A repository located by partition, region, account and name."""

    partition: str
    region: str
    account_id: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:ecr:{self.region}:{self.account_id}:repository/{self.name}"

    @property
    def registry_host(self) -> str:
        return f"{self.account_id}.dkr.ecr.{self.region}.{dns_suffix(self.partition)}"

    @property
    def url(self) -> str:
        return f"{self.registry_host}/{self.name}"


@dataclass(frozen=True)
class ImageRef:
    repository: RepositoryRef
    tag: str | None = None
    digest: str | None = None


def repository_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return RepositoryRef(partition, region, account_id, name).arn


def parse_repository_arn(arn: str) -> RepositoryRef:
    """Parse `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`; ValueError says what is wrong."""
    match = _REPOSITORY_ARN.match(arn)
    if not match or match["partition"] not in PARTITIONS:
        raise ValueError(f"{arn!r} is not an ECR repository ARN (expected arn:aws:ecr:REGION:ACCOUNT:repository/NAME)")
    if not is_repository_name(match["name"]):
        raise ValueError(f"{arn!r} names an invalid repository {match['name']!r}")
    return RepositoryRef(match["partition"], match["region"], match["account"], match["name"])


def parse_image_uri(uri: str) -> ImageRef:
    """Parse `ACCOUNT.dkr.ecr.REGION.SUFFIX/NAME[:TAG|@sha256:DIGEST]`."""
    match = _IMAGE_URI.match(uri)
    if not match:
        raise ValueError(f"{uri!r} is not an ECR image URI (expected ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME[:TAG])")
    region = match["region"]
    partition = partition_for_region(region)
    if match["suffix"] != partition.dns_suffix:
        raise ValueError(
            f"{uri!r}: region {region} belongs to partition {partition.name}, "
            f"whose ECR hosts end in {partition.dns_suffix}, not {match['suffix']}"
        )
    if not is_repository_name(match["name"]):
        raise ValueError(f"{uri!r} names an invalid repository {match['name']!r}")
    ref = RepositoryRef(partition.name, region, match["account"], match["name"])
    return ImageRef(ref, match["tag"], match["digest"])


@dataclass(frozen=True)
class PrincipalRef:
    """An IAM principal: account root, role, user, or an assumed-role session."""

    partition: str
    account_id: str
    kind: str  # "root" | "role" | "user" | "assumed-role"
    name: str = ""
    path: str = "/"
    session: str = ""

    @property
    def arn(self) -> str:
        if self.kind == "root":
            return f"arn:{self.partition}:iam::{self.account_id}:root"
        if self.kind == "assumed-role":
            return f"arn:{self.partition}:sts::{self.account_id}:assumed-role/{self.name}/{self.session}"
        return f"arn:{self.partition}:iam::{self.account_id}:{self.kind}{self.path}{self.name}"

    @property
    def role_arn(self) -> str:
        """For a session, the ARN of the role it assumed (the path is not in a session ARN)."""
        if self.kind == "assumed-role":
            return f"arn:{self.partition}:iam::{self.account_id}:role/{self.name}"
        return self.arn


def role_arn(partition: str, account_id: str, name: str, path: str = "/") -> str:
    return PrincipalRef(partition, account_id, "role", name, path).arn


def account_root_arn(partition: str, account_id: str) -> str:
    return PrincipalRef(partition, account_id, "root").arn


def parse_principal_arn(arn: str) -> PrincipalRef:
    """Parse a root, role, user or assumed-role ARN."""
    match = _PRINCIPAL_ARN.match(arn)
    if not match:
        raise ValueError(f"{arn!r} is not an IAM principal ARN (expected arn:aws:iam::ACCOUNT:role/NAME)")
    partition, account, resource = match["partition"], match["account"], match["resource"]
    if match["service"] == "sts":
        parts = resource.split("/")
        if len(parts) != 3 or parts[0] != "assumed-role":
            raise ValueError(f"{arn!r}: an STS principal must be assumed-role/ROLE/SESSION")
        return PrincipalRef(partition, account, "assumed-role", parts[1], "/", parts[2])
    if resource == "root":
        return PrincipalRef(partition, account, "root")
    kind, _, rest = resource.partition("/")
    if kind not in {"role", "user"} or not rest:
        raise ValueError(f"{arn!r}: expected root, role/NAME or user/NAME after the account")
    path, _, name = ("/" + rest).rpartition("/")
    return PrincipalRef(partition, account, kind, name, path + "/")
