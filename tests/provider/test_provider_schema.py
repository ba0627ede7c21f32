"""GetSchema over gRPC: the schema a TypeScript, Go, C# or YAML SDK is generated from.

Schema format: https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/
"""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Any

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

PACKAGE = "ecr-shared-services"
REGISTRY = f"{PACKAGE}:index:SharedRegistry"
PULLER = f"{PACKAGE}:index:PullerRole"
POLICY = f"{PACKAGE}:index:PullerPolicy"
CALL = 30.0


@pytest.fixture(scope="module")
def schema(provider: provider_pb2_grpc.ResourceProviderStub) -> dict[str, Any]:
    response = provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=CALL)
    loaded: dict[str, Any] = json.loads(response.schema)
    return loaded


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(owner, name, property) of every input, output and type property in the schema."""
    found = []
    for token, resource in schema["resources"].items():
        for section in ("inputProperties", "properties"):
            found += [(f"{token}.{section}", name, prop) for name, prop in resource[section].items()]
    for token, kind in schema["types"].items():
        found += [(token, name, prop) for name, prop in kind.get("properties", {}).items()]
    return found


def test_package_name_version_and_components(
    schema: dict[str, Any], provider: provider_pb2_grpc.ResourceProviderStub
) -> None:
    assert schema["name"] == PACKAGE
    assert schema["version"] == version(PACKAGE)
    assert sorted(schema["resources"]) == [POLICY, PULLER, REGISTRY]
    assert all(resource["isComponent"] for resource in schema["resources"].values())
    assert provider.GetPluginInfo(empty_pb2.Empty(), timeout=CALL).version == version(PACKAGE)


def test_inputs_required_and_outputs(schema: dict[str, Any]) -> None:
    registry, puller = schema["resources"][REGISTRY], schema["resources"][PULLER]
    assert sorted(registry["inputProperties"]) == [
        "accountId",
        "consumers",
        "defaults",
        "encoding",
        "partition",
        "region",
        "repositories",
    ]
    assert sorted(registry["requiredInputs"]) == ["region", "repositories"]
    assert sorted(registry["properties"]) == ["grants", "policies", "registryId", "repositories"]
    assert sorted(registry["required"]) == ["grants", "policies", "registryId", "repositories"]
    assert puller["requiredInputs"] == ["roleName"]
    assert sorted(puller["properties"]) == ["instanceProfileArn", "policies", "policy", "roleArn", "roleName"]
    # Made with trust ec2 only, so an SDK types it as optional.
    assert sorted(puller["required"]) == ["policies", "policy", "roleArn", "roleName"]
    policy = schema["resources"][POLICY]
    assert sorted(policy["inputProperties"]) == [
        "access",
        "accountId",
        "attachAs",
        "cloudwatchLogGroups",
        "maxManagedPolicies",
        "maxRepositoryArnLength",
        "namespaces",
        "path",
        "policyName",
        "registry",
        "repositories",
        "repositoryArns",
        "role",
    ]
    assert policy["requiredInputs"] == ["role"]
    assert sorted(policy["properties"]) == sorted(policy["required"]) == ["policies", "policy", "roleArn", "roleName"]
    # The same RegistryLocation type serves both puller components.
    assert policy["inputProperties"]["registry"] == puller["inputProperties"]["registry"]
    assert registry["properties"]["repositories"]["additionalProperties"]["additionalProperties"]["type"] == "string"
    types = schema["types"]
    assert types[f"{PACKAGE}:index:Repository"]["required"] == ["name"]
    assert types[f"{PACKAGE}:index:Consumer"]["required"] == ["kind"]
    assert sorted(types[f"{PACKAGE}:index:RegistryLocation"]["required"]) == ["accountId", "region"]


def test_every_component_type_and_property_is_described_in_camel_case(schema: dict[str, Any]) -> None:
    for resource in schema["resources"].values():
        assert resource["description"] and "\n    " not in resource["description"]
    for token, kind in schema["types"].items():
        assert kind.get("description"), token
    undescribed = [f"{owner}.{name}" for owner, name, prop in _properties(schema) if not prop.get("description")]
    assert undescribed == []
    snake = [f"{owner}.{name}" for owner, name, _ in _properties(schema) if "_" in name]
    assert snake == []
    assert len(_properties(schema)) > 60


def test_kinds_and_levels_are_enums(schema: dict[str, Any]) -> None:
    def values(name: str) -> list[str]:
        return [member["value"] for member in schema["types"][f"{PACKAGE}:index:{name}"]["enum"]]

    assert values("ConsumerKind") == ["account", "role", "organization", "lambda"]
    assert values("AccessLevel") == ["pull", "push"]
    assert values("TrustService") == [
        "ecs-tasks",
        "eks-node",
        "eks-fargate",
        "ec2",
        "github-oidc",
        "codebuild",
        "eks-pod-identity",
        "eks-irsa",
        "lambda",
    ]
    assert values("AttachAs") == ["inline", "managed"]
    consumer = schema["types"][f"{PACKAGE}:index:Consumer"]["properties"]
    assert consumer["kind"]["$ref"] == f"#/types/{PACKAGE}:index:ConsumerKind"
    assert consumer["access"]["$ref"] == f"#/types/{PACKAGE}:index:AccessLevel"
    repository = schema["types"][f"{PACKAGE}:index:Repository"]["properties"]
    assert repository["encryption"]["$ref"] == f"#/types/{PACKAGE}:index:Encryption"
    assert consumer["deployerPrincipalForm"]["$ref"] == f"#/types/{PACKAGE}:index:PrincipalForm"
    attach_as = schema["resources"][POLICY]["inputProperties"]["attachAs"]
    assert attach_as["$ref"] == f"#/types/{PACKAGE}:index:AttachAs"


def test_only_arns_from_other_resources_accept_outputs(schema: dict[str, Any]) -> None:
    # `plain: true` makes an SDK take a plain value; the rest takes Inputs (Outputs of other resources).
    consumer = schema["types"][f"{PACKAGE}:index:Consumer"]["properties"]
    puller = schema["resources"][PULLER]["inputProperties"]
    assert "plain" not in consumer["roleArns"]["items"]
    assert "plain" not in puller["repositoryArns"]["items"]
    assert "plain" not in puller["permissionsBoundary"]
    assert "plain" not in schema["resources"][POLICY]["inputProperties"]["role"]
    accepting = sorted(
        f"{owner.rsplit(':', 1)[-1]}.{name}"
        for owner, name, prop in _properties(schema)
        if not owner.endswith(".properties") and _accepts_outputs(prop)
    )
    assert accepting == [
        "Consumer.deployerRoleArns",
        "Consumer.roleArns",
        "PullerPolicy.inputProperties.repositoryArns",
        "PullerPolicy.inputProperties.role",
        "PullerRole.inputProperties.permissionsBoundary",
        "PullerRole.inputProperties.repositoryArns",
    ]


def _accepts_outputs(prop: dict[str, Any]) -> bool:
    items = prop.get("items") or prop.get("additionalProperties")
    return not prop.get("plain") or (items is not None and not items.get("plain"))
