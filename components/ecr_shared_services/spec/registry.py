"""SharedRegistryArgs: the whole description of a shared registry, validated as one."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ecr_shared_services.spec.base import Problem, Spec, raise_if_any
from ecr_shared_services.spec.consumers import Consumer, LambdaConsumer, RoleConsumer
from ecr_shared_services.spec.identifiers import (
    AccountId,
    PartitionName,
    Region,
    effective_partition,
    partition_problems,
)
from ecr_shared_services.spec.repository import RepositorySettings, RepositorySpec


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
    consumers: list[Consumer] = Field(
        default_factory=list, description="Consumers granted on every repository that is not private."
    )
    repositories: list[RepositorySpec] = Field(description="The repositories, each with a unique name.")

    @property
    def partition_name(self) -> str:
        return effective_partition(self.partition, self.region)

    def _all_consumers(self) -> list[Consumer]:
        return [*self.consumers, *(c for repo in self.repositories for c in repo.consumers)]

    def deferred_role_arns(self) -> list[Any]:
        """Role ARNs that are still pulumi Outputs, in a stable order."""
        return [
            arn
            for c in self._all_consumers()
            if isinstance(c, RoleConsumer)
            for arn in c.role_arns
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
                if isinstance(consumer, RoleConsumer) and consumer.role_arns:
                    data["role_arns"] = [a if isinstance(a, str) else next(values) for a in consumer.role_arns]
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
        problems: list[Problem] = []
        problems += partition_problems(self.partition, self.region)
        if not self.repositories:
            problems.append(
                (
                    "repositories",
                    [],
                    "a registry needs at least one repository",
                    "add a repository with a name and its consumers",
                )
            )
        seen: dict[str, int] = {}
        for index, repo in enumerate(self.repositories):
            where = f"repositories[{index}]"
            if repo.name in seen:
                problems.append(
                    (
                        f"{where}.name",
                        repo.name,
                        f"duplicate repository name (also repositories[{seen[repo.name]}])",
                        "give each repository a unique name, or merge the two entries",
                    )
                )
            seen.setdefault(repo.name, index)
            if repo.private and repo.consumers:
                problems.append(
                    (
                        f"{where}.consumers",
                        len(repo.consumers),
                        "a private repository has no repository policy, so it cannot have consumers",
                        "remove `private: true` or remove its consumers",
                    )
                )
            if not repo.private and not repo.consumers and not self.consumers:
                problems.append(
                    (
                        f"{where}.consumers",
                        [],
                        "a shared repository needs at least one consumer (none here, none registry-wide)",
                        "add consumers, or set `private: true` if only this account uses it",
                    )
                )
            for field, value, rule, fix in repo.settings(self.defaults).problems():
                problems.append((f"{where}.{field}", value, rule, fix))
            problems += self._lambda_problems(repo.consumers, f"{where}.consumers")
        problems += self._lambda_problems(self.consumers, "consumers")
        raise_if_any(problems)
        return self

    def _lambda_problems(self, consumers: list[Consumer], where: str) -> list[Problem]:
        return [
            (
                f"{where}[{i}].region",
                c.region,
                f"Lambda pulls images only from its own region; this registry is in {self.region}",
                f"replicate the repository to {c.region}, or deploy the functions in {self.region}",
            )
            for i, c in enumerate(consumers)
            if isinstance(c, LambdaConsumer) and c.region not in (None, self.region)
        ]
