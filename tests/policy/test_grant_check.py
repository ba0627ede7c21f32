"""The application side's two-sided check, evaluated on the real documents."""

import itertools
import json
from typing import Any

import pytest
from evaluator_calls import evaluated_resources
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_examples import APPLICATION_ACCOUNT, REGION, REGISTRY_ACCOUNT, REPOSITORY, REPOSITORY_ARN

from ecr_shared_services.access import grant_check
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


PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
NAMES = [f"svc-{i}" for i in range(6)]


def _arn(name: str, region: str, account: str) -> str:
    return f"arn:aws:ecr:{region}:{account}:repository/{name}"


@st.composite
def _fleets(draw: st.DrawFn) -> dict[str, Any]:
    """Repositories in two regions and two accounts under a few shared policy texts (one naming only some
    ARNs), and an identity policy that names a random part of them over several statements, perhaps with a
    wildcard, a region condition or a Deny."""
    places = {
        n: (draw(st.sampled_from([REGION, "eu-west-1"])), draw(st.sampled_from([REGISTRY_ACCOUNT, "1" * 12])))
        for n in NAMES
    }
    arns = {n: _arn(n, *place) for n, place in places.items()}
    grant = repository_policy_json([ROLE], "aws", REGION, "x")
    other = repository_policy_json([RoleConsumer(account_id="999999999999", role_names=["x"])], "aws", REGION, "x")
    some = sorted(draw(st.sets(st.sampled_from(NAMES))))
    naming = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{APPLICATION_ACCOUNT}:root"}, "Action": PULL}
                | ({"Resource": [arns[n] for n in some]} if some else {"NotResource": arns[NAMES[0]]})
            ],
        }
    )
    texts = [grant, other, naming, None]
    policies = {n: t for n in NAMES if (t := draw(st.sampled_from(texts))) is not None}
    named = draw(st.lists(st.sampled_from(NAMES), unique=True))
    cuts = draw(st.lists(st.integers(0, len(named)), max_size=2))
    bounds = [0, *sorted(cuts), len(named)]
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]
    statements += [
        {"Effect": "Allow", "Action": PULL, "Resource": [arns[n] for n in named[a:b]]}
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]
    if draw(st.booleans()):
        statements.append({"Effect": "Allow", "Action": PULL, "Resource": "arn:aws:ecr:eu-west-1:*:repository/svc-*"})
    if draw(st.booleans()):
        statements.append(
            {
                "Effect": "Allow",
                "Action": PULL,
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
            }
        )
    if draw(st.booleans()):
        statements.append(
            {"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": arns[draw(st.sampled_from(NAMES))]}
        )
    return {
        "registry_stack": "acme/ecr-shared-services/registry",
        "repositories": {n: {"name": n, "arn": arns[n], "url": "x"} for n in NAMES},
        "repository_policies": policies,
        "repository_names": draw(st.lists(st.sampled_from(NAMES), min_size=1)),
        "identity_policy": {"Version": "2012-10-17", "Statement": statements},
        "puller": Puller(APPLICATION_ACCOUNT, "ecsTaskExecutionRole", access=draw(st.sampled_from(["pull", "push"]))),
    }


@settings(max_examples=300, deadline=None)
@given(_fleets())
def test_repositories_allowed_by_one_evaluation_get_the_verdict_each_would_get_alone(fleet: dict[str, Any]) -> None:
    # The check evaluates a repository that puts the same question as one already allowed only once
    # (access/verdict_keys.py); every repository's verdict and message must still be the one it gets alone.
    assert missing_grants(**fleet) == _one_by_one(**fleet)


def test_an_application_pulling_many_repositories_of_one_policy_asks_few_questions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = evaluated_resources(monkeypatch, grant_check)
    names = [f"service-{i:03d}" for i in range(200)]
    arns = {n: REPOSITORY_ARN.replace(REPOSITORY, n) for n in names}
    shared = repository_policy_json([ROLE], "aws", REGION, "x")
    assert shared is not None
    problems = missing_grants(
        registry_stack="acme/ecr-shared-services/registry",
        repositories={n: {"name": n, "arn": a, "url": "x"} for n, a in arns.items()},
        repository_policies={n: shared for n in names},
        repository_names=names,
        identity_policy=identity_policy(list(arns.values())),
        puller=Puller(APPLICATION_ACCOUNT, "ecsTaskExecutionRole"),
    )
    assert problems == []
    assert len(calls) == 1  # one statement names them all: one question


def test_a_repository_policy_that_names_resources_is_asked_about_each_repository() -> None:
    # One text for both repositories, whose Resource names only the first: the second is refused by it, so the
    # first one's Allow must not stand for the second (the key holds the ARN when a statement names resources).
    arns = {n: _arn(n, REGION, REGISTRY_ACCOUNT) for n in ["svc-0", "svc-1"]}
    naming = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{APPLICATION_ACCOUNT}:root"},
                    "Action": PULL,
                    "Resource": [arns["svc-0"]],
                }
            ],
        }
    )
    fleet: dict[str, Any] = {
        "registry_stack": "acme/ecr-shared-services/registry",
        "repositories": {n: {"name": n, "arn": a, "url": "x"} for n, a in arns.items()},
        "repository_policies": dict.fromkeys(arns, naming),
        "repository_names": list(arns),
        "identity_policy": identity_policy(list(arns.values())),
        "puller": Puller(APPLICATION_ACCOUNT, "ecsTaskExecutionRole"),
    }
    [problem] = missing_grants(**fleet)
    assert f"on resource: {arns['svc-1']} because no resource-based policy allows" in problem
    assert [problem] == _one_by_one(**fleet)
