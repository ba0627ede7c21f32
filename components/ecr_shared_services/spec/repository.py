"""Repository settings with safe defaults, registry-wide defaults, and per-repository overrides."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import Spec, refuse
from ecr_shared_services.spec.consumers import Consumers
from ecr_shared_services.spec.identifiers import RepositoryName

TagMutability = Literal["IMMUTABLE", "MUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"]
Encryption = Literal["AES256", "KMS"]

# A KMS key ARN: a key ID (UUID) or a multi-Region key ID (mrk- and 32 hex digits).
_KEY_ID = r"([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
KMS_KEY_ARN = re.compile(rf"^arn:(?P<partition>[a-z-]+):kms:(?P<region>[a-z0-9-]+):\d{{12}}:key/{_KEY_ID}$")
# Other ways KMS lets a caller name a key, which ECR would store as the key ARN.
_KMS_OTHER_FORMS = re.compile(rf"^(arn:[a-z-]+:kms:[a-z0-9-]+:\d{{12}}:alias/[\w/-]+|alias/[\w/-]+|{_KEY_ID})$")
# ECR's tag-mutability exclusion filters: tag patterns of letters, digits, ._- and the wildcard *.
_TAG_FILTER = re.compile(r"^[A-Za-z0-9._*-]{1,128}$")


class LifecycleSpec(Spec):
    """An ECR lifecycle policy, from simple knobs or given raw.

    The default expires untagged images only: a tagged image may be what a running service rolls back to,
    so it is never expired unless `keep_last_tagged` or `expire_tagged_after_days` asks for it.
    """

    expire_untagged_after_days: int | None = Field(
        default=14, ge=1, le=3650, description="Expire untagged images this many days after push."
    )
    keep_last_tagged: int | None = Field(
        default=None, ge=1, le=10_000, description="Keep the newest N tagged images; expire older ones. Off by default."
    )
    expire_tagged_after_days: int | None = Field(
        default=None, ge=1, le=3650, description="Expire tagged images this many days after push. Off by default."
    )
    raw: dict[str, Any] | None = Field(
        default=None, description="A complete ECR lifecycle policy document; replaces the knobs."
    )

    @model_validator(mode="after")
    def _one_way(self) -> LifecycleSpec:
        knobs = set(_KNOBS) & self.model_fields_set
        found: list[Violation] = []
        if self.raw is not None and knobs:
            rule = f"`raw` replaces the knobs, so {sorted(knobs)} would be ignored"
            found.append(Violation("raw", "…", rule, "give either `raw` or the knobs, not both", "ESS210"))
        if self.raw is not None and not isinstance(self.raw.get("rules"), list):
            fix = 'see ECR\'s lifecycle policy syntax: {"rules": [...]}'
            found.append(Violation("raw", self.raw, "a lifecycle policy needs a `rules` list", fix, "ESS211"))
        if self.raw is None and all(getattr(self, knob) is None for knob in _KNOBS):
            rule = "every knob is off, so the policy would be empty"
            fix = "set `lifecycle: null` to have no lifecycle policy"
            found.append(Violation("expire_untagged_after_days", None, rule, fix, "ESS212"))
        refuse(found)
        return self


_KNOBS = ("expire_untagged_after_days", "keep_last_tagged", "expire_tagged_after_days")


class RepositorySettings(Spec):
    """Settings of a repository. Defaults are the safe choice; each one can be overridden."""

    image_tag_mutability: TagMutability = Field(
        default="IMMUTABLE", description="IMMUTABLE keeps a tag from being moved to another image."
    )
    tag_mutability_exclusions: list[str] = Field(
        default_factory=list,
        description="Tag filters exempt from the mutability setting (only with *_WITH_EXCLUSION).",
    )
    scan_on_push: bool = Field(default=True, description="Scan each image for vulnerabilities on push.")
    encryption: Encryption = Field(
        default="AES256", description="AES256 (ECR-managed), or KMS (the AWS-managed key aws/ecr unless kms_key)."
    )
    kms_key: str | None = Field(
        default=None,
        description="With encryption KMS: a customer-managed key, by its full key ARN "
        "(ECR stores the ARN; an alias or key ID would replace the repository on every update).",
    )
    lifecycle: LifecycleSpec | None = Field(
        default_factory=LifecycleSpec, description="Lifecycle policy; null for none."
    )
    force_delete: bool = Field(
        default=False, description="Allow deleting a repository that still holds images. Off for safety."
    )
    retain_on_delete: bool = Field(default=True, description="Keep the repository in AWS when it leaves the program.")
    protect: bool = Field(
        default=False,
        description="Pulumi's `protect` option: refuse to delete or replace the repository until it is unset.",
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on the repository.")

    def violations(self) -> list[Violation]:
        """Rules across fields; checked on the effective settings after defaults are merged."""
        return self._key_violations() + self._exclusion_violations()

    def _key_violations(self) -> list[Violation]:
        found: list[Violation] = []
        key = self.kms_key
        if self.encryption == "AES256" and key:
            rule = "a KMS key is given but encryption is AES256"
            found.append(Violation("kms_key", key, rule, "set encryption: KMS, or remove kms_key", "ESS207"))
        fix = "use the key's ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY_ID (`aws kms describe-key --key-id ...`)"
        if key and _KMS_OTHER_FORMS.match(key):
            rule = (
                "ECR stores a repository's key as its key ARN, so an alias or key ID never matches what AWS "
                "reports and every update would replace the repository"
            )
            found.append(Violation("kms_key", key, rule, fix, "ESS118"))
        elif key and not KMS_KEY_ARN.match(key):
            found.append(Violation("kms_key", key, "not a KMS key ARN", fix, "ESS113"))
        return found

    def _exclusion_violations(self) -> list[Violation]:
        found: list[Violation] = []
        with_exclusion = self.image_tag_mutability.endswith("_WITH_EXCLUSION")
        if with_exclusion and not self.tag_mutability_exclusions:
            rule = f"{self.image_tag_mutability} needs exclusion filters"
            fix = "list the tag patterns to exempt, for example ['latest']"
            found.append(Violation("tag_mutability_exclusions", [], rule, fix, "ESS208"))
        if self.tag_mutability_exclusions and not with_exclusion:
            rule = f"exclusion filters have no effect with {self.image_tag_mutability}"
            fix = "use IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"
            found.append(Violation("tag_mutability_exclusions", self.tag_mutability_exclusions, rule, fix, "ESS209"))
        rule = "a tag filter is 1-128 letters, digits, . _ - or *"
        found += [
            Violation("tag_mutability_exclusions", f, rule, "remove other characters", "ESS116")
            for f in self.tag_mutability_exclusions
            if not _TAG_FILTER.match(f)
        ]
        return found


SETTING_FIELDS: tuple[str, ...] = tuple(RepositorySettings.model_fields)


class RepositorySpec(RepositorySettings):
    """One repository: its name, who may use it, and any settings that differ from the registry's."""

    name: RepositoryName
    consumers: Consumers = Field(
        default_factory=list, description="Consumers of this repository, on top of the registry-wide ones."
    )
    private: bool = Field(
        default=False,
        description="No repository policy at all: only the registry account uses it. No consumers allowed.",
    )

    def settings(self, defaults: RepositorySettings) -> RepositorySettings:
        """The effective settings: what this repository sets explicitly wins over the registry's defaults."""
        update = {f: getattr(self, f) for f in SETTING_FIELDS if f in self.model_fields_set}
        if "tags" in update:
            update["tags"] = {**defaults.tags, **self.tags}
        return defaults.model_copy(update=update)
