"""The access matrix decides most cells from an index of the statements; every cell must still get the full
evaluator's verdict (decision, the side that refuses, AWS's message).

The verdicts compared are the evaluator's model of IAM policy evaluation (IAM User Guide, "Policy evaluation
logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
"Cross-account policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
The fleets mix the project's own renderings with hand-written statements the index must not misjudge:
explicit Deny on either side, wildcard and NotResource resources, NotAction, conditions, a role without
ecr:GetAuthorizationToken or with it refused in one region, roles in the registry account, repositories
without a policy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.planned_stacks import puller_stack
from bench.planned_stacks import registry_stack as planned_registry
from ecr_shared_services.access import Policies, RequestContext, evaluate_access
from ecr_shared_services.aws.arns import role_arn
from ecr_shared_services.plan import access_matrix as matrix_module
from ecr_shared_services.plan.access_matrix import access_matrix
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.spec.consumers import AccountConsumer, OrganizationConsumer, RoleConsumer

REGISTRIES = (("987654321098", "us-east-1"), ("555555555555", "eu-west-1"))
ACCOUNTS = ("111111111111", "222222222222", "987654321098")  # the last is a registry's own account
ROLE_NAMES = ("ecsTaskExecutionRole", "app-task")
REPOSITORY_NAMES = ("payment-service", "base/python", "checkout-api", "team-a/worker")
ORG = "o-a1b2c3d4e5"


Row = tuple[str, str, str, bool, str, str | None, str | None]


def old_matrix(plan: ProjectPlan) -> list[Row]:
    """The matrix as the full evaluator gives it, one evaluate_access per cell (the reference)."""
    cells: list[Row] = []
    planned = [s for s in plan.stacks if s.ok]
    repositories = sorted(
        (r for s in planned for r in s.inventory.repositories), key=lambda r: (r.name, r.arn, r.stack)
    )
    for stack in planned:
        org_id = stack.config.get("ecr:organizationId")
        context = RequestContext(org_id=org_id) if org_id else RequestContext()
        for puller in stack.inventory.pullers:
            for repository in repositories:
                report = evaluate_access(
                    puller.role_arn,
                    repository.arn,
                    Policies(identity=[puller.policy], repository=repository.policy),
                    context=context,
                )
                cells.append(
                    (
                        stack.stack,
                        puller.role_arn,
                        repository.name,
                        repository.arn in puller.requested,
                        report.decision,
                        report.denied_by,
                        report.message,
                    )
                )
    return cells


def registry_stack(index: int, policies: dict[str, str | None]) -> StackPlan:
    account, region = REGISTRIES[index]
    return planned_registry(f"registry-{index}", account, region, policies)


def repository_arns(stack: StackPlan) -> list[str]:
    return [r.arn for r in stack.inventory.repositories]


CONSUMERS = st.one_of(
    st.builds(lambda a: AccountConsumer(account_id=a), st.sampled_from(ACCOUNTS)),
    st.builds(
        lambda a, names, form: RoleConsumer(account_id=a, role_names=names, principal_form=form),
        st.sampled_from(ACCOUNTS),
        st.lists(st.sampled_from(ROLE_NAMES), min_size=1, max_size=2, unique=True),
        st.sampled_from(["condition", "arn"]),
    ),
    st.just(OrganizationConsumer(organization_id=ORG)),
)

# Statements added to a repository policy: an explicit Deny for everyone or one account, or an Allow for all.
EXTRA_RESOURCE_STATEMENTS: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage"},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "ecr:*"},
        {"Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage"},
        {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]},
    ]
)


@st.composite
def repository_policy(draw: st.DrawFn, name: str, region: str) -> str | None:
    kind = draw(st.sampled_from(["rendered", "rendered+extra", "none"]))
    if kind == "none":
        return None
    consumers = draw(st.lists(CONSUMERS, min_size=1, max_size=3))
    text = repository_policy_json(consumers, "aws", region, name)
    if text is None or kind == "rendered":
        return text
    document: dict[str, Any] = json.loads(text)
    document["Statement"].append(draw(EXTRA_RESOURCE_STATEMENTS))
    return json.dumps(document)


# Statements added to a role's identity policy, each something the index must treat with care.
EXTRA_IDENTITY_STATEMENTS: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "arn:aws:ecr:*:*:repository/team-a/*"},
        {"Effect": "Allow", "Action": "ecr:BatchGetImage", "NotResource": "arn:aws:ecr:*:*:repository/base/*"},
        {"Effect": "Deny", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api"},
        {"Effect": "Allow", "NotAction": "ecr:PutImage", "Resource": "arn:aws:ecr:eu-west-1:*:repository/*"},
        {
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": "arn:aws:ecr:us-east-1:987654321098:repository/payment-service",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
        },
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    ]
)


@st.composite
def application_stack(draw: st.DrawFn, index: int, arns: list[str]) -> StackPlan:
    account = draw(st.sampled_from(ACCOUNTS))
    name = draw(st.sampled_from(ROLE_NAMES))
    pulled = draw(st.lists(st.sampled_from(arns), max_size=3, unique=True))
    statements: list[dict[str, Any]] = list(identity_policy(pulled)["Statement"]) if pulled else []
    if draw(st.booleans()):  # a role without the token statement
        statements = [s for s in statements if s.get("Sid") != "GetAuthorizationToken"]
    statements += draw(st.lists(EXTRA_IDENTITY_STATEMENTS, max_size=2))
    if not statements:
        statements = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
    document = {"Version": "2012-10-17", "Statement": statements}
    org_id = draw(st.sampled_from([ORG, "o-zzzzzzzzzz", None]))
    config = {"ecr:organizationId": org_id} if org_id else {}
    return puller_stack(
        f"app-{index}", account, "us-east-1", role_arn("aws", account, name, "/"), json.dumps(document), config
    )


@st.composite
def fleets(draw: st.DrawFn) -> ProjectPlan:
    registries = []
    for index, (_, region) in enumerate(REGISTRIES[: draw(st.integers(1, 2))]):
        names = draw(st.lists(st.sampled_from(REPOSITORY_NAMES), min_size=1, max_size=4, unique=True))
        registries.append(registry_stack(index, {n: draw(repository_policy(n, region)) for n in names}))
    arns = [arn for stack in registries for arn in repository_arns(stack)]
    apps = [draw(application_stack(i, arns)) for i in range(draw(st.integers(1, 4)))]
    return ProjectPlan("fleet", (*registries, *apps))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleets())
def test_every_cell_has_the_full_evaluators_verdict(plan: ProjectPlan) -> None:
    cells = [
        (c.stack, c.role_arn, c.repository, c.requested, c.decision, c.denied_by, c.message)
        for c in access_matrix(plan)
    ]
    assert cells == old_matrix(plan)


def test_the_index_decides_the_cells_a_role_does_not_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight roles in other accounts, each naming one of twenty repositories: the evaluator runs once per role
    for the token step and once for the one repository it names; the index decides the other 19 cells."""
    names = [f"service-{i:02d}" for i in range(20)]
    consumers = [AccountConsumer(account_id="111111111111")]
    registry = registry_stack(0, {n: repository_policy_json(consumers, "aws", "us-east-1", n) for n in names})
    arns = repository_arns(registry)
    apps = [
        puller_stack(
            f"app-{i}",
            "111111111111",
            "us-east-1",
            role_arn("aws", "111111111111", f"role-{i}", "/"),
            json.dumps(identity_policy([arns[i]])),
        )
        for i in range(8)
    ]
    plan = ProjectPlan("fleet", (registry, *apps))
    calls: list[str] = []
    real = evaluate_access

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(str(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(matrix_module, "evaluate_access", counting)
    cells = access_matrix(plan)
    assert len(cells) == 8 * 20
    assert len(calls) == 8 * 2
    assert [(c.repository, c.decision) for c in cells if c.decision == "allow"] == [(n, "allow") for n in names[:8]]
    denied = next(c for c in cells if c.stack == "app-0" and c.repository == "service-05")
    assert denied.denied_by == "identity"
    assert denied.message == (
        "User: arn:aws:iam::111111111111:role/role-0 is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:us-east-1:987654321098:repository/service-05 because no identity-based policy allows the "
        "ecr:BatchGetImage action"
    )
