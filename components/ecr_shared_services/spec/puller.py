"""PullerRoleArgs: the pulling side — a role in an application account and what it may pull."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.arns import RepositoryRef, parse_principal_arn, parse_repository_arn
from ecr_shared_services.aws.identifiers import REPOSITORY_NAME, REPOSITORY_NAME_MAX, RULES, is_role_name
from ecr_shared_services.errors import SpecError, Violation
from ecr_shared_services.spec.base import Spec, listed_twice, refuse
from ecr_shared_services.spec.consumers import role_arn_problem
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
_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)

TrustService = Literal[
    "ecs-tasks", "eks-node", "eks-fargate", "ec2", "github-oidc", "codebuild", "eks-pod-identity", "eks-irsa", "lambda"
]

# An EKS cluster name: letters, digits, - and _, starting with a letter or digit, at most 100 characters.
_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$")
# A GitHub Actions subject narrowed to one repository: repo:OWNER/REPO:… with no wildcard in OWNER or REPO.
_GITHUB_SUBJECT = re.compile(r"^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:\S+$")
# Settings that only one kind of trust uses.
_TRUST_FIELDS: dict[str, str] = {
    "cluster_name": "eks-fargate",
    "cluster_region": "eks-fargate",
    "github_subjects": "github-oidc",
}


class TrustSpec(Spec):
    """Who may assume the role: the identity AWS uses for the workload's pull (or push)."""

    service: TrustService = Field(
        default="ecs-tasks",
        description=(
            "ecs-tasks: ECS task execution role (it pulls a task's images). "
            "eks-node: EKS node instance role (it pulls the images of pods on EC2 nodes). "
            "eks-fargate: EKS Fargate pod execution role. "
            "ec2: EC2 instance role (an instance profile is made with it). "
            "github-oidc: GitHub Actions through OIDC (CI that pushes, or deploys Lambda functions). "
            "codebuild: CodeBuild project role. "
            "eks-pod-identity, eks-irsa: the role of software inside a pod that calls the ECR API itself "
            "(image builders, scanners); a pod's own images are pulled by the node role, not by these. "
            "lambda is refused: a function's execution role does not pull its image."
        ),
    )
    oidc_provider_arn: str | None = Field(default=None, description="EKS IRSA: the cluster's IAM OIDC provider ARN.")
    namespace: str | None = Field(default=None, description="EKS: the service account's namespace.")
    service_account: str | None = Field(default=None, description="EKS: the service account's name.")
    cluster_name: str | None = Field(
        default=None, description="eks-fargate: the cluster whose Fargate profiles may use the role (aws:SourceArn)."
    )
    cluster_region: Region | None = Field(default=None, description="eks-fargate: the cluster's region.")
    github_subjects: list[str] = Field(
        default_factory=list,
        description="github-oidc: the `sub` claims allowed, each repo:OWNER/REPO:… "
        "(for example repo:acme/payments:ref:refs/heads/main or repo:acme/payments:environment:prod).",
    )

    @model_validator(mode="after")
    def _service_fields(self) -> TrustSpec:
        found = self._irsa_violations() if self.service == "eks-irsa" else []
        if self.service != "eks-irsa" and self.oidc_provider_arn:
            rule = f"an OIDC provider is used only with service eks-irsa, not {self.service}"
            fix = "remove it or set service: eks-irsa"
            found.append(Violation("oidc_provider_arn", self.oidc_provider_arn, rule, fix, "ESS403"))
        if self.service not in {"eks-irsa", "eks-pod-identity"} and (self.namespace or self.service_account):
            rule, fix = "namespace and service_account apply to EKS only", "remove them or choose an EKS trust"
            found.append(Violation("namespace", self.namespace, rule, fix, "ESS404"))
        found += [
            Violation(name, getattr(self, name), f"{name} applies to service {service} only", "remove it", "ESS412")
            for name, service in _TRUST_FIELDS.items()
            if getattr(self, name) and self.service != service
        ]
        found += self._fargate_violations() + self._github_violations()
        if self.service == "lambda":
            rule = (
                "a Lambda function's execution role does not pull the function's image: the Lambda service pulls it "
                "at run time, and the role that creates or updates the function when it is deployed"
            )
            fix = (
                "make the deployer's role instead (service github-oidc or codebuild, or PullerPolicy on an existing "
                "role), and name it in the registry's lambda consumer under deployer_role_names"
            )
            found.append(Violation("service", "lambda", rule, fix, "ESS409"))
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

    def _fargate_violations(self) -> list[Violation]:
        found: list[Violation] = []
        if self.cluster_name and not _CLUSTER_NAME.match(self.cluster_name):
            rule = "an EKS cluster name is 1-100 letters, digits, - and _, starting with a letter or digit"
            found.append(Violation("cluster_name", self.cluster_name, rule, "use the cluster's name", "ESS117"))
        if self.service == "eks-fargate" and self.cluster_name and not self.cluster_region:
            rule = "the Fargate profiles' ARN needs the cluster's region"
            found.append(Violation("cluster_region", None, rule, "set cluster_region, for example us-east-1", "ESS413"))
        return found

    def _github_violations(self) -> list[Violation]:
        if self.service != "github-oidc":
            return []
        if not self.github_subjects:
            rule = "without a subject, any GitHub repository's workflows could assume the role"
            fix = "set github_subjects: ['repo:OWNER/REPO:ref:refs/heads/main'] (or :environment:NAME, or :*)"
            return [Violation("github_subjects", [], rule, fix, "ESS410")]
        rule = "a subject names one repository, repo:OWNER/REPO:…, with no wildcard in OWNER or REPO"
        fix = "write repo:OWNER/REPO:ref:refs/heads/BRANCH, repo:OWNER/REPO:environment:NAME, or repo:OWNER/REPO:*"
        return [
            Violation(f"github_subjects[{index}]", subject, rule, fix, "ESS411")
            for index, subject in enumerate(self.github_subjects)
            if not _GITHUB_SUBJECT.match(subject)
        ]


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


