"""What a stack's registrations hold for the plan: its repositories and the roles that pull from them.

Found by type token wherever the program registers them: `SharedRegistry`, `PullerRole` and
`PullerPolicy` components (their registered outputs give the roles' ARNs and identity policies), and
every ECR repository and repository policy, inside a component or not. No Pulumi import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.policy.grants import expand_grants
from ecr_shared_services.policy.identity_policy import merged_policy

SHARED_REGISTRY = "ecr-shared-services:index:SharedRegistry"
PULLER_ROLE = "ecr-shared-services:index:PullerRole"
PULLER_POLICY = "ecr-shared-services:index:PullerPolicy"
PULLERS = (PULLER_ROLE, PULLER_POLICY)
REPOSITORY = "aws:ecr/repository:Repository"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
# Inputs of aws.ecr.Repository whose change replaces the repository (and deletes its images): `name` and
# `encryption_configuration` are ForceNew in the provider's schema
# (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_repository).
REPLACE_ON_CHANGE = ("name", "encryptionConfigurations")


@dataclass(frozen=True)
class PlannedRepository:
    """One ECR repository a stack creates, with its repository policy text (None: it has none)."""

    stack: str
    urn: str
    name: str
    arn: str
    policy: str | None
    # The replace-on-change inputs, with the ARN (a new account or region is a new repository).
    identity: dict[str, Any]
    retain_on_delete: bool

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4] if self.arn.count(":") >= 5 else ""


@dataclass(frozen=True)
class PlannedPuller:
    """A role a `PullerRole` creates or a `PullerPolicy` attaches to, with its ECR identity policy."""

    stack: str
    urn: str
    component: str  # PullerRole | PullerPolicy
    role_arn: str
    policy: str
    # The repository ARNs its identity policies name: what it asks to pull.
    requested: tuple[str, ...]
    # Every ECR identity policy of the role, the first (`policy`) first: more when repositories overflowed
    # into managed policies.
    policies: tuple[str, ...] = ()

    @property
    def identity_policy(self) -> str:
        """All of the role's ECR identity policies as one document: IAM evaluates a principal's identity-based
        policies together, so their statements side by side allow what they allow attached ("Policy evaluation
        logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
        The first policy's text as is when there is one, or when one of them does not parse (the evaluator
        then says why)."""
        if len(self.policies) < 2:
            return self.policy
        try:
            documents = [json.loads(text) for text in self.policies]
        except ValueError:
            return self.policy
        if not all(isinstance(document, dict) for document in documents):
            return self.policy
        return json.dumps(merged_policy(documents), separators=(",", ":"))

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4] if self.role_arn.count(":") >= 5 else ""


@dataclass(frozen=True)
class Inventory:
    repositories: tuple[PlannedRepository, ...]
    pullers: tuple[PlannedPuller, ...]
    # Grants of each SharedRegistry, flattened: "repository ARN <- consumer" lines.
    grants: tuple[str, ...]
    registries: int

    @property
    def kind(self) -> str:
        """`registry`, `application`, both (one multi-account program) or "" (neither): what the stack holds."""
        sides = [name for name, found in (("registry", self.registries), ("application", self.pullers)) if found]
        return " + ".join(sides)


def _resource_arns(policy: str) -> tuple[str, ...]:
    """The ECR repository ARNs named in a policy's `Resource` elements, without patterns."""
    try:
        document = json.loads(policy)
    except ValueError:
        return ()
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        resources = statement.get("Resource") if isinstance(statement, dict) else None
        for arn in [resources] if isinstance(resources, str) else resources or []:
            if isinstance(arn, str) and ":repository/" in arn and "*" not in arn and "?" not in arn:
                found.append(arn)
    return tuple(sorted(set(found)))


def _policies(registered: Any, policy: str) -> tuple[str, ...]:
    """The registered `policies` (every ECR identity policy, the first first), or the one `policy` of a
    component registered before they were."""
    if isinstance(registered, list) and registered and all(isinstance(text, str) for text in registered):
        return tuple(registered)
    return (policy,)


def _repositories(stack: str, resources: tuple[Registration, ...]) -> list[PlannedRepository]:
    policies = {
        (str(r.inputs.get("repository")), r.provider): r.inputs.get("policy")
        for r in resources
        if r.type == REPOSITORY_POLICY and not r.read
    }
    found = []
    for r in resources:
        if r.type != REPOSITORY or r.read:
            continue
        name = str(r.inputs.get("name") or r.outputs.get("name") or r.name)
        arn = str(r.outputs.get("arn") or "")
        policy = policies.get((name, r.provider))
        identity = {key: r.inputs.get(key) for key in REPLACE_ON_CHANGE} | {"arn": arn}
        found.append(
            PlannedRepository(
                stack, r.urn, name, arn, policy if isinstance(policy, str) else None, identity, r.retain_on_delete
            )
        )
    return found


def _grants(registry: Registration, repositories: list[PlannedRepository]) -> list[str]:
    arns = {repo.name: repo.arn for repo in repositories}
    # SharedRegistry registers its grants as the grants table's JSON text; earlier versions, as the tree.
    grants = expand_grants(registry.outputs.get("grants")) or {}
    shown: dict[int, str] = {}  # repositories that share a consumer list share its entry objects
    lines = []
    for name, consumers in grants.items():
        for consumer in consumers:
            text = shown.get(id(consumer))
            if text is None:
                text = shown[id(consumer)] = json.dumps(consumer, sort_keys=True)
            lines.append(f"{arns.get(name, name)} <- {text}")
    return lines


def grants_warnings(registrations: Iterable[Registration]) -> list[str]:
    """A warning per SharedRegistry whose registered `grants` the plan cannot read: its grants would be missing
    from the report without a word, and a --baseline comparison would show every one of them as removed."""
    return [
        f"SharedRegistry {r.name!r} registered a `grants` output the plan cannot read (neither the grants table "
        "nor the name → consumers tree): its grants are left out of the report, and a --baseline comparison "
        "shows any grants the baseline had as removed"
        for r in registrations
        if r.type == SHARED_REGISTRY
        and r.outputs.get("grants") is not None
        and expand_grants(r.outputs["grants"]) is None
    ]


def inventory(stack: str, resources: tuple[Registration, ...]) -> Inventory:
    """The repositories, pullers and grants among one stack's registrations."""
    repositories = _repositories(stack, resources)
    pullers = []
    for r in resources:
        role_arn, policy = r.outputs.get("role_arn"), r.outputs.get("policy")
        if r.type in PULLERS and isinstance(role_arn, str) and isinstance(policy, str):
            component = r.type.rsplit(":", 1)[-1]
            policies = _policies(r.outputs.get("policies"), policy)
            requested = tuple(sorted({arn for text in policies for arn in _resource_arns(text)}))
            pullers.append(PlannedPuller(stack, r.urn, component, role_arn, policy, requested, policies))
    registries = [r for r in resources if r.type == SHARED_REGISTRY]
    grants = sorted(line for registry in registries for line in _grants(registry, repositories))
    return Inventory(tuple(repositories), tuple(pullers), tuple(grants), len(registries))
