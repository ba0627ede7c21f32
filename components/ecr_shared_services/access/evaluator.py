"""The public entry point: can this caller pull (or push) this image, step by step, and if not, why."""

from __future__ import annotations

from typing import Literal

from ecr_shared_services.access.context import Caller, RequestContext, context_keys, parse_caller
from ecr_shared_services.access.decision import PolicySet, ResourceSideMemo, evaluate_step
from ecr_shared_services.access.errors import AccessInputError
from ecr_shared_services.access.fixes import merge_fixes, repository_not_found_message
from ecr_shared_services.access.grammar import as_policy
from ecr_shared_services.access.matching import Request
from ecr_shared_services.access.question import Policies, RepositoryFound, Unreadable
from ecr_shared_services.access.results import AccessReport, Finding
from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN, PULL_ACTIONS, PULL_REQUIRED, PUSH_ONLY_ACTIONS
from ecr_shared_services.aws.arns import RepositoryRef, parse_image_uri, parse_repository_arn


def parse_target(image: str) -> RepositoryRef:
    """An image URI (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME[:TAG]`) or a repository ARN."""
    text = image.strip()
    try:
        if text.startswith("arn:"):
            return parse_repository_arn(text)
        return parse_image_uri(text).repository
    except ValueError as error:
        raise AccessInputError(
            "image",
            image,
            str(error),
            "give an image URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:tag or a repository ARN",
        ) from error


def steps_for(access: Literal["pull", "push"], with_token: bool = True) -> tuple[tuple[str, bool], ...]:
    """(action, required) in the order a client calls them. BatchCheckLayerAvailability is reported
    for a pull but a pull does not need it; a push does."""
    steps: list[tuple[str, bool]] = [(AUTHORIZATION_TOKEN, True)] if with_token else []
    steps += [(action, True) for action in PULL_REQUIRED]
    steps += [(action, access == "push") for action in PULL_ACTIONS if action not in PULL_REQUIRED]
    if access == "push":
        steps += [(action, True) for action in PUSH_ONLY_ACTIONS]
    return tuple(steps)


def _location_findings(target: RepositoryRef, actual: RepositoryRef | None, exists: bool | None) -> list[Finding]:
    findings: list[Finding] = []
    if actual is not None:
        if actual.partition != target.partition:
            findings.append(
                Finding(
                    "partition_mismatch",
                    f"the image is in partition {target.partition} but the repository is in {actual.partition}",
                    f"use {actual.url}",
                )
            )
        if actual.account_id != target.account_id:
            findings.append(
                Finding(
                    "account_mismatch",
                    f"the image URI names registry account {target.account_id}, but repository {actual.name} "
                    f"is in account {actual.account_id}: " + repository_not_found_message(target),
                    f"pull {actual.url} (the registry account is the first part of the host name)",
                )
            )
        if actual.region != target.region:
            findings.append(
                Finding(
                    "region_mismatch",
                    f"the image URI names region {target.region}, but repository {actual.name} is in "
                    f"{actual.region}; ECR is regional: " + repository_not_found_message(target),
                    f"pull {actual.url} and request the authorization token in {actual.region} "
                    f"(aws ecr get-login-password --region {actual.region})",
                )
            )
        if actual.name != target.name:
            findings.append(
                Finding(
                    "repository_not_found",
                    f"the image URI names repository {target.name}, expected {actual.name}: "
                    + repository_not_found_message(target),
                    f"pull {actual.url}",
                )
            )
    if exists is False and not findings:
        findings.append(
            Finding(
                "repository_not_found",
                repository_not_found_message(target),
                f"check the repository name and that it exists in account {target.account_id}, region {target.region}",
            )
        )
    return findings


