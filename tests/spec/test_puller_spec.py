"""PullerRoleArgs and the application stack's settings."""

from typing import Any

import pytest

from ecr_shared_services.errors import SpecError
from ecr_shared_services.spec.application import ApplicationStackSpec
from ecr_shared_services.spec.puller import PullerRoleArgs, check_resolved_repository_arns

ARN = "arn:aws:ecr:us-east-1:987654321098:repository/payment-service"


def test_repositories_by_arn_or_by_name() -> None:
    by_arn = PullerRoleArgs(role_name="ecsTaskExecutionRole", repository_arns=[ARN])
    assert by_arn.repository_arns == [ARN]
    by_name = PullerRoleArgs.parse(
        {
            "role_name": "ecsTaskExecutionRole",
            "registry": {"account_id": "987654321098", "region": "us-east-1"},
            "repositories": ["payment-service"],
        }
    )
    assert by_name.named_repository_arns() == [ARN]


def test_defaults_are_an_ecs_task_role_that_pulls() -> None:
    args = PullerRoleArgs(role_name="r", repository_arns=[ARN])
    assert (args.trust.service, args.access, args.path, args.max_session_duration) == ("ecs-tasks", "pull", "/", 3600)


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({}, "repositories", "a puller role needs at least one repository"),
        ({"repositories": ["payment-service"]}, "registry", "repositories given by name need the registry's location"),
        (
            {"repository_arns": ["arn:aws:ecr:us-east-1:987654321098:repository/*"]},
            "repository_arns[0]",
            "'arn:aws:ecr:us-east-1:987654321098:repository/*' names an invalid repository '*'",
        ),
        (
            {"repository_arns": ["arn:aws:s3:::bucket"]},
            "repository_arns[0]",
            "'arn:aws:s3:::bucket' is not an ECR repository ARN (expected arn:aws:ecr:REGION:ACCOUNT:repository/NAME)",
        ),
        (
            {"repository_arns": [ARN], "max_session_duration": 60},
            "max_session_duration",
            "Input should be greater than or equal to 3600",
        ),
        (
            {"repository_arns": [ARN], "path": "service-role"},
            "path",
            "an IAM path starts and ends with / (for example /service-roles/)",
        ),
        (
            {"repository_arns": [ARN], "trust": {"service": "eks-irsa", "namespace": "ns", "service_account": "sa"}},
            "trust.oidc_provider_arn",
            "IRSA needs the cluster's OIDC provider ARN",
        ),
        (
            {"repository_arns": [ARN], "trust": {"service": "ec2", "namespace": "ns"}},
            "trust.namespace",
            "namespace and service_account apply to EKS only",
        ),
    ],
)
def test_puller_rules(data: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(SpecError) as caught:
        PullerRoleArgs.parse({"role_name": "ecsTaskExecutionRole", **data})
    assert [(v.field, v.rule) for v in caught.value.violations] == [(field, rule)]


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        (
            {"repository_arns": [ARN], "cloudwatch_log_groups": ["/ecs/*"]},
            "cloudwatch_log_groups[0]",
            "a log group name is 1-512 letters, digits and . - _ / # (no wildcards)",
        ),
        (
            {"repository_arns": [ARN], "permissions_boundary": "workload-boundary"},
            "permissions_boundary",
            "a permissions boundary is a managed policy ARN",
        ),
        (
            {
                "registry": {"account_id": "987654321098", "region": "us-east-1", "partition": "aws-cn"},
                "repositories": ["payment-service"],
            },
            "registry.partition",
            "region us-east-1 is in partition aws",
        ),
        (
            {
                "registry": {"account_id": "987654321098", "region": "us-east-1", "partition": "mars"},
                "repositories": ["payment-service"],
            },
            "registry.partition",
            "unknown partition; known partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b",
        ),
    ],
)
def test_role_settings_that_would_widen_or_misplace_access(data: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(SpecError) as caught:
        PullerRoleArgs.parse({"role_name": "ecsTaskExecutionRole", **data})
    assert [(v.field, v.rule) for v in caught.value.violations] == [(field, rule)]


def test_boundaries_and_log_groups_that_are_fine() -> None:
    args = PullerRoleArgs(
        role_name="r",
        repository_arns=[ARN],
        permissions_boundary="arn:aws:iam::123456789012:policy/boundaries/workload",
        cloudwatch_log_groups=["/ecs/payment-service", "/aws/lambda/fn#1"],
    )
    assert args.permissions_boundary.endswith("workload")


def test_values_that_arrive_later_are_checked_when_they_resolve() -> None:
    deferred = object()  # stands for a pulumi Output
    args = PullerRoleArgs(role_name="r", repository_arns=[deferred])
    assert args.repository_arns == [deferred]
    assert check_resolved_repository_arns([ARN]) == [ARN]
    with pytest.raises(SpecError) as caught:
        check_resolved_repository_arns(["arn:aws:ecr:us-east-1:987654321098:repo/x"])
    assert caught.value.subject == "PullerRoleArgs"
    assert caught.value.violations[0].field == "repository_arns"


APP = {
    "account_id": "123456789012",
    "registry_stack": "acme/ecr-shared-services/registry",
    "repositories": ["payment-service"],
    "role": {"role_name": "ecsTaskExecutionRole"},
}


def test_application_settings_validate_the_role_before_anything_exists() -> None:
    app = ApplicationStackSpec.parse(APP)
    assert app.role_spec().role_name == "ecsTaskExecutionRole"
    assert app.role_args([ARN]).repository_arns == [ARN]
    with pytest.raises(SpecError) as caught:
        ApplicationStackSpec.parse({**APP, "role": {"role_name": "bad*name", "trust": {"service": "ecs"}}})
    assert [v.field for v in caught.value.violations] == ["role.role_name", "role.trust.service"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": {"role_name": "r", "account_id": "999999999999"}}, "role.account_id"),
        ({"registry_stack": "registry"}, "registry_stack"),
        ({"repositories": []}, "repositories"),
        ({"repositories": ["a1", "a1"]}, "repositories"),
        ({"repositories": ["UPPER"]}, "repositories[0]"),
        ({"organization_id": "org"}, "organization_id"),
    ],
)
def test_application_settings_rules(change: dict[str, Any], field: str) -> None:
    with pytest.raises(SpecError) as caught:
        ApplicationStackSpec.parse({**APP, **change})
    assert [v.field for v in caught.value.violations] == [field]
