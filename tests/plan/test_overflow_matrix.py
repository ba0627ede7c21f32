"""The plan reads every identity policy of a role whose repositories overflowed into managed policies: what it
requests is every repository they name, and the access matrix evaluates them together, as IAM does (IAM User
Guide, "Policy evaluation logic": the identity-based policies of a principal are evaluated together, an Allow
in any of them allows; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
and for another account's repository, "Cross-account policy evaluation logic")."""

from __future__ import annotations

from ecr_shared_services.plan.access_matrix import access_matrix, unexpected_denials
from ecr_shared_services.plan.inventory import PULLER_ROLE, REPOSITORY, REPOSITORY_POLICY
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.runner import ProjectPlan, StackPlan
from ecr_shared_services.policy.identity_packing import plan_for
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import to_json
from ecr_shared_services.spec.consumers import AccountConsumer
from ecr_shared_services.spec.puller import PullerRoleArgs

REGISTRY, APP, REGION = "987654321098", "111111111111", "us-east-1"
NAMES = [f"service-{i:04d}" for i in range(300)]
ROLE = f"arn:aws:iam::{APP}:role/ecsTaskExecutionRole"


def registration(type_: str, name: str, inputs: dict[str, object], outputs: dict[str, object]) -> Registration:
    return Registration(
        urn=f"urn:pulumi:s::p::{type_}::{name}",
        type=type_,
        name=name,
        parent="",
        custom=True,
        inputs=inputs,
        outputs=outputs,
        provider="",
    )


def registry() -> StackPlan:
    resources = []
    for name in NAMES:
        arn = f"arn:aws:ecr:{REGION}:{REGISTRY}:repository/{name}"
        resources.append(registration(REPOSITORY, name, {"name": name}, {"name": name, "arn": arn}))
        policy = repository_policy_json([AccountConsumer(account_id=APP)], "aws", REGION, name)
        resources.append(registration(REPOSITORY_POLICY, f"{name}-policy", {"repository": name, "policy": policy}, {}))
    return StackPlan("registry", REGISTRY, REGION, tuple(resources), {})


def application(pulled: list[str]) -> tuple[StackPlan, list[str]]:
    arns = sorted(f"arn:aws:ecr:{REGION}:{REGISTRY}:repository/{name}" for name in pulled)
    spec = PullerRoleArgs.parse({"role_name": "ecsTaskExecutionRole", "repository_arns": arns})
    texts = [to_json(document) for document in plan_for(spec, "ecsTaskExecutionRole").documents(arns).values()]
    outputs: dict[str, object] = {"role_arn": ROLE, "policy": texts[0], "policies": texts}
    return StackPlan("app", APP, REGION, (registration(PULLER_ROLE, "puller", {}, outputs),), {}), texts


def test_a_role_with_managed_parts_is_allowed_every_repository_it_names_and_nothing_else() -> None:
    app, texts = application(NAMES[:250])
    assert len(texts) == 2  # 163 inline, 87 in the managed part
    plan = ProjectPlan("fleet", (registry(), app))
    [puller] = app.inventory.pullers
    assert len(puller.requested) == 250
    cells = access_matrix(plan)
    assert len(cells) == 300
    assert unexpected_denials(cells) == []
    verdicts = {cell.repository: (cell.requested, cell.decision, cell.denied_by) for cell in cells}
    assert {verdicts[name] for name in NAMES[:250]} == {(True, "allow", None)}
    assert {verdicts[name] for name in NAMES[250:]} == {(False, "deny", "identity")}
