"""The README's typed Python example also runs: its dicts pass the specs and make the resources it promises."""

import json

from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.plan.registration import Registration


def test_the_readme_example_makes_both_sides_under_the_mocks(readme_example: str) -> None:
    """The registry, the role it creates, and the policy it attaches to the existing ecsTaskExecutionRole."""
    run = run_under_mocks(lambda: exec(readme_example, {}), AwsMocks("987654321098", "us-east-1"))

    assert run.error is None
    repositories = run.of_type("aws:ecr/repository:Repository")
    assert sorted(r.inputs["name"] for r in repositories) == ["base-images/python", "payment-service"]
    assert len(run.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")) == 2
    [role] = run.of_type("aws:iam/role:Role")
    assert (role.name, role.inputs["name"]) == ("payments", "payments-task-execution")
    # The role's policy names the repository the example gives by name, in the registry it points at.
    assert _repositories(run.by_name("payments-ecr", "aws:iam/rolePolicy:RolePolicy")) == [PAYMENTS]
    # The existing role is not created; its inline policy names the repository given by the registry's output.
    attached = run.by_name("task-execution-ecr", "aws:iam/rolePolicy:RolePolicy")
    assert (attached.parent, attached.inputs["role"]) == (run.by_name("task-execution").urn, "ecsTaskExecutionRole")
    assert _repositories(attached) == [PAYMENTS]


PAYMENTS = "arn:aws:ecr:us-east-1:987654321098:repository/payment-service"


def _repositories(policy: Registration) -> list[str]:
    """The repository ARNs an identity policy grants (its statements other than the token's `*`)."""
    document = json.loads(policy.inputs["policy"])
    return [statement["Resource"] for statement in document["Statement"] if statement.get("Resource") != "*"]
