"""Golden documents for each workload kind: the identity that really pulls, on both sides, each compared
with the example AWS publishes for that workload (the page is named in each test's docstring)."""

import json
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN, PULL_REQUIRED
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy
from ecr_shared_services.policy.trust_policy import trust_policy
from ecr_shared_services.spec.consumers import LambdaConsumer
from ecr_shared_services.spec.puller import TrustSpec

GOLDEN = Path(__file__).parent.parent / "golden"
ACCOUNT = "111122223333"
REGION = "us-east-1"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:987654321098:repository/checkout-api"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def only_statement(document: dict[str, Any]) -> dict[str, Any]:
    [statement] = document["Statement"]
    return dict(statement)


def trust(**fields: Any) -> dict[str, Any]:
    return trust_policy(TrustSpec(**fields), ACCOUNT)


# AWS's cross-account example for container-image functions ("CrossAccountPermission" and
# "LambdaECRImageCrossAccountRetrievalPolicy"), with its account and region.
AWS_LAMBDA_EXAMPLE: list[dict[str, Any]] = [
    {
        "Sid": "CrossAccountPermission",
        "Effect": "Allow",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    },
    {
        "Sid": "LambdaECRImageCrossAccountRetrievalPolicy",
        "Effect": "Allow",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Condition": {"StringLike": {"aws:sourceARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:*"}},
    },
]


