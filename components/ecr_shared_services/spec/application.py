"""The application stack's own settings: which registry stack, which repositories, which role."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import Spec, listed_twice, refuse, violations_of
from ecr_shared_services.spec.identifiers import AccountId, OrganizationId, RepositoryName
from ecr_shared_services.spec.puller import PullerRoleArgs

_QUALIFIED_STACK = re.compile(r"^[\w.-]+/[\w.-]+/[\w.-]+$")


class _ArnFromRegistry:
    """Stands for repository ARNs that arrive later from the registry stack's outputs."""

    def __repr__(self) -> str:
        return "<ARN from the registry stack>"


ARN_FROM_REGISTRY = _ArnFromRegistry()


class ApplicationStackSpec(Spec):
    """Config of an application stack (`ecr:registryStack`, `ecr:repositories`, `ecr:role`, ...)."""

    account_id: AccountId
    registry_stack: str = Field(description="The registry stack, fully qualified: org/project/stack.")
    repositories: list[RepositoryName] = Field(description="Repositories this account pulls from the registry.")
    role: dict[str, Any] = Field(description="PullerRoleArgs for the role (role_name, trust, ...).")
    organization_id: OrganizationId | None = Field(
        default=None, description="This account's AWS Organization, to match organization-wide grants."
    )

    @field_validator("registry_stack")
    @classmethod
    def _qualified(cls, value: str) -> str:
        if not _QUALIFIED_STACK.match(value):
            rule = "a stack reference must be fully qualified as org/project/stack"
            fix = "use the form shown by `pulumi stack ls --all`, for example acme/ecr-shared-services/registry"
            refuse([Violation("", value, rule, fix, "ESS112")])
        return value

    @model_validator(mode="after")
    def _role_and_repositories(self) -> ApplicationStackSpec:
        found: list[Violation] = []
        if not self.repositories:
            rule = "an application stack needs at least one repository"
            fix = "pulumi config set --path 'ecr:repositories[0]' payment-service"
            found.append(Violation("repositories", [], rule, fix, "ESS405"))
        found += [
            Violation("repositories", name, "repository listed twice", "list it once", "ESS407")
            for name in listed_twice(self.repositories)
        ]
        if "account_id" in self.role:
            rule = "the role's account is the stack's pinned account (aws:allowedAccountIds)"
            fix = "remove account_id from ecr:role"
            found.append(Violation("role.account_id", self.role["account_id"], rule, fix, "ESS408"))
        try:
            self.role_spec()
        except ValidationError as error:
            found += [v.under("role") for v in violations_of(PullerRoleArgs, error)]
        refuse(found)
        return self

    def role_spec(self) -> PullerRoleArgs:
        """The validated role, its repository ARNs standing in for the registry stack's outputs."""
        data = {
            **self.role,
            "account_id": self.account_id,
            "repository_arns": [ARN_FROM_REGISTRY] * max(1, len(self.repositories)),
        }
        result: PullerRoleArgs = PullerRoleArgs.model_validate(data)
        return result

    def role_args(self, repository_arns: list[Any]) -> PullerRoleArgs:
        """The role's args with the repository ARNs read from the registry stack (strings or Outputs)."""
        return self.role_spec().model_copy(update={"repository_arns": repository_arns})
