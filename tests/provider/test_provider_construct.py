"""Construct over gRPC, as the engine asks for a component declared in TypeScript, Go or YAML: the provider
registers exactly what the Python component registers for the same input (same URNs, types, parents and
inputs, so the same policy documents), returns the same outputs, and rejects bad input with the SpecError text.

The resource monitor is the project's AWS-like mock monitor (ecr_shared_services.plan.mocks) behind gRPC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from google.protobuf import json_format
from pulumi.runtime.proto import provider_pb2_grpc
from wire import (
    POLICY_TYPE,
    PULLER_TYPE,
    REGISTRY_TYPE,
    Monitor,
    construct,
    identity,
    in_process,
    rejected,
    running_monitor,
    snake,
)

from ecr_shared_services.errors import SpecError
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.spec.registry import SharedRegistryArgs

REGISTRY = "987654321098"
APP = "123456789012"
PLATFORM = "111122223333"
ROLE = {"kind": "role", "accountId": APP, "roleNames": ["ecsTaskExecutionRole"], "description": "Payments' tasks"}
ORG = {"kind": "organization", "organizationId": "o-a1b2c3d4e5"}
# An ECR lifecycle policy as written by hand: its numbers must reach AWS as integers, not 5.0.
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
RAW_LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5},
            "action": {"type": "expire"},
        }
    ]
}
KMS_KEY = "arn:aws:kms:us-east-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LAMBDA = {"kind": "lambda", "accountId": APP, "deployerRoleNames": ["lambda-deployer"]}


@pytest.fixture
def registry_monitor() -> Iterator[Monitor]:
    yield from running_monitor(AwsMocks(REGISTRY, "us-east-1"))


@pytest.fixture
def app_monitor() -> Iterator[Monitor]:
    yield from running_monitor(AwsMocks(APP, "us-east-1"))


def _state(response: Any) -> dict[str, Any]:
    state: dict[str, Any] = json_format.MessageToDict(response.state)
    return state


REGISTRY_CASES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "two repositories, registry-wide defaults": (
        {
            "region": "us-east-1",
            "defaults": {"tags": {"team": "platform"}, "lifecycle": {"keepLastTagged": 10}},
            "repositories": [
                {"name": "payment-service", "consumers": [ROLE], "tags": {"app": "payments"}},
                {"name": "base-images/python", "consumers": [ORG], "lifecycle": {"raw": RAW_LIFECYCLE}},
            ],
        },
        None,
    ),
    "registry-wide consumers, KMS, exclusions, private, lifecycle off": (
        {
            "region": "us-east-1",
            "consumers": [{"kind": "account", "accountId": APP, "access": "push"}],
            "repositories": [
                {
                    "name": "tools",
                    "encryption": "KMS",
                    "kmsKey": KMS_KEY,
                    "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
                    "tagMutabilityExclusions": ["latest"],
                    "lifecycle": {"enabled": False},
                },
                {"name": "internal", "private": True, "retainOnDelete": False, "lifecycle": {"keepLastTagged": 0}},
            ],
        },
        # The Python API spells "no lifecycle policy" and "rule off" as None, which a schema input cannot be.
        {
            "region": "us-east-1",
            "consumers": [{"kind": "account", "account_id": APP, "access": "push"}],
            "repositories": [
                {
                    "name": "tools",
                    "encryption": "KMS",
                    "kms_key": KMS_KEY,
                    "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                    "tag_mutability_exclusions": ["latest"],
                    "lifecycle": None,
                },
                {
                    "name": "internal",
                    "private": True,
                    "retain_on_delete": False,
                    "lifecycle": {"keep_last_tagged": None},
                },
            ],
        },
    ),
    "Lambda deployers and an opted-in account root, protect, tagged images expiring by age": (
        {
            "region": "us-east-1",
            "defaults": {"protect": True, "lifecycle": {"expireTaggedAfterDays": 90}},
            "repositories": [
                {
                    "name": "functions",
                    "consumers": [
                        {**LAMBDA, "deployerRolePath": "/deploy/"},
                        {
                            "kind": "lambda",
                            "accountId": PLATFORM,
                            "allowAccountRoot": True,
                            "description": "Platform account: functions deployed by many pipelines",
                        },
                    ],
                },
                {"name": "scratch", "private": True, "protect": False},
            ],
        },
        None,
    ),
}


@pytest.mark.parametrize("case", list(REGISTRY_CASES))
def test_registry_registers_what_the_python_component_registers(
    case: str, provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    inputs, python_args = REGISTRY_CASES[case]
    response = construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", inputs)
    expected = in_process(REGISTRY_TYPE, "shared", python_args or snake(inputs), AwsMocks(REGISTRY, "us-east-1"))

    assert identity(registry_monitor.registrations) == identity(expected.registrations)
    assert len(registry_monitor.registrations) >= 3
    assert response.urn == expected.by_name("shared").urn
    assert _state(response) == expected.outputs


def test_lambda_deployers_protect_and_tagged_age_reach_the_registered_resources(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    inputs, _ = REGISTRY_CASES["Lambda deployers and an opted-in account root, protect, tagged images expiring by age"]
    construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", inputs)
    by_name = {r.name: r for r in registry_monitor.registrations}

    assert (by_name["shared-functions"].protect, by_name["shared-scratch"].protect) == (True, False)
    policy = by_name["shared-functions-policy"].inputs["policy"]
    assert f"arn:aws:iam::{APP}:role/deploy/lambda-deployer" in policy
    assert f"arn:aws:iam::{PLATFORM}:root" in policy
    rules = json.loads(by_name["shared-functions-lifecycle"].inputs["policy"])["rules"]
    assert {"tagStatus": "tagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 90} in [
        {key: rule["selection"][key] for key in ("tagStatus", "countType", "countUnit", "countNumber")}
        for rule in rules
        if rule["selection"]["tagStatus"] == "tagged"
    ]


def test_raw_lifecycle_numbers_arrive_as_integers(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    inputs, _ = REGISTRY_CASES["two repositories, registry-wide defaults"]
    construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", inputs)
    lifecycle = "shared-base-images/python-lifecycle"
    text = next(r.inputs["policy"] for r in registry_monitor.registrations if r.name == lifecycle)
    document = json.loads(text)
    assert document == RAW_LIFECYCLE
    count = document["rules"][0]["selection"]["countNumber"]
    assert isinstance(count, int), f"countNumber reached the policy as {count!r}"


PULLER = {
    "roleName": "payments-task",
    "registry": {"accountId": REGISTRY, "region": "us-east-1"},
    "repositories": ["payment-service", "base-images/python"],
    "cloudwatchLogGroups": ["/ecs/payments"],
    "path": "/workloads/",
    "maxSessionDuration": 7200,
    "tags": {"team": "payments"},
}


def test_puller_role_registers_what_the_python_component_registers(
    provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    # No accountId: the component asks the provider's caller identity, and the region for the log groups.
    response = construct(provider, app_monitor.address, PULLER_TYPE, "payments", PULLER)
    expected = in_process(PULLER_TYPE, "payments", snake(PULLER), AwsMocks(APP, "us-east-1"))

    assert identity(app_monitor.registrations) == identity(expected.registrations)
    assert sorted(r.name for r in app_monitor.registrations) == [
        "payments",
        "payments",
        "payments-ecr",
        "payments-logs",
    ]
    assert _state(response) == expected.outputs
    role = next(r for r in app_monitor.registrations if r.type == "aws:iam/role:Role")
    assert role.inputs["maxSessionDuration"] == 7200
    assert role.inputs["path"] == "/workloads/"


SIG = "4dabf18193072939515e22adb298388d"  # how the engine marks special values (sdk/python/lib/pulumi/runtime/rpc.py)


def _output_value(value: str, urn: str) -> dict[str, Any]:
    """Another resource's output as the engine sends it: an output value carrying its dependencies."""
    return {SIG: "d0e6a833031e9bbcd3f4e8bde6ca49a4", "value": value, "dependencies": [urn]}


