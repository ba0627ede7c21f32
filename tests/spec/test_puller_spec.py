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
    ("data", "field", "code"),
    [
        ({}, "repositories", "ESS405"),
        ({"repositories": ["payment-service"]}, "registry", "ESS406"),
        ({"repository_arns": ["arn:aws:ecr:us-east-1:987654321098:repository/*"]}, "repository_arns[0]", "ESS111"),
        ({"repository_arns": ["arn:aws:s3:::bucket"]}, "repository_arns[0]", "ESS111"),
        ({"repository_arns": [ARN], "max_session_duration": 60}, "max_session_duration", "ESS005"),
        ({"repository_arns": [ARN], "path": "service-role"}, "path", "ESS105"),
        (
            {"repository_arns": [ARN], "trust": {"service": "eks-irsa", "namespace": "ns", "service_account": "sa"}},
            "trust.oidc_provider_arn",
            "ESS401",
        ),
        (
            {
                "repository_arns": [ARN],
                "trust": {"service": "eks-irsa", "oidc_provider_arn": "arn:aws:iam::1:oidc-provider/x"},
            },
            "trust.service_account",
            "ESS402",
        ),
        (
            {"repository_arns": [ARN], "trust": {"oidc_provider_arn": "arn:aws:iam::1:oidc-provider/x"}},
            "trust.oidc_provider_arn",
            "ESS403",
        ),
        ({"repository_arns": [ARN], "trust": {"service": "ec2", "namespace": "ns"}}, "trust.namespace", "ESS404"),
        ({"repository_arns": [ARN], "trust": {"service": "ecs"}}, "trust.service", "ESS004"),
        (
            {"repositories": ["a1", "a1"], "registry": {"account_id": "987654321098", "region": "us-east-1"}},
            "repositories",
            "ESS407",
        ),
        ({"repository_arns": [ARN], "cloudwatch_log_groups": ["/ecs/*"]}, "cloudwatch_log_groups[0]", "ESS114"),
        ({"repository_arns": [ARN], "permissions_boundary": "workload-boundary"}, "permissions_boundary", "ESS115"),
        (
            {
                "registry": {"account_id": "987654321098", "region": "us-east-1", "partition": "aws-cn"},
                "repositories": ["payment-service"],
            },
            "registry.partition",
            "ESS109",
        ),
        (
            {
                "registry": {"account_id": "987654321098", "region": "us-east-1", "partition": "mars"},
                "repositories": ["payment-service"],
            },
            "registry.partition",
            "ESS108",
        ),
    ],
)
def test_puller_rules(data: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        PullerRoleArgs.parse({"role_name": "ecsTaskExecutionRole", **data})
    assert [(v.field, v.code) for v in caught.value.violations] == [(field, code)]


def test_a_repository_arn_violation_says_what_is_wrong_with_the_arn() -> None:
    with pytest.raises(SpecError) as caught:
        PullerRoleArgs.parse({"role_name": "r", "repository_arns": ["arn:aws:s3:::bucket"]})
    [violation] = caught.value.violations
    assert violation.rule == (
        "'arn:aws:s3:::bucket' is not an ECR repository ARN (expected arn:aws:ecr:REGION:ACCOUNT:repository/NAME)"
    )
    assert violation.fix == "use arn:aws:ecr:REGION:ACCOUNT:repository/NAME"


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
    assert [(v.field, v.code) for v in caught.value.violations] == [("repository_arns", "ESS111")]


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
    assert [(v.field, v.code) for v in caught.value.violations] == [
        ("role.role_name", "ESS104"),
        ("role.trust.service", "ESS004"),
    ]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"role": {"role_name": "r", "account_id": "999999999999"}}, "role.account_id", "ESS408"),
        ({"registry_stack": "registry"}, "registry_stack", "ESS112"),
        ({"repositories": []}, "repositories", "ESS405"),
        ({"repositories": ["a1", "a1"]}, "repositories", "ESS407"),
        ({"repositories": ["UPPER"]}, "repositories[0]", "ESS103"),
        ({"organization_id": "org"}, "organization_id", "ESS106"),
        ({"role": {}}, "role.role_name", "ESS001"),
    ],
)
def test_application_settings_rules(change: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        ApplicationStackSpec.parse({**APP, **change})
    assert [(v.field, v.code) for v in caught.value.violations] == [(field, code)]
