"""SharedRegistry under Pulumi's mocks: resources, inputs, parents, outputs and resource identity."""

import json
from typing import Any, cast

import pulumi

from ecr_shared_services import SharedRegistry, SharedRegistryArgs, SharedRegistryArgsDict
from ecr_shared_services.errors import PolicySizeError, SpecError
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks

REGISTRY = "987654321098"
COMPONENT_URN = "urn:pulumi:stack::project::pulumi:pulumi:Stack$ecr-shared-services:index:SharedRegistry::shared"
ROLE = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}
ORG = {"kind": "organization", "organization_id": "o-a1b2c3d4e5"}


def args(repositories: list[dict[str, Any]], **extra: Any) -> SharedRegistryArgsDict:
    # Deliberately loose: many tests hand the component input that only the run-time checks refuse.
    return cast(SharedRegistryArgsDict, {"region": "us-east-1", "repositories": repositories, **extra})


def run(spec: SharedRegistryArgsDict, name: str = "shared", opts: pulumi.ResourceOptions | None = None) -> MockRun:
    def program() -> None:
        registry = SharedRegistry(name, spec, opts)
        pulumi.export("repositories", registry.repositories)
        pulumi.export("registry_id", registry.registry_id)
        pulumi.export("grants", registry.grants)
        pulumi.export("policies", registry.policies)

    result = run_under_mocks(program, AwsMocks(REGISTRY, "us-east-1"))
    if result.error:
        raise result.error
    return result


TWO = [{"name": "payment-service", "consumers": [ROLE]}, {"name": "base/python", "consumers": [ORG]}]


def test_creates_repository_policy_and_lifecycle_per_repository_under_the_component() -> None:
    result = run(args(TWO))
    names = sorted((r.type, r.name) for r in result.registrations)
    assert names == [
        ("aws:ecr/lifecyclePolicy:LifecyclePolicy", "shared-base/python-lifecycle"),
        ("aws:ecr/lifecyclePolicy:LifecyclePolicy", "shared-payment-service-lifecycle"),
        ("aws:ecr/repository:Repository", "shared-base/python"),
        ("aws:ecr/repository:Repository", "shared-payment-service"),
        ("aws:ecr/repositoryPolicy:RepositoryPolicy", "shared-base/python-policy"),
        ("aws:ecr/repositoryPolicy:RepositoryPolicy", "shared-payment-service-policy"),
        ("ecr-shared-services:index:SharedRegistry", "shared"),
    ]
    for registration in result.registrations:
        if registration.type != "ecr-shared-services:index:SharedRegistry":
            assert registration.parent == COMPONENT_URN


def test_repository_inputs_are_the_safe_settings() -> None:
    result = run(args(TWO))
    repo = result.by_name("shared-payment-service")
    assert repo.inputs == {
        "name": "payment-service",
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfigurations": [{"encryptionType": "AES256"}],
        "forceDelete": False,
    }
    assert repo.retain_on_delete is True
    policy = json.loads(result.by_name("shared-payment-service-policy").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"}
    }
    assert result.by_name("shared-payment-service-policy").inputs["repository"] == "payment-service"


def test_kms_exclusions_tags_and_no_lifecycle() -> None:
    key = "arn:aws:kms:us-east-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    result = run(
        args(
            [
                {
                    "name": "payment-service",
                    "consumers": [ROLE],
                    "encryption": "KMS",
                    "kms_key": key,
                    "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                    "tag_mutability_exclusions": ["latest"],
                    "lifecycle": None,
                    "retain_on_delete": False,
                }
            ],
            defaults={"tags": {"owner": "platform"}},
        )
    )
    repo = result.by_name("shared-payment-service")
    assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": key}]
    assert repo.inputs["imageTagMutabilityExclusionFilters"] == [{"filter": "latest", "filterType": "WILDCARD"}]
    assert repo.inputs["tags"] == {"owner": "platform"}
    assert repo.retain_on_delete is False
    assert not result.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")


def test_private_repositories_get_no_repository_policy() -> None:
    result = run(args([{"name": "internal", "private": True}], consumers=[ROLE]))
    assert not result.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")
    assert result.outputs["policies"] == {}
    assert result.outputs["grants"] == {"internal": []}


def test_outputs_carry_arns_urls_registry_id_grants_and_policies() -> None:
    result = run(args(TWO))
    assert result.outputs["registry_id"] == REGISTRY
    assert result.outputs["repositories"]["payment-service"] == {
        "name": "payment-service",
        "arn": "arn:aws:ecr:us-east-1:987654321098:repository/payment-service",
        "url": "987654321098.dkr.ecr.us-east-1.amazonaws.com/payment-service",
    }
    grant = result.outputs["grants"]["payment-service"][0]
    assert grant["principals"] == ["arn:aws:iam::123456789012:role/ecsTaskExecutionRole"]
    assert json.loads(result.outputs["policies"]["base/python"])["Statement"][0]["Sid"] == "PullOrganizations"
    json.dumps(result.outputs)  # every output is JSON-able, as stack outputs must be


