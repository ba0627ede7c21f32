"""PullerRole under Pulumi's mocks: the role, its trust, its inline policies, and late validation of Inputs."""

import json
from typing import Any

import pulumi

from ecr_shared_services import PullerRole, PullerRoleArgs
from ecr_shared_services.errors import PolicySizeError, SpecError
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks

APP = "123456789012"
ROLE = "aws:iam/role:Role"
ARN = "arn:aws:ecr:us-east-1:987654321098:repository/payment-service"
ARN2 = "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api"


def run(args: Any, name: str = "puller") -> MockRun:
    def program() -> None:
        role = PullerRole(name, args)
        pulumi.export("role_arn", role.role_arn)
        pulumi.export("role_name", role.role_name)
        pulumi.export("policy", role.policy)

    return run_under_mocks(program, AwsMocks(APP, "us-east-1"))


def test_role_and_identity_policy_for_the_seed_example() -> None:
    result = run({"role_name": "ecsTaskExecutionRole", "repository_arns": [ARN]})
    assert result.error is None
    role = result.by_name("puller", ROLE)
    assert role.type == "aws:iam/role:Role"
    assert role.parent.endswith("ecr-shared-services:index:PullerRole::puller")
    assert role.inputs["name"] == "ecsTaskExecutionRole"
    trust = json.loads(role.inputs["assumeRolePolicy"])
    # The account comes from the provider's caller identity when not given.
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": APP}}
    policy = result.by_name("puller-ecr")
    assert policy.inputs["role"] == "ecsTaskExecutionRole"
    assert policy.inputs["name"] == "ecr-images"
    document = json.loads(policy.inputs["policy"])
    assert document["Statement"][0] == {
        "Sid": "GetAuthorizationToken",
        "Effect": "Allow",
        "Action": "ecr:GetAuthorizationToken",
        "Resource": "*",
    }
    assert document["Statement"][1]["Resource"] == ARN
    assert result.outputs == {
        "role_arn": f"arn:aws:iam::{APP}:role/ecsTaskExecutionRole",
        "role_name": "ecsTaskExecutionRole",
        "policy": policy.inputs["policy"],
    }
    assert not [r for r in result.registrations if r.name == "puller-logs"]


def test_repositories_by_name_logs_boundary_path_and_tags() -> None:
    boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
    result = run(
        PullerRoleArgs.parse(
            {
                "role_name": "payments-task",
                "path": "/workloads/",
                "registry": {"account_id": "987654321098", "region": "us-east-1"},
                "repositories": ["payment-service", "checkout-api"],
                "cloudwatch_log_groups": ["/ecs/payments"],
                "permissions_boundary": boundary,
                "max_session_duration": 7200,
                "tags": {"team": "payments"},
                "account_id": APP,
            }
        )
    )
    assert result.error is None
    role = result.by_name("puller", ROLE)
    assert role.inputs["path"] == "/workloads/"
    assert role.inputs["permissionsBoundary"] == boundary
    assert role.inputs["maxSessionDuration"] == 7200
    assert role.inputs["tags"] == {"team": "payments"}
    document = json.loads(result.by_name("puller-ecr").inputs["policy"])
    assert document["Statement"][1]["Resource"] == sorted([ARN, ARN2])
    logs = json.loads(result.by_name("puller-logs").inputs["policy"])
    assert logs["Statement"][0]["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/payments:*"
    assert result.outputs["role_arn"] == "arn:aws:iam::123456789012:role/workloads/payments-task"


def test_repository_arns_from_other_resources_are_checked_when_they_resolve() -> None:
    good = run({"role_name": "r", "repository_arns": [pulumi.Output.from_input(ARN)]})
    assert good.error is None
    assert json.loads(good.outputs["policy"])["Statement"][1]["Resource"] == ARN

    bad = run({"role_name": "r", "repository_arns": [pulumi.Output.from_input("arn:aws:s3:::bucket")]})
    # Pulumi reports it as the input that could not be resolved; the cause is our SpecError.
    assert isinstance(bad.cause, SpecError)
    assert bad.cause.violations[0].value == "arn:aws:s3:::bucket"
    assert "is not an ECR repository ARN" in str(bad.error)
    # The role waits for the checked policy, so nothing of the role exists.
    assert not bad.of_type("aws:iam/rolePolicy:RolePolicy")
    assert not bad.of_type(ROLE)


def test_push_access_and_other_trusts() -> None:
    result = run({"role_name": "ci", "repository_arns": [ARN], "access": "push", "trust": {"service": "ec2"}})
    assert result.error is None
    statement = json.loads(result.by_name("puller-ecr").inputs["policy"])["Statement"][1]
    assert statement["Sid"] == "PushAndPullImages"
    assert "ecr:PutImage" in statement["Action"]
    trust = json.loads(result.by_name("puller", ROLE).inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_too_many_repositories_for_one_role_fail_the_preview() -> None:
    arns = [f"arn:aws:ecr:us-east-1:987654321098:repository/service-{i:04d}" for i in range(200)]
    # Without managed policies allowed, 200 repositories are over the inline quota alone.
    result = run({"role_name": "r", "repository_arns": arns, "account_id": APP, "max_managed_policies": 0})
    assert isinstance(result.error, PolicySizeError)
    assert result.error.quota == "IAM inline policies per role (total) + 0 x IAM managed policy"
    assert not result.of_type("aws:iam/rolePolicy:RolePolicy")
    assert not result.of_type(ROLE)


def test_bad_args_register_nothing() -> None:
    result = run({"role_name": "r*", "repository_arns": [ARN]})
    assert isinstance(result.error, SpecError)
    assert result.registrations == []
