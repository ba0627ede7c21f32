"""PullerRole and PullerPolicy under Pulumi's mocks with more repositories than one inline policy holds:
customer-managed policies named by position, attached to the role, registered before any Output resolves.

IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): inline policies 10,240 characters per role, a managed
policy 6,144, 10 managed policies per role by default (20 at most), whitespace not counted.
"""

import json
from typing import Any, cast

import pulumi

from ecr_shared_services import PullerPolicy, PullerPolicyArgsDict, PullerRole, PullerRoleArgsDict
from ecr_shared_services.errors import IdentityPolicyOverflowError
from ecr_shared_services.plan.inventory import inventory
from ecr_shared_services.plan.mock_runtime import MockRun, run_under_mocks
from ecr_shared_services.plan.mocks import AwsMocks
from ecr_shared_services.policy.sizing import MANAGED_POLICY, ROLE_INLINE_POLICIES, measure

APP = "123456789012"
PREFIX = "arn:aws:ecr:us-east-1:987654321098:repository/"
MANAGED = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def arns(count: int) -> list[str]:
    return [f"{PREFIX}service-{i:04d}" for i in range(count)]


def run_role(args: dict[str, Any], name: str = "puller") -> MockRun:
    def program() -> None:
        role = PullerRole(
            name, cast(PullerRoleArgsDict, {"role_name": "ecsTaskExecutionRole", "account_id": APP, **args})
        )
        pulumi.export("policies", role.policies)

    return run_under_mocks(program, AwsMocks(APP, "us-east-1"))


def named(document: str) -> list[str]:
    found: list[str] = []
    for statement in json.loads(document)["Statement"]:
        if statement["Action"] != "ecr:GetAuthorizationToken":
            value = statement["Resource"]
            found.extend([value] if isinstance(value, str) else value)
    return found


def test_a_thousand_repositories_go_to_the_inline_policy_then_to_attached_managed_policies() -> None:
    result = run_role({"repository_arns": arns(1_000)})
    assert result.error is None, result.traceback
    inline = result.by_name("puller-ecr", ROLE_POLICY)
    assert inline.inputs["name"] == "ecr-images"
    managed = sorted(result.of_type(MANAGED), key=lambda r: int(r.name.rsplit("-", 1)[1]))
    assert [r.name for r in managed] == [f"puller-ecr-{n}" for n in range(2, len(managed) + 2)]
    assert [r.inputs["name"] for r in managed] == [f"ecsTaskExecutionRole-ecr-images-{n}" for n in range(2, 11)]
    attachments = {r.name: r for r in result.of_type(ATTACHMENT)}
    for policy in managed:
        attachment = attachments[f"{policy.name}-attachment"]
        assert attachment.inputs["role"] == "ecsTaskExecutionRole"
        assert attachment.parent == policy.parent
        assert measure(policy.inputs["policy"], MANAGED_POLICY) <= MANAGED_POLICY.limit
    assert measure(inline.inputs["policy"], ROLE_INLINE_POLICIES) <= ROLE_INLINE_POLICIES.limit
    texts = result.outputs["policies"]
    assert texts == [inline.inputs["policy"], *(r.inputs["policy"] for r in managed)]
    assert sorted(arn for text in texts for arn in named(text)) == arns(1_000)


def test_adding_a_repository_updates_documents_but_keeps_every_resource_and_name() -> None:
    before = run_role({"repository_arns": arns(1_000)})
    after = run_role({"repository_arns": [f"{PREFIX}aaa-first", *arns(1_000)]})
    assert before.error is None and after.error is None

    def identities(run: MockRun) -> dict[str, str | None]:
        return {r.urn: r.inputs.get("name") for r in run.registrations if r.type in (MANAGED, ATTACHMENT)}

    old, new = identities(before), identities(after)
    # Same URNs with the same IAM names: Pulumi updates each policy in place (a new policy version).
    assert {urn: new[urn] for urn in old} == old
    changed = [
        r.name for r in after.of_type(MANAGED) if r.inputs["policy"] != before.by_name(r.name, MANAGED).inputs["policy"]
    ]
    assert changed  # the positions moved by one


