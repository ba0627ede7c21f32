"""The public entry point: can this caller pull (or push) this image, step by step, and if not, why."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from ecr_shared_services.access.context import Caller, RequestContext, context_keys, parse_caller
from ecr_shared_services.access.decision import PolicySet, evaluate_step
from ecr_shared_services.access.errors import AccessInputError
from ecr_shared_services.access.fixes import merge_fixes, repository_not_found_message
from ecr_shared_services.access.grammar import Policy, PolicyInput, as_policy
from ecr_shared_services.access.matching import Request
from ecr_shared_services.access.results import AccessReport, Finding, Side, StepResult
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


def evaluate_access(
    principal: str | Caller,
    image: str | RepositoryRef,
    *,
    identity_policies: Sequence[PolicyInput] = (),
    repository_policy: PolicyInput | None = None,
    boundary: PolicyInput | None = None,
    scps: Sequence[PolicyInput] = (),
    context: RequestContext | None = None,
    access: Literal["pull", "push"] = "pull",
    repository: RepositoryRef | None = None,
    repository_exists: bool | None = None,
    unknown: Collection[Side] = (),
    unknown_reasons: Sequence[tuple[Side, str]] = (),
) -> AccessReport:
    """Evaluate every step of a pull (or push) of `image` by `principal`.

    `principal`: role, session, user or root ARN, or a service principal such as
    `lambda.amazonaws.com`. `image`: image URI, repository ARN or RepositoryRef. Policies are JSON
    text, dicts or parsed Policy objects; unnamed ones are named after their position. `scps`: one
    per organization level; each must allow. `repository`: where the repository really is, when
    known (a mismatch with `image` is a finding); `repository_exists=False` says it does not exist.
    `unknown`: sides whose policies could not be read (their verdict is unknown, not absent).
    Raises AccessInputError or PolicyFormatError for input it cannot use.
    """
    caller = principal if isinstance(principal, Caller) else parse_caller(principal)
    target = image if isinstance(image, RepositoryRef) else parse_target(image)
    image_text = image.url if isinstance(image, RepositoryRef) else image
    context = context or RequestContext()
    # A service caller without a source ARN or account leaves aws:SourceArn conditions unknown; the
    # report says so.
    identity: list[Policy] = [
        as_policy(p, f"identity policy #{i + 1}", "identity") for i, p in enumerate(identity_policies)
    ]
    policies = PolicySet(
        identity=tuple(identity),
        resource=as_policy(repository_policy, "repository policy", "resource") if repository_policy else None,
        boundary=as_policy(boundary, "permissions boundary", "boundary") if boundary else None,
        scps=tuple(as_policy(p, f"SCP #{i + 1}", "scp") for i, p in enumerate(scps)),
        unknown=frozenset(unknown),
        unknown_reasons=tuple(unknown_reasons),
    )
    cross_account = not caller.is_service and caller.account_id != target.account_id
    keys = context_keys(caller, target, context, target.region)
    has_boundary = policies.boundary is not None
    results: list[StepResult] = []
    for action, required in steps_for(access, with_token=not caller.is_service):
        resource = "*" if action == AUTHORIZATION_TOKEN else target.arn
        request = Request(action, resource, caller, keys, has_boundary)
        results.append(evaluate_step(request, policies, target, required=required, cross_account=cross_account))
    findings = _location_findings(target, repository, repository_exists)
    fixes = merge_fixes([fix for step in results if step.required for fix in step.fixes])
    return AccessReport(
        principal=caller.arn,
        image=image_text,
        repository=target,
        access=access,
        cross_account=cross_account,
        steps=tuple(results),
        findings=tuple(findings),
        unknown_inputs=tuple(sorted(set(unknown))),
        fixes=fixes,
        inputs={
            "identity_policies": [p.name for p in identity],
            "repository_policy": policies.resource.name if policies.resource else None,
            "boundary": policies.boundary.name if policies.boundary else None,
            "scps": [p.name for p in policies.scps],
        },
    )
