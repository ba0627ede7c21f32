"""What the plan finds in a stack's registrations, by type token, and how the text report summarises a
matrix too large to read."""

from __future__ import annotations

import json

import pytest

from ecr_shared_services.plan.access_matrix import AccessCell
from ecr_shared_services.plan.inventory import (
    PULLER_POLICY,
    REPOSITORY,
    REPOSITORY_POLICY,
    SHARED_REGISTRY,
    grants_warnings,
    inventory,
)
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.report import MATRIX_COLUMNS, _matrix_lines
from ecr_shared_services.policy.grants import grants_text

ARN = "arn:aws:ecr:us-east-1:111111111111:repository/"


def registration(
    type_: str, name: str, inputs: dict[str, object], outputs: dict[str, object], **more: object
) -> Registration:
    return Registration(
        urn=f"urn:pulumi:s::p::{type_}::{name}",
        type=type_,
        name=name,
        parent="",
        custom=type_ != PULLER_POLICY,
        inputs=inputs,
        outputs=outputs,
        provider=str(more.get("provider", "")),
    )


def test_a_puller_policy_is_found_by_type_token_with_the_repositories_its_policy_names() -> None:
    # Identity policy shape: IAM JSON policy elements, Resource (IAM User Guide, "IAM JSON policy elements:
    # Resource"); a single statement may be an object instead of a list.
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": [f"{ARN}api", f"{ARN}team/*"]},
        }
    )
    found = inventory(
        "apps",
        (
            registration(
                PULLER_POLICY, "existing", {}, {"role_arn": "arn:aws:iam::222222222222:role/r", "policy": policy}
            ),
            registration(REPOSITORY, "api", {"name": "api"}, {"arn": f"{ARN}api"}, provider="p1"),
            registration(REPOSITORY_POLICY, "api-policy", {"repository": "api", "policy": "{}"}, {}, provider="p1"),
            registration(
                REPOSITORY_POLICY, "api-policy-2", {"repository": "api", "policy": "other"}, {}, provider="p2"
            ),
        ),
    )
    [puller] = found.pullers
    assert (puller.component, puller.account_id) == ("PullerPolicy", "222222222222")
    # A pattern is not a repository the role asks for by name.
    assert puller.requested == (f"{ARN}api",)
    [repository] = found.repositories
    # The repository policy of the same provider (account), not the one with the same name elsewhere.
    assert (repository.policy, repository.account_id) == ("{}", "111111111111")
    assert found.kind == "application"


GRANTS = {
    "api": [{"kind": "account", "account_id": "210987654321"}, {"kind": "role", "account_id": "123456789012"}],
    "web": [{"kind": "account", "account_id": "210987654321"}],
    "internal": [],
}


@pytest.mark.parametrize(
    "registered",
    [grants_text(GRANTS), json.dumps(GRANTS)],
    ids=["the grants table", "the tree earlier registries registered"],
)
def test_grant_lines_are_read_from_the_registry_outputs(registered: str) -> None:
    found = inventory(
        "registry",
        (
            registration(SHARED_REGISTRY, "shared", {}, {"grants": registered}),
            registration(REPOSITORY, "api", {"name": "api"}, {"arn": f"{ARN}api"}),
        ),
    )
    account = '{"account_id": "210987654321", "kind": "account"}'
    assert found.grants == (  # sorted
        f'{ARN}api <- {{"account_id": "123456789012", "kind": "role"}}',
        f"{ARN}api <- {account}",
        f"web <- {account}",  # a repository the stack did not register is named as the grants name it
    )


def test_grants_the_plan_cannot_read_are_said_not_dropped() -> None:
    readable = registration(SHARED_REGISTRY, "shared", {}, {"grants": grants_text(GRANTS)})
    unreadable = registration(SHARED_REGISTRY, "other", {}, {"grants": '{"api": "not a list"}'})
    none_yet = registration(SHARED_REGISTRY, "failed", {}, {})
    [warning] = grants_warnings([readable, unreadable, none_yet])
    assert "'other'" in warning and "cannot read" in warning and "--baseline" in warning
    assert inventory("registry", (unreadable,)).grants == ()


def test_a_large_matrix_is_summarised_per_account_and_repository() -> None:
    cells = [
        AccessCell(
            "s",
            f"arn:aws:iam::{a:012d}:role/r",
            f"repo{n}",
            n == a,
            "allow" if n <= a else "deny",
            None,
            None,
            f"{ARN}repo{n}",
        )
        for a in range(3)
        for n in range(MATRIX_COLUMNS + 1)
    ]
    lines = _matrix_lines(cells)
    assert lines[0].startswith(f"Access: 3 puller roles x {MATRIX_COLUMNS + 1} repositories, summarised")
    assert "    000000000002: 1 role(s), 1 asked, 1 allowed" in lines
    # repo0 is allowed to all three roles, asked for by the first only.
    assert "    repo0: 1 asked, 2 not asked" in lines