def test_lambda_repository_policy_is_aws_example_with_the_root_narrowed_to_the_deployer() -> None:
    """Lambda developer guide, "Create a Lambda function using a container image", sections "Amazon ECR
    permissions" and "Cross-account permissions":
    https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
    The service statement is AWS's; AWS's account-root statement becomes the deployer roles (the user or role
    that creates or updates the function) through `aws:PrincipalArn`. Condition keys are case-insensitive
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)."""
    document = repository_policy(
        [LambdaConsumer(account_id=ACCOUNT, deployer_role_names=["lambda-deployer"])], "aws", REGION
    )
    assert document == golden("workload_lambda_repository_policy")
    assert document is not None
    service, deployers = document["Statement"]
    aws_root, aws_service = AWS_LAMBDA_EXAMPLE
    assert service["Principal"] == aws_service["Principal"]
    assert {k.lower(): v for k, v in service["Condition"]["StringLike"].items()} == {
        k.lower(): v for k, v in aws_service["Condition"]["StringLike"].items()
    }
    assert set(aws_service["Action"]) <= set(service["Action"])
    assert deployers["Principal"] == aws_root["Principal"]
    assert deployers["Condition"] == {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/lambda-deployer"}}
    assert set(aws_root["Action"]) <= set(deployers["Action"])


def test_lambda_account_root_opt_in_renders_aws_example_exactly() -> None:
    """Same page as above: with `allow_account_root`, the account statement is AWS's CrossAccountPermission."""
    document = repository_policy(
        [LambdaConsumer(account_id=ACCOUNT, allow_account_root=True, description="legacy deploy users")],
        "aws",
        REGION,
    )
    assert document is not None
    service, accounts = document["Statement"]
    assert accounts["Principal"] == AWS_LAMBDA_EXAMPLE[0]["Principal"]
    assert "Condition" not in accounts
    assert service["Principal"] == AWS_LAMBDA_EXAMPLE[1]["Principal"]


def test_the_pulling_identity_policy_covers_what_each_puller_needs() -> None:
    """One identity policy serves every pulling role (ECS task execution, EKS node, Fargate pod execution,
    EC2 instance, Lambda deployer): `ecr:GetAuthorizationToken` on `*` plus the pull actions on the repositories.
    - Lambda deployer: "the user or role that created or updated the function must have ecr:BatchGetImage and
      ecr:GetDownloadUrlForLayer", https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
    - Nodes and tasks: AWS managed policy AmazonEC2ContainerRegistryPullOnly (GetAuthorizationToken,
      BatchGetImage, GetDownloadUrlForLayer on `*`),
      https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerRegistryPullOnly.html
    Ours scopes the pull actions to the named repositories instead of `*`."""
    document = identity_policy([REPOSITORY_ARN])
    assert document == golden("workload_identity_pull")
    token, images = document["Statement"]
    assert (token["Action"], token["Resource"]) == (AUTHORIZATION_TOKEN, "*")
    assert set(PULL_REQUIRED) <= set(images["Action"])
    assert images["Resource"] == REPOSITORY_ARN


@pytest.mark.parametrize(
    ("name", "fields", "aws_example"),
    [
        # Amazon ECS developer guide, "Amazon ECS task execution IAM role":
        # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
        (
            "workload_trust_ecs_tasks",
            {"service": "ecs-tasks"},
            {"Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"},
        ),
        # Amazon EKS user guide, "Amazon EKS node IAM role":
        # https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
        (
            "workload_trust_eks_node",
            {"service": "eks-node"},
            {"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        ),
        # Amazon EKS user guide, "Amazon EKS Pod execution IAM role":
        # https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html
        (
            "workload_trust_eks_fargate",
            {"service": "eks-fargate", "cluster_name": "my-cluster", "cluster_region": REGION},
            {
                "Principal": {"Service": "eks-fargate-pods.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:fargateprofile/my-cluster/*"}
                },
            },
        ),
        # Amazon EC2 user guide, "IAM roles for Amazon EC2":
        # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html
        (
            "workload_trust_ec2",
            {"service": "ec2"},
            {"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        ),
        # IAM user guide, "Create a role for OpenID Connect federation", GitHub example:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
        (
            "workload_trust_github_oidc",
            {"service": "github-oidc", "github_subjects": ["repo:acme/checkout:ref:refs/heads/*"]},
            {
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/checkout:ref:refs/heads/*"},
                },
            },
        ),
        # AWS CodeBuild user guide, "Allow CodeBuild to interact with other AWS services" (trust) and
        # "Cross-service confused deputy prevention" (aws:SourceAccount):
        # https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
        # https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html
        (
            "workload_trust_codebuild",
            {"service": "codebuild"},
            {"Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"},
        ),
    ],
)
def test_trust_per_workload_matches_aws_example(name: str, fields: dict[str, Any], aws_example: dict[str, Any]) -> None:
    """Each trust is AWS's published example for the workload (pages named above), plus, where AWS documents
    it for the service, the confused-deputy condition `aws:SourceAccount` (ECS, CodeBuild)."""
    document = trust(**fields)
    assert document == golden(name)
    statement = only_statement(document)
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == aws_example["Principal"]
    assert statement["Action"] == aws_example["Action"]
    added = {k: v for k, v in statement.get("Condition", {}).items() if k not in aws_example.get("Condition", {})}
    assert {k: statement["Condition"][k] for k in aws_example.get("Condition", {})} == aws_example.get("Condition", {})
    assert added in ({}, {"StringEquals": {"aws:SourceAccount": ACCOUNT}})


def test_fargate_trust_without_a_cluster_is_aws_minimal_form() -> None:
    """Pod execution role page above: the condition narrows to one cluster's profiles; without a cluster
    name the trust is the service principal alone."""
    assert only_statement(trust(service="eks-fargate")).get("Condition") is None


def test_github_trust_with_exact_subjects_uses_string_equals() -> None:
    """GitHub's docs ("Configuring OpenID Connect in Amazon Web Services") use StringEquals for an exact `sub`;
    StringLike is kept for subjects with a wildcard."""
    statement = only_statement(
        trust(
            service="github-oidc", github_subjects=["repo:acme/a:environment:prod", "repo:acme/a:ref:refs/heads/main"]
        )
    )
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/a:environment:prod",
                "repo:acme/a:ref:refs/heads/main",
            ],
        }
    }


def test_github_provider_follows_the_partition() -> None:
    """The provider is an IAM OIDC provider ARN of the role's own account and partition."""
    document = trust_policy(TrustSpec(service="github-oidc", github_subjects=["repo:a/b:*"]), ACCOUNT, "aws-us-gov")
    assert only_statement(document)["Principal"] == {
        "Federated": f"arn:aws-us-gov:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    }