def test_outputs_where_plain_values_are_needed_fail_as_a_spec_error(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    secret_region = {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": "us-east-1"}
    account = _output_value(APP, "urn:pulumi:stack::project::aws:organizations/account:Account::app")
    inputs = {
        "region": secret_region,
        "repositories": [{"name": "payment-service", "consumers": [{"kind": "account", "accountId": account}]}],
    }
    text = rejected(provider, registry_monitor, REGISTRY_TYPE, inputs)
    assert "SharedRegistryArgs: 2 invalid values:" in text
    assert "  - region = 'an output': this input must be a plain value" in text
    assert "  - repositories[0].consumers[0].account_id = 'an output': this input must be a plain value" in text


# A consumer kind, its field of role ARNs (schema name, Python name) and its principal-form field, camelCase.
DEFERRED_FIELDS = {
    "role": ({"kind": "role"}, ("roleArns", "role_arns"), "principalForm"),
    "lambda": (
        {"kind": "lambda", "accountId": APP},
        ("deployerRoleArns", "deployer_role_arns"),
        "deployerPrincipalForm",
    ),
}


@pytest.mark.parametrize("kind", list(DEFERRED_FIELDS))
def test_role_arns_from_other_resources_are_rendered_when_they_resolve(
    kind: str, provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    base, (schema_field, python_field), form = DEFERRED_FIELDS[kind]
    arn = f"arn:aws:iam::{APP}:role/deployer"
    output_value = _output_value(arn, "urn:pulumi:stack::project::aws:iam/role:Role::deployer")
    consumer = {**base, schema_field: [output_value], form: "arn"}
    inputs = {"region": "us-east-1", "repositories": [{"name": "payment-service", "consumers": [consumer]}]}
    construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", inputs)

    python_consumer = {**snake({**base, form: "arn"}), python_field: [pulumi.Output.from_input(arn)]}
    python_args = {"region": "us-east-1", "repositories": [{"name": "payment-service", "consumers": [python_consumer]}]}
    expected = in_process(REGISTRY_TYPE, "shared", python_args, AwsMocks(REGISTRY, "us-east-1"))
    assert identity(registry_monitor.registrations) == identity(expected.registrations)
    policy = json.loads(expected.by_name("shared-payment-service-policy").inputs["policy"])
    # The role is named by its ARN as Principal (principal form arn), as in the role consumer's statement.
    assert {"AWS": arn} in [statement["Principal"] for statement in policy["Statement"]]


def test_bad_input_fails_with_the_spec_error_and_registers_nothing(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    inputs = {
        "region": "us-east-1",
        "repositories": [
            {"name": "payment-service", "consumers": [ROLE]},
            {"name": "payment-service", "consumers": [{**LAMBDA, "region": "eu-west-1"}]},
        ],
    }
    with pytest.raises(SpecError) as python_error:
        SharedRegistryArgs.parse(snake(inputs))
    assert len(python_error.value.violations) == 2

    assert str(python_error.value) in rejected(provider, registry_monitor, REGISTRY_TYPE, inputs)


def test_provider_encodings_are_checked_with_the_spec_in_one_error(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    inputs = {
        "region": "us-east-1",
        "repositories": [
            {"name": "Payments", "consumers": [ROLE], "lifecycle": {"enabled": False, "keepLastTagged": 3}}
        ],
    }
    text = rejected(provider, registry_monitor, REGISTRY_TYPE, inputs)
    assert "SharedRegistryArgs: 2 invalid values:" in text
    assert "repositories[0].lifecycle.enabled = False: no lifecycle policy is made, so ['keep_last_tagged']" in text
    assert "repositories[0].name = 'Payments'" in text


EXISTING_ROLE = f"arn:aws:iam::{APP}:role/service-role/payments-deployer"
# PullerPolicy's inputs: the schema's, and the Python component's when they differ from their snake_case.
POLICY_CASES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "inline on a role by name, repositories by name, log groups": (
        {
            "role": "ecsTaskExecutionRole",
            "registry": {"accountId": REGISTRY, "region": "us-east-1"},
            "repositories": ["payment-service", "base-images/python"],
            "cloudwatchLogGroups": ["/ecs/payments"],
        },
        None,
    ),
    "managed, on a role ARN from another resource, push": (
        {
            "role": _output_value(EXISTING_ROLE, "urn:pulumi:stack::project::aws:iam/role:Role::deployer"),
            "repositoryArns": [f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/payment-service"],
            "access": "push",
            "attachAs": "managed",
            "policyName": "payments-ci-ecr",
        },
        {
            "role": pulumi.Output.from_input(EXISTING_ROLE),
            "repository_arns": [f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/payment-service"],
            "access": "push",
            "attach_as": "managed",
            "policy_name": "payments-ci-ecr",
        },
    ),
}


@pytest.mark.parametrize("case", list(POLICY_CASES))
def test_puller_policy_registers_what_the_python_component_registers(
    case: str, provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    inputs, python_args = POLICY_CASES[case]
    response = construct(provider, app_monitor.address, POLICY_TYPE, "payments", inputs)
    expected = in_process(POLICY_TYPE, "payments", python_args or snake(inputs), AwsMocks(APP, "us-east-1"))

    assert identity(app_monitor.registrations) == identity(expected.registrations)
    assert response.urn == expected.by_name("payments").urn
    assert _state(response) == expected.outputs
    # No role is created: the policy goes to the role that exists.
    assert [r for r in app_monitor.registrations if r.type == "aws:iam/role:Role"] == []


def test_puller_policy_attaches_to_the_named_role_only_what_its_repositories_need(
    provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    inputs, _ = POLICY_CASES["managed, on a role ARN from another resource, push"]
    response = construct(provider, app_monitor.address, POLICY_TYPE, "payments", inputs)
    by_name = {r.name: r for r in app_monitor.registrations}

    assert sorted(by_name) == ["payments", "payments-ecr", "payments-ecr-attachment"]
    assert by_name["payments-ecr-attachment"].inputs["role"] == "payments-deployer"
    assert by_name["payments-ecr"].inputs["name"] == "payments-ci-ecr"
    document = json.loads(by_name["payments-ecr"].inputs["policy"])
    resources = [statement["Resource"] for statement in document["Statement"] if statement["Resource"] != "*"]
    assert resources == [f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/payment-service"]
    assert _state(response)["roleArn"] == EXISTING_ROLE


def test_puller_policy_bad_input_fails_with_the_spec_error(
    provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    # A role of another account: IAM attaches a policy by role name, in the program's own account.
    inputs = {
        "role": f"arn:aws:iam::{PLATFORM}:role/deployer",
        "accountId": APP,
        "registry": {"accountId": REGISTRY, "region": "us-east-1"},
        "repositories": ["payment-service"],
    }
    with pytest.raises(SpecError) as python_error:
        in_process(POLICY_TYPE, "payments", snake(inputs), AwsMocks(APP, "us-east-1"))
    assert [v.code for v in python_error.value.violations] == ["ESS415"]
    assert str(python_error.value) in rejected(provider, app_monitor, POLICY_TYPE, inputs)


def test_puller_policy_takes_its_role_as_an_output_and_no_other_value(
    provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    inputs, _ = POLICY_CASES["managed, on a role ARN from another resource, push"]
    account = _output_value(APP, "urn:pulumi:stack::project::aws:organizations/account:Account::app")
    text = rejected(provider, app_monitor, POLICY_TYPE, {**inputs, "accountId": account})
    assert "PullerPolicyArgs: 1 invalid value:" in text
    assert "  - account_id = 'an output': this input must be a plain value" in text


def test_puller_role_bad_input_fails_with_the_spec_error(
    provider: provider_pb2_grpc.ResourceProviderStub, app_monitor: Monitor
) -> None:
    inputs = {**PULLER, "maxSessionDuration": 60, "cloudwatchLogGroups": ["/ecs/*"]}
    with pytest.raises(SpecError) as python_error:
        in_process(PULLER_TYPE, "payments", snake(inputs), AwsMocks(APP, "us-east-1"))
    assert str(python_error.value) in rejected(provider, app_monitor, PULLER_TYPE, inputs)


def test_missing_required_input_and_unknown_enum_value_are_the_hosts_errors(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    # The host checks required inputs and enum values against the schema before the component runs
    # (pulumi/provider/experimental/component.py); a typed SDK or Pulumi YAML catches both earlier still.
    with pytest.raises(grpc.RpcError) as missing:
        construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", {"repositories": []})
    assert missing.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    team = {"region": "us-east-1", "repositories": [{"name": "a1", "consumers": [{"kind": "team"}]}]}
    with pytest.raises(grpc.RpcError) as unknown:
        construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", team)
    assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert registry_monitor.registrations == []


def test_the_readme_yaml_example_constructs(
    provider: provider_pb2_grpc.ResourceProviderStub, registry_monitor: Monitor
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## From TypeScript, Go, C#, Java or YAML", 1)[1]
    program = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    shared, task_execution = program["resources"]["shared"], program["resources"]["taskExecution"]
    assert (shared["type"], task_execution["type"]) == (REGISTRY_TYPE, POLICY_TYPE)

    response = construct(provider, registry_monitor.address, REGISTRY_TYPE, "shared", shared["properties"])
    lifecycle = next(r for r in registry_monitor.registrations if r.name == "shared-payment-service-lifecycle")
    counts = [rule["selection"]["countNumber"] for rule in json.loads(lifecycle.inputs["policy"])["rules"]]
    assert 50 in counts

    # Pulumi YAML resolves the interpolation to the registry's output; here it is resolved by hand.
    arn = _state(response)["repositories"]["payment-service"]["arn"]
    interpolation = '${shared.repositories["payment-service"].arn}'
    properties = {**task_execution["properties"], "repositoryArns": [arn]}
    assert task_execution["properties"]["repositoryArns"] == [interpolation]
    construct(provider, registry_monitor.address, POLICY_TYPE, "taskExecution", properties)
    attached = next(r for r in registry_monitor.registrations if r.name == "taskExecution-ecr")
    assert attached.inputs["role"] == "ecsTaskExecutionRole"
    assert arn in attached.inputs["policy"]
    assert sorted(r.name for r in registry_monitor.registrations) == [
        "shared",
        "shared-payment-service",
        "shared-payment-service-lifecycle",
        "shared-payment-service-policy",
        "taskExecution",
        "taskExecution-ecr",
    ]
