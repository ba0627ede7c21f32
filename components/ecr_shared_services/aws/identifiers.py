"""The rules AWS applies to the identifiers this project handles, as plain predicates and messages."""

from __future__ import annotations

import re

ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
# ECR's documented repository-name pattern; length is checked separately (2..256).
REPOSITORY_NAME = re.compile(r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")
REPOSITORY_NAME_MIN, REPOSITORY_NAME_MAX = 2, 256
# IAM role names: alphanumerics and +=,.@_- , 1..64 characters.
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
# IAM paths: "/" or "/segment/…/" with printable ASCII except "/" inside segments, at most 512.
IAM_PATH = re.compile(r"^/([\x21-\x2e\x30-\x7e]+/)*$")
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
# An organization path: o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/… ending with "/" (AWS's aws:PrincipalOrgPaths form).
ORG_PATH = re.compile(r"^o-[a-z0-9]{10,32}/r-[0-9a-z]{4,32}(/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*/$")

RULES: dict[str, tuple[str, str]] = {
    "account_id": (
        "an AWS account ID is exactly 12 digits, written as a string",
        'give all 12 digits as a quoted string, for example "012345678901" (unquoted in YAML, leading zeros are lost)',
    ),
    "region": ("a region looks like us-east-1", "use the region code, not its display name"),
    "repository_name": (
        "ECR repository names are 2-256 characters: lowercase letters, digits, and . _ - / "
        "between them (pattern [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/...)*)",
        "use lowercase and put separators only between letters or digits",
    ),
    "role_name": (
        "IAM role names are 1-64 characters from letters, digits and +=,.@_-",
        "shorten it and remove other characters (wildcards are not allowed)",
    ),
    "iam_path": ("an IAM path starts and ends with / (for example /service-roles/)", "add the slashes"),
    "organization_id": (
        "an organization ID is o- followed by 10 to 32 lowercase letters or digits",
        "copy it from `aws organizations describe-organization`",
    ),
    "org_path": (
        "an organization path is o-ORG/r-ROOT/ou-…/ ending with /",
        "copy it from the OU's path in AWS Organizations, for example o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
    ),
}


def is_account_id(value: str) -> bool:
    return bool(ACCOUNT_ID.match(value))


def is_repository_name(value: str) -> bool:
    return REPOSITORY_NAME_MIN <= len(value) <= REPOSITORY_NAME_MAX and bool(REPOSITORY_NAME.match(value))


def is_role_name(value: str) -> bool:
    return bool(ROLE_NAME.match(value))
