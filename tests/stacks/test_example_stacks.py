"""The project's own stacks, run by their real program under the mock runtime (as `shared-registry plan` does)."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ecr_shared_services.plan.project import StackConfig, load_project
from ecr_shared_services.plan.runner import ProjectPlan, plan_project, run_stack
from ecr_shared_services.policy.grants import expand_grants

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> ProjectPlan:
    return plan_project(ROOT)


def test_every_example_stack_plans_cleanly(plan: ProjectPlan) -> None:
    assert [(s.stack, s.role, s.ok) for s in plan.stacks] == [
        ("registry", "registry", True),
        ("checkout", "application", True),
        ("checkout-deploy", "application", True),
        ("checkout-nodes", "application", True),
        ("payments", "application", True),
        ("publisher", "application", True),
    ]


def test_registry_exports(plan: ProjectPlan) -> None:
    outputs = plan.stack("registry").outputs
    assert outputs["registryId"] == "987654321098"
    assert outputs["region"] == "us-east-1"
    assert outputs["repositories"]["payment-service"] == {
        "name": "payment-service",
        "arn": "arn:aws:ecr:us-east-1:987654321098:repository/payment-service",
        "url": "987654321098.dkr.ecr.us-east-1.amazonaws.com/payment-service",
    }
    kinds = {c["kind"] for grants in (expand_grants(outputs["grants"]) or {}).values() for c in grants}
    assert kinds == {"role", "lambda", "organization"}
    seed = json.loads(outputs["repositoryPolicies"]["payment-service"])
    assert seed["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "arn:aws:iam::210987654321:role/ecsTaskExecutionRole",
    ]


def test_application_reads_the_registry_and_scopes_its_role(plan: ProjectPlan) -> None:
    payments = plan.stack("payments")
    [reference] = payments.of_type("pulumi:pulumi:StackReference")
    assert reference.read and reference.name == "acme/ecr-shared-services/registry"
    assert payments.outputs["roleArn"] == "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    policy = json.loads(payments.outputs["rolePolicy"])
    assert policy["Statement"][1]["Resource"] == [
        "arn:aws:ecr:us-east-1:987654321098:repository/base-images/python",
        "arn:aws:ecr:us-east-1:987654321098:repository/payment-service",
    ]
    assert payments.outputs["imageRepositories"]["payment-service"] == (
        "987654321098.dkr.ecr.us-east-1.amazonaws.com/payment-service"
    )
    # The payments role exists already: PullerPolicy attaches the policy, and no role is created.
    assert not payments.of_type("aws:iam/role:Role")
    [attached] = payments.of_type("aws:iam/rolePolicy:RolePolicy")
    assert attached.inputs["role"] == "ecsTaskExecutionRole"
    [role] = plan.stack("checkout").of_type("aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}


def copy_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def edit_config(path: Path, **changes: object) -> None:
    data = yaml.safe_load(path.read_text())
    data["config"].update(changes)
    path.write_text(yaml.safe_dump(data))


def test_an_ungranted_repository_fails_the_application_preview(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    # The payments account asks for checkout-api, which the registry shares only with the checkout account.
    edit_config(
        project / "stacks" / "Pulumi.payments.yaml", **{"ecr:repositories": ["payment-service", "checkout-api"]}
    )
    result = plan_project(project)
    assert result.stack("registry").ok and result.stack("checkout").ok
    payments = result.stack("payments")
    assert not payments.ok and payments.error is not None
    assert payments.error["type"] == "AccessNotGrantedError"
    message = payments.error["message"]
    assert message.startswith("1 of the requested repositories cannot be pulled by this role:")
    assert (
        "User: arn:aws:iam::123456789012:role/ecsTaskExecutionRole is not authorized to perform: "
        "ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:987654321098:repository/checkout-api "
        "because no resource-based policy allows the ecr:BatchGetImage action"
    ) in message
    assert "The repository policy side refuses" in message
    assert "under ecr:registry.repositories where name is checkout-api" in message
    assert "{kind: role, account_id: '123456789012', role_names: [ecsTaskExecutionRole]}" in message
    # Nothing of the role was created.
    assert not payments.of_type("aws:iam/rolePolicy:RolePolicy")
    assert not payments.of_type("aws:iam/role:Role")


def test_a_repository_missing_from_the_registry_is_named(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    edit_config(project / "stacks" / "Pulumi.checkout.yaml", **{"ecr:repositories": ["checkout-ap"]})
    checkout = plan_project(project).stack("checkout")
    assert checkout.error is not None
    assert (
        "repository 'checkout-ap' does not exist in registry stack acme/ecr-shared-services/registry"
        in (checkout.error["message"])
    )


def test_organization_grants_need_the_account_organization(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.payments.yaml"
    data = yaml.safe_load(path.read_text())
    del data["config"]["ecr:organizationId"]
    path.write_text(yaml.safe_dump(data))
    payments = plan_project(project).stack("payments")
    assert payments.error is not None
    message = payments.error["message"]
    assert "repository/base-images/python because no resource-based policy allows" in message
    assert "The repository is shared with an organization: if this account belongs to it, set this stack's" in message


def test_bad_registry_config_fails_before_anything_is_created(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.registry.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"]["ecr:registry"]["repositories"][0]["consumers"][0]["account_id"] = "12345"
    path.write_text(yaml.safe_dump(data))
    registry = plan_project(project).stack("registry")
    assert registry.error is not None and registry.error["type"] == "SpecError"
    assert "repositories[0].consumers[0].account_id = '12345'" in registry.error["message"]
    assert registry.resources == ()


def test_a_single_account_string_is_refused_by_the_program_itself(tmp_path: Path) -> None:
    # The plan refuses it before running anything; a real `pulumi up` runs the program with it, and the
    # engine hands `"987654321098"` over as JSON text, which reads back as a number.
    project = load_project(copy_project(tmp_path))
    registry = next(s for s in project.stacks if s.name == "registry")
    odd = StackConfig(registry.name, registry.path, {**registry.values, "aws:allowedAccountIds": "987654321098"})
    plan = run_stack(project, odd, {})
    assert plan.error is not None
    assert (plan.error["type"], plan.error["kind"]) == ("SpecError", "bad-input")
    assert "aws:allowedAccountIds = 987654321098: pin exactly one account for this stack" in plan.error["message"]


def test_a_misspelt_config_key_is_named_beside_the_error_it_causes(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.payments.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"]["ecr:organisationId"] = data["config"].pop("ecr:organizationId")
    path.write_text(yaml.safe_dump(data))
    payments = plan_project(project).stack("payments")
    assert payments.error is not None and payments.error["type"] == "AccessNotGrantedError"
    assert payments.warnings == (
        "config key 'ecr:organisationId' is never read by the program; did you mean 'ecr:organizationId'?",
    )


def test_the_example_stacks_read_every_key_of_their_config(plan: ProjectPlan) -> None:
    assert [s.warnings for s in plan.stacks] == [()] * 6
