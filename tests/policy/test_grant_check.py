"""The application side's two-sided check, evaluated on the real documents."""

import json
from typing import Any

import pytest
from seed_examples import APPLICATION_ACCOUNT, REGION, REPOSITORY, REPOSITORY_ARN

from ecr_shared_services.access.grant_check import Puller, check_grants, missing_grants
from ecr_shared_services.errors import AccessNotGrantedError
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, OrganizationConsumer, RoleConsumer

REPOS = {REPOSITORY: {"name": REPOSITORY, "arn": REPOSITORY_ARN, "url": "x"}}
ROLE = RoleConsumer(account_id=APPLICATION_ACCOUNT, role_names=["ecsTaskExecutionRole"])


def check(consumers: list[Consumer], **overrides: object) -> list[str]:
    kwargs: dict[str, Any] = {
        "registry_stack": "acme/ecr-shared-services/registry",
        "repositories": REPOS,
        "repository_policies": {REPOSITORY: repository_policy_json(consumers, "aws", REGION, REPOSITORY)},
        "repository_names": [REPOSITORY],
        "identity_policy": identity_policy([REPOSITORY_ARN]),
    }
    puller_fields = {"account_id": APPLICATION_ACCOUNT, "role_name": "ecsTaskExecutionRole"}
    puller_fields.update({k: v for k, v in overrides.items() if k in Puller.__dataclass_fields__})  # type: ignore[misc]
    kwargs.update({k: v for k, v in overrides.items() if k not in Puller.__dataclass_fields__})
    return missing_grants(**kwargs, puller=Puller(**puller_fields))  # type: ignore[arg-type]


def test_the_seed_example_passes_in_every_consumer_form() -> None:
    assert check([ROLE]) == []
    assert check([AccountConsumer(account_id=APPLICATION_ACCOUNT)]) == []
    assert (
        check([RoleConsumer(account_id=APPLICATION_ACCOUNT, role_names=["ecsTaskExecutionRole"], principal_form="arn")])
        == []
    )
    assert check([OrganizationConsumer(organization_id="o-a1b2c3d4e5")], organization_id="o-a1b2c3d4e5") == []


def test_another_role_of_the_same_account_is_refused_by_the_repository_policy() -> None:
    [problem] = check([ROLE], role_name="other-role")
    assert problem.startswith(
        "User: arn:aws:iam::123456789012:role/other-role is not authorized to perform: ecr:BatchGetImage on "
        f"resource: {REPOSITORY_ARN} because no resource-based policy allows the ecr:BatchGetImage action. "
        "The repository policy side refuses"
    )
    assert "role_names: [other-role]" in problem


def test_a_role_path_is_part_of_the_fix() -> None:
    [problem] = check([ROLE], role_path="/svc/")
    assert "role_names: [ecsTaskExecutionRole], role_path: '/svc/'}" in problem


def test_push_needs_a_push_grant() -> None:
    [problem] = check([ROLE], access="push", identity_policy=identity_policy([REPOSITORY_ARN], "push"))
    assert "does not grant push on 'payment-service'" in problem
    assert "access: push}" in problem


def test_an_organization_grant_needs_the_account_organization() -> None:
    [problem] = check([OrganizationConsumer(organization_id="o-a1b2c3d4e5")])
    assert "set this stack's ecr:organizationId instead" in problem
    [other] = check([OrganizationConsumer(organization_id="o-a1b2c3d4e5")], organization_id="o-zzzzzzzzzz")
    assert "because no resource-based policy allows" in other


def test_an_identity_policy_without_the_token_is_named_as_the_refusing_side() -> None:
    broken = identity_policy([REPOSITORY_ARN])
    broken["Statement"] = broken["Statement"][1:]
    [problem] = check([ROLE], identity_policy=broken)
    assert "ecr:GetAuthorizationToken" in problem
    assert "The identity side refuses" in problem


def test_missing_repository_and_every_problem_in_one_error() -> None:
    with pytest.raises(AccessNotGrantedError) as caught:
        check_grants(
            registry_stack="acme/ecr-shared-services/registry",
            repositories=REPOS,
            repository_policies={REPOSITORY: json.dumps({"Version": "2012-10-17", "Statement": []})},
            repository_names=[REPOSITORY, "nope"],
            identity_policy=identity_policy([REPOSITORY_ARN]),
            puller=Puller(APPLICATION_ACCOUNT, "ecsTaskExecutionRole"),
        )
    message = str(caught.value)
    assert message.startswith("2 of the requested repositories cannot be pulled by this role:")
    assert "repository 'nope' does not exist in registry stack acme/ecr-shared-services/registry" in message


def _one_by_one(**kwargs: Any) -> list[str]:
    """The same check made one repository at a time, so that nothing is shared between repositories."""
    names = kwargs.pop("repository_names")
    return [problem for name in names for problem in missing_grants(**kwargs, repository_names=[name])]


def test_repositories_sharing_one_policy_text_get_each_its_own_verdict() -> None:
    # The check parses a shared repository policy text once and keeps that side's verdicts; a repository's
    # verdict must still be its own: here the identity policy names the first of two repositories that share
    # one text but not the second, and the third has another text that does not grant this role.
    arns = {f"service-{i}": REPOSITORY_ARN.replace(REPOSITORY, f"service-{i}") for i in range(3)}
    shared = repository_policy_json([ROLE], "aws", REGION, "service-0")
    other = repository_policy_json([RoleConsumer(account_id="999999999999", role_names=["x"])], "aws", REGION, "s")
    kwargs: dict[str, Any] = {
        "registry_stack": "acme/ecr-shared-services/registry",
        "repositories": {name: {"name": name, "arn": arn, "url": "x"} for name, arn in arns.items()},
        "repository_policies": {"service-0": shared, "service-1": shared, "service-2": other},
        "repository_names": list(arns),
        "identity_policy": identity_policy(list(arns.values())[:1] + list(arns.values())[2:]),
        "puller": Puller(APPLICATION_ACCOUNT, "ecsTaskExecutionRole"),
    }
    problems = missing_grants(**kwargs)
    assert problems == _one_by_one(**kwargs)
    assert [p.split(" on resource: ")[1].split(" ")[0] for p in problems] == [arns["service-1"], arns["service-2"]]
    assert "The identity side refuses" in problems[0]
    assert "The repository policy side refuses" in problems[1]
