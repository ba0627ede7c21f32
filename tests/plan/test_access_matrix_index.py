"""The access matrix decides most cells from an index of the statements, and asks the evaluator once per role
for all the repositories that put the same question to it; every cell must still get the full evaluator's
verdict (decision, the side that refuses, AWS's message).

The verdicts compared are the evaluator's model of IAM policy evaluation (IAM User Guide, "Policy evaluation
logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
"Cross-account policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
The fleets mix the project's own renderings with hand-written statements the index must not misjudge:
explicit Deny on either side, wildcard and NotResource resources, NotAction, conditions, a role without
ecr:GetAuthorizationToken or with it refused in one region, roles in the registry account, repositories
without a policy, repository policies that name resources, identity statements whose conditions read the
repository's region or account, registries that differ in region alone or account alone, repositories of one
registry sharing a policy text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from evaluator_calls import evaluated_resources
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

# The third registry differs from the first in region alone, from the second in account alone.
REGISTRIES = (("987654321098", "us-east-1"), ("555555555555", "eu-west-1"), ("987654321098", "eu-west-1"))
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
        # Statements that name resources: the repository side's verdict then depends on the ARN.
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "ecr:GetDownloadUrlForLayer",
            "Resource": "arn:aws:ecr:*:*:repository/base/*",
        },
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "ecr:*",
            "NotResource": "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api",
        },
    ]
)


@st.composite
def repository_policy(draw: st.DrawFn, name: str, region: str, shared: list[str | None]) -> str | None:
    """`shared`: the texts drawn for the fleet's repositories so far, which this one may share."""
    kind = draw(st.sampled_from(["rendered", "rendered+extra", "none", "shared"]))
    if kind == "shared" and shared:
        return draw(st.sampled_from(shared))
    if kind in ("none", "shared"):
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
        # Conditions on the repository's account or region, for the steps that name it.
        {
            "Effect": "Deny",
            "Action": "ecr:BatchGetImage",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceAccount": "555555555555"}},
        },
        {
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": "arn:aws:ecr:*:987654321098:repository/*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
        },
    ]
)


@st.composite
def application_stack(draw: st.DrawFn, index: int, arns: list[str], tricky: bool = False) -> StackPlan:
    """`tricky`: always with the token statement and with one hand-written statement at least."""
    account = draw(st.sampled_from(ACCOUNTS))
    name = draw(st.sampled_from(ROLE_NAMES))
    pulled = draw(st.lists(st.sampled_from(arns), max_size=6, unique=True))
    statements: list[dict[str, Any]] = list(identity_policy(pulled)["Statement"]) if pulled else []
    if not tricky and draw(st.booleans()):  # a role without the token statement
        statements = [s for s in statements if s.get("Sid") != "GetAuthorizationToken"]
    if tricky and not pulled:
        statements.append({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
    statements += draw(st.lists(EXTRA_IDENTITY_STATEMENTS, min_size=int(tricky), max_size=2))
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
    drawn: list[str | None] = []  # shared across registries too: cells that differ in region or account alone
    for index, (_, region) in enumerate(REGISTRIES[: draw(st.integers(1, 3))]):
        names = draw(st.lists(st.sampled_from(REPOSITORY_NAMES), min_size=1, max_size=4, unique=True))
        policies: dict[str, str | None] = {}
        for name in names:
            policies[name] = draw(repository_policy(name, region, drawn))
            drawn.append(policies[name])
        registries.append(registry_stack(index, policies))
    arns = [arn for stack in registries for arn in repository_arns(stack)]
    apps = [draw(application_stack(i, arns)) for i in range(draw(st.integers(1, 4)))]
    return ProjectPlan("fleet", (*registries, *apps))


@st.composite
def shared_text_fleets(draw: st.DrawFn) -> ProjectPlan:
    """Every registry, all their repositories sharing one or two policy texts, and roles with hand-written
    statements: many cells that put a role the same question, or one that differs in a single input (region,
    account, the ARN, the text), which the matrix must not answer alike."""
    pool = [draw(repository_policy("base/python", "us-east-1", [])) for _ in range(draw(st.integers(1, 2)))]
    registries = []
    for index in range(len(REGISTRIES)):
        names = draw(st.lists(st.sampled_from(REPOSITORY_NAMES), min_size=1, max_size=4, unique=True))
        registries.append(registry_stack(index, {n: draw(st.sampled_from(pool)) for n in names}))
    arns = [arn for stack in registries for arn in repository_arns(stack)]
    apps = [draw(application_stack(i, arns, tricky=True)) for i in range(draw(st.integers(1, 3)))]
    return ProjectPlan("fleet", (*registries, *apps))


def matrix_rows(plan: ProjectPlan) -> list[Row]:
    return [
        (c.stack, c.role_arn, c.repository, c.requested, c.decision, c.denied_by, c.message)
        for c in access_matrix(plan)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleets())
def test_every_cell_has_the_full_evaluators_verdict(plan: ProjectPlan) -> None:
    assert matrix_rows(plan) == old_matrix(plan)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shared_text_fleets())
def test_cells_that_share_policy_texts_have_the_full_evaluators_verdict(plan: ProjectPlan) -> None:
    assert matrix_rows(plan) == old_matrix(plan)


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
    calls = evaluated_resources(monkeypatch, matrix_module)
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


def test_requested_cells_ask_the_evaluator_once_per_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four roles each pulling the same 30 repositories of one registry, whose policies are one text: per role,
    one evaluation for the token step and one for all 30 cells (they put the same question)."""
    names = [f"service-{i:02d}" for i in range(30)]
    accounts = [f"11111111111{i}" for i in range(4)]
    consumers = [AccountConsumer(account_id=a) for a in accounts]
    registry = registry_stack(0, {n: repository_policy_json(consumers, "aws", "us-east-1", n) for n in names})
    policy = json.dumps(identity_policy(repository_arns(registry)))
    apps = [
        puller_stack(f"app-{i}", a, "us-east-1", role_arn("aws", a, "app-task", "/"), policy)
        for i, a in enumerate(accounts)
    ]
    plan = ProjectPlan("fleet", (registry, *apps))
    calls = evaluated_resources(monkeypatch, matrix_module)
    cells = access_matrix(plan)
    assert len(cells) == 4 * 30
    assert all(c.requested and c.decision == "allow" for c in cells)
    assert len(calls) == 4 * 2


# Two registries that differ from the first in one thing each: region, or account.
HOME = ("987654321098", "us-east-1")
OTHER_REGION = ("987654321098", "eu-west-1")
OTHER_ACCOUNT = ("555555555555", "us-east-1")
PULLS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
CALLER_ACCOUNT = "111111111111"


def granting(account: str, **extra: Any) -> str:
    """A repository policy letting `account` pull, with `extra` elements (such as Resource) in its statement."""
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": PULLS, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def role_policy(*statements: dict[str, Any]) -> str:
    token = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [token, *statements]})


def pull_statement(resource: str, effect: str = "Allow", **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": PULLS, "Resource": resource, **extra}


Cell = tuple[tuple[str, str], str, str | None]  # (account, region) of the registry, repository name, policy text
Verdict = tuple[str, str | None, str | None]


def two_cells(first: Cell, second: Cell, policy: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Verdict], int]:
    """The verdicts of one role of account 111111111111 on two repositories (in the order given), checked against
    the full evaluator cell by cell, and how many times the matrix asked the evaluator about a repository (the
    token step aside)."""
    stacks = [
        planned_registry(f"registry-{i}", account, region, {name: text})
        for i, ((account, region), name, text) in enumerate((first, second))
    ]
    app = puller_stack("app", CALLER_ACCOUNT, "us-east-1", role_arn("aws", CALLER_ACCOUNT, "app-task", "/"), policy)
    plan = ProjectPlan("fleet", (*stacks, app))
    calls = evaluated_resources(monkeypatch, matrix_module)
    cells = access_matrix(plan)
    # ARNs only: the token step is asked with the parsed repository.
    asked = [resource for resource in calls if isinstance(resource, str)]
    rows = [(c.stack, c.role_arn, c.repository, c.requested, c.decision, c.denied_by, c.message) for c in cells]
    assert rows == old_matrix(plan)
    by_arn = {c.repository_arn: (c.decision, c.denied_by, c.message) for c in cells}
    return [by_arn[arn] for stack in stacks for arn in repository_arns(stack)], len(asked)


def deny(side: str, action: str, name: str, registry: tuple[str, str] = HOME, explicit: bool = False) -> Verdict:
    account, region = registry
    resource = f"arn:aws:ecr:{region}:{account}:repository/{name}"
    words = {"identity": ("an identity-based policy", "identity-based policy"), "resource": ("a", "resource-based")}
    head = f"User: arn:aws:iam::{CALLER_ACCOUNT}:role/app-task is not authorized to perform: {action} on resource: "
    head += resource
    if explicit:
        return "deny", side, f"{head} with an explicit deny in {words[side][0]}"
    return "deny", side, f"{head} because no {words[side][1]} policy allows the {action} action"


ALLOW: Verdict = ("allow", None, None)
ALL_REPOSITORIES = "arn:aws:ecr:us-east-1:987654321098:repository/*"
ONLY_A = "arn:aws:ecr:us-east-1:987654321098:repository/svc-a"

# Pairs of cells of one role that differ in one input the verdict depends on, neither decided by the index
# (the role's identity policy may cover both): each must be asked on its own and get its own verdict.
DIFFERING: dict[str, tuple[Cell, Cell, str, list[Verdict]]] = {
    "region": (
        (HOME, "svc", granting(CALLER_ACCOUNT)),
        (OTHER_REGION, "svc", granting(CALLER_ACCOUNT)),
        role_policy(
            pull_statement("arn:aws:ecr:*:987654321098:repository/svc"),
            pull_statement("*", "Deny", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        ),
        [ALLOW, deny("identity", "ecr:BatchGetImage", "svc", OTHER_REGION, explicit=True)],
    ),
    "account": (
        (HOME, "svc", granting(CALLER_ACCOUNT)),
        (OTHER_ACCOUNT, "svc", granting(CALLER_ACCOUNT)),
        role_policy(
            pull_statement("arn:aws:ecr:us-east-1:*:repository/svc"),
            pull_statement("*", "Deny", Condition={"StringEquals": {"aws:ResourceAccount": "555555555555"}}),
        ),
        [ALLOW, deny("identity", "ecr:BatchGetImage", "svc", OTHER_ACCOUNT, explicit=True)],
    ),
    "the ARN as the identity policy sees it": (
        (HOME, "team-a/svc", granting(CALLER_ACCOUNT)),
        (HOME, "team-b/svc", granting(CALLER_ACCOUNT)),
        role_policy(
            pull_statement(ALL_REPOSITORIES),
            pull_statement("arn:aws:ecr:us-east-1:987654321098:repository/team-b/*", "Deny"),
        ),
        [ALLOW, deny("identity", "ecr:BatchGetImage", "team-b/svc", explicit=True)],
    ),
    "the repository policy": (
        (HOME, "svc-a", granting(CALLER_ACCOUNT)),
        (HOME, "svc-b", granting("222222222222")),
        role_policy(pull_statement(ALL_REPOSITORIES)),
        [ALLOW, deny("resource", "ecr:BatchGetImage", "svc-b")],
    ),
    "the ARN, where the repository policy names resources": (
        (HOME, "svc-a", granting(CALLER_ACCOUNT, Resource=ONLY_A)),
        (HOME, "svc-b", granting(CALLER_ACCOUNT, Resource=ONLY_A)),
        role_policy(pull_statement(ALL_REPOSITORIES)),
        [ALLOW, deny("resource", "ecr:BatchGetImage", "svc-b")],
    ),
}


@pytest.mark.parametrize("differing", DIFFERING)
def test_cells_that_differ_in_one_input_that_matters_get_their_own_verdicts(
    differing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, policy, expected = DIFFERING[differing]
    verdicts, asked = two_cells(first, second, policy, monkeypatch)
    assert verdicts == expected
    assert asked == 2


def test_cells_that_put_the_same_question_share_one_evaluation_but_name_their_own_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = role_policy(pull_statement(ALL_REPOSITORIES))
    allowed = granting(CALLER_ACCOUNT)
    assert two_cells((HOME, "svc-a", allowed), (HOME, "svc-b", allowed), policy, monkeypatch) == ([ALLOW, ALLOW], 1)
    refused = granting("222222222222")
    verdicts, asked = two_cells((HOME, "svc-a", refused), (HOME, "svc-b", refused), policy, monkeypatch)
    assert verdicts == [deny("resource", "ecr:BatchGetImage", "svc-a"), deny("resource", "ecr:BatchGetImage", "svc-b")]
    assert asked == 1
