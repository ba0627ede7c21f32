"""AWS's AccessDenied wording, and the concrete statement that would turn a denial into an allow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ecr_shared_services.access.context import Caller
from ecr_shared_services.access.results import Fix, Side, StatementRef
from ecr_shared_services.aws.arns import RepositoryRef

POLICY_TYPE_WORDS: dict[Side, tuple[str, str]] = {
    # side: (with article, bare) as AWS writes them in AccessDenied messages
    "identity": ("an identity-based policy", "identity-based policy"),
    "resource": ("a resource-based policy", "resource-based policy"),
    "boundary": ("a permissions boundary", "permissions boundary"),
    "scp": ("a service control policy", "service control policy"),
}


def access_denied_message(caller: Caller, action: str, resource: str, side: Side, explicit: bool) -> str:
    """The message AWS returns, for example `User: ARN is not authorized to perform: ecr:BatchGetImage
    on resource: ARN because no resource-based policy allows the ecr:BatchGetImage action`."""
    head = f"User: {caller.arn} is not authorized to perform: {action} on resource: {resource}"
    with_article, bare = POLICY_TYPE_WORDS[side]
    if explicit:
        return f"{head} with an explicit deny in {with_article}"
    return f"{head} because no {bare} allows the {action} action"


def repository_not_found_message(repository: RepositoryRef) -> str:
    return (
        f"RepositoryNotFoundException: The repository with name '{repository.name}' does not exist "
        f"in the registry with id '{repository.account_id}'"
    )


def _where(side: Side, caller: Caller, repository: RepositoryRef, policy_name: str | None) -> str:
    if side == "identity":
        return f"an identity policy of {caller.identity_arn} (account {caller.account_id})"
    if side == "resource":
        return f"the repository policy of {repository.name} ({repository.arn})"
    named = f" {policy_name}" if policy_name else ""
    if side == "boundary":
        return f"the permissions boundary{named} of {caller.identity_arn}"
    return f"a service control policy{named} over account {caller.account_id}"


def resource_statement(caller: Caller, actions: Sequence[str]) -> dict[str, Any]:
    """A repository policy statement in this project's default form (see DESIGN: consumers)."""
    statement: dict[str, Any] = {"Sid": "AllowPull", "Effect": "Allow"}
    if caller.is_service:
        statement["Principal"] = {"Service": caller.service}
    else:
        statement["Principal"] = {"AWS": caller.account_root}
    statement["Action"] = sorted(actions)
    if caller.kind in ("role", "assumed-role", "user"):
        statement["Condition"] = {"ArnEquals": {"aws:PrincipalArn": caller.identity_arn}}
    return statement


def _statement(fix: Fix, caller: Caller) -> dict[str, Any]:
    if fix.side == "resource":
        return resource_statement(caller, fix.actions)
    return {
        "Sid": "EcrAuthorizationToken" if fix.resource == "*" else "EcrPull",
        "Effect": "Allow",
        "Action": list(fix.actions),
        "Resource": fix.resource,
    }


def allow_fix(
    side: Side,
    caller: Caller,
    repository: RepositoryRef,
    action: str,
    resource: str,
    policy_name: str | None = None,
) -> Fix:
    """The statement to add on `side` so that it allows `action` on `resource`."""
    fix = Fix(
        side=side,
        change="add_statement",
        where=_where(side, caller, repository, policy_name),
        actions=(action,),
        resource=resource,
        grantee=caller.identity_arn if side == "resource" else "",
    )
    return replace(fix, statement=_statement(fix, caller))


def remove_fix(ref: StatementRef, action: str, resource: str) -> Fix:
    return Fix(
        side=ref.kind,
        change="remove_statement",
        where=ref.policy,
        actions=(action,),
        resource=resource,
        statement_ref=ref,
    )


def _merge_key(fix: Fix) -> tuple[Any, ...]:
    if fix.statement is None:
        return (fix.change, fix.where, fix.statement_ref)
    shape = {k: v for k, v in fix.statement.items() if k not in ("Action", "Sid")}
    return (fix.change, fix.where, fix.grantee, repr(sorted(shape.items())))


def merge_fixes(fixes: Sequence[Fix]) -> tuple[Fix, ...]:
    """One fix per policy: changes to the same place, for the same resource and grantee, are merged
    into one Action list."""
    merged: dict[tuple[Any, ...], Fix] = {}
    for fix in fixes:
        key = _merge_key(fix)
        previous = merged.get(key)
        if previous is None:
            merged[key] = fix
            continue
        actions = tuple(sorted(set(previous.actions) | set(fix.actions)))
        statement = {**previous.statement, "Action": list(actions)} if previous.statement is not None else None
        merged[key] = replace(previous, actions=actions, statement=statement)
    return tuple(merged.values())