def test_a_small_role_registers_what_it_did_before() -> None:
    result = run_role({"repository_arns": arns(3)})
    assert result.error is None
    assert sorted(r.type for r in result.registrations if r.type.startswith("aws:iam")) == [
        "aws:iam/role:Role",
        ROLE_POLICY,
    ]
    assert result.outputs["policies"] == [result.by_name("puller-ecr", ROLE_POLICY).inputs["policy"]]


def test_arns_from_outputs_are_planned_from_the_bound_before_they_resolve() -> None:
    given = [pulumi.Output.from_input(arn) for arn in arns(400)]
    result = run_role({"repository_arns": given, "max_repository_arn_length": len(arns(1)[0])})
    assert result.error is None, result.traceback
    assert len(result.of_type(MANAGED)) == 3  # 163 inline, then 97 a part: 400 need three parts
    assert sorted(arn for text in result.outputs["policies"] for arn in named(text)) == arns(400)
    # Without the bound, the longest possible ARN is assumed: more than the quota allows, refused up front.
    refused = run_role({"repository_arns": [pulumi.Output.from_input(arn) for arn in arns(400)]})
    assert isinstance(refused.error, IdentityPolicyOverflowError)
    assert "max_repository_arn_length" in str(refused.error)
    assert refused.registrations == []


def test_too_many_repositories_stop_the_preview_before_anything_is_registered() -> None:
    result = run_role({"repository_arns": arns(1_200)})
    assert isinstance(result.error, IdentityPolicyOverflowError)
    assert result.error.code == "ESS416"
    assert "1,200 repositories do not fit, only 1,133 do" in str(result.error)
    assert result.registrations == []
    raised = run_role({"repository_arns": arns(1_200), "max_managed_policies": 20})
    assert raised.error is None
    assert len(raised.of_type(MANAGED)) == 11


def test_the_plan_reads_every_policy_of_an_overflowing_role() -> None:
    result = run_role({"repository_arns": arns(500)})
    assert result.error is None
    [puller] = inventory("app", tuple(result.registrations)).pullers
    assert len(puller.policies) == 5 and puller.policy == puller.policies[0]
    assert list(puller.requested) == arns(500)
    # One document with every statement, for the evaluator.
    assert sorted(named(puller.identity_policy)) == arns(500)


def run_policy(args: dict[str, Any]) -> MockRun:
    def program() -> None:
        attached = PullerPolicy("existing", cast(PullerPolicyArgsDict, {"role": "nodes", "account_id": APP, **args}))
        pulumi.export("policies", attached.policies)
        pulumi.export("policy", attached.policy)

    return run_under_mocks(program, AwsMocks(APP, "us-east-1"))


def test_an_existing_role_gets_the_same_overflow_inline_or_managed() -> None:
    inline = run_policy({"repository_arns": arns(250)})
    assert inline.error is None, inline.traceback
    assert inline.by_name("existing-ecr", ROLE_POLICY).inputs["name"] == "ecr-images"
    [part] = inline.of_type(MANAGED)
    assert (part.name, part.inputs["name"]) == ("existing-ecr-2", "nodes-ecr-images-2")
    assert inline.by_name("existing-ecr-2-attachment", ATTACHMENT).inputs["role"] == "nodes"
    assert sorted(a for text in inline.outputs["policies"] for a in named(text)) == arns(250)
    assert inline.outputs["policy"] == inline.outputs["policies"][0]

    managed = run_policy({"repository_arns": arns(250), "attach_as": "managed", "policy_name": "nodes-ecr"})
    assert managed.error is None, managed.traceback
    names = sorted((r.name, r.inputs["name"]) for r in managed.of_type(MANAGED))
    assert names == [
        ("existing-ecr", "nodes-ecr"),
        ("existing-ecr-2", "nodes-ecr-2"),
        ("existing-ecr-3", "nodes-ecr-3"),
    ]
    assert len(managed.of_type(ATTACHMENT)) == 3
    assert sorted(a for text in managed.outputs["policies"] for a in named(text)) == arns(250)


def test_namespaces_are_granted_as_declared() -> None:
    result = run_role(
        {
            "registry": {"account_id": "987654321098", "region": "us-east-1"},
            "repositories": ["payment-service"],
            "namespaces": ["team-a"],
        }
    )
    assert result.error is None, result.traceback
    assert named(result.by_name("puller-ecr", ROLE_POLICY).inputs["policy"]) == [
        f"{PREFIX}payment-service",
        f"{PREFIX}team-a/*",
    ]
