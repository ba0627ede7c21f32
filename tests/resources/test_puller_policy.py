"""PullerPolicy under Pulumi's mocks (an existing role gets the identity policy), and what PullerRole and
SharedRegistry now make per workload: instance profiles, GitHub trust, protect and the AWS-managed KMS key."""

import json
from typing import Any, cast

import pulumi

from ecr_shared_services import (
    PullerPolicy,
    PullerPolicyArgs,
    PullerRole,
    PullerRoleArgsDict,
    RoleConsumerArgsDict,
    SharedRegistry,
    SharedRegistryArgsDict,
)
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.sizing import to_json

APP = "123456789012"
ARN = "arn:aws:ecr:us-east-1:987654321098:repository/payment-service"
TYPE = "ecr-shared-services:index:PullerPolicy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def run(args: Any, name: str = "existing") -> MockRun:
    def program() -> None:
        attached = PullerPolicy(name, args)
        pulumi.export("role_arn", attached.role_arn)
        pulumi.export("role_name", attached.role_name)
        pulumi.export("policy", attached.policy)

    return run_under_mocks(program, AwsMocks(APP, "us-east-1"))


def test_an_existing_role_by_name_gets_the_same_inline_policy_a_created_role_gets() -> None:
    result = run({"role": "ecsTaskExecutionRole", "repository_arns": [ARN]})
    assert result.error is None
    [component] = result.of_type(TYPE)
    assert component.name == "existing"
    # Nothing creates a role: only the policy is attached to the one that exists.
    assert not result.of_type("aws:iam/role:Role")
    inline = result.by_name("existing-ecr", ROLE_POLICY)
    assert inline.parent.endswith(f"{TYPE}::existing")
    assert (inline.inputs["role"], inline.inputs["name"]) == ("ecsTaskExecutionRole", "ecr-images")
    assert inline.inputs["policy"] == to_json(identity_policy([ARN]))
    assert result.outputs == {
        "role_arn": f"arn:aws:iam::{APP}:role/ecsTaskExecutionRole",
        "role_name": "ecsTaskExecutionRole",
        "policy": inline.inputs["policy"],
    }


def test_an_existing_role_by_arn_output_with_its_path_and_log_groups() -> None:
    role = f"arn:aws:iam::{APP}:role/service-role/deployer"
    result = run(
        PullerPolicyArgs(
            role=pulumi.Output.from_input(role),
            repository_arns=[ARN],
            cloudwatch_log_groups=["/ecs/payments"],
            policy_name="payments-ecr",
        )
    )
    assert result.error is None
    inline = result.by_name("existing-ecr", ROLE_POLICY)
    assert (inline.inputs["role"], inline.inputs["name"]) == ("deployer", "payments-ecr")
    logs = result.by_name("existing-logs", ROLE_POLICY)
    assert json.loads(logs.inputs["policy"])["Statement"][0]["Resource"] == (
        f"arn:aws:logs:us-east-1:{APP}:log-group:/ecs/payments:*"
    )
    assert result.outputs["role_arn"] == role


def test_a_managed_policy_and_its_attachment_when_asked() -> None:
    result = run({"role": "eks-node", "repository_arns": [ARN], "attach_as": "managed"})
    assert result.error is None
    assert not result.of_type(ROLE_POLICY)
    managed = result.by_name("existing-ecr", MANAGED)
    assert json.loads(managed.inputs["policy"]) == identity_policy([ARN])
    attachment = result.by_name("existing-ecr-attachment", ATTACHMENT)
    assert attachment.inputs["role"] == "eks-node"
    assert attachment.parent.endswith(f"{TYPE}::existing")
    assert result.outputs["role_name"] == "eks-node"


def test_a_bad_role_from_an_output_stops_before_anything_is_attached() -> None:
    result = run({"role": pulumi.Output.from_input("arn:aws:iam::123456789012:user/someone"), "repository_arns": [ARN]})
    # The SpecError's text, under Pulumi's `While processing ...` wrapper (whose cause chain can loop).
    assert isinstance(result.error, ValueError)
    assert "ESS110 role = 'arn:aws:iam::123456789012:user/someone'" in str(result.error)
    assert not result.of_type(ROLE_POLICY)