def _parse_policies(policies: Policies, unreadable: Unreadable, memo: ResourceSideMemo | None = None) -> PolicySet:
    single_level = len(policies.scp_levels) == 1
    return PolicySet(
        identity=tuple(as_policy(p, f"identity policy #{i + 1}", "identity") for i, p in enumerate(policies.identity)),
        resource=as_policy(policies.repository, "repository policy", "resource") if policies.repository else None,
        boundary=as_policy(policies.boundary, "permissions boundary", "boundary") if policies.boundary else None,
        scp_levels=tuple(
            tuple(
                as_policy(p, f"SCP #{i + 1}" if single_level else f"SCP #{i + 1} of level {n + 1}", "scp")
                for i, p in enumerate(level)
            )
            for n, level in enumerate(policies.scp_levels)
        ),
        unreadable=unreadable,
        resource_memo=memo,
    )


def _request(
    action: str, caller: Caller, target: RepositoryRef, context: RequestContext, has_boundary: bool
) -> Request:
    if action != AUTHORIZATION_TOKEN:
        return Request(action, target.arn, caller, context_keys(caller, target, context, target.region), has_boundary)
    # GetAuthorizationToken names no resource (Service Authorization Reference, "Actions, resources,
    # and condition keys for Amazon Elastic Container Registry": no resource type, so Resource "*"),
    # yet aws:ResourceAccount is in its request context: the key is present for every action but a
    # listed few, none of them ECR's (IAM User Guide, "AWS global condition context keys",
    # aws:ResourceAccount). The call reads no repository of the registry account; it is answered by
    # the caller's own registry, so the resource account is the caller's. AWS's data-perimeter guidance
    # for ECR (aws-samples/data-perimeter-policy-examples, service_specific_guidance/
    # ecr-specific-guidance.md) reviews GetAuthorizationToken and gives it no resource-perimeter
    # exception, which a perimeter SCP on the organization's own accounts would need otherwise.
    keys = context_keys(caller, target, context, target.region, resource_account=caller.account_id)
    return Request(action, "*", caller, keys, has_boundary)


def evaluate_access(
    principal: str | Caller,
    image: str | RepositoryRef,
    policies: Policies | None = None,
    *,
    context: RequestContext | None = None,
    access: Literal["pull", "push"] = "pull",
    found: RepositoryFound | None = None,
    unreadable: Unreadable | None = None,
    resource_memo: ResourceSideMemo | None = None,
) -> AccessReport:
    """Evaluate every step of a pull (or push) of `image` by `principal`.

    `principal`: role, session, user or root ARN, or a service principal such as
    `lambda.amazonaws.com`. `image`: image URI, repository ARN or RepositoryRef. `policies`: the
    documents in play (unnamed ones are named after their position). `found`: where the repository
    really is, when known. `unreadable`: sides whose policies could not be read. `resource_memo`: for many
    evaluations against repositories that share parsed repository policies, their side's verdicts found so far.
    Raises AccessInputError or PolicyFormatError for input it cannot use.
    """
    caller = principal if isinstance(principal, Caller) else parse_caller(principal)
    target = image if isinstance(image, RepositoryRef) else parse_target(image)
    context = context or RequestContext()
    found = found or RepositoryFound()
    unreadable = unreadable or Unreadable()
    parsed = _parse_policies(policies or Policies(), unreadable, resource_memo)
    cross_account = not caller.is_service and caller.account_id != target.account_id
    results = tuple(
        evaluate_step(
            _request(action, caller, target, context, parsed.boundary is not None),
            parsed,
            target,
            required=required,
            cross_account=cross_account,
        )
        for action, required in steps_for(access, with_token=not caller.is_service)
    )
    return AccessReport(
        principal=caller.arn,
        image=image.url if isinstance(image, RepositoryRef) else image,
        repository=target,
        access=access,
        cross_account=cross_account,
        steps=results,
        findings=tuple(_location_findings(target, found.repository, found.exists)),
        unknown_inputs=tuple(sorted(unreadable.sides)),
        fixes=merge_fixes([fix for step in results if step.required for fix in step.fixes]),
        inputs={
            "identity_policies": [p.name for p in parsed.identity],
            "repository_policy": parsed.resource.name if parsed.resource else None,
            "boundary": parsed.boundary.name if parsed.boundary else None,
            "scp_levels": [[p.name for p in level] for level in parsed.scp_levels],
        },
    )