def test_reordering_and_adding_repositories_keeps_every_child_urn() -> None:
    before = {r.urn for r in run(args(TWO)).registrations}
    third = {"name": "checkout-api", "consumers": [ROLE]}
    after = {r.urn for r in run(args([third, *reversed(TWO)])).registrations}
    assert before < after
    assert {u for u in after - before} == {
        f"urn:pulumi:stack::project::ecr-shared-services:index:SharedRegistry${t}::shared-checkout-api{s}"
        for t, s in [
            ("aws:ecr/repository:Repository", ""),
            ("aws:ecr/repositoryPolicy:RepositoryPolicy", "-policy"),
            ("aws:ecr/lifecyclePolicy:LifecyclePolicy", "-lifecycle"),
        ]
    }


def test_changing_consumers_changes_only_the_repository_policy() -> None:
    before = run(args([{"name": "payment-service", "consumers": [ROLE]}]))
    after = run(args([{"name": "payment-service", "consumers": [ROLE, ORG, {**ROLE, "account_id": "210987654321"}]}]))
    changed = {
        b.name for b in before.registrations for a in after.registrations if a.urn == b.urn and a.inputs != b.inputs
    }
    assert changed == {"shared-payment-service-policy"}


def inherited_child_urn(child: str, parent_alias_name: str, new_parent_name: str, type_path: str) -> str:
    # The engine's rule for children of an aliased parent: a child whose name starts with the parent's
    # name gets an alias with that prefix replaced by the parent alias's name.
    assert child.startswith(new_parent_name)
    old_name = parent_alias_name + child[len(new_parent_name) :]
    return f"urn:pulumi:stack::project::{type_path}::{old_name}"


def test_renaming_the_component_with_an_alias_keeps_every_child_identity() -> None:
    before = run(args(TWO), name="shared")
    after = run(args(TWO), name="registry", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="shared")]))
    component = after.by_name("registry")
    assert [a["spec"]["name"] for a in component.aliases] == ["shared"]
    old = {r.urn for r in before.registrations}
    recomputed = set()
    for child in after.registrations:
        if child.name == "registry":
            recomputed.add(child.urn.replace("::registry", "::shared"))
            continue
        type_path = child.urn.split("::")[2]
        recomputed.add(inherited_child_urn(child.name, "shared", "registry", type_path))
    assert recomputed == old


def test_an_explicit_provider_reaches_every_child() -> None:
    def program() -> None:
        provider = pulumi.ProviderResource("aws", "registry-account", {"region": "us-east-1"})
        SharedRegistry("shared", args(TWO), pulumi.ResourceOptions(provider=provider))

    result = run_under_mocks(program, AwsMocks(REGISTRY, "us-east-1"))
    assert result.error is None
    children = [r for r in result.registrations if r.type.startswith("aws:ecr/")]
    assert children and all("registry-account" in r.provider for r in children)


def test_bad_input_fails_before_any_resource_is_registered() -> None:
    result = run_under_mocks(
        lambda: SharedRegistry("shared", args([{"name": "Payment", "consumers": [ROLE]}])),
        AwsMocks(REGISTRY, "us-east-1"),
    )
    assert isinstance(result.error, SpecError)
    assert result.registrations == []


def test_oversized_policy_fails_before_any_resource_is_registered() -> None:
    many = [
        {"kind": "role", "account_id": f"{i:012d}", "role_names": [f"r{i}"], "principal_form": "arn"}
        for i in range(300)
    ]
    result = run_under_mocks(
        lambda: SharedRegistry("shared", args([{"name": "payment-service", "consumers": many}])),
        AwsMocks(REGISTRY, "us-east-1"),
    )
    assert isinstance(result.error, PolicySizeError)
    assert result.registrations == []


def test_typed_args_are_accepted_too() -> None:
    spec = SharedRegistryArgs.parse(args(TWO))
    assert {r.name for r in run(spec.model_dump()).registrations} == {r.name for r in run(args(TWO)).registrations}


def test_role_arns_from_other_resources_are_granted_when_they_resolve() -> None:
    role_arn = pulumi.Output.from_input("arn:aws:iam::123456789012:role/svc/ecsTaskExecutionRole")
    result = run(args([{"name": "payment-service", "consumers": [{"kind": "role", "role_arns": [role_arn]}]}]))
    policy = json.loads(result.by_name("shared-payment-service-policy").inputs["policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert policy["Statement"][0]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/svc/ecsTaskExecutionRole"}
    }
    grant = result.outputs["grants"]["payment-service"][0]
    assert grant["principals"] == ["arn:aws:iam::123456789012:role/svc/ecsTaskExecutionRole"]
    assert grant["role_arns"] == ["arn:aws:iam::123456789012:role/svc/ecsTaskExecutionRole"]


def test_a_resolved_role_arn_meets_the_same_rules() -> None:
    bad = pulumi.Output.from_input("arn:aws:iam::123456789012:user/alice")
    result = run_under_mocks(
        lambda: SharedRegistry(
            "shared",
            args([{"name": "payment-service", "consumers": [{"kind": "role", "role_arns": [bad]}]}]),
        ),
        AwsMocks(REGISTRY, "us-east-1"),
    )
    assert isinstance(result.cause, SpecError)
    [violation] = result.cause.violations
    assert violation.field == "repositories[0].consumers[0].role_arns[0]"
    assert violation.rule == "'arn:aws:iam::123456789012:user/alice' is not a role ARN (it names a user)"
    assert not result.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")
