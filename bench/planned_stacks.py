"""Planned stacks built directly from registrations, as a stack program would have registered them.

The access-matrix benchmark and its tests use these to make large fleets without running any program.
"""

from __future__ import annotations

from typing import Any

from ecr_shared_services.aws.arns import RepositoryRef
from ecr_shared_services.plan.inventory import PULLER_ROLE, REPOSITORY, REPOSITORY_POLICY
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.runner import StackPlan


def _registration(type_token: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any]) -> Registration:
    return Registration(f"urn:{type_token}::{name}", type_token, name, "", True, inputs, outputs, "")


def registry_stack(stack: str, account: str, region: str, policies: dict[str, str | None]) -> StackPlan:
    """A stack that creates these repositories, each with its repository policy text (None: none)."""
    resources: list[Registration] = []
    for name, policy in policies.items():
        arn = RepositoryRef("aws", region, account, name).arn
        resources.append(_registration(REPOSITORY, name, {"name": name}, {"name": name, "arn": arn}))
        if policy is not None:
            inputs = {"repository": name, "policy": policy}
            resources.append(_registration(REPOSITORY_POLICY, f"{name}-policy", inputs, {}))
    return StackPlan(stack, account, region, tuple(resources), {})


def puller_stack(
    stack: str, account: str, region: str, arn: str, policy: str, config: dict[str, Any] | None = None
) -> StackPlan:
    """A stack whose PullerRole gives the role `arn` this identity policy."""
    puller = _registration(PULLER_ROLE, "puller", {}, {"role_arn": arn, "policy": policy})
    return StackPlan(stack, account, region, (puller,), {}, config=config or {})