class RepositoryAccessArgs(Spec):
    """The repositories an identity policy covers, at which access level: shared by PullerRoleArgs and
    PullerPolicyArgs, so that a created role and an existing one get the same policy."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

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
    max_managed_policies: int = Field(
        default=10,
        ge=0,
        strict=True,
        le=20,
        description="How many customer-managed policies this component may attach to the role for repositories "
        "that do not fit its first policy (each holds 6,144 characters). IAM's default quota of managed "
        "policies per role is 10 and can be raised to 20; policies attached to the role by anything else count "
        "against the same quota, so leave room for them. 0: the first policy only.",
    )
    max_repository_arn_length: int | None = Field(
        default=None,
        # The shortest ECR repository ARN: arn:aws:ecr: + a 9-character region + : + account + :repository/ + 2.
        ge=48,
        le=2048,
        description="The longest a repository ARN given as an Output can be, to plan the policies before it "
        "resolves (default: the longest ECR repository ARN, 315 characters). A string ARN is measured exactly.",
    )
    namespaces: list[str] = Field(
        default_factory=list,
        description="Opt-in: namespaces in `registry` whose every repository the role may use "
        "(`team-a` grants repository/team-a/*, including repositories created later). Never chosen "
        "automatically.",
    )

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

    @field_validator("namespaces")
    @classmethod
    def _namespace_names(cls, names: list[str]) -> list[str]:
        # A namespace is a repository-name prefix: `team-a/*` must not widen inside it with a wildcard.
        rule = (
            "a namespace is the start of repository names, written like a repository name (lowercase letters, "
            "digits, . _ - / between them, no wildcards, no trailing /)"
        )
        fix = "write the namespace only, for example team-a (it grants repository/team-a/*)"
        found = [
            Violation(f"[{index}]", name, rule, fix, "ESS417")
            for index, name in enumerate(names)
            if len(name) > REPOSITORY_NAME_MAX - 2 or not REPOSITORY_NAME.match(name)
        ]
        found += [
            Violation("", name, "namespace listed twice", "list it once", "ESS417") for name in listed_twice(names)
        ]
        refuse(found)
        return names

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
    def _repositories_given(self) -> RepositoryAccessArgs:
        found: list[Violation] = []
        if not self.repository_arns and not self.repositories and not self.namespaces:
            rule, fix = (
                "a puller role needs at least one repository",
                "give repository_arns, or registry + repositories (or namespaces)",
            )
            found.append(Violation("repositories", [], rule, fix, "ESS405"))
        if self.repositories and self.registry is None:
            rule, fix = "repositories given by name need the registry's location", "set registry: {account_id, region}"
            found.append(Violation("registry", None, rule, fix, "ESS406"))
        if self.namespaces and self.registry is None:
            rule, fix = "namespaces need the registry's location", "set registry: {account_id, region}"
            found.append(Violation("registry", None, rule, fix, "ESS418"))
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

    def namespace_patterns(self) -> list[str]:
        """The ARN patterns of the declared namespaces, `.../repository/NAMESPACE/*` (empty when none)."""
        if self.registry is None:
            return []
        return sorted(self.registry.ref(f"{name}/*").arn for name in self.namespaces)

    def known_repository_arns(self) -> list[str]:
        """The repository ARNs known now: strings given, and those of repositories given by name."""
        return [arn for arn in self.repository_arns if isinstance(arn, str)] + self.named_repository_arns()

    def unknown_repository_arns(self) -> int:
        """How many repository ARNs arrive later (Outputs, or stand-ins for them)."""
        return sum(1 for arn in self.repository_arns if not isinstance(arn, str))


class PullerRoleArgs(RepositoryAccessArgs):
    """A role in an application account with the identity policy to pull (or push) exactly its repositories.

    `repository_arns` and `permissions_boundary` accept `pulumi.Input[str]`; strings are checked now,
    Outputs when they resolve (with the same SpecError).
    """

    role_name: RoleName
    path: IamPath = "/"
    description: str | None = Field(default=None, max_length=1000)
    trust: TrustSpec = Field(default_factory=TrustSpec)
    account_id: AccountId | None = Field(
        default=None,
        description="The role's own account, for aws:SourceAccount in the trust policy; "
        "looked up from the provider when left out.",
    )
    permissions_boundary: Any = Field(default=None, description="Managed policy ARN (str or Input).")
    max_session_duration: int = Field(default=3600, ge=3600, le=43200)
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("permissions_boundary")
    @classmethod
    def _boundary_arn(cls, value: Any) -> Any:
        if isinstance(value, str) and not _POLICY_ARN.match(value):
            rule = "a permissions boundary is a managed policy ARN"
            fix = "use arn:aws:iam::ACCOUNT:policy/NAME (or arn:aws:iam::aws:policy/NAME)"
            refuse([Violation("", value, rule, fix, "ESS115")])
        return value


class PullerPolicyArgs(RepositoryAccessArgs):
    """The same identity policy as PullerRoleArgs, for a role that already exists (an `ecsTaskExecutionRole`,
    an EKS node role, a CI or deploy role): attached inline by default, or as a customer-managed policy.

    `role` is the role's name or ARN (str or `pulumi.Input[str]`); strings are checked now, Outputs when
    they resolve.
    """

    role: Any = Field(description="The existing role: its name, or its ARN (str or pulumi.Input[str]).")
    path: IamPath = Field(default="/", description="The role's IAM path, when `role` is a name.")
    account_id: AccountId | None = Field(
        default=None, description="The role's account; looked up from the provider when left out."
    )
    attach_as: Literal["inline", "managed"] = Field(
        default="inline",
        description="inline: an inline policy on the role. managed: a customer-managed policy and its attachment.",
    )
    policy_name: str | None = Field(
        default=None,
        description="Policy name (default: `ecr-images` inline; a managed policy is named by Pulumi).",
    )

    @field_validator("role")
    @classmethod
    def _role_now(cls, value: Any) -> Any:
        if isinstance(value, str):
            refuse(existing_role_violations(value))
        return value

    @model_validator(mode="after")
    def _role_in_account(self) -> PullerPolicyArgs:
        if isinstance(self.role, str) and self.account_id:
            refuse(role_account_violations(self.role, self.account_id))
        return self

    @field_validator("policy_name")
    @classmethod
    def _policy_name(cls, value: str | None) -> str | None:
        if value is not None and not _POLICY_NAME.match(value):
            rule = "an IAM policy name is 1-128 letters, digits and +=,.@_-"
            refuse([Violation("", value, rule, "remove other characters", "ESS009")])
        return value


def existing_role_violations(role: str) -> list[Violation]:
    """What is wrong with `role` as an existing role's name or ARN (nothing when it is one)."""
    if role.startswith("arn:"):
        problem = role_arn_problem(role)
        return [Violation("", role, problem, "use arn:aws:iam::ACCOUNT:role/NAME", "ESS110")] if problem else []
    if is_role_name(role):
        return []
    rule, fix = RULES["role_name"]
    return [Violation("", role, rule, fix, "ESS104")]


