"""The data the rules work on and produce, free of any `pulumi_policy` type.

Keeping rules as functions from plain `Resource`s to messages lets tests, other packs and the
project's offline plan run them without a policy engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["advisory", "mandatory"]

_FRIENDLY: dict[str, str] = {
    "aws:ecr/repository:Repository": "ECR repository",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "ECR repository policy",
    "aws:ecr/registryPolicy:RegistryPolicy": "ECR registry policy",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "ECR lifecycle policy",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "ECR registry scanning configuration",
    "aws:iam/role:Role": "IAM role",
    "aws:iam/rolePolicy:RolePolicy": "IAM role policy",
    "aws:iam/policy:Policy": "IAM managed policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM role policy attachment",
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": "ECR repository creation template",
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": "ECR pull through cache rule",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": "ECR replication configuration",
    "aws:iam/policyAttachment:PolicyAttachment": "IAM policy attachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "IAM role policy attachments",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "IAM user policy attachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "IAM group policy attachment",
}


@dataclass(frozen=True)
class Resource:
    """A resource as a rule sees it: plain property values, unknowns as `values.UNKNOWN`.

    `property_dependencies` maps a property name to the URNs of the resources its value came from;
    the stack rules use it to pair a policy with its role or repository when the linking value
    (a name, an ARN) is not yet known.
    """

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How messages name the resource: its kind and its Pulumi name."""
        return f'{_FRIENDLY.get(self.type, self.type)} "{self.name}"'


@dataclass(frozen=True)
class Finding:
    """One violation: the message, and the URN of the resource it is about (None: the stack)."""

    message: str
    urn: str | None = None


Config = Mapping[str, Any]
ResourceCheck = Callable[[Resource, Config], list[str]]
StackCheck = Callable[[list[Resource], Config], list[Finding]]


@dataclass(frozen=True)
class Rule:
    """A guardrail: its stable name, what it checks and why, and the check itself.

    A rule has either `check_resource` (run on each resource of `resource_types`) or `check_stack`
    (run once on all the stack's resources).
    """

    name: str
    description: str
    level: Level
    why: str
    resource_types: tuple[str, ...]
    check_resource: ResourceCheck | None = None
    check_stack: StackCheck | None = None
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def run(self, resource: Resource, config: Config) -> list[str]:
        """The rule's messages for one resource (empty for other types and for stack rules)."""
        if self.check_resource is None or resource.type not in self.resource_types:
            return []
        return self.check_resource(resource, config)

    def run_stack(self, resources: list[Resource], config: Config) -> list[Finding]:
        """The rule's findings for a whole stack (empty for resource rules)."""
        if self.check_stack is None:
            return []
        return self.check_stack(resources, config)
