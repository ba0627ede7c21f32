"""Where each resource type keeps its policy documents, and how messages name each one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .grammar import PolicyKind
from .model import Resource
from .resource_types import (
    CREATION_TEMPLATE,
    MANAGED_POLICY,
    REGISTRY_POLICY,
    REPOSITORY_POLICY,
    ROLE,
    ROLE_POLICY,
)
from .values import UNKNOWN, is_unknown

# Resource policies on the registry side: type -> the property holding the document.
RESOURCE_POLICY_PROPS: Final = {
    REPOSITORY_POLICY: "policy",
    REGISTRY_POLICY: "policy",
    CREATION_TEMPLATE: "repositoryPolicy",
}


@dataclass(frozen=True)
class PolicySource:
    """One policy document of a resource: its label in messages, its raw value, its grammar kind."""

    label: str
    value: Any
    kind: PolicyKind


def resource_policies(resource: Resource) -> list[PolicySource]:
    """The registry-side resource policy of a repository policy, registry policy or creation template."""
    prop = RESOURCE_POLICY_PROPS.get(resource.type)
    if prop is None or resource.props.get(prop) is None:
        return []
    label = resource.label if prop == "policy" else f"{resource.label} {prop}"
    return [PolicySource(label, resource.props.get(prop), "resource")]


def identity_policies(resource: Resource) -> list[PolicySource]:
    """The identity policies written in a role policy, a managed policy, or a role's inline policies."""
    if resource.type in (ROLE_POLICY, MANAGED_POLICY):
        return [PolicySource(resource.label, resource.props.get("policy"), "identity")]
    if resource.type != ROLE:
        return []
    inline = resource.props.get("inlinePolicies")
    if is_unknown(inline):
        return [PolicySource(f"{resource.label} inline policies", UNKNOWN, "identity")]
    out: list[PolicySource] = []
    for index, entry in enumerate(inline if isinstance(inline, list) else []):
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        shown = name if isinstance(name, str) else f"#{index + 1}"
        out.append(PolicySource(f'{resource.label} inline policy "{shown}"', entry.get("policy"), "identity"))
    return out


def trust_policies(resource: Resource) -> list[PolicySource]:
    """A role's trust policy."""
    if resource.type != ROLE or resource.props.get("assumeRolePolicy") is None:
        return []
    return [PolicySource(f"{resource.label} trust policy", resource.props.get("assumeRolePolicy"), "resource")]


def all_policies(resource: Resource) -> list[PolicySource]:
    """Every policy document the resource carries."""
    return [*resource_policies(resource), *identity_policies(resource), *trust_policies(resource)]
