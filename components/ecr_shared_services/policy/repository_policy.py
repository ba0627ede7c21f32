"""The repository policy: one statement per (access level, consumer kind), deterministic to the byte."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ecr_shared_services.aws.actions import ACCESS_LEVELS, AccessLevel, actions_for
from ecr_shared_services.aws.arns import account_root_arn
from ecr_shared_services.policy.document import VERSION, Statement, one_or_many
from ecr_shared_services.policy.encodings import encode
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, check_total
from ecr_shared_services.spec.consumers import (
    AccountConsumer,
    Consumer,
    LambdaConsumer,
    OrganizationConsumer,
    RoleConsumer,
)
from ecr_shared_services.spec.registry import PolicyEncoding

LAMBDA_SERVICE = "lambda.amazonaws.com"


def _statement(sid: str, principal: dict[str, Any], access: AccessLevel, condition: dict[str, Any] | None) -> Statement:
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": list(actions_for(access)),
    }
    if condition:
        statement["Condition"] = condition
    return statement


def _accounts(consumers: list[Consumer], partition: str, region: str, access: AccessLevel) -> list[Statement]:
    roots = [account_root_arn(partition, c.account_id) for c in consumers if isinstance(c, AccountConsumer)]
    return [_statement(f"{access.title()}Accounts", {"AWS": one_or_many(roots)}, access, None)] if roots else []


def _named_roles(
    sids: tuple[str, str], roles: Sequence[tuple[str, str, str]], partition: str, access: AccessLevel
) -> list[Statement]:
    """Statements naming roles given as (principal form, account ID, role ARN): the condition form as
    the roles' account roots + `ArnEquals aws:PrincipalArn`, the ARN form as the role ARNs themselves."""
    out = []
    by_condition = [(account, arn) for form, account, arn in roles if form == "condition"]
    if by_condition:
        roots = [account_root_arn(partition, account) for account, _ in by_condition]
        arns = [arn for _, arn in by_condition]
        out.append(
            _statement(
                f"{access.title()}{sids[0]}",
                {"AWS": one_or_many(roots)},
                access,
                {"ArnEquals": {"aws:PrincipalArn": one_or_many(arns)}},
            )
        )
    by_arn = [arn for form, _, arn in roles if form == "arn"]
    if by_arn:
        out.append(_statement(f"{access.title()}{sids[1]}", {"AWS": one_or_many(by_arn)}, access, None))
    return out


def _roles(consumers: list[Consumer], partition: str, region: str, access: AccessLevel) -> list[Statement]:
    roles = [
        (c.principal_form, account, arn)
        for c in consumers
        if isinstance(c, RoleConsumer)
        for account, arn in c.principals(partition)
    ]
    return _named_roles(("Roles", "RoleArns"), roles, partition, access)


def _organizations(consumers: list[Consumer], partition: str, region: str, access: AccessLevel) -> list[Statement]:
    orgs = [c for c in consumers if isinstance(c, OrganizationConsumer)]
    whole = [c.organization_id for c in orgs if not c.ou_paths]
    paths = [p + "*" for c in orgs for p in c.ou_paths]
    out = []
    if whole:
        out.append(
            _statement(
                f"{access.title()}Organizations",
                {"AWS": "*"},
                access,
                {"StringEquals": {"aws:PrincipalOrgID": one_or_many(whole)}},
            )
        )
    if paths:
        out.append(
            _statement(
                f"{access.title()}OrganizationPaths",
                {"AWS": "*"},
                access,
                {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": sorted(set(paths))}},
            )
        )
    return out


def _lambdas(consumers: list[Consumer], partition: str, region: str, access: AccessLevel) -> list[Statement]:
    """AWS's cross-account example for container-image functions, with the account root narrowed to the
    deployer roles unless `allow_account_root` is set.
    https://docs.aws.amazon.com/lambda/latest/dg/images-create.html (Cross-account permissions)"""
    fns = [c for c in consumers if isinstance(c, LambdaConsumer)]
    if not fns:
        return []
    sources = [f"arn:{partition}:lambda:{c.region or region}:{c.account_id}:function:*" for c in fns]
    # The service pulls the image when a function runs or scales.
    out = [
        _statement(
            f"{access.title()}LambdaService",
            {"Service": LAMBDA_SERVICE},
            access,
            {"StringLike": {"aws:sourceArn": one_or_many(sources)}},
        )
    ]
    # CreateFunction and UpdateFunctionCode check their caller (the deployer) against the repository.
    deployers = [(c.deployer_principal_form, account, arn) for c in fns for account, arn in c.deployers(partition)]
    out += _named_roles(("LambdaDeployers", "LambdaDeployerArns"), deployers, partition, access)
    roots = [account_root_arn(partition, c.account_id) for c in fns if c.allow_account_root]
    if roots:
        out.append(_statement(f"{access.title()}LambdaAccounts", {"AWS": one_or_many(roots)}, access, None))
    return out


_RENDERERS: tuple[Callable[[list[Consumer], str, str, AccessLevel], list[Statement]], ...] = (
    _accounts,
    _roles,
    _organizations,
    _lambdas,
)


def repository_policy(consumers: Sequence[Consumer], partition: str, region: str) -> dict[str, Any] | None:
    """The repository policy for these consumers, or None when there are none.

    No `Resource` (the policy is attached to the repository), no `ecr:GetAuthorizationToken`
    (ECR rejects it; it belongs to the puller's identity policy) and never `ecr:*`.
    """
    statements: list[Statement] = []
    for access in ACCESS_LEVELS:
        level = [c for c in consumers if c.access == access]
        for render in _RENDERERS:
            statements += render(level, partition, region, access)
    if not statements:
        return None
    return {"Version": VERSION, "Statement": statements}


def repository_policy_json(
    consumers: Sequence[Consumer],
    partition: str,
    region: str,
    repository: str,
    encoding: PolicyEncoding = "auto",
    registry_account: str | None = None,
) -> str | None:
    """The policy text ECR receives, in `encoding` (policy/encodings.py), checked against ECR's size limit."""
    document = repository_policy(consumers, partition, region)
    if document is None:
        return None
    text = encode(document, encoding, registry_account, f"the repository policy of {repository!r}")
    check_total(
        [text],
        REPOSITORY_POLICY,
        f"the repository policy of {repository!r}",
        "grant an organization or OU instead of many accounts, or use account consumers instead of many role names",
    )
    return text
