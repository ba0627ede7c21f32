"""Does one statement apply to one request? Action, resource, principal and conditions, each
reported so that a denial can say which element did not match."""

from __future__ import annotations

from dataclasses import dataclass

from ecr_shared_services.access.conditions import evaluate_conditions
from ecr_shared_services.access.context import Caller, ContextKeys
from ecr_shared_services.access.grammar import Statement
from ecr_shared_services.access.principals import not_principal_applies, principal_matches
from ecr_shared_services.access.truth import Truth, all_of


@dataclass(frozen=True)
class Request:
    """One API call: the action, the resource ARN (or `*`), the caller and the context keys."""

    action: str
    resource: str
    caller: Caller
    keys: ContextKeys
    has_boundary: bool = False


@dataclass(frozen=True)
class StatementMatch:
    truth: Truth
    exact_principal: bool = False
    delegating_principal: bool = False
    notes: tuple[str, ...] = ()


def action_truth(statement: Statement, action: str) -> Truth:
    """Whether the statement's Action (or NotAction) element covers `action`."""
    covered = statement.action_patterns.any_action(action)
    if statement.actions is not None:
        return Truth.of(covered)
    assert statement.not_actions is not None
    return Truth.of(not covered)


def resource_truth(statement: Statement, resource: str) -> Truth:
    """Whether the statement's Resource (or NotResource) element covers `resource`."""
    if statement.resources is not None:
        return Truth.of(statement.resource_patterns.any_arn(resource))
    if statement.not_resources is not None:
        return Truth.of(not statement.resource_patterns.any_arn(resource))
    return Truth.YES  # a resource policy without Resource covers the resource it is attached to


def statement_applies(statement: Statement, request: Request) -> StatementMatch:
    """Whether `statement` covers `request` (YES/NO/UNKNOWN), with notes on what could not be decided."""
    if action_truth(statement, request.action) is Truth.NO:
        return StatementMatch(Truth.NO)
    if resource_truth(statement, request.resource) is Truth.NO:
        return StatementMatch(Truth.NO)
    notes: list[str] = []
    exact = delegates = False
    principal_truth = Truth.YES
    if statement.principal is not None:
        matched = principal_matches(statement.principal, request.caller)
        principal_truth, exact, delegates = matched.truth, matched.exact, matched.delegates
        if matched.note and matched.truth is Truth.UNKNOWN:
            notes.append(matched.note)
    elif statement.not_principal is not None:
        if statement.effect == "Allow":
            return StatementMatch(
                Truth.UNKNOWN, notes=(f"{statement.label}: NotPrincipal with Allow is not supported by AWS",)
            )
        matched = not_principal_applies(statement.not_principal, request.caller, request.has_boundary)
        principal_truth = matched.truth
        if matched.note:
            notes.append(matched.note)
    if principal_truth is Truth.NO:
        return StatementMatch(Truth.NO)
    conditions = evaluate_conditions(statement.conditions, request.keys)
    if conditions.truth is Truth.NO:
        return StatementMatch(Truth.NO)
    truth = all_of([principal_truth, conditions.truth])
    return StatementMatch(
        truth, exact_principal=exact, delegating_principal=delegates, notes=tuple(notes) + conditions.notes
    )
