"""`shared-registry explain`: output formats, exit codes, AWS CLI shapes and stack outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.cli import main

APP, REG = "123456789012", "987654321098"
ROLE = f"arn:aws:iam::{APP}:role/ecsTaskExecutionRole"
REPO_ARN = f"arn:aws:ecr:us-east-1:{REG}:repository/payment-service"
IMAGE = f"{REG}.dkr.ecr.us-east-1.amazonaws.com/payment-service:latest"
PULL2 = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
SEED_REPO: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{APP}:root"}, "Action": PULL2, "Resource": REPO_ARN}
    ],
}
SEED_IDENTITY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Effect": "Allow", "Action": PULL2, "Resource": REPO_ARN},
    ],
}


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def explain(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def seed_args(tmp_path: Path, repo: Any = SEED_REPO, identity: Any = SEED_IDENTITY) -> list[str]:
    args = ["--principal", ROLE, "--image", IMAGE, "--identity-policy", write(tmp_path, "identity.json", identity)]
    if repo is not None:
        args += ["--repository-policy", write(tmp_path, "repo.json", repo)]
    return args


def test_seed_example_allowed_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(capsys, *seed_args(tmp_path))
    assert code == 0
    assert out.startswith(f"ALLOWED: {ROLE} can pull {IMAGE}")
    assert "ecr:BatchCheckLayerAvailability" in out and "not required for a pull" in out


def test_seed_example_allowed_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(capsys, *seed_args(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["decision"] == "allow" and data["denied_by"] is None and data["step"] is None
    assert [s["action"] for s in data["steps"]][:3] == [
        "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
    ]
    assert data["cross_account"] is True


def test_repository_policy_missing_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = json.loads(json.dumps(SEED_REPO).replace(APP, "111111111111"))
    code, out, _ = explain(capsys, *seed_args(tmp_path, repo=other), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert (data["decision"], data["denied_by"], data["explicit"], data["step"]) == (
        "deny",
        "resource",
        False,
        "ecr:BatchGetImage",
    )
    assert data["message"] == (
        f"User: {ROLE} is not authorized to perform: ecr:BatchGetImage on resource: {REPO_ARN} "
        "because no resource-based policy allows the ecr:BatchGetImage action"
    )
    fix = data["fixes"][0]
    assert fix["side"] == "resource" and fix["statement"]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == ROLE
    assert sorted(fix["statement"]["Action"]) == PULL2


def test_missing_authorization_token_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    identity = {"Version": "2012-10-17", "Statement": [SEED_IDENTITY["Statement"][1]]}
    code, out, _ = explain(capsys, *seed_args(tmp_path, identity=identity))
    assert code == 1
    first, second = out.splitlines()[:2]
    assert first == f"DENIED: {ROLE} cannot pull {IMAGE}"
    assert "identity policies" in second and "ecr:GetAuthorizationToken" in second
    assert (
        f"User: {ROLE} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no "
        "identity-based policy allows the ecr:GetAuthorizationToken action"
    ) in out
    assert '"Resource": "*"' in out  # the statement to add


def test_explicit_deny_names_sid_and_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deny = {"Statement": {"Sid": "NoEcr", "Effect": "Deny", "Action": "ecr:*", "Resource": "*"}}
    args = [*seed_args(tmp_path), "--identity-policy", write(tmp_path, "deny.json", deny), "--format", "json"]
    code, out, _ = explain(capsys, *args)
    data = json.loads(out)
    assert code == 1 and data["explicit"] is True and data["denied_by"] == "identity"
    assert data["message"].endswith("with an explicit deny in an identity-based policy")
    denying = data["steps"][0]["deny_statement"]
    assert (denying["sid"], denying["policy"]) == ("NoEcr", "deny.json")
    assert data["fixes"][0]["change"] == "remove_statement"


def test_scp_and_boundary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3_only = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    code, out, _ = explain(
        capsys, *seed_args(tmp_path), "--scp", write(tmp_path, "scp.json", s3_only), "--format", "json"
    )
    assert code == 1 and json.loads(out)["denied_by"] == "scp"
    code, out, _ = explain(
        capsys, *seed_args(tmp_path), "--boundary", write(tmp_path, "b.json", s3_only), "--format", "json"
    )
    data = json.loads(out)
    assert code == 1 and data["denied_by"] == "boundary"
    assert data["message"].endswith("because no permissions boundary allows the ecr:GetAuthorizationToken action")


def test_org_condition_needs_org_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org_repo = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": PULL2,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            }
        ]
    }
    code, out, _ = explain(capsys, *seed_args(tmp_path, repo=org_repo), "--format", "json")
    data = json.loads(out)
    assert code == 3 and data["decision"] == "unknown"
    assert any("aws:PrincipalOrgID" in note for note in data["not_evaluable"])
    code, _, _ = explain(capsys, *seed_args(tmp_path, repo=org_repo), "--org-id", "o-a1b2c3d4e5")
    assert code == 0
    code, _, _ = explain(capsys, *seed_args(tmp_path, repo=org_repo), "--org-id", "o-zzzzzzzzzz")
    assert code == 1


def test_aws_cli_response_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo_response = {"registryId": REG, "repositoryName": "payment-service", "policyText": json.dumps(SEED_REPO)}
    role_policy = {
        "RoleName": "ecsTaskExecutionRole",
        "PolicyName": "inline-policy-name",
        "PolicyDocument": SEED_IDENTITY,
    }
    args = [
        "--principal",
        ROLE,
        "--image",
        IMAGE,
        "--identity-policy",
        write(tmp_path, "role-policy.json", role_policy),
        "--repository-policy",
        write(tmp_path, "repo-policy.json", repo_response),
        "--format",
        "json",
    ]
    code, out, _ = explain(capsys, *args)
    assert code == 0 and json.loads(out)["inputs"]["identity_policies"] == ["inline-policy-name"]


def test_wrong_region_is_its_own_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    west = IMAGE.replace("us-east-1", "us-west-2")
    args = seed_args(tmp_path)
    args[args.index("--image") + 1] = west
    code, out, _ = explain(capsys, *args, "--repository-arn", REPO_ARN, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["denied_by"] == "location"
    assert data["findings"][0]["kind"] == "region_mismatch"
    assert "us-east-1" in data["findings"][0]["fix"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--principal", "not-an-arn", "--image", IMAGE], "principal"),
        (["--principal", ROLE, "--image", "docker.io/library/nginx"], "image"),
        (["--principal", ROLE, "--image", IMAGE, "--identity-policy", "/nonexistent/p.json"], "cannot be read"),
        (["--image", IMAGE], "no caller"),
    ],
)
def test_bad_input_exits_2(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain(capsys, *args)
    assert code == 2 and out == "" and needle in err


def test_invalid_policy_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = explain(
        capsys, "--principal", ROLE, "--image", IMAGE, "--identity-policy", write(tmp_path, "bad.json", "{not json")
    )
    assert code == 2 and "not valid JSON" in err
    no_effect = {"Statement": [{"Action": "ecr:*", "Resource": "*"}]}
    code, _, err = explain(
        capsys, "--principal", ROLE, "--image", IMAGE, "--identity-policy", write(tmp_path, "noeffect.json", no_effect)
    )
    assert code == 2 and "Effect" in err


def _stack_outputs(tmp_path: Path, repo_policy: Any, role_policy: Any, url: str | None = None) -> list[str]:
    url = url or IMAGE.rsplit(":", 1)[0]
    registry = {
        "registryId": REG,
        "region": "us-east-1",
        "repositories": {
            "payment-service": {"name": "payment-service", "arn": REPO_ARN, "url": IMAGE.rsplit(":", 1)[0]}
        },
        "grants": {"payment-service": [{"kind": "account", "account_id": APP, "access": "pull"}]},
        "repositoryPolicies": {"payment-service": json.dumps(repo_policy)},
    }
    application = {
        "roleArn": ROLE,
        "roleName": "ecsTaskExecutionRole",
        "imageRepositories": {"payment-service": url},
        "rolePolicy": json.dumps(role_policy),
    }
    return [
        "--registry-outputs",
        write(tmp_path, "registry.json", registry),
        "--application-outputs",
        write(tmp_path, "app.json", application),
    ]


def test_stack_outputs_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(capsys, *_stack_outputs(tmp_path, SEED_REPO, SEED_IDENTITY), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["principal"] == ROLE and data["repository"]["arn"] == REPO_ARN
    only_token = {"Statement": [SEED_IDENTITY["Statement"][0]]}
    code, out, _ = explain(
        capsys, *_stack_outputs(tmp_path, SEED_REPO, only_token), "--repository", "payment-service", "--format", "json"
    )
    assert code == 1 and json.loads(out)["denied_by"] == "identity"


def test_stack_outputs_unknown_repository_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = explain(capsys, *_stack_outputs(tmp_path, SEED_REPO, SEED_IDENTITY), "--repository", "nope")
    assert code == 2 and "nope" in err


FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}


def test_scp_files_given_together_are_one_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both SCPs of one target (`aws organizations list-policies-for-target`) are combined: FullAWSAccess
    allows what the deny-only policy does not mention (AWS Organizations User Guide, "SCP evaluation")."""
    full, deny_only = write(tmp_path, "FullAWSAccess.json", FULL_ACCESS), write(tmp_path, "deny-only.json", DENY_ONLY)
    code, out, _ = explain(capsys, *seed_args(tmp_path), "--scp", full, "--scp", deny_only, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["inputs"]["scp_levels"] == [["FullAWSAccess.json", "deny-only.json"]]
    assert data["steps"][1]["sides"]["scp"]["levels"] == [
        {"level": 1, "policies": ["FullAWSAccess.json", "deny-only.json"], "verdict": "allow"}
    ]


def test_scp_levels_each_must_allow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full, deny_only = write(tmp_path, "FullAWSAccess.json", FULL_ACCESS), write(tmp_path, "deny-only.json", DENY_ONLY)
    code, out, _ = explain(capsys, *seed_args(tmp_path), "--scp-level", full, "--scp", deny_only)
    assert code == 1
    assert "refused by: the service control policies (no matching Allow) at ecr:GetAuthorizationToken" in out
    assert "service control policies: no statement allows\n" in out  # one level's Allow is not the side's
    assert "level 1: FullAWSAccess.json: allows" in out
    assert "level 2: deny-only.json: no statement allows" in out
    assert "a service control policy attached at level 2 (deny-only.json) over account 123456789012" in out
    code, out, _ = explain(capsys, *seed_args(tmp_path), "--scp-level", f"{full},{deny_only}", "--scp", full)
    assert code == 0 and "level 1: FullAWSAccess.json, deny-only.json: allows" in out
    code, out, _ = explain(
        capsys, *seed_args(tmp_path), "--scp-level", deny_only, "--scp", deny_only, "--format", "json"
    )
    token_fixes = [f["where"] for f in json.loads(out)["fixes"] if f["resource"] == "*"]
    assert code == 1 and [where.split(" (")[0] for where in token_fixes] == [
        "a service control policy attached at level 1",
        "a service control policy attached at level 2",
    ]


def test_no_principal_tags_makes_tag_conditions_false(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A condition on an absent key is false; its IfExists form is true (IAM User Guide, "IAM JSON policy
    elements: Condition operators", "...IfExists condition operators")."""
    statement = SEED_REPO["Statement"][0]
    tagged = {**SEED_REPO, "Statement": [{**statement, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}}]}
    if_exists = {
        **SEED_REPO,
        "Statement": [{**statement, "Condition": {"StringEqualsIfExists": {"aws:PrincipalTag/team": "a"}}}],
    }
    assert explain(capsys, *seed_args(tmp_path, repo=tagged))[0] == 3
    assert explain(capsys, *seed_args(tmp_path, repo=tagged), "--no-principal-tags")[0] == 1
    assert explain(capsys, *seed_args(tmp_path, repo=if_exists), "--no-principal-tags")[0] == 0
    assert explain(capsys, *seed_args(tmp_path, repo=tagged), "--principal-tag", "team=a")[0] == 0


def test_fixes_are_data_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(capsys, *seed_args(tmp_path, repo=None), "--format", "json")
    [fix] = json.loads(out)["fixes"]
    assert code == 1
    assert (fix["side"], fix["change"], fix["actions"], fix["resource"]) == (
        "resource",
        "add_statement",
        PULL2,
        REPO_ARN,
    )
    assert fix["statement"]["Action"] == PULL2
    assert fix["text"].endswith(f"a statement allowing {ROLE} to call ecr:BatchGetImage, ecr:GetDownloadUrlForLayer")


OVER_QUOTA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": REPO_ARN} for i in range(200)
    ],
}