def role_account_violations(role: str, account_id: str) -> list[Violation]:
    """A role given by ARN must be in the account the policy is attached in: IAM attaches by role name."""
    if not role.startswith("arn:") or role_arn_problem(role):
        return []
    owner = parse_principal_arn(role).account_id
    if owner == account_id:
        return []
    rule = f"the role is in account {owner}, but its policy would be attached in account {account_id}"
    fix = f"attach it from a program (or provider) of account {owner}, or name a role of account {account_id}"
    return [Violation("role", role, rule, fix, "ESS415")]


def existing_role_name(role: str) -> str:
    """The role's name, from its name or its ARN (the last segment of the ARN's path)."""
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


def repository_arn_violations(arns: list[str], field: str = "repository_arns") -> list[Violation]:
    out = []
    for arn in arns:
        try:
            parse_repository_arn(arn)
        except ValueError as error:
            out.append(Violation(field, arn, str(error), "use arn:aws:ecr:REGION:ACCOUNT:repository/NAME", "ESS111"))
    return out


def check_resolved_role(role: str, account_id: str | None = None) -> str:
    """Validate a role name or ARN that arrived as an Output (and, given its account, that the ARN is in
    it), raising the same SpecError a string would."""
    problems = [v.under("role") for v in existing_role_violations(role)]
    if not problems and account_id:
        problems = role_account_violations(role, account_id)
    if problems:
        raise SpecError("PullerPolicyArgs", problems)
    return role


def check_resolved_repository_arns(arns: list[str]) -> list[str]:
    """Validate ARNs that arrived as Outputs, raising the same SpecError a string would."""
    problems = repository_arn_violations(arns)
    if problems:
        raise SpecError("PullerRoleArgs", problems)
    return arns
