"""A registry with several repository policies over ECR's quota fails once, naming every one of them.

The quota: a repository policy is at most 10,240 characters (Amazon ECR User Guide, "Amazon ECR service
quotas", https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html, "Length of repository
policy").
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from ecr_shared_services import SharedRegistry, SharedRegistryArgsDict
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.plan.mock_runtime import run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.policy.sizing import NAMED_IN_MESSAGE, PolicySizeErrors, render_all

REGISTRY = "987654321098"


def roles(count: int) -> list[dict[str, Any]]:
    """`count` role consumers in the `arn` form, about 38 characters of policy each: 270 fit."""
    return [
        {"kind": "role", "account_id": f"{i:012d}", "role_names": [f"r{i}"], "principal_form": "arn"}
        for i in range(count)
    ]


def registry_error(repositories: list[dict[str, Any]]) -> BaseException | None:
    spec = cast(SharedRegistryArgsDict, {"region": "us-east-1", "repositories": repositories})
    result = run_under_mocks(lambda: SharedRegistry("shared", spec), AwsMocks(REGISTRY, "us-east-1"))
    assert result.registrations == []  # nothing half-created
    return result.error


def test_every_repository_over_the_quota_is_named_worst_first() -> None:
    error = registry_error(
        [
            {"name": "small", "consumers": roles(3)},
            {"name": "over", "consumers": roles(350)},
            {"name": "far-over", "consumers": roles(600)},
            {"name": "just-over", "consumers": roles(300)},
        ]
    )
    assert isinstance(error, PolicySizeErrors) and isinstance(error, PolicySizeError)
    assert [e.document for e in error.errors] == [
        "the repository policy of 'far-over'",
        "the repository policy of 'over'",
        "the repository policy of 'just-over'",
    ]
    assert error.document == "the repository policy of 'far-over'" and error.limit == 10_240
    assert error.size == error.errors[0].size > error.errors[1].size > error.errors[2].size > 10_240
    text = str(error)
    assert text.startswith("3 documents are over their quota. The worst: the repository policy of 'far-over' is ")
    assert "'small'" not in text
    assert text.index("'over'") < text.index("'just-over'")


def test_one_repository_over_the_quota_keeps_the_single_error() -> None:
    error = registry_error([{"name": "small", "consumers": roles(3)}, {"name": "over", "consumers": roles(350)}])
    assert type(error) is PolicySizeError
    assert str(error).startswith("the repository policy of 'over' is ")


def test_a_long_list_is_cut_in_the_message_but_kept_whole_in_errors() -> None:
    count = NAMED_IN_MESSAGE + 7

    def over(i: int) -> PolicySizeError:
        return PolicySizeError(f"the repository policy of 'r{i}'", 10_241 + i, 10_240, "ECR repository policy", "fix")

    def raising(i: int) -> Any:
        def render() -> str:
            raise over(i)

        return render

    with pytest.raises(PolicySizeErrors) as caught:
        render_all({i: raising(i) for i in range(count)})
    assert len(caught.value.errors) == count
    assert str(caught.value).endswith("; and 7 more")
    assert f"'r{count - 1}'" in str(caught.value) and "'r0'" not in str(caught.value)
