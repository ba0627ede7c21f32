"""PullerRoleArgs: the pulling side — a role in an application account and what it may pull."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.arns import RepositoryRef, parse_repository_arn
from ecr_shared_services.errors import SpecError, Violation
from ecr_shared_services.spec.base import Spec, listed_twice, refuse
from ecr_shared_services.spec.identifiers import (
    AccountId,
    IamPath,
    PartitionName,
    Region,
    RepositoryName,
    RoleName,
    effective_partition,
    partition_violations,
)

_LOG_GROUP = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
_POLICY_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}|aws):policy/[\w+=,.@/-]{1,512}$")

TrustService = Literal["ecs-tasks", "eks-pod-identity", "lambda", "ec2", "eks-irsa"]


class TrustSpec(Spec):
    """Who may assume the role."""

    service: TrustService = Field(
        default="ecs-tasks",
        description="ecs-tasks (task execution or task role), eks-pod-identity, lambda, ec2, or eks-irsa.",
    )
    oidc_provider_arn: str | None = Field(default=None, description="EKS IRSA: the cluster's IAM OIDC provider ARN.")
    namespace: str | None = Field(default=None, description="EKS: the service account's namespace.")
    service_account: str | None = Field(default=None, description="EKS: the service account's name.")

    @model_validator(mode="after")
    def _eks_fields(self) -> TrustSpec:
        found = self._irsa_violations() if self.service == "eks-irsa" else []
        if self.service != "eks-irsa" and self.oidc_provider_arn:
            rule = f"an OIDC provider is used only with service eks-irsa, not {self.service}"
            fix = "remove it or set service: eks-irsa"
            found.append(Violation("oidc_provider_arn", self.oidc_provider_arn, rule, fix, "ESS403"))
        if self.service not in {"eks-irsa", "eks-pod-identity"} and (self.namespace or self.service_account):
            rule, fix = "namespace and service_account apply to EKS only", "remove them or choose an EKS trust"
            found.append(Violation("namespace", self.namespace, rule, fix, "ESS404"))
        refuse(found)
        return self

    def _irsa_violations(self) -> list[Violation]:
        found: list[Violation] = []
        provider = self.oidc_provider_arn or ""
        if ":oidc-provider/" not in provider or not provider.startswith("arn:"):
            rule = "IRSA needs the cluster's OIDC provider ARN"
            fix = "use arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID"
            found.append(Violation("oidc_provider_arn", self.oidc_provider_arn, rule, fix, "ESS401"))
        if not (self.namespace and self.service_account):
            rule = "IRSA needs the namespace and service account allowed to assume the role"
            found.append(
                Violation("service_account", self.service_account, rule, "set namespace and service_account", "ESS402")
            )
        return found


class RegistryLocation(Spec):
    """Where the repositories live, for giving them by name."""

    account_id: AccountId
    region: Region
    partition: PartitionName | None = None

    @model_validator(mode="after")
    def _partition_of_region(self) -> RegistryLocation:
        refuse(partition_violations(self.partition, self.region))
        return self

    def ref(self, name: str) -> RepositoryRef:
        return RepositoryRef(effective_partition(self.partition, self.region), self.region, self.account_id, name)


class PullerRoleArgs(Spec):
    """A role in an application account with the identity policy to pull (or push) exactly its repositories.

    `repository_arns` and `permissions_boundary` accept `pulumi.Input[str]`; strings are checked now,
    Outputs when they resolve (with the same SpecError).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    role_name: RoleName
    path: IamPath = "/"
    description: str | None = Field(default=None, max_length=1000)
    trust: TrustSpec = Field(default_factory=TrustSpec)
    account_id: AccountId | None = Field(
        default=None,
        description="The role's own account, for aws:SourceAccount in the trust policy; "
        "looked up from the provider when left out.",
    )
    access: AccessLevel = Field(default="pull", description="pull, or push (which includes pull).")
    repository_arns: list[Any] = Field(default_factory=list, description="Repository ARNs (str or pulumi.Input[str]).")
    registry: RegistryLocation | None = Field(
        default=None, description="The registry account and region, when repositories are given by name."
    )
    repositories: list[RepositoryName] = Field(default_factory=list, description="Repository names in `registry`.")
    cloudwatch_log_groups: list[str] = Field(
        default_factory=list,
        description="ECS task execution: log groups the role may write to (CreateLogStream, PutLogEvents).",
    )
    permissions_boundary: Any = Field(default=None, description="Managed policy ARN (str or Input).")
    max_session_duration: int = Field(default=3600, ge=3600, le=43200)
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("cloudwatch_log_groups")
    @classmethod
    def _log_group_names(cls, names: list[str]) -> list[str]:
        # A pattern would widen the grant beyond the named groups.
        rule = "a log group name is 1-512 letters, digits and . - _ / # (no wildcards)"
        fix = "name each log group, for example /ecs/payment-service"
        refuse(
            Violation(f"[{index}]", name, rule, fix, "ESS114")
            for index, name in enumerate(names)
            if not _LOG_GROUP.match(name)
        )
        return names

    @field_validator("permissions_boundary")
    @classmethod
    def _boundary_arn(cls, value: Any) -> Any:
        if isinstance(value, str) and not _POLICY_ARN.match(value):
            rule = "a permissions boundary is a managed policy ARN"
            fix = "use arn:aws:iam::ACCOUNT:policy/NAME (or arn:aws:iam::aws:policy/NAME)"
            refuse([Violation("", value, rule, fix, "ESS115")])
        return value

    @field_validator("repository_arns")
    @classmethod
    def _arns_now(cls, arns: list[Any]) -> list[Any]:
        # Strings are checked now; Outputs are checked by the component when they resolve.
        refuse(
            replace(violation, field=f"[{index}]")
            for index, arn in enumerate(arns)
            if isinstance(arn, str)
            for violation in repository_arn_violations([arn])
        )
        return arns

    @model_validator(mode="after")
    def _repositories_given(self) -> PullerRoleArgs:
        found: list[Violation] = []
        if not self.repository_arns and not self.repositories:
            rule, fix = (
                "a puller role needs at least one repository",
                "give repository_arns, or registry + repositories",
            )
            found.append(Violation("repositories", [], rule, fix, "ESS405"))
        if self.repositories and self.registry is None:
            rule, fix = "repositories given by name need the registry's location", "set registry: {account_id, region}"
            found.append(Violation("registry", None, rule, fix, "ESS406"))
        found += [
            Violation("repositories", name, "repository listed twice", "list it once", "ESS407")
            for name in listed_twice(self.repositories)
        ]
        refuse(found)
        return self

    def named_repository_arns(self) -> list[str]:
        """ARNs of the repositories given by name (empty when none)."""
        if self.registry is None:
            return []
        return [self.registry.ref(name).arn for name in self.repositories]


def repository_arn_violations(arns: list[str], field: str = "repository_arns") -> list[Violation]:
    out = []
    for arn in arns:
        try:
            parse_repository_arn(arn)
        except ValueError as error:
            out.append(Violation(field, arn, str(error), "use arn:aws:ecr:REGION:ACCOUNT:repository/NAME", "ESS111"))
    return out


def check_resolved_repository_arns(arns: list[str]) -> list[str]:
    """Validate ARNs that arrived as Outputs, raising the same SpecError a string would."""
    problems = repository_arn_violations(arns)
    if problems:
        raise SpecError("PullerRoleArgs", problems)
    return arns
