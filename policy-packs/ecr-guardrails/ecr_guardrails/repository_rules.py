"""Checks on `aws:ecr/repository:Repository` inputs."""

from __future__ import annotations

from typing import Any

from .config import flag, string_list
from .model import Config, Resource
from .values import UNKNOWN, is_unknown


def check_tag_immutability(resource: Resource, config: Config) -> list[str]:
    """Tags must be immutable, so that an image reference always means the same image."""
    value = resource.props.get("imageTagMutability", "MUTABLE")  # AWS's default when unset
    if is_unknown(value):
        return []
    accepted = {"IMMUTABLE"}
    if flag(config, "allowImmutableWithExclusion", False):
        accepted.add("IMMUTABLE_WITH_EXCLUSION")
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
