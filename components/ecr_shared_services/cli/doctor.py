"""`shared-registry doctor`: read the real policies with boto3 (read-only), then explain the pull.

Registry-side reads (ECR) use the registry credentials, application-side reads (IAM, Organizations)
the application credentials. A read that fails is reported with the call and the credentials used,
and the side it would have informed is evaluated as unknown rather than absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ecr_shared_services.access import AccessReport, RequestContext, evaluate_access, to_json_dict, to_text
from ecr_shared_services.access.context import parse_caller
from ecr_shared_services.access.evaluator import parse_target
from ecr_shared_services.access.grammar import Policy, PolicyKind, parse_policy
from ecr_shared_services.access.inputs import policy_document
from ecr_shared_services.access.question import Policies, RepositoryFound, Unreadable
from ecr_shared_services.access.results import Side
from ecr_shared_services.aws.arns import RepositoryRef, parse_repository_arn
from ecr_shared_services.cli.explain import EXIT_BAD_INPUT, add_context_options, context_from_args, exit_code


@dataclass
class Readings:
    """What doctor could read, and what it could not (side → reason)."""

    identity: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    repository_policy: Policy | None = None
    repository: RepositoryRef | None = None
    repository_exists: bool | None = None
    principal_tags: dict[str, str] | None = None
    role_path: str | None = None
    org_id: str | None = None
    no_organization: bool = False
    unknown: dict[Side, str] = field(default_factory=dict)
    calls: list[dict[str, str]] = field(default_factory=list)

    def ok(self, call: str, credentials: str) -> None:
        self.calls.append({"call": call, "credentials": credentials, "result": "ok"})

    def failed(self, call: str, credentials: str, error: str, side: Side | None) -> str:
        text = f"{call} failed with the {credentials}: {error}"
        self.calls.append({"call": call, "credentials": credentials, "result": error})
        if side is not None and side not in self.unknown:
            self.unknown[side] = text
        return text


def _error_text(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        details = response.get("Error", {})
        return f"{details.get('Code', type(error).__name__)}: {details.get('Message', '')}".rstrip(": ")
    return f"{type(error).__name__}: {error}"


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _parse(document: Any, name: str, kind: PolicyKind) -> Policy:
    if isinstance(document, str):
        document = unquote(document) if document.lstrip().startswith("%") else document
    value, _ = policy_document(document, name)
    return parse_policy(value, name, kind)


class _Credentials:
    """One boto3 session and how to name it in messages."""

    def __init__(self, label: str, profile: str | None, endpoint_url: str | None) -> None:
        import boto3  # optional dependency: the `doctor` extra

        self.profile = profile
        self.endpoint_url = endpoint_url
        self.label = f"{label} credentials ({'profile ' + profile if profile else 'default credential chain'})"
        self.error: str | None = None
        self.session: Any = None
        try:
            self.session = boto3.Session(profile_name=profile)
        except Exception as error:  # botocore's ProfileNotFound and kin
            self.error = _error_text(error)

    def client(self, service: str, region: str | None = None) -> Any:
        if self.session is None:
            raise RuntimeError(self.error or "no session")
        return self.session.client(service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url)


def _read_role(readings: Readings, app: _Credentials, role_name: str) -> None:
    where = app.label
    try:
        iam = app.client("iam")
        role = iam.get_role(RoleName=role_name)["Role"]
        readings.ok(f"iam:GetRole {role_name}", where)
    except Exception as error:
        readings.failed(f"iam:GetRole {role_name}", where, _error_text(error), "identity")
        readings.unknown.setdefault("boundary", f"iam:GetRole {role_name} failed, so the boundary is unknown")
        return
    readings.principal_tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}
    readings.role_path = role.get("Path")
    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary_arn:
        try:
            version = iam.get_policy(PolicyArn=boundary_arn)["Policy"]["DefaultVersionId"]
            document = iam.get_policy_version(PolicyArn=boundary_arn, VersionId=version)["PolicyVersion"]["Document"]
            readings.boundary = _parse(document, f"permissions boundary {boundary_arn}", "boundary")
            readings.ok(f"iam:GetPolicyVersion {boundary_arn}", where)
        except Exception as error:
            readings.failed(f"iam:GetPolicyVersion {boundary_arn}", where, _error_text(error), "boundary")
    try:
        names = [
            name
            for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name)
            for name in page["PolicyNames"]
        ]
        readings.ok(f"iam:ListRolePolicies {role_name}", where)
        for name in names:
            call = f"iam:GetRolePolicy {role_name}/{name}"
            try:
                document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
                readings.identity.append(_parse(document, f"inline policy {name}", "identity"))
                readings.ok(call, where)
            except Exception as error:
                readings.failed(call, where, _error_text(error), "identity")
    except Exception as error:
        readings.failed(f"iam:ListRolePolicies {role_name}", where, _error_text(error), "identity")
    try:
        attached = [
            item["PolicyArn"]
            for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name)
            for item in page["AttachedPolicies"]
        ]
        readings.ok(f"iam:ListAttachedRolePolicies {role_name}", where)
        for arn in attached:
            call = f"iam:GetPolicyVersion {arn}"
            try:
                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
                readings.identity.append(_parse(document, f"managed policy {arn}", "identity"))
                readings.ok(call, where)
            except Exception as error:
                readings.failed(call, where, _error_text(error), "identity")
    except Exception as error:
        readings.failed(f"iam:ListAttachedRolePolicies {role_name}", where, _error_text(error), "identity")


def _read_organization(readings: Readings, app: _Credentials) -> None:
    try:
        organization = app.client("organizations").describe_organization()["Organization"]
        readings.org_id = organization["Id"]
        readings.ok("organizations:DescribeOrganization", app.label)
    except Exception as error:
        if _error_code(error) == "AWSOrganizationsNotInUseException":
            readings.no_organization = True
            readings.ok("organizations:DescribeOrganization (no organization)", app.label)
        else:
            readings.failed("organizations:DescribeOrganization", app.label, _error_text(error), None)


def _describe(readings: Readings, registry: _Credentials, target: RepositoryRef) -> RepositoryRef | None:
    call = f"ecr:DescribeRepositories {target.name} in {target.region}"
    try:
        found = registry.client("ecr", target.region).describe_repositories(
            registryId=target.account_id, repositoryNames=[target.name]
        )["repositories"]
        readings.ok(call, registry.label)
        return parse_repository_arn(found[0]["repositoryArn"]) if found else None
    except Exception as error:
        if _error_code(error) == "RepositoryNotFoundException":
            readings.ok(f"{call} (not found)", registry.label)
            return None
        readings.failed(call, registry.label, _error_text(error), None)
        raise LookupError from error


def _read_repository(readings: Readings, registry: _Credentials, target: RepositoryRef) -> None:
    try:
        actual = _describe(readings, registry, target)
    except LookupError:
        actual = None
    else:
        readings.repository_exists = actual is not None
        if actual is None:
            # ECR is regional: look where the role's own policies say the repository is.
            regions = sorted(
                {
                    resource.split(":")[3]
                    for policy in readings.identity
                    for statement in policy.statements
                    for resource in statement.resources or ()
                    if resource.startswith("arn:")
                    and resource.count(":") >= 5
                    and resource.split(":")[3] not in ("", "*", target.region)
                    and resource.endswith(f"repository/{target.name}")
                }
            )
            for region in regions:
                other = RepositoryRef(target.partition, region, target.account_id, target.name)
                try:
                    actual = _describe(readings, registry, other)
                except LookupError:
                    continue
                if actual is not None:
                    readings.repository = actual
                    break
            return
        readings.repository = actual
    call = f"ecr:GetRepositoryPolicy {target.name} in {target.region}"
    try:
        text = registry.client("ecr", target.region).get_repository_policy(
            registryId=target.account_id, repositoryName=target.name
        )["policyText"]
        readings.repository_policy = _parse(text, f"repository policy of {target.name}", "resource")
        readings.ok(call, registry.label)
    except Exception as error:
        if _error_code(error) == "RepositoryPolicyNotFoundException":
            readings.ok(f"{call} (no policy)", registry.label)
        else:
            readings.failed(call, registry.label, _error_text(error), "resource")


def diagnose(
    image: str,
    role: str,
    *,
    registry_profile: str | None = None,
    app_profile: str | None = None,
    endpoint_url: str | None = None,
    context: RequestContext | None = None,
    access: str = "pull",
) -> tuple[AccessReport, Readings]:
    """Read every policy in play (read-only) and evaluate the pull of `image` by `role`."""
    target = parse_target(image)
    caller = parse_caller(role)
    if caller.kind not in ("role", "assumed-role"):
        raise ValueError(f"--role {role!r}: doctor reads a role's policies; give a role or session ARN")
    readings = Readings()
    registry = _Credentials("registry", registry_profile, endpoint_url)
    app = _Credentials("application", app_profile, endpoint_url)
    if app.session is None:
        for side in ("identity", "boundary"):
            readings.failed("boto3.Session", app.label, app.error or "", side)  # type: ignore[arg-type]
    else:
        _read_role(readings, app, caller.name)
        _read_organization(readings, app)
    if registry.session is None:
        readings.failed("boto3.Session", registry.label, registry.error or "", "resource")
    else:
        _read_repository(readings, registry, target)
    if caller.kind == "assumed-role" and readings.role_path:
        caller = parse_caller(role, role_path=readings.role_path)
    given = context or RequestContext()
    merged = RequestContext(
        org_id=given.org_id or readings.org_id,
        org_paths=given.org_paths,
        no_organization=given.no_organization or (readings.no_organization and given.org_id is None),
        principal_tags=given.principal_tags if given.principal_tags is not None else readings.principal_tags,
        source_arn=given.source_arn,
        source_account=given.source_account,
    )
    report = evaluate_access(
        caller,
        target,
        Policies(identity=readings.identity, repository=readings.repository_policy, boundary=readings.boundary),
        context=merged,
        access="push" if access == "push" else "pull",
        found=RepositoryFound(readings.repository, readings.repository_exists),
        unreadable=Unreadable(readings.unknown),
    )
    return report, readings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="read the real policies with boto3 (read-only) and explain the pull",
        description=(
            "Read the repository (ECR, registry credentials) and the role's policies (IAM, application "
            "credentials), then report like `explain`. Only reads. Service control policies are not read "
            "(that needs the management account); pass them to `explain --scp`. "
            "Exit 0 allowed, 1 denied, 2 bad input, 3 undecidable (for example a policy could not be read)."
        ),
    )
    parser.add_argument("--image", required=True, help="image URI or repository ARN")
    parser.add_argument("--role", required=True, help="the pulling role's ARN (or a session ARN)")
    parser.add_argument("--registry-profile", help="AWS profile for the registry account (ECR reads)")
    parser.add_argument("--app-profile", help="AWS profile for the application account (IAM reads)")
    parser.add_argument("--endpoint-url", help="send every AWS call to this endpoint (AWS-compatible servers)")
    add_context_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        import boto3  # noqa: F401
    except ImportError:
        print(
            "shared-registry doctor: error: boto3 is not installed; install ecr-shared-services[doctor]",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        report, readings = diagnose(
            args.image,
            args.role,
            registry_profile=args.registry_profile,
            app_profile=args.app_profile,
            endpoint_url=args.endpoint_url,
            context=context_from_args(args),
            access=args.access,
        )
    except ValueError as error:
        print(f"shared-registry doctor: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        data = to_json_dict(report)
        data["doctor"] = {
            "calls": readings.calls,
            "unreadable": dict(readings.unknown),
            "scps_read": False,
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        lines = [to_text(report), "Reads (read-only):"]
        for call in readings.calls:
            status = "ok  " if call["result"] == "ok" else "FAIL"
            detail = "" if call["result"] == "ok" else f" -> {call['result']}"
            lines.append(f"  [{status}] {call['call']} with the {call['credentials']}{detail}")
        lines.append("  service control policies were not read (pass them to `explain --scp`)")
        sys.stdout.write("\n".join(lines) + "\n")
    return exit_code(report)
