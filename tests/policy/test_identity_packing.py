"""A role's repository ARNs spread over its inline policy and customer-managed policies, planned before any
ARN is known.

Quotas pinned here (IAM User Guide, "IAM and AWS STS quotas",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a role's inline policies total
10,240 characters, a managed policy 6,144, whitespace not counted; 10 managed policies per role by default, 20 at
most. A role's identity-based policies are evaluated together, an Allow in any of them allows (IAM User Guide,
"Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecr_shared_services.access import Policies, evaluate_access
from ecr_shared_services.errors import IdentityPolicyOverflowError, PolicySizeError, SpecError
from ecr_shared_services.policy.identity_packing import (
    ARN_PREFIX_BOUND,
    MAX_REPOSITORY_ARN_LENGTH,
    SlotPlan,
    arn_length_bound,
    document_size,
    plan_for,
)
from ecr_shared_services.policy.identity_policy import identity_policy, overflow_policy
from ecr_shared_services.policy.sizing import MANAGED_POLICY, ROLE_INLINE_POLICIES, measure, to_json
from ecr_shared_services.puller_role import managed_policy_name
from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs

REGISTRY = "987654321098"
PREFIX = f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/"
# IAM: a policy name is 1-128 characters of letters, digits and +=,.@_- (IAM API Reference, CreatePolicy).
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)


def arns(count: int, start: int = 0) -> list[str]:
    return [f"{PREFIX}service-{i:04d}" for i in range(start, start + count)]


def role(repository_arns: list[Any], **more: Any) -> PullerRoleArgs:
    spec: PullerRoleArgs = PullerRoleArgs.parse(
        {"role_name": "ecsTaskExecutionRole", "repository_arns": repository_arns, **more}
    )
    return spec


def resources(document: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for statement in document["Statement"]:
        if statement["Action"] == "ecr:GetAuthorizationToken":
            continue
        value = statement["Resource"]
        found.extend([value] if isinstance(value, str) else value)
    return found


def check_documents(plan: SlotPlan, given: list[str]) -> dict[str, dict[str, Any]]:
    """Every document within its quota, measured as IAM measures it, and the ARNs each exactly once."""
    documents = plan.documents(sorted(given))
    texts = {key: to_json(document) for key, document in documents.items()}
    assert measure(texts["ecr-images"], ROLE_INLINE_POLICIES) <= ROLE_INLINE_POLICIES.limit
    for key, text in texts.items():
        if key != "ecr-images":
            assert measure(text, MANAGED_POLICY) <= MANAGED_POLICY.limit, key
    named = [arn for document in documents.values() for arn in resources(document)]
    assert sorted(named) == sorted(given)  # each ARN once, in one slot only
    assert not any("*" in arn or "?" in arn for arn in named)
    return documents


@pytest.mark.parametrize(("count", "quota"), [(1_000, 10), (1_500, 20)])
def test_a_thousand_and_more_repositories_fit_one_role_without_a_wildcard(count: int, quota: int) -> None:
    given_arns = arns(count)
    plan = plan_for(role(given_arns, max_managed_policies=quota), "ecsTaskExecutionRole")
    documents = check_documents(plan, given_arns)
    assert 1 < len(plan.managed_parts) <= quota
    assert list(documents) == ["ecr-images"] + [f"ecr-images-{n}" for n in range(2, len(documents) + 1)]
    # Only the inline policy carries the token: the parts grant the repository actions alone.
    assert documents["ecr-images"]["Statement"][0]["Action"] == "ecr:GetAuthorizationToken"
    assert all(len(d["Statement"]) == 1 for key, d in documents.items() if key != "ecr-images")


def test_what_fits_inline_is_planned_as_one_inline_policy_as_before() -> None:
    # 163 service-NNNN repositories fit the inline quota (BENCHMARKS.md); the 164th goes to a managed policy.
    assert [s.key for s in plan_for(role(arns(163)), "r").slots] == ["ecr-images"]
    assert identity_policy(arns(163)) == plan_for(role(arns(163)), "r").documents(arns(163))["ecr-images"]
    assert len(to_json(identity_policy(arns(164)))) > ROLE_INLINE_POLICIES.limit
    assert [s.key for s in plan_for(role(arns(164)), "r").slots] == ["ecr-images", "ecr-images-2"]


def test_adding_a_repository_keeps_every_slot_and_its_name() -> None:
    before = plan_for(role(arns(1_000)), "r")
    # A name sorted first shifts every position by one: documents change, names do not.
    after = plan_for(role([f"{PREFIX}aaa-new", *arns(1_000)]), "r")
    assert [s.key for s in before.slots] == [s.key for s in after.slots[: len(before.slots)]]
    names = [managed_policy_name("r-ecr-images", s.number) for s in before.managed_parts]
    assert names == [managed_policy_name("r-ecr-images", s.number) for s in after.managed_parts[: len(names)]]
    assert names[0] == "r-ecr-images-2"
    check_documents(after, [f"{PREFIX}aaa-new", *arns(1_000)])


def test_managed_policy_names_stay_within_iam_rules_for_the_longest_names() -> None:
    longest_role = "r" * 64  # IAM role names are at most 64 characters
    for number in (2, 20, 21):
        name = managed_policy_name(f"{longest_role}-ecr-images", number)
        assert POLICY_NAME.match(name) and name.endswith(f"-{number}")
        long_policy = managed_policy_name("p" * 128, number)
        assert POLICY_NAME.match(long_policy) and len(long_policy) == 128 and long_policy.endswith(f"-{number}")


class _Later:
    """Stands for an ARN that arrives as an Output."""


def test_arns_from_outputs_are_planned_with_their_bound() -> None:
    later = [_Later() for _ in range(200)]
    # Default bound: the longest ECR repository ARN (256-character name, longest partition and region).
    assert MAX_REPOSITORY_ARN_LENGTH == ARN_PREFIX_BOUND + 256
    default = plan_for(role(later), "r")
    bounded = plan_for(role(later, max_repository_arn_length=len(arns(1)[0])), "r")
    assert len(bounded.slots) < len(default.slots)
    # The bound holds for the real ARNs: their documents fit.
    check_documents(bounded, arns(200))
    check_documents(default, arns(200))
    # Duplicates that resolve to one ARN leave the last part without repositories: token only, no empty list.
    documents = bounded.documents(sorted(arns(200))[: bounded.slots[-1].start])
    assert documents[bounded.slots[-1].key] == overflow_policy([], "pull", bounded.slots[-1].number)
    assert resources(documents[bounded.slots[-1].key]) == []


def test_the_bound_of_a_named_repository_covers_any_partition_and_region() -> None:
    name = "service-0001"
    for arn in (f"{PREFIX}{name}", f"arn:aws-us-gov:ecr:us-gov-west-1:{REGISTRY}:repository/{name}"):
        assert len(arn) <= arn_length_bound(name)
    # Within a known partition, any of its regions.
    assert len(f"arn:aws:ecr:ap-southeast-1:{REGISTRY}:repository/{name}") <= arn_length_bound(name, "aws")
    assert arn_length_bound(name, "aws") == arn_length_bound(name) - len("aws-us-gov") + len("aws")


def test_when_nothing_fits_the_error_names_the_role_the_counts_the_quotas_and_the_options() -> None:
    with pytest.raises(IdentityPolicyOverflowError) as raised:
        plan_for(role(arns(1_500)), "ecsTaskExecutionRole")
    error = raised.value
    assert isinstance(error, PolicySizeError)
    text = str(error)
    assert text.startswith("ESS416 the identity policies of role 'ecsTaskExecutionRole': 1,500 repositories")
    assert (error.repositories, error.fit, error.managed_allowed) == (1_500, 1_133, 10)
    assert "only 1,133 do (163 in the first policy, then up to 97 in each of 10 managed policies" in text
    assert error.size > error.limit == ROLE_INLINE_POLICIES.limit + 10 * MANAGED_POLICY.limit
    assert error.quota == "IAM inline policies per role (total) + 10 x IAM managed policy"
    for option in ("namespaces: [team-a]", "can raise it to 20", "max_managed_policies", "several roles"):
        assert option in text, option
    # At 20 the quota-increase option is gone; with Outputs, the bound is an option.
    with pytest.raises(IdentityPolicyOverflowError) as raised:
        plan_for(role([_Later() for _ in range(400)], max_managed_policies=20), "r")
    assert "can raise it to 20" not in str(raised.value)
    assert "max_repository_arn_length" in str(raised.value)


def test_an_existing_role_with_managed_policies_counts_its_first_and_its_logs_policy() -> None:
    spec = PullerPolicyArgs.parse(
        {
            "role": "nodes",
            "repository_arns": arns(180),
            "attach_as": "managed",
            "cloudwatch_log_groups": ["/ecs/a"],
            "max_managed_policies": 3,
        }
    )
    plan = plan_for(spec, "nodes", first_managed=True)
    # 180 ARNs: the first managed policy and one part, beside task-logs: three attachments.
    assert [s.key for s in plan.slots] == ["ecr-images", "ecr-images-2"]
    texts = {k: to_json(d) for k, d in plan.documents(arns(180)).items()}
    assert all(measure(t, MANAGED_POLICY) <= MANAGED_POLICY.limit for t in texts.values())
    with pytest.raises(IdentityPolicyOverflowError):
        plan_for(spec.model_copy(update={"max_managed_policies": 2}), "nodes", first_managed=True)


def test_namespaces_are_opt_in_patterns_in_the_first_policy() -> None:
    spec = role(
        [],
        registry={"account_id": REGISTRY, "region": "us-east-1"},
        repositories=["payment-service"],
        namespaces=["team-a", "platform/base"],
    )
    documents = plan_for(spec, "r").documents([f"{PREFIX}payment-service"])
    assert resources(documents["ecr-images"]) == [
        f"{PREFIX}payment-service",
        f"{PREFIX}platform/base/*",
        f"{PREFIX}team-a/*",
    ]
    # A namespace is the start of repository names, never a pattern of its own; it needs the registry.
    for bad in ("team-a/*", "team-a/", "Team-A", "*"):
        with pytest.raises(SpecError) as raised:
            role([], registry={"account_id": REGISTRY, "region": "us-east-1"}, namespaces=[bad])
        assert raised.value.violations[0].code == "ESS417", bad
    with pytest.raises(SpecError) as raised:
        role([], namespaces=["team-a"])
    assert "ESS418" in {v.code for v in raised.value.violations}


def test_the_evaluator_allows_every_packed_repository_and_denies_one_outside() -> None:
    given_arns = arns(1_000)
    documents = list(plan_for(role(given_arns), "r").documents(sorted(given_arns)).values())
    # Same account as the registry: the identity side alone decides (no repository policy in play).
    caller = f"arn:aws:iam::{REGISTRY}:role/r"
    policies = Policies(identity=[json.dumps(d) for d in documents])
    for arn in given_arns[::97] + given_arns[-1:]:
        report = evaluate_access(caller, arn, policies)
        assert report.decision == "allow", (arn, report.message)
    outside = evaluate_access(caller, f"{PREFIX}service-9999", policies)
    assert (outside.decision, outside.denied_by) == ("deny", "identity")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=2, max_value=256), min_size=1, max_size=40), st.sampled_from(["pull", "push"]))
def test_document_sizes_are_computed_exactly(name_lengths: list[int], access: Any) -> None:
    names = [f"{'a' * (length - 4)}{i:04d}" for i, length in enumerate(name_lengths)]
    given_arns = [f"{PREFIX}{name}" for name in names]
    total = sum(len(arn) for arn in given_arns)
    one = len(to_json(identity_policy(["x"], access)))
    assert document_size(one, len(given_arns), total) == len(to_json(identity_policy(given_arns, access)))
    part = len(to_json(overflow_policy(["x"], access, 99)))
    assert document_size(part, len(given_arns), total) == len(to_json(overflow_policy(given_arns, access, 99)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=2, max_value=120), min_size=1, max_size=700), st.integers(0, 20))
def test_any_plan_that_is_made_fits_and_names_every_arn_once(name_lengths: list[int], quota: int) -> None:
    given_arns = sorted({f"{PREFIX}{'b' * max(0, length - 4)}{i:04d}" for i, length in enumerate(name_lengths)})
    try:
        plan = plan_for(role(given_arns, max_managed_policies=quota), "r")
    except IdentityPolicyOverflowError as error:
        assert error.fit < len(given_arns)
        return
    assert len(plan.managed_parts) <= quota
    check_documents(plan, given_arns)


def test_the_managed_policy_setting_stays_within_what_iam_allows() -> None:
    # 20 is the most managed policies a role can have attached, after a quota increase.
    for bad in (-1, 21):
        with pytest.raises(SpecError) as raised:
            role(arns(1), max_managed_policies=bad)
        assert [(v.code, v.field) for v in raised.value.violations] == [("ESS005", "max_managed_policies")]
    assert role(arns(1)).max_managed_policies == 10


def test_the_overflow_message_claims_no_excess_the_figures_do_not_show() -> None:
    # 1,134 repositories: one document naming them all (69,458 characters) is within the policies' total room,
    # yet they do not fit, since each policy holds whole ARNs after its own statements.
    with pytest.raises(IdentityPolicyOverflowError) as raised:
        plan_for(role(arns(1_134)), "ecsTaskExecutionRole")
    error, text = raised.value, str(raised.value)
    assert error.size < error.limit
    assert "over the" not in text
    assert f"hold {error.limit:,} in all, less each policy's own statements" in text
    with pytest.raises(IdentityPolicyOverflowError) as none_allowed:
        plan_for(role(arns(200), max_managed_policies=0), "ecsTaskExecutionRole")
    assert "163 in the first policy, and max_managed_policies is 0" in str(none_allowed.value)
    assert "in each of 0 managed policies" not in str(none_allowed.value)
    assert "raise max_managed_policies (now 0)" in str(none_allowed.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_managed_policies", True), ("max_managed_policies", 21), ("max_repository_arn_length", 10)],
)
def test_impossible_settings_are_refused_when_given(field: str, value: object) -> None:
    with pytest.raises(SpecError) as raised:
        role(arns(1), **{field: value})
    assert field in str(raised.value)
