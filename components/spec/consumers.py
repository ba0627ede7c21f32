"""Consumers: who may use a repository, and at which access level."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.policy.actions import AccessLevel
from components.spec.base import Problem, Spec, raise_if_any
from components.spec.identifiers import AccountId, IamPath, OrganizationId, OrgPath, Region, RoleName

DESCRIPTION = Field(
    default=None,
    max_length=256,
    description="Why this consumer has access (who owns it, which team); kept in grants and reports.",
)


class AccountConsumer(Spec):
    """Every principal in an account that its own IAM allows (Principal: the account root)."""

    kind: Literal["account"] = "account"
    account_id: AccountId
    access: AccessLevel = "pull"
    description: str | None = DESCRIPTION


class RoleConsumer(Spec):
    """Named roles in one account: least privilege."""

    kind: Literal["role"] = "role"
    account_id: AccountId
    role_names: list[RoleName] = Field(description="Role names (not ARNs) in `account_id`.")
    role_path: IamPath = Field(default="/", description="The roles' IAM path, for example /service-role/.")
    principal_form: Literal["condition", "arn"] = Field(
        default="condition",
        description=(
            "`condition`: account root + ArnEquals aws:PrincipalArn (the role need not exist yet). "
            "`arn`: the role ARN as Principal (the role must exist before the registry is deployed)."
        ),
    )
    access: AccessLevel = "pull"
    description: str | None = DESCRIPTION

    @model_validator(mode="after")
    def _roles_given(self) -> RoleConsumer:
        problems: list[Problem] = []
        if not self.role_names:
            problems.append(
                ("role_names", [], "a role consumer needs at least one role name",
                 "list the roles, or use kind: account to grant the whole account")
            )
        dupes = sorted({n for n in self.role_names if self.role_names.count(n) > 1})
        if dupes:
            problems.append(("role_names", dupes, "role names are listed twice", "list each role once"))
        raise_if_any(problems)
        return self


class OrganizationConsumer(Spec):
    """Every account of an AWS Organization, or of some of its OUs (Principal `*` + an org condition)."""

    kind: Literal["organization"] = "organization"
    organization_id: OrganizationId
    ou_paths: list[OrgPath] = Field(
        default_factory=list,
        description="Limit to these OU paths (o-…/r-…/ou-…/); empty means the whole organization.",
    )
    access: AccessLevel = "pull"
    allow_push: bool = Field(
        default=False, description="Explicit opt-in required to let a whole organization push."
    )
    description: str | None = DESCRIPTION

    @model_validator(mode="after")
    def _paths_in_org(self) -> OrganizationConsumer:
        problems = [
            ("ou_paths", path, f"the path is not inside organization {self.organization_id}",
             f"start the path with {self.organization_id}/")
            for path in self.ou_paths
            if not path.startswith(self.organization_id + "/")
        ]
        if self.access == "push" and not self.allow_push:
            problems.append(
                ("access", "push", "push for a whole organization needs an explicit opt-in",
                 "grant push to the publishing accounts or roles instead, or set allow_push: true")
            )
        raise_if_any(problems)
        return self


class LambdaConsumer(Spec):
    """Lambda functions of an account pulling their container images (same region only)."""

    kind: Literal["lambda"] = "lambda"
    account_id: AccountId
    region: Region | None = Field(
        default=None, description="The functions' region; Lambda pulls only from the same region."
    )
    access: Literal["pull"] = "pull"
    description: str | None = DESCRIPTION


Consumer = Annotated[
    AccountConsumer | RoleConsumer | OrganizationConsumer | LambdaConsumer, Field(discriminator="kind")
]
CONSUMER_KINDS: tuple[str, ...] = ("account", "role", "organization", "lambda")
