"""`shared-registry doctor`: read the real policies with boto3 (read-only), then explain the pull.

Registry-side reads (ECR) use the registry credentials, application-side reads (IAM, Organizations)
the application credentials. A read that fails is reported with the call and the credentials used,
and the side it would have informed is evaluated as unknown rather than absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from ecr_shared_services.access import AccessReport, RequestContext, evaluate_access, to_json_dict, to_text
from ecr_shared_services.access.context import parse_caller
from ecr_shared_services.access.errors import PolicyFormatError
from ecr_shared_services.access.evaluator import parse_target
from ecr_shared_services.access.grammar import Policy, PolicyKind, parse_policy
from ecr_shared_services.access.inputs import policy_document
from ecr_shared_services.access.question import Policies, RepositoryFound, Unreadable
from ecr_shared_services.access.results import Side
from ecr_shared_services.aws.arns import RepositoryRef, parse_repository_arn
from ecr_shared_services.cli.explain import EXIT_BAD_INPUT, add_context_options, context_from_args, exit_code


class DoctorInputError(ValueError):
    """Settings doctor cannot start from (a profile, the AWS config, the endpoint): bad input, exit 2."""

    def __init__(self, what: str, problem: str, fix: str) -> None:
        super().__init__(f"{what}: {problem}. Fix: {fix}")


@dataclass
class Read:
    """The outcome of one recorded call: `ok` once it succeeded, `absent` when AWS said there is none."""

    ok: bool = False
    absent: bool = False


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

    @contextmanager
    def read(
        self, call: str, credentials: _Credentials, side: Side | None, absent: dict[str, str] | None = None
    ) -> Iterator[Read]:
        """Record one AWS call. An error AWS or botocore reports (or a document that is not a policy) marks
        `side` unknown; an error code in `absent` (code → label) means "there is none", which is a result.
        Credential and config errors are bad input. Anything else is a bug and propagates."""
        from botocore.exceptions import BotoCoreError, ClientError

        outcome = Read()
        try:
            yield outcome
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if absent and code in absent:
                outcome.absent = True
                self._record(f"{call} ({absent[code]})", credentials, "ok")
            else:
                self._fail(call, credentials, _error_text(error), side)
        except _setup_errors() as error:
            raise DoctorInputError(credentials.label, str(error), _SETUP_FIX) from error
        except (BotoCoreError, PolicyFormatError) as error:
            self._fail(call, credentials, _error_text(error), side)
        else:
            outcome.ok = True
            self._record(call, credentials, "ok")

    def _record(self, call: str, credentials: _Credentials, result: str) -> None:
        self.calls.append({"call": call, "credentials": credentials.label, "result": result})

    def _fail(self, call: str, credentials: _Credentials, error: str, side: Side | None) -> None:
        self._record(call, credentials, error)
        if side is not None and side not in self.unknown:
            self.unknown[side] = f"{call} failed with the {credentials.label}: {error}"


_SETUP_FIX = "check the profile and the AWS config file (AWS_CONFIG_FILE), or set credentials in the environment"


def _setup_errors() -> tuple[type[Exception], ...]:
    """botocore's errors that mean the credentials or the AWS config cannot be used at all."""
    from botocore import exceptions as e

    return (
        e.ProfileNotFound,
        e.ConfigParseError,
        e.ConfigNotFound,
        e.InvalidConfigError,
        e.NoCredentialsError,
        e.PartialCredentialsError,
    )


