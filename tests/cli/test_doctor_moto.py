"""`shared-registry doctor` against moto's server mode: real boto3 reads, two accounts, every failure
mode of the seed's troubleshooting section."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ecr_shared_services.cli import main

APP, REG = "123456789012", "987654321098"
REGION = "us-east-1"
PULL2 = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
TOKEN = {"Sid": "Token", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def world(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two accounts in moto, each reached through credentials from sts:AssumeRole, written as profiles."""
    base = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    sts = base.client("sts", endpoint_url=endpoint)
    sessions: dict[str, boto3.Session] = {}
    lines = []
    for name, account in (("registry", REG), ("app", APP)):
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/admin", RoleSessionName=name)["Credentials"]
        sessions[name] = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )
        lines += [
            f"[profile {name}]",
            f"aws_access_key_id = {creds['AccessKeyId']}",
            f"aws_secret_access_key = {creds['SecretAccessKey']}",
            f"aws_session_token = {creds['SessionToken']}",
            f"region = {REGION}",
            "",
        ]
    config = tmp_path_factory.mktemp("aws") / "config"
    config.write_text("\n".join(lines))
    assert sessions["registry"].client("sts", endpoint_url=endpoint).get_caller_identity()["Account"] == REG
    return {"endpoint": endpoint, "config": str(config), "sessions": sessions}


@pytest.fixture(autouse=True)
def _aws_env(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", world["config"])
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", world["config"] + ".none")
    for var in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def _make(
    world: dict[str, Any],
    case: str,
    *,
    repo_policy: Any = "default",
    inline: Any = None,
    managed: Any = None,
    boundary: Any = None,
    region: str = REGION,
) -> tuple[str, str]:
    """A repository and a role for one test case; returns (image URI, role ARN)."""
    endpoint = world["endpoint"]
    repo_name = f"payment-service-{case}"
    role_name = f"task-{case}"
    role_arn = f"arn:aws:iam::{APP}:role/{role_name}"
    repo_arn = f"arn:aws:ecr:{region}:{REG}:repository/{repo_name}"
    ecr = world["sessions"]["registry"].client("ecr", region_name=region, endpoint_url=endpoint)
    ecr.create_repository(repositoryName=repo_name)
    if repo_policy == "default":
        repo_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PullRoles",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{APP}:root"},
                    "Action": PULL2,
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arn}},
                }
            ],
        }
    if repo_policy is not None:
        ecr.set_repository_policy(repositoryName=repo_name, policyText=json.dumps(repo_policy))
    iam = world["sessions"]["app"].client("iam", endpoint_url=endpoint)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    extra: dict[str, Any] = {}
    if boundary is not None:
        arn = iam.create_policy(PolicyName=f"boundary-{case}", PolicyDocument=json.dumps(boundary))["Policy"]["Arn"]
        extra["PermissionsBoundary"] = arn
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust), **extra)
    if inline is None:
        inline = {
            "Version": "2012-10-17",
            "Statement": [TOKEN, {"Sid": "Pull", "Effect": "Allow", "Action": PULL2, "Resource": repo_arn}],
        }
    if inline:
        iam.put_role_policy(RoleName=role_name, PolicyName="pull", PolicyDocument=json.dumps(inline))
    if managed is not None:
        arn = iam.create_policy(PolicyName=f"managed-{case}", PolicyDocument=json.dumps(managed))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=role_name, PolicyArn=arn)
    return f"{REG}.dkr.ecr.{region}.amazonaws.com/{repo_name}:v1", role_arn


