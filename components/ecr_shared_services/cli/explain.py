"""`shared-registry explain`: offline, say whether a principal can pull an image and, if not,
which side refuses, in AWS's words, with the statement that fixes it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ecr_shared_services.access import (
    AccessReport,
    Policies,
    RepositoryFound,
    RequestContext,
    evaluate_access,
    parse_caller,
    to_json,
    to_text,
)
from ecr_shared_services.access.grammar import Policy
from ecr_shared_services.access.inputs import load_policy, read_stack_pair
from ecr_shared_services.aws.arns import RepositoryRef, parse_repository_arn

EXIT_ALLOW, EXIT_DENY, EXIT_BAD_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3


def exit_code(report: AccessReport) -> int:
    return {"allow": EXIT_ALLOW, "deny": EXIT_DENY, "unknown": EXIT_UNKNOWN}[report.decision]


def add_context_options(parser: argparse.ArgumentParser) -> None:
    """Request-context and output options shared by explain and doctor."""
    group = parser.add_argument_group("request context")
    group.add_argument("--org-id", help="the caller account's organization ID (for aws:PrincipalOrgID)")
    group.add_argument(
        "--org-path",
        action="append",
        default=[],
        metavar="PATH",
        help="an organization path of the caller account (aws:PrincipalOrgPaths); repeatable",
    )
    group.add_argument("--no-organization", action="store_true", help="the caller account belongs to no organization")
    group.add_argument(
        "--principal-tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a tag of the calling role or user (aws:PrincipalTag/KEY); repeatable; giving any means all",
    )
    group.add_argument(
        "--no-principal-tags",
        action="store_true",
        help="the calling role or user has no tags: conditions on aws:PrincipalTag/* see an absent key",
    )
    group.add_argument("--source-arn", help="for a service principal: the resource it acts for (aws:SourceArn)")
    group.add_argument("--source-account", help="for a service principal: aws:SourceAccount")
    parser.add_argument("--access", choices=("pull", "push"), default="pull", help="what to check (default pull)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")


def _principal_tags(args: argparse.Namespace) -> dict[str, str] | None:
    """None when the tags were not stated (conditions on them stay unknown); {} for --no-principal-tags."""
    if args.no_principal_tags and args.principal_tag:
        raise ValueError("--no-principal-tags and --principal-tag contradict each other: give one of them")
    if args.no_principal_tags:
        return {}
    if not args.principal_tag:
        return None
    tags: dict[str, str] = {}
    for item in args.principal_tag:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(
                f"--principal-tag {item!r}: expected KEY=VALUE (for a role without tags: --no-principal-tags)"
            )
        tags[key] = value
    return tags


def context_from_args(args: argparse.Namespace) -> RequestContext:
    tags = _principal_tags(args)
    return RequestContext(
        org_id=args.org_id,
        org_paths=tuple(args.org_path) if args.org_path else None,
        no_organization=args.no_organization,
        principal_tags=tags,
        source_arn=args.source_arn,
        source_account=args.source_account,
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="explain offline whether a principal can pull an image, and which side refuses",
        description=(
            "Evaluate the IAM policies in play for each step of an ECR pull (or push) and say which side "
            "refuses: identity policy, repository policy, permissions boundary or SCP. "
            "Exit 0 allowed, 1 denied, 2 bad input, 3 undecidable from the inputs given."
        ),
    )
    parser.add_argument(
        "--principal", help="caller: role, session or user ARN, or a service such as lambda.amazonaws.com"
    )
    parser.add_argument(
        "--role-path", help="for a session ARN: its role's IAM path, e.g. / (a session ARN does not show it)"
    )
    parser.add_argument("--image", help="image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME[:TAG]) or repository ARN")
    parser.add_argument(
        "--repository-policy",
        metavar="FILE",
        help="the repository policy (document or `aws ecr get-repository-policy` output); omit for none",
    )
    parser.add_argument(
        "--identity-policy",
        action="append",
        default=[],
        metavar="FILE",
        help="an identity policy of the caller (inline or managed); repeatable",
    )
    parser.add_argument("--boundary", metavar="FILE", help="the caller's permissions boundary")
    parser.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="FILE",
        help="a service control policy attached to the caller's account; repeatable; all --scp files are one "
        "level, their Allows combined (as `aws organizations list-policies-for-target` lists them)",
    )
    parser.add_argument(
        "--scp-level",
        action="append",
        default=[],
        metavar="FILE[,FILE...]",
        help="the SCPs attached at one level above the account (the root, then each OU down); repeatable, root "
        "first; every level, and the --scp level after them, must allow",
    )
    parser.add_argument("--repository-arn", help="where the repository really is, if it may differ from the image URI")
    stacks = parser.add_argument_group("from this project's stack outputs (`pulumi stack output --json`)")
    stacks.add_argument("--registry-outputs", metavar="FILE", help="outputs of the registry stack")
    stacks.add_argument("--application-outputs", metavar="FILE", help="outputs of an application stack")
    stacks.add_argument("--repository", metavar="NAME", help="which repository of the registry stack")
    add_context_options(parser)
    parser.set_defaults(handler=run)


def one_line(error: BaseException) -> str:
    """An error message on one line, whatever the input it quotes."""
    return " ".join(str(error).split())


def run(args: argparse.Namespace) -> int:
    try:
        report = _evaluate(args)
    except ValueError as error:  # AccessInputError, PolicyFormatError and bad option values
        print(f"shared-registry explain: error: {one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(to_json(report) + "\n" if args.format == "json" else to_text(report))
    return exit_code(report)


def scp_levels(args: argparse.Namespace) -> list[list[Policy]]:
    """The --scp-level levels, root first, then the --scp files as the account's own level."""
    levels: list[list[str]] = []
    for value in args.scp_level:
        files = [item.strip() for item in value.split(",")]
        if not all(files):
            raise ValueError(f"--scp-level {value!r}: expected FILE[,FILE...] with no empty names")
        levels.append(files)
    if args.scp:
        levels.append(list(args.scp))
    return [[load_policy(path, "scp") for path in level] for level in levels]


def _evaluate(args: argparse.Namespace) -> AccessReport:
    principal: str | None = args.principal
    image: str | None = args.image
    repository: RepositoryRef | None = parse_repository_arn(args.repository_arn) if args.repository_arn else None
    identity: list[Policy] = [load_policy(path, "identity") for path in args.identity_policy]
    repository_policy: Policy | None = (
        load_policy(args.repository_policy, "resource") if args.repository_policy else None
    )
    if args.registry_outputs:
        pair = read_stack_pair(args.registry_outputs, args.application_outputs, args.repository)
        principal = principal or pair.principal
        image = image or pair.image
        repository = repository or pair.repository
        if repository_policy is None:
            repository_policy = pair.repository_policy
        if not identity and pair.identity_policy is not None:
            identity = [pair.identity_policy]
    elif args.application_outputs or args.repository:
        raise ValueError("--application-outputs and --repository need --registry-outputs")
    if not principal:
        raise ValueError("no caller: give --principal ARN (or --application-outputs with a roleArn)")
    if not image:
        raise ValueError("no image: give --image URI (or --registry-outputs with --repository)")
    policies = Policies(
        identity=identity,
        repository=repository_policy,
        boundary=load_policy(args.boundary, "boundary") if args.boundary else None,
        scp_levels=scp_levels(args),
    )
    return evaluate_access(
        parse_caller(principal, role_path=args.role_path),
        image,
        policies,
        context=context_from_args(args),
        access=args.access,
        found=RepositoryFound(repository),
    )
