"""SharedRegistryArgs: the whole description of a shared registry, validated as one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import Spec, refuse
from ecr_shared_services.spec.consumers import DEFERRED_ARN_FIELDS, Consumer, Consumers, LambdaConsumer
from ecr_shared_services.spec.identifiers import (
    AccountId,
    PartitionName,
    Region,
    effective_partition,
    partition_violations,
)
from ecr_shared_services.spec.repository import KMS_KEY_ARN, RepositorySettings, RepositorySpec

# How repository policies write account and role grants (policy/encodings.py).
PolicyEncoding = Literal["auto", "plain", "compact"]


class SharedRegistryArgs(Spec):
    """The repositories of one registry account and region, their settings, and who may use them."""

    region: Region = Field(description="The registry's region (ECR is regional).")
    partition: PartitionName | None = Field(
        default=None, description="AWS partition; derived from the region when left out."
    )
    account_id: AccountId | None = Field(
        default=None,
        description="The registry account, when known in advance; used in plans and reports.",
    )
    defaults: RepositorySettings = Field(
        default_factory=RepositorySettings, description="Settings every repository inherits."
    )
    consumers: Consumers = Field(
        default_factory=list, description="Consumers granted on every repository that is not private."
    )
    repositories: list[RepositorySpec] = Field(description="The repositories, each with a unique name.")
    encoding: PolicyEncoding = Field(
        default="auto",
        description=(
            "How repository policies name account and role consumers, each form granting exactly the same "
            "principals: `plain` (every account root and role ARN), `compact` (a role name shared by many "
            "accounts written once, Principal * narrowed by aws:PrincipalAccount when account_id is set), "
            "or `auto` (plain while it fits ECR's 10,240 characters, then compact)."
        ),
    )

    @property
    def partition_name(self) -> str:
        return effective_partition(self.partition, self.region)

    def _all_consumers(self) -> list[Consumer]:
        return [*self.consumers, *(c for repo in self.repositories for c in repo.consumers)]

    def deferred_role_arns(self) -> list[Any]:
        """Role ARNs (of role consumers and Lambda deployers) that are still pulumi Outputs, in a stable order."""
        return [
            arn
            for c in self._all_consumers()
            if c.kind in DEFERRED_ARN_FIELDS
            for arn in getattr(c, DEFERRED_ARN_FIELDS[c.kind])
            if not isinstance(arn, str)
        ]

    def with_role_arns(self, resolved: list[str]) -> SharedRegistryArgs:
        """This description with the deferred role ARNs replaced (in `deferred_role_arns` order) and
        validated again, so that resolved ARNs meet the same rules as strings."""
        values = iter(resolved)

        def resolve(consumers: list[Consumer]) -> list[dict[str, Any]]:
            out = []
            for consumer in consumers:
                data = {**consumer.model_dump(exclude_unset=True), "kind": consumer.kind}
                field = DEFERRED_ARN_FIELDS.get(consumer.kind)
                if field and getattr(consumer, field):
                    data[field] = [a if isinstance(a, str) else next(values) for a in getattr(consumer, field)]
                out.append(data)
            return out

        data = self.model_dump(exclude={"consumers", "repositories"}, exclude_unset=True)
        data["consumers"] = resolve(self.consumers)
        data["repositories"] = [
            {**repo.model_dump(exclude={"consumers"}, exclude_unset=True), "consumers": resolve(repo.consumers)}
            for repo in self.repositories
        ]
        result: SharedRegistryArgs = SharedRegistryArgs.parse(data)
        return result

    @model_validator(mode="after")
    def _whole_registry_rules(self) -> SharedRegistryArgs:
        found = partition_violations(self.partition, self.region)
        if not self.repositories:
            found.append(
                Violation(
                    "repositories",
                    [],
                    "a registry needs at least one repository",
                    "add a repository with a name and its consumers",
                    "ESS201",
                )
            )
        first: dict[str, int] = {}
        for index, repo in enumerate(self.repositories):
            found += [
                v.under(f"repositories[{index}]") for v in self._repository_violations(repo, first.get(repo.name))
            ]
            first.setdefault(repo.name, index)
        found += [v.under("consumers") for v in self._lambda_violations(self.consumers)]
        refuse(found)
        return self

    def _repository_violations(self, repo: RepositorySpec, same_name: int | None) -> list[Violation]:
        """The rules one repository breaks in this registry (`same_name`: an earlier one of its name)."""
        found: list[Violation] = []
        if same_name is not None:
            rule = f"duplicate repository name (also repositories[{same_name}])"
            fix = "give each repository a unique name, or merge the two entries"
            found.append(Violation("name", repo.name, rule, fix, "ESS202"))
        if repo.private and repo.consumers:
            rule = "a private repository has no repository policy, so it cannot have consumers"
            found.append(
                Violation(
                    "consumers", len(repo.consumers), rule, "remove `private: true` or remove its consumers", "ESS203"
                )
            )
        if not repo.private and not repo.consumers and not self.consumers:
            rule = "a shared repository needs at least one consumer (none here, none registry-wide)"
            fix = "add consumers, or set `private: true` if only this account uses it"
            found.append(Violation("consumers", [], rule, fix, "ESS204"))
        settings = repo.settings(self.defaults)
        found += settings.violations() + self._key_region_violations(settings)
        found += [v.under("consumers") for v in self._lambda_violations(repo.consumers)]
        return found

    def _key_region_violations(self, settings: RepositorySettings) -> list[Violation]:
        """ECR uses a KMS key of the repository's own region only."""
        match = KMS_KEY_ARN.match(settings.kms_key or "")
        if not match or match["region"] == self.region:
            return []
        rule = f"the KMS key is in {match['region']}, but the registry's repositories are in {self.region}"
        fix = f"use a key in {self.region} (a multi-Region replica key works)"
        return [Violation("kms_key", settings.kms_key, rule, fix, "ESS213")]

    def _lambda_violations(self, consumers: list[Consumer]) -> list[Violation]:
        return [
            Violation(
                f"[{i}].region",
                c.region,
                f"Lambda pulls images only from its own region; this registry is in {self.region}",
                f"replicate the repository to {c.region}, or deploy the functions in {self.region}",
                "ESS205",
            )
            for i, c in enumerate(consumers)
            if isinstance(c, LambdaConsumer) and c.region not in (None, self.region)
        ]
