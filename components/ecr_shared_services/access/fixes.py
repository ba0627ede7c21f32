"""AWS's AccessDenied wording, and the concrete statement that would turn a denial into an allow."""

from __future__ import annotations

from collections.abc import Sequence
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
    if side == "boundary":
        return f"the permissions boundary {policy_name or ''} of {caller.identity_arn}".replace("  ", " ")
    return f"the service control policy {policy_name or ''} over account {caller.account_id}".replace("  ", " ")


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


def allow_fix(
    side: Side,
    caller: Caller,
    repository: RepositoryRef,
    action: str,
    resource: str,
    policy_name: str | None = None,
) -> Fix:
    """The statement to add on `side` so that it allows `action` on `resource`."""
    where = _where(side, caller, repository, policy_name)
    if side == "resource":
        statement = resource_statement(caller, [action])
        text = f"add to {where} a statement allowing {caller.identity_arn} to call {action}"
    else:
        statement = {
            "Sid": "EcrAuthorizationToken" if resource == "*" else "EcrPull",
            "Effect": "Allow",
            "Action": [action],
            "Resource": resource,
        }
        text = f"add to {where} a statement allowing {action} on {resource}"
        if resource == "*":
            text += " (a repository policy cannot grant it)"
    return Fix(side=side, change="add_statement", where=where, text=text, statement=statement)


def remove_fix(ref: StatementRef, action: str) -> Fix:
    where = ref.policy
    text = (
        f"remove or narrow {ref.label}: it explicitly denies {action}, and no Allow anywhere can override "
        "an explicit deny"
    )
    return Fix(side=ref.kind, change="remove_statement", where=where, text=text, statement_ref=ref)


def merge_fixes(fixes: Sequence[Fix]) -> tuple[Fix, ...]:
    """One fix per policy: statements for the same place and resource are merged into one Action list."""
    merged: dict[tuple[Any, ...], Fix] = {}
    for fix in fixes:
        if fix.statement is None:
            key: tuple[Any, ...] = (fix.change, fix.where, fix.statement_ref)
            merged.setdefault(key, fix)
            continue
        shape = {k: v for k, v in fix.statement.items() if k not in ("Action", "Sid")}
        key = (fix.change, fix.where, repr(sorted(shape.items())))
        previous = merged.get(key)
        if previous is None or previous.statement is None:
            merged[key] = fix
            continue
        actions = sorted(set(previous.statement["Action"]) | set(fix.statement["Action"]))
        statement = {**previous.statement, "Action": actions}
        head = previous.text.split(" allowing ")[0]
        if fix.side == "resource":
            text = f"{head} allowing {previous.text.split(' allowing ')[1].split(' to call ')[0]} to call "
            text += ", ".join(actions)
        else:
            text = f"{head} allowing {', '.join(actions)} on {statement.get('Resource')}"
        merged[key] = Fix(fix.side, fix.change, fix.where, text, statement, fix.statement_ref)
    return tuple(merged.values())
