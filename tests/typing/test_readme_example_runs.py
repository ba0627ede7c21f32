"""The README's typed Python example also runs: its dicts pass the specs and make the resources it promises."""

import json

from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks


def test_the_readme_example_makes_both_sides_under_the_mocks(readme_example: str) -> None:
    run = run_under_mocks(lambda: exec(readme_example, {}), AwsMocks("987654321098", "us-east-1"))

    assert run.error is None
    repositories = run.of_type("aws:ecr/repository:Repository")
    assert sorted(r.inputs["name"] for r in repositories) == ["base-images/python", "payment-service"]
    assert len(run.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")) == 2
    role = run.by_name("payments", "aws:iam/role:Role")
    assert role.inputs["name"] == "ecsTaskExecutionRole"
    # The role's policy names the repository the example gives by name, in the registry it points at.
    policy = json.loads(run.by_name("payments-ecr", "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    resources = [s["Resource"] for s in policy["Statement"] if s.get("Resource") != "*"]
    assert resources == ["arn:aws:ecr:us-east-1:987654321098:repository/payment-service"]