def _bad_input(case: str, tmp_path: Path) -> list[str]:
    """One bad input as explain arguments; every one must exit 2 with one line and no traceback."""
    base = ["--principal", ROLE, "--image", IMAGE]

    def policy(name: str, data: Any) -> list[str]:
        return [*base, "--identity-policy", write(tmp_path, name, data)]

    if case == "binary":
        (tmp_path / "binary.json").write_bytes(bytes(range(256)) * 4)
        return [*base, "--identity-policy", str(tmp_path / "binary.json")]
    if case == "10-mb-policy":
        statement = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
        return policy("big.json", {"Version": "2012-10-17", "Statement": [statement] * 200_000})
    number_principal = {"Statement": [{**SEED_REPO["Statement"][0], "Principal": {"AWS": 123456789012}}]}
    cases: dict[str, Any] = {
        "nested-100000-deep": lambda: policy("deep.json", "[" * 100_000 + "]" * 100_000),
        "over-quota-policy": lambda: policy("quota.json", OVER_QUOTA),
        "policy-version-null": lambda: policy("pv.json", {"PolicyVersion": None}),
        "lowercase-statement": lambda: policy("lower.json", {"Version": "2012-10-17", "statement": []}),
        "principal-number": lambda: [*base, "--repository-policy", write(tmp_path, "num.json", number_principal)],
        "action-number": lambda: policy(
            "act.json", {"Statement": [{"Effect": "Allow", "Action": 123, "Resource": "*"}]}
        ),
        "caller-pattern": lambda: ["--principal", f"arn:aws:iam::{APP}:role/*", "--image", IMAGE],
        "tags-contradict": lambda: [*base, "--no-principal-tags", "--principal-tag", "a=b"],
        "scp-level-empty-name": lambda: [*base, "--scp-level", "a.json,"],
        "scp-over-quota": lambda: [*base, "--scp", write(tmp_path, "scp.json", OVER_QUOTA)],
    }
    args: list[str] = cases[case]()
    return args


BAD_INPUT_NEEDLES = {
    "nested-100000-deep": "deep.json: JSON nested too deeply",
    "binary": "binary.json",
    # An identity policy file: the quota named is the identity side's, not another kind's.
    "10-mb-policy": "AWS refuses one over 10,240 characters (quota: IAM inline policies per role (total))",
    "over-quota-policy": "quota: IAM inline policies per role (total)",
    "policy-version-null": "pv.json: PolicyVersion:",
    "lowercase-statement": "lower.json: statement: element names are case-sensitive",
    "principal-number": "num.json: Statement[0].Principal.AWS: must be a string",
    "action-number": "act.json: Statement[0].Action: must be a string",
    "caller-pattern": "a caller is one principal, not a pattern",
    "tags-contradict": "--no-principal-tags and --principal-tag",
    "scp-level-empty-name": "--scp-level",
    "scp-over-quota": "over 5,120",
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT_NEEDLES))
def test_bad_input_table_exits_2_in_one_line(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain(capsys, *_bad_input(case, tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("shared-registry explain: error: ")
    assert "Traceback" not in err and BAD_INPUT_NEEDLES[case] in err
