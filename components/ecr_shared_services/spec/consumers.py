"""Consumers: who may use a repository, and at which access level."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.arns import parse_principal_arn, role_arn
from ecr_shared_services.errors import Violation
from ecr_shared_services.spec.base import Spec, listed_twice, refuse, validated_once
from ecr_shared_services.spec.identifiers import AccountId, IamPath, OrganizationId, OrgPath, Region, RoleName

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
    """Named roles: least privilege. Either role names in one account, or role ARNs.

    `role_arns` accepts `pulumi.Input[str]` for roles made by another resource or stack; strings are
    checked now, Outputs when they resolve (with the same SpecError).
    """

    kind: Literal["role"] = "role"
    account_id: AccountId | None = Field(default=None, description="The roles' account, with `role_names`.")
    role_names: list[RoleName] = Field(default_factory=list, description="Role names (not ARNs) in `account_id`.")
    role_path: IamPath = Field(default="/", description="The roles' IAM path, for example /service-role/.")
    role_arns: list[Any] = Field(
        default_factory=list, description="Role ARNs (str or pulumi.Input[str]), instead of account_id + role_names."
    )
    principal_form: Literal["condition", "arn"] = Field(
        default="condition",
        description=(
            "`condition`: account root + ArnEquals aws:PrincipalArn (the role need not exist yet). "
            "`arn`: the role ARN as Principal (the role must exist before the registry is deployed)."
        ),
    )
    access: AccessLevel = "pull"
    description: str | None = DESCRIPTION

    @field_validator("role_arns")
    @classmethod
    def _arns_now(cls, arns: list[Any]) -> list[Any]:
        return checked_role_arns(arns)

    @model_validator(mode="after")
    def _roles_given(self) -> RoleConsumer:
        found: list[Violation] = []
        if self.role_arns and (self.role_names or self.account_id):
            rule = "give either role_arns, or account_id with role_names, not both"
            found.append(Violation("role_arns", len(self.role_arns), rule, "use one role consumer per form", "ESS301"))
        elif not self.role_arns:
            if not self.role_names:
                rule = "a role consumer needs at least one role name"
                fix = "list the roles, or use kind: account to grant the whole account"
                found.append(Violation("role_names", [], rule, fix, "ESS302"))
            if self.account_id is None:
                rule, fix = "role names need the account they are in", "set account_id, or give role_arns instead"
                found.append(Violation("account_id", None, rule, fix, "ESS303"))
        dupes = listed_twice(self.role_names) + listed_twice(self.role_arns)
        if dupes:
            field = "role_names" if self.role_names else "role_arns"
            found.append(Violation(field, dupes, "roles are listed twice", "list each role once", "ESS304"))
        refuse(found)
        return self

    @property
    def deferred(self) -> bool:
        """True while some role ARN is still a pulumi Output."""
        return any(not isinstance(arn, str) for arn in self.role_arns)

    def principals(self, partition: str) -> list[tuple[str, str]]:
        """(account ID, role ARN) of each role; only once every ARN has resolved."""
        if self.deferred:
            raise ValueError("role ARNs have not resolved yet")
        if self.role_arns:
            return [(parse_principal_arn(arn).account_id, arn) for arn in self.role_arns]
        account = self.account_id or ""
        return [(account, role_arn(partition, account, name, self.role_path)) for name in self.role_names]


def checked_role_arns(arns: list[Any]) -> list[Any]:
    """Role ARNs that are strings are checked now; Outputs are checked when they resolve."""
    refuse(
        Violation(f"[{index}]", arn, rule, "use arn:aws:iam::ACCOUNT:role/NAME", "ESS110")
        for index, arn in enumerate(arns)
        if isinstance(arn, str) and (rule := role_arn_problem(arn))
    )
    return arns


def role_arn_problem(arn: str) -> str:
    """Why `arn` is not a role ARN a repository policy can name, or "" when it is."""
    try:
        principal = parse_principal_arn(arn)
    except ValueError as error:
        return str(error)
    if principal.kind != "role":
        return f"{arn!r} is not a role ARN (it names a {principal.kind})"
    if "*" in arn or "?" in arn:
        return f"{arn!r} holds a wildcard; name each role"
    return ""


class OrganizationConsumer(Spec):
    """Every account of an AWS Organization, or of some of its OUs (Principal `*` + an org condition)."""

    kind: Literal["organization"] = "organization"
    organization_id: OrganizationId
    ou_paths: list[OrgPath] = Field(
        default_factory=list,
        description="Limit to these OU paths (o-…/r-…/ou-…/); empty means the whole organization.",
    )
    access: AccessLevel = "pull"
    allow_push: bool = Field(default=False, description="Explicit opt-in required to let a whole organization push.")
    description: str | None = DESCRIPTION

    @model_validator(mode="after")
    def _paths_in_org(self) -> OrganizationConsumer:
        org = self.organization_id
        found = [
            Violation(
                "ou_paths", path, f"the path is not inside organization {org}", f"start the path with {org}/", "ESS305"
            )
            for path in self.ou_paths
            if not path.startswith(org + "/")
        ]
        if self.access == "push" and not self.allow_push:
            rule = "push for a whole organization needs an explicit opt-in"
            fix = "grant push to the publishing accounts or roles instead, or set allow_push: true"
            found.append(Violation("access", "push", rule, fix, "ESS306"))
        refuse(found)
        return self


class LambdaConsumer(Spec):
    """Container-image Lambda functions of one account (same region only).

    Two identities pull: the Lambda service when a function runs or scales (Principal
    `lambda.amazonaws.com`, scoped to the account's functions), and the role that creates or updates a
    function, when Lambda checks the image (`deployer_role_names` or `deployer_role_arns`, rendered like a
    role consumer). The execution role of the function pulls nothing. Granting the whole account instead
    of the deployers takes `allow_account_root: true` and a `description` saying why.
    """

    kind: Literal["lambda"] = "lambda"
    account_id: AccountId
    region: Region | None = Field(
        default=None, description="The functions' region; Lambda pulls only from the same region."
    )
    deployer_role_names: list[RoleName] = Field(
        default_factory=list,
        description="Roles in `account_id` that create or update the functions (CreateFunction, UpdateFunctionCode).",
    )
    deployer_role_path: IamPath = Field(default="/", description="The deployer roles' IAM path.")
    deployer_role_arns: list[Any] = Field(
        default_factory=list,
        description="Deployer role ARNs (str or pulumi.Input[str]) in `account_id`, instead of deployer_role_names.",
    )
    deployer_principal_form: Literal["condition", "arn"] = Field(
        default="condition", description="How the deployers are named, as `principal_form` of a role consumer."
    )
    allow_account_root: bool = Field(
        default=False,
        description=(
            "Grant pull to every principal of the account whose own IAM allows it (Principal: the account root), "
            "instead of naming the deployers. An explicit opt-in; needs a `description`."
        ),
    )
    access: Literal["pull"] = "pull"
    description: str | None = DESCRIPTION

    @field_validator("deployer_role_arns")
    @classmethod
    def _arns_now(cls, arns: list[Any]) -> list[Any]:
        return checked_role_arns(arns)

    @model_validator(mode="after")
    def _deployers_given(self) -> LambdaConsumer:
        found: list[Violation] = []
        if not (self.deployer_role_names or self.deployer_role_arns or self.allow_account_root):
            rule = "a Lambda consumer names the roles that create or update its functions"
            fix = (
                "add deployer_role_names: [ROLE] (the CI or deploy role that calls CreateFunction and "
                "UpdateFunctionCode), or set allow_account_root: true with a description to grant the whole account"
            )
            found.append(Violation("deployer_role_names", [], rule, fix, "ESS307"))
        if self.deployer_role_arns and self.deployer_role_names:
            rule = "give either deployer_role_arns or deployer_role_names, not both"
            found.append(Violation("deployer_role_arns", len(self.deployer_role_arns), rule, "use one form", "ESS301"))
        found += [
            Violation(
                f"deployer_role_arns[{index}]",
                arn,
                f"a function's deployer is a role of the function's account {self.account_id}",
                f"name a role in account {self.account_id}, or add another lambda consumer for that account",
                "ESS308",
            )
            for index, arn in enumerate(self.deployer_role_arns)
            if isinstance(arn, str) and parse_principal_arn(arn).account_id != self.account_id
        ]
        dupes = listed_twice(self.deployer_role_names) + listed_twice(self.deployer_role_arns)
        if dupes:
            field = "deployer_role_names" if self.deployer_role_names else "deployer_role_arns"
            found.append(Violation(field, dupes, "roles are listed twice", "list each role once", "ESS304"))
        if self.allow_account_root and not self.description:
            rule = "granting the whole account is an explicit opt-in that says why"
            fix = "add a description (who needs the whole account, and why the deployer roles cannot be named)"
            found.append(Violation("description", None, rule, fix, "ESS309"))
        refuse(found)
        return self

    @property
    def deferred(self) -> bool:
        """True while some deployer role ARN is still a pulumi Output."""
        return any(not isinstance(arn, str) for arn in self.deployer_role_arns)

    def deployers(self, partition: str) -> list[tuple[str, str]]:
        """(account ID, role ARN) of each deployer role; only once every ARN has resolved."""
        if self.deferred:
            raise ValueError("deployer role ARNs have not resolved yet")
        if self.deployer_role_arns:
            return [(self.account_id, arn) for arn in self.deployer_role_arns]
        return [
            (self.account_id, role_arn(partition, self.account_id, name, self.deployer_role_path))
            for name in self.deployer_role_names
        ]


# The fields of each consumer kind that take role ARNs as pulumi Inputs.
DEFERRED_ARN_FIELDS: dict[str, str] = {"role": "role_arns", "lambda": "deployer_role_arns"}


Consumer = Annotated[
    AccountConsumer | RoleConsumer | OrganizationConsumer | LambdaConsumer, Field(discriminator="kind")
]
# A list of consumers: within one parse, each distinct consumer is validated once, however many
# repositories list it.
Consumers = Annotated[list[Consumer], validated_once()]
