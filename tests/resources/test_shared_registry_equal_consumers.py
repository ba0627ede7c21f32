"""SharedRegistry renders each distinct consumer list's policy once: repositories that list equal consumers get
the policy each would get alone, and each one over ECR's quota is still named in the error.

The quota: a repository policy is at most 10,240 characters (Amazon ECR User Guide, "Amazon ECR service
quotas", https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html, "Length of repository
policy").
"""

from __future__ import annotations

import copy
from typing import Any, cast

from ecr_shared_services import SharedRegistry, SharedRegistryArgs, SharedRegistryArgsDict
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import PolicySizeErrors

REGISTRY = "987654321098"
ROLE = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}
ACCOUNT = {"kind": "account", "account_id": "210987654321"}


def spec(repositories: list[dict[str, Any]]) -> SharedRegistryArgsDict:
    return cast(SharedRegistryArgsDict, {"region": "us-east-1", "account_id": REGISTRY, "repositories": repositories})


def run(data: SharedRegistryArgsDict) -> MockRun:
    return run_under_mocks(lambda: SharedRegistry("shared", data), AwsMocks(REGISTRY, "us-east-1"))


def test_each_repository_gets_the_policy_its_own_consumers_render() -> None:
    lists = [[ROLE], [ACCOUNT, ROLE], [ROLE], [ACCOUNT, ROLE]]
    data = spec([{"name": f"r{i}", "consumers": copy.deepcopy(c)} for i, c in enumerate(lists)])
    result = run(data)
    assert result.error is None
    parsed = SharedRegistryArgs.parse(data)
    for repo in parsed.repositories:
        expected = repository_policy_json(repo.consumers, "aws", "us-east-1", repo.name, "auto", REGISTRY)
        assert result.by_name(f"shared-{repo.name}-policy").inputs["policy"] == expected
    texts = {result.by_name(f"shared-r{i}-policy").inputs["policy"] for i in range(4)}
    assert len(texts) == 2


def test_every_repository_over_the_quota_is_named_when_they_list_equal_consumers() -> None:
    # 350 roles in the `arn` form: about 38 characters each, over the quota; no compact form rewrites them.
    roles = [
        {"kind": "role", "account_id": f"{i:012d}", "role_names": [f"r{i}"], "principal_form": "arn"}
        for i in range(350)
    ]
    result = run(spec([{"name": name, "consumers": copy.deepcopy(roles)} for name in ("aa", "bb", "cc")]))
    assert result.registrations == []  # nothing half-created
    error = result.error
    assert isinstance(error, PolicySizeErrors)
    assert sorted(e.document for e in error.errors) == [f"the repository policy of {n!r}" for n in ("aa", "bb", "cc")]
