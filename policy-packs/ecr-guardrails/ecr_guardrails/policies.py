"""The rules as `pulumi_policy` policies: the only module that adapts to the policy engine."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalog import RULES
from .model import Resource, Rule
from .values import plain

_LEVELS = {"advisory": EnforcementLevel.ADVISORY, "mandatory": EnforcementLevel.MANDATORY}


def resource_from_args(args: ResourceValidationArgs) -> Resource:
    """A rule's view of the resource under analysis (props unproxied, unknowns made explicit)."""
    return Resource(args.resource_type, args.name, args.urn, plain(args.props))


def resource_from_stack(resource: PolicyResource) -> Resource:
    """A rule's view of one stack resource, with its property dependencies as URNs."""
    deps = {key: tuple(d.urn for d in value) for key, value in resource.property_dependencies.items()}
    return Resource(resource.resource_type, resource.name, resource.urn, plain(resource.props), deps)


def _config(args: Any) -> dict[str, Any]:
    return dict(args.get_config() or {})


def to_policy(rule: Rule) -> Policy:
    """The `pulumi_policy` policy that runs `rule`."""
    schema = PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config_schema.items()}) \
        if rule.config_schema else None
    if rule.check_stack is not None:
        def validate_stack(args: StackValidationArgs, report: ReportViolation) -> Awaitable[None] | None:
            resources = [resource_from_stack(r) for r in args.resources]
            for finding in rule.run_stack(resources, _config(args)):
                report(finding.message, finding.urn)
            return None

        return StackValidationPolicy(
            name=rule.name,
            description=rule.description,
            validate=validate_stack,
            enforcement_level=_LEVELS[rule.level],
            config_schema=schema,
        )

    def validate_resource(args: ResourceValidationArgs, report: ReportViolation) -> Awaitable[None] | None:
        if args.resource_type not in rule.resource_types:
            return None
        for message in rule.run(resource_from_args(args), _config(args)):
            report(message, None)
        return None

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate_resource,
        enforcement_level=_LEVELS[rule.level],
        config_schema=schema,
    )


def build_policies(rules: tuple[Rule, ...] = RULES) -> list[Policy]:
    """Every rule as a policy, in table order."""
    return [to_policy(r) for r in rules]
