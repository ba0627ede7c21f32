"""The application stack's own settings: which registry stack, which repositories, which role."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from ecr_shared_services.aws.arns import parse_principal_arn
from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import Spec, listed_twice, refuse, violations_of
from ecr_shared_services.spec.identifiers import AccountId, OrganizationId, RepositoryName
from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs

_QUALIFIED_STACK = re.compile(r"^[\w.-]+/[\w.-]+/[\w.-]+$")


class _ArnFromRegistry:
    """Stands for repository ARNs that arrive later from the registry stack's outputs."""

    def __repr__(self) -> str:
        return "<ARN from the registry stack>"


ARN_FROM_REGISTRY = _ArnFromRegistry()

# Settings of a role that this stack creates; an existing role keeps its own.
_CREATION_ONLY = frozenset({"trust", "description", "permissions_boundary", "max_session_duration", "tags"})


class ApplicationStackSpec(Spec):
    """Config of an application stack (`ecr:registryStack`, `ecr:repositories`, `ecr:role`, ...)."""

    account_id: AccountId
    registry_stack: str = Field(description="The registry stack, fully qualified: org/project/stack.")
    repositories: list[RepositoryName] = Field(description="Repositories this account pulls from the registry.")
    role: dict[str, Any] = Field(
        description="The pulling role: PullerRoleArgs to create it (role_name, trust, ...), or, with "
        "`existing: true`, a role that exists (role_name, path), reached with PullerPolicy."
    )
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
        found += self._existing_role_violations()
        try:
            self.role_spec()
        except ValidationError as error:
            model = PullerPolicyArgs if self.existing_role else PullerRoleArgs
            # An existing role's `role_name` is PullerPolicyArgs' `role`: report it under the config's name.
            found += [
                replace(v, field="role_name" if v.field == "role" else v.field).under("role")
                for v in violations_of(model, error)
            ]
        refuse(found)
        return self

    @property
    def existing_role(self) -> bool:
        """True when the role exists already and only gets the identity policy (`existing: true`)."""
        return self.role.get("existing") is True

    def _existing_role_violations(self) -> list[Violation]:
        if "existing" in self.role and not isinstance(self.role["existing"], bool):
            return [Violation("role.existing", self.role["existing"], "must be true or false", "", "ESS003")]
        if not self.existing_role:
            return []
        rule = "an existing role keeps its own trust and settings; only the identity policy is attached"
        fix = "remove it, or set existing: false to create the role"
        return [
            Violation(f"role.{key}", self.role[key], rule, fix, "ESS414")
            for key in sorted(_CREATION_ONLY & set(self.role))
        ]

    def role_identity(self) -> tuple[str, str]:
        """The role's name and IAM path, as given in the config (an existing role may be given by ARN)."""
        name = str(self.role.get("role_name"))
        if self.existing_role and name.startswith("arn:"):
            ref = parse_principal_arn(name)
            return ref.name, ref.path
        return name, str(self.role.get("path") or "/")

    def role_spec(self) -> PullerRoleArgs | PullerPolicyArgs:
        """The validated role (to create, or existing), its repository ARNs standing in for the registry
        stack's outputs."""
        arns = [ARN_FROM_REGISTRY] * max(1, len(self.repositories))
        if self.existing_role:
            data = {k: v for k, v in self.role.items() if k not in _CREATION_ONLY | {"existing", "role_name"}}
            if "role_name" in self.role:
                data["role"] = self.role["role_name"]
            existing: PullerPolicyArgs = PullerPolicyArgs.model_validate(
                {**data, "account_id": self.account_id, "repository_arns": arns}
            )
            return existing
        data = {k: v for k, v in self.role.items() if k != "existing"}
        created: PullerRoleArgs = PullerRoleArgs.model_validate(
            {**data, "account_id": self.account_id, "repository_arns": arns}
        )
        return created

    def role_args(self, repository_arns: list[Any]) -> PullerRoleArgs | PullerPolicyArgs:
        """The role's args with the repository ARNs read from the registry stack (strings or Outputs)."""
        return self.role_spec().model_copy(update={"repository_arns": repository_arns})