def test_a_role_arn_of_another_account_is_refused_when_it_resolves() -> None:
    # IAM attaches by role name, in the provider's account: a role ARN of another account would silently
    # give the policy to a namesake.
    other = pulumi.Output.from_input("arn:aws:iam::210987654321:role/ecsTaskExecutionRole")
    result = run({"role": other, "repository_arns": [ARN]})
    assert "ESS415 role = 'arn:aws:iam::210987654321:role/ecsTaskExecutionRole'" in str(result.error)
    assert not result.of_type(ROLE_POLICY)


def test_a_managed_policy_over_its_quota_is_refused() -> None:
    arns = [f"arn:aws:ecr:us-east-1:987654321098:repository/service-{i:04d}" for i in range(100)]
    # One managed policy allowed: the first, which cannot hold 100 repositories.
    result = run({"role": "r", "repository_arns": arns, "attach_as": "managed", "max_managed_policies": 1})
    assert "IAM managed policy + 0 x IAM managed policy hold 6,144 in all" in str(result.error)
    assert not result.of_type(MANAGED) and not result.of_type(ATTACHMENT)


def run_role(args: dict[str, Any]) -> MockRun:
    # A plain dict, as a stack config gives it: only the run-time checks judge it.
    return run_under_mocks(lambda: PullerRole("puller", cast(PullerRoleArgsDict, args)), AwsMocks(APP, "us-east-1"))


def test_an_ec2_role_comes_with_its_instance_profile() -> None:
    result = run_role({"role_name": "builder", "path": "/ci/", "repository_arns": [ARN], "trust": {"service": "ec2"}})
    assert result.error is None
    profile = result.by_name("puller-profile", "aws:iam/instanceProfile:InstanceProfile")
    assert (profile.inputs["name"], profile.inputs["path"], profile.inputs["role"]) == ("builder", "/ci/", "builder")
    # An EKS node role trusts EC2 too, but managed node groups make their own instance profile.
    nodes = run_role({"role_name": "nodes", "repository_arns": [ARN], "trust": {"service": "eks-node"}})
    assert nodes.error is None
    assert not nodes.of_type("aws:iam/instanceProfile:InstanceProfile")


def test_a_github_publisher_role_trusts_the_account_provider_in_the_repository_partition() -> None:
    gov = "arn:aws-us-gov:ecr:us-gov-west-1:987654321098:repository/payment-service"
    result = run_role(
        {
            "role_name": "publisher",
            "repository_arns": [gov],
            "access": "push",
            "trust": {"service": "github-oidc", "github_subjects": ["repo:acme/payment-service:ref:refs/heads/main"]},
        }
    )
    assert result.error is None
    trust = json.loads(result.by_name("puller", "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {
        "Federated": f"arn:aws-us-gov:iam::{APP}:oidc-provider/token.actions.githubusercontent.com"
    }


def test_protect_and_the_aws_managed_kms_key_reach_the_repository() -> None:
    role: RoleConsumerArgsDict = {"kind": "role", "account_id": APP, "role_names": ["r"]}
    spec: SharedRegistryArgsDict = {
        "region": "us-east-1",
        "defaults": {"protect": True, "encryption": "KMS"},
        "consumers": [role],
        "repositories": [{"name": "kept"}, {"name": "scratch", "protect": False}],
    }
    result = run_under_mocks(lambda: SharedRegistry("shared", spec), AwsMocks("987654321098", "us-east-1"))
    assert result.error is None
    kept, scratch = result.by_name("shared-kept"), result.by_name("shared-scratch")
    assert (kept.protect, scratch.protect) == (True, False)
    # No key ARN: ECR uses the AWS-managed key, so no kms_key input that could drift.
    assert kept.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS"}]


def test_lambda_deployers_from_other_resources_are_granted_once_they_resolve() -> None:
    deployer = pulumi.Output.from_input(f"arn:aws:iam::{APP}:role/deploy/lambda-deployer")
    spec: dict[str, Any] = {
        "region": "us-east-1",
        "repositories": [
            {"name": "fn", "consumers": [{"kind": "lambda", "account_id": APP, "deployer_role_arns": [deployer]}]}
        ],
    }
    registry = cast(SharedRegistryArgsDict, spec)  # the lambda deployer keys are newer than the TypedDicts
    result = run_under_mocks(lambda: SharedRegistry("shared", registry), AwsMocks("987654321098", "us-east-1"))
    assert result.error is None
    statements = json.loads(result.by_name("shared-fn-policy").inputs["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["PullLambdaService", "PullLambdaDeployers"]
    assert statements[1]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{APP}:role/deploy/lambda-deployer"}
    }
