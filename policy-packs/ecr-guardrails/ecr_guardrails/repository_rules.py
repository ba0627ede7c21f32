"""Checks on `aws:ecr/repository:Repository` inputs."""

from __future__ import annotations

from typing import Any

from .config import flag, string_list
from .model import Config, Resource
from .values import UNKNOWN, is_unknown


def _filters_matching_every_tag(resource: Resource) -> list[str]:
    """Exclusion filters that match every tag: made only of `*`, ECR's one wildcard
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html)."""
    filters = resource.props.get("imageTagMutabilityExclusionFilters")
    found: list[str] = []
    for entry in filters if isinstance(filters, list) else []:
        pattern = entry.get("filter") if isinstance(entry, dict) else None
        if isinstance(pattern, str) and pattern.strip() and not pattern.strip().strip("*"):
            found.append(pattern)
    return found


def check_tag_immutability(resource: Resource, config: Config) -> list[str]:
    """Tags must be immutable, so that an image reference always means the same image."""
    value = resource.props.get("imageTagMutability", "MUTABLE")  # AWS's default when unset
    if is_unknown(value):
        return []
    accepted = {"IMMUTABLE"}
    if flag(config, "allowImmutableWithExclusion", False):
        accepted.add("IMMUTABLE_WITH_EXCLUSION")
    if value == "IMMUTABLE_WITH_EXCLUSION" and value in accepted:
        every = _filters_matching_every_tag(resource)
        if every:
            return [
                f'{resource.label} has imageTagMutability "IMMUTABLE_WITH_EXCLUSION" with exclusion filter '
                f'"{every[0]}", which matches every tag: every tag stays mutable, as with "MUTABLE". Fix: '
                'exclude only the tags meant to move, e.g. {"filter": "latest", "filterType": "WILDCARD"}, or set '
                '"IMMUTABLE".'
            ]
    if value in accepted:
        return []
    options = " or ".join(f'"{a}"' for a in sorted(accepted))
    return [
        f'{resource.label} has imageTagMutability "{value}": a pushed tag can be moved to another image, '
        f"so a deployment can silently run different code. Fix: set imageTagMutability to {options}."
    ]


def _first_encryption(props: dict[str, Any]) -> Any:
    configs = props.get("encryptionConfigurations")
    if is_unknown(configs):
        return UNKNOWN
    if not isinstance(configs, list) or not configs:
        return None
    return configs[0]


def check_kms_encryption(resource: Resource, config: Config) -> list[str]:
    """Images are encrypted with KMS, with a key from the allowed list when one is configured."""
    encryption = _first_encryption(resource.props)
    if encryption is UNKNOWN:
        return []
    kind = encryption.get("encryptionType", "AES256") if isinstance(encryption, dict) else "AES256"
    if is_unknown(kind):
        return []
    if kind not in ("KMS", "KMS_DSSE"):
        return [
            f'{resource.label} is encrypted with "{kind}" (an AWS-owned key): key use is not logged in '
            "CloudTrail and access cannot be revoked by key policy. Fix: set encryptionConfigurations to "
            '[{"encryptionType": "KMS", "kmsKey": "<key ARN>"}] (encryption cannot be changed after creation: '
            "this replaces the repository)."
        ]
    allowed = string_list(config, "allowedKmsKeyArns")
    if not allowed:
        return []
    key = encryption.get("kmsKey") if isinstance(encryption, dict) else None
    if is_unknown(key):
        return []
    if key in allowed:
        return []
    shown = f'key "{key}"' if key else "the AWS-managed aws/ecr key"
    return [
        f"{resource.label} is encrypted with {shown}, which is not in allowedKmsKeyArns. "
        f"Fix: set encryptionConfigurations[0].kmsKey to one of: {', '.join(allowed)}."
    ]


def check_force_delete(resource: Resource, config: Config) -> list[str]:
    """`forceDelete` deletes a repository with all its images; keep it off."""
    value = resource.props.get("forceDelete")
    if value is True:
        return [
            f"{resource.label} has forceDelete true: deleting the resource (or replacing it) deletes every "
            "image in it, including images running in production. Fix: remove forceDelete or set it to false."
        ]
    return []