def _error_text(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        details = response.get("Error", {})
        return f"{details.get('Code', type(error).__name__)}: {details.get('Message', '')}".rstrip(": ")
    return f"{type(error).__name__}: {error}"


def _parse(document: Any, name: str, kind: PolicyKind) -> Policy:
    if isinstance(document, str):
        document = unquote(document) if document.lstrip().startswith("%") else document
    value, _ = policy_document(document, name)
    return parse_policy(value, name, kind)


def _check_endpoint(endpoint_url: str | None) -> None:
    if endpoint_url is None:
        return
    parts = urlsplit(endpoint_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DoctorInputError(
            f"--endpoint-url {endpoint_url!r}",
            "not an http(s) URL with a host",
            "give a URL such as https://ecr.us-east-1.amazonaws.com, or leave the option out",
        )


class _Credentials:
    """One boto3 session and how to name it in messages."""

    def __init__(self, label: str, profile: str | None, endpoint_url: str | None) -> None:
        import boto3  # optional dependency: the `doctor` extra

        self.endpoint_url = endpoint_url
        self.label = f"{label} credentials ({'profile ' + profile if profile else 'default credential chain'})"
        try:
            self.session: Any = boto3.Session(profile_name=profile)
        except _setup_errors() as error:
            raise DoctorInputError(self.label, str(error), _SETUP_FIX) from error

    def client(self, service: str, region: str | None = None) -> Any:
        try:
            return self.session.client(service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url)
        except _setup_errors() as error:  # credentials are resolved when a client is made
            raise DoctorInputError(self.label, str(error), _SETUP_FIX) from error


def _policy_version(iam: Any, arn: str) -> Any:
    """The document of a managed policy's default version."""
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def _read_role(readings: Readings, app: _Credentials, role_name: str) -> None:
    iam = app.client("iam")
    role: dict[str, Any] = {}
    with readings.read(f"iam:GetRole {role_name}", app, "identity") as got:
        role = iam.get_role(RoleName=role_name)["Role"]
    if not got.ok:
        readings.unknown.setdefault("boundary", f"iam:GetRole {role_name} failed, so the boundary is unknown")
        return
    readings.principal_tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}
    readings.role_path = role.get("Path")
    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary_arn:
        with readings.read(f"iam:GetPolicyVersion {boundary_arn}", app, "boundary"):
            document = _policy_version(iam, boundary_arn)
            readings.boundary = _parse(document, f"permissions boundary {boundary_arn}", "boundary")
    names: list[str] = []
    with readings.read(f"iam:ListRolePolicies {role_name}", app, "identity"):
        pages = iam.get_paginator("list_role_policies").paginate(RoleName=role_name)
        names = [name for page in pages for name in page["PolicyNames"]]
    for name in names:
        with readings.read(f"iam:GetRolePolicy {role_name}/{name}", app, "identity"):
            document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            readings.identity.append(_parse(document, f"inline policy {name}", "identity"))
    attached: list[str] = []
    with readings.read(f"iam:ListAttachedRolePolicies {role_name}", app, "identity"):
        pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name)
        attached = [item["PolicyArn"] for page in pages for item in page["AttachedPolicies"]]
    for arn in attached:
        with readings.read(f"iam:GetPolicyVersion {arn}", app, "identity"):
            readings.identity.append(_parse(_policy_version(iam, arn), f"managed policy {arn}", "identity"))


def _read_organization(readings: Readings, app: _Credentials) -> None:
    absent = {"AWSOrganizationsNotInUseException": "no organization"}
    with readings.read("organizations:DescribeOrganization", app, None, absent) as got:
        readings.org_id = app.client("organizations").describe_organization()["Organization"]["Id"]
    readings.no_organization = got.absent


def _describe(readings: Readings, registry: _Credentials, target: RepositoryRef) -> Read:
    """Look the repository up; on success `readings.repository` is set when it exists."""
    call = f"ecr:DescribeRepositories {target.name} in {target.region}"
    with readings.read(call, registry, None, {"RepositoryNotFoundException": "not found"}) as got:
        found = registry.client("ecr", target.region).describe_repositories(
            registryId=target.account_id, repositoryNames=[target.name]
        )["repositories"]
        if found:
            readings.repository = parse_repository_arn(found[0]["repositoryArn"])
        else:
            got.absent = True
    return got


def _regions_named_for(readings: Readings, target: RepositoryRef) -> list[str]:
    """Other regions where the role's own policies say a repository of this name is."""
    return sorted(
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


def _read_repository(readings: Readings, registry: _Credentials, target: RepositoryRef) -> None:
    got = _describe(readings, registry, target)
    if not got.ok and not got.absent:
        return
    readings.repository_exists = not got.absent
    if got.absent:
        # ECR is regional: look where the role's own policies say the repository is.
        for region in _regions_named_for(readings, target):
            other = RepositoryRef(target.partition, region, target.account_id, target.name)
            if _describe(readings, registry, other).ok and readings.repository is not None:
                break
        return
    call = f"ecr:GetRepositoryPolicy {target.name} in {target.region}"
    with readings.read(call, registry, "resource", {"RepositoryPolicyNotFoundException": "no policy"}):
        text = registry.client("ecr", target.region).get_repository_policy(
            registryId=target.account_id, repositoryName=target.name
        )["policyText"]
        readings.repository_policy = _parse(text, f"repository policy of {target.name}", "resource")


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
    _check_endpoint(endpoint_url)
    readings = Readings()
    registry = _Credentials("registry", registry_profile, endpoint_url)
    app = _Credentials("application", app_profile, endpoint_url)
    _read_role(readings, app, caller.name)
    _read_organization(readings, app)
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