def doctor(
    world: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    image: str,
    role: str,
    *extra: str,
    registry_profile: str = "registry",
) -> tuple[int, dict[str, Any]]:
    code = main(
        [
            "doctor",
            "--image",
            image,
            "--role",
            role,
            "--registry-profile",
            registry_profile,
            "--app-profile",
            "app",
            "--endpoint-url",
            world["endpoint"],
            "--format",
            "json",
            *extra,
        ]
    )
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_both_sides_right(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "ok")
    code, data = doctor(world, capsys, image, role)
    assert (code, data["decision"]) == (0, "allow")
    calls = [c["call"].split()[0] for c in data["doctor"]["calls"]]
    assert {"ecr:DescribeRepositories", "ecr:GetRepositoryPolicy", "iam:GetRole", "iam:GetRolePolicy"} <= set(calls)
    assert all(c["result"] == "ok" for c in data["doctor"]["calls"])


def test_managed_policy_and_boundary_are_read(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    repo_arn = f"arn:aws:ecr:{REGION}:{REG}:repository/payment-service-managed"
    managed = {
        "Version": "2012-10-17",
        "Statement": [TOKEN, {"Effect": "Allow", "Action": PULL2, "Resource": repo_arn}],
    }
    boundary = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
    image, role = _make(world, "managed", inline={}, managed=managed, boundary=boundary)
    code, data = doctor(world, capsys, image, role)
    assert code == 0, data["message"]
    assert any(name.startswith("managed policy") for name in data["inputs"]["identity_policies"])
    assert data["inputs"]["boundary"].startswith("permissions boundary")


def test_boundary_refuses(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    boundary = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    image, role = _make(world, "boundary", boundary=boundary)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"], data["step"]) == (1, "boundary", "ecr:GetAuthorizationToken")


def test_missing_get_authorization_token(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    repo_arn = f"arn:aws:ecr:{REGION}:{REG}:repository/payment-service-notoken"
    inline = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": PULL2, "Resource": repo_arn}]}
    image, role = _make(world, "notoken", inline=inline)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"], data["step"]) == (1, "identity", "ecr:GetAuthorizationToken")
    assert "because no identity-based policy allows the ecr:GetAuthorizationToken action" in data["message"]


def test_repository_policy_missing_the_account(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    other = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": PULL2}],
    }
    image, role = _make(world, "noaccount", repo_policy=other)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"], data["step"]) == (1, "resource", "ecr:BatchGetImage")
    assert "because no resource-based policy allows" in data["message"]


def test_no_repository_policy_at_all(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "nopolicy", repo_policy=None)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"]) == (1, "resource")
    assert any("(no policy)" in c["call"] for c in data["doctor"]["calls"])


def test_identity_policy_missing_the_repository(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    inline = {
        "Version": "2012-10-17",
        "Statement": [
            TOKEN,
            {"Effect": "Allow", "Action": PULL2, "Resource": f"arn:aws:ecr:{REGION}:{REG}:repository/billing"},
        ],
    }
    image, role = _make(world, "norepo", inline=inline)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"], data["step"]) == (1, "identity", "ecr:BatchGetImage")
    assert data["fixes"][0]["statement"]["Resource"].endswith("repository/payment-service-norepo")


def test_wrong_region(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "region")
    west = image.replace(f".{REGION}.", ".us-west-2.")
    code, data = doctor(world, capsys, west, role)
    assert (code, data["decision"], data["denied_by"]) == (1, "deny", "location")
    assert data["findings"][0]["kind"] == "region_mismatch"
    assert REGION in data["findings"][0]["fix"]


def test_repository_not_found(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    _, role = _make(world, "exists")
    missing = f"{REG}.dkr.ecr.{REGION}.amazonaws.com/no-such-repository:v1"
    code, data = doctor(world, capsys, missing, role)
    assert (code, data["denied_by"]) == (1, "location")
    assert data["findings"][0]["kind"] == "repository_not_found"
    assert "RepositoryNotFoundException" in data["message"]


def test_explicit_deny(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NoImagePulls", "Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}],
    }
    image, role = _make(world, "deny", managed=deny)
    code, data = doctor(world, capsys, image, role)
    assert (code, data["denied_by"], data["explicit"]) == (1, "identity", True)
    assert data["steps"][1]["deny_statement"]["sid"] == "NoImagePulls"
    assert data["message"].endswith("with an explicit deny in an identity-based policy")


def test_an_unreadable_side_is_unknown(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    account_wide = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{APP}:root"}, "Action": PULL2}],
    }
    image, _ = _make(world, "unreadable", repo_policy=account_wide)
    # AWS answers iam:GetRole with NoSuchEntity: the identity side cannot be read, the registry side still is.
    code, data = doctor(world, capsys, image, f"arn:aws:iam::{APP}:role/no-such-role")
    assert (code, data["decision"]) == (3, "unknown")
    reason = data["doctor"]["unreadable"]["identity"]
    assert reason.startswith("iam:GetRole no-such-role failed with the application credentials (profile app)")
    assert "NoSuchEntity" in reason
    assert [c["result"] for c in data["doctor"]["calls"] if c["call"].startswith("ecr:")] == ["ok", "ok"]


def bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run doctor expecting exit 2; return its one line on stderr."""
    code = main(["doctor", *argv])
    captured = capsys.readouterr()
    assert code == 2, captured.out
    assert captured.out == ""
    [line] = captured.err.splitlines()
    return line


def test_a_missing_profile_is_bad_input(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "noprofile")
    argv = ["--image", image, "--role", role, "--registry-profile", "no-such-profile", "--app-profile", "app"]
    line = bad_input(capsys, [*argv, "--endpoint-url", world["endpoint"]])
    assert line.startswith("shared-registry doctor: error: registry credentials (profile no-such-profile): ")
    assert "could not be found" in line


def test_an_invalid_endpoint_is_bad_input(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "endpoint")
    for endpoint in ("not a url", "127.0.0.1:5000", "ftp://127.0.0.1", "http://"):
        line = bad_input(capsys, ["--image", image, "--role", role, "--endpoint-url", endpoint])
        assert line.startswith(f"shared-registry doctor: error: --endpoint-url {endpoint!r}: not an http(s) URL")


def test_an_unreadable_aws_config_is_bad_input(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    image, role = _make(world, "badconfig")
    broken = tmp_path / "config"
    broken.write_text("[profile app\naws_access_key_id = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    argv = ["--image", image, "--role", role, "--registry-profile", "registry", "--endpoint-url", world["endpoint"]]
    line = bad_input(capsys, argv)
    assert line.startswith("shared-registry doctor: error: registry credentials (profile registry): ")
    assert f"Unable to parse config file: {broken}" in line


def test_no_credentials_at_all_is_bad_input(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    image, role = _make(world, "nocredentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    # No instance metadata to fall back on: botocore would otherwise try 169.254.169.254.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    line = bad_input(capsys, ["--image", image, "--role", role, "--endpoint-url", world["endpoint"]])
    assert line.startswith("shared-registry doctor: error: application credentials (default credential chain): ")
    assert "Unable to locate credentials" in line


def test_partial_credentials_are_bad_input(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    image, role = _make(world, "partial")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")  # and no secret key
    line = bad_input(capsys, ["--image", image, "--role", role, "--endpoint-url", world["endpoint"]])
    assert line.startswith("shared-registry doctor: error: application credentials (default credential chain): ")
    assert "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY" in line


def test_an_error_in_our_own_code_is_not_reported_as_a_failed_read(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecr_shared_services.cli import doctor as doctor_module

    image, role = _make(world, "ownbug")

    def broken(document: Any, name: str, kind: str) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(doctor_module, "_parse", broken)
    with pytest.raises(KeyError, match="a bug"):
        doctor(world, capsys, image, role)


def test_session_arn_and_text_output(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    image, role = _make(world, "session")
    session = role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/task-1"
    code = main(
        [
            "doctor",
            "--image",
            image,
            "--role",
            session,
            "--registry-profile",
            "registry",
            "--app-profile",
            "app",
            "--endpoint-url",
            world["endpoint"],
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and out.startswith(f"ALLOWED: {session}")
    assert "Reads (read-only):" in out and "[ok  ] iam:GetRole" in out
