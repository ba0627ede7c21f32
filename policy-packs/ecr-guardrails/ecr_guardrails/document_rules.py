"""Checks on every policy document a resource carries: AWS can read it, and it is known at preview."""

from __future__ import annotations

from .documents import Malformed, contains_unknown, read_policy
from .model import Config, Resource
from .policy_sources import all_policies
from .values import plain


def check_well_formed(resource: Resource, config: Config) -> list[str]:
    """Every policy follows the IAM grammar, or AWS refuses it at apply time."""
    messages: list[str] = []
    for source in all_policies(resource):
        found = read_policy(source.value, source.kind)
        if isinstance(found, Malformed):
            messages.append(
                f"{source.label} is not a valid policy document: {found.problem}. AWS refuses it at apply "
                "time (IAM: MalformedPolicyDocument; ECR: invalid policy), and no guardrail can judge what it "
                "grants. Fix: write the elements as the IAM grammar spells them (Version, Statement, Sid, Effect, "
                "Principal, Action, Resource, Condition), with strings for actions, resources and principal IDs."
            )
    return messages


def check_known_at_preview(resource: Resource, config: Config) -> list[str]:
    """Say so when a policy is built from values not known at preview, so a reviewer sees the gap."""
    messages: list[str] = []
    for source in all_policies(resource):
        if contains_unknown(plain(source.value)):
            messages.append(
                f"{source.label}: policy not known at preview; it will be checked at update. It is built from "
                "outputs of resources not created yet, so the guardrails cannot judge it now and "
                "`pulumi up` may fail on it after other resources exist. Fix: none needed; to have it checked "
                "at preview, build the document from values known before the update (names, account IDs)."
            )
    return messages
