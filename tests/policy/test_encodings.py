"""The compact encodings of repository policies: their shapes, their capacity, when `auto` takes them, and
the errors when nothing fits. Exactness over random fleets is in test_encodings_faithful.py.

AWS pages the shapes rest on:
- aws:PrincipalAccount and aws:PrincipalArn: "AWS global condition context keys",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- several keys ANDed, several values ORed: "Creating a condition with multiple context keys or values",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- ArnLike matches each of the six colon-separated ARN parts on its own, with * and ?: "IAM JSON policy
  elements: Condition operators" (ARN condition operators),
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- ECR's repository policy limit of 10,240 characters: "Amazon ECR service quotas",
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from ecr_guardrails.catalog import rule
from guardrail_shapes import repository_policy as policy_resource
from seed_examples import CENTRAL, MULTI_ACCOUNT, REGION, role_scoped

from ecr_shared_services.access import Policies, evaluate_access
from ecr_shared_services.errors import PolicySizeError, SpecError
from ecr_shared_services.policy.encodings import compact
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy, repository_policy_json
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, to_json
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, LambdaConsumer, RoleConsumer
from ecr_shared_services.spec.registry import SharedRegistryArgs

GOLDEN = Path(__file__).parent.parent / "golden"
REGISTRY = "987654321098"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{REGISTRY}:repository/payments"


def _roles(count: int, name: str = "ecsTaskExecutionRole", **extra: Any) -> list[Consumer]:
    return [RoleConsumer(account_id=f"{100000000000 + i}", role_names=[name], **extra) for i in range(count)]


def _accounts(count: int) -> list[Consumer]:
    return [AccountConsumer(account_id=f"{100000000000 + i}") for i in range(count)]


def _document(consumers: Sequence[Consumer], encoding: str = "auto", registry: str | None = REGISTRY) -> dict[str, Any]:
    text = repository_policy_json(consumers, "aws", REGION, "r", encoding, registry)  # type: ignore[arg-type]
    assert text is not None
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@pytest.mark.parametrize(
    ("golden", "consumers"),
    [
        ("seed_central_account", CENTRAL),
        ("seed_multi_account", MULTI_ACCOUNT),
        ("seed_role_scoped_condition", role_scoped("condition")),
        ("seed_role_scoped_arn", role_scoped("arn")),
    ],
)
def test_auto_keeps_the_seed_documents_plain_while_they_fit(golden: str, consumers: list[Consumer]) -> None:
    assert _document(consumers) == json.loads((GOLDEN / f"{golden}.json").read_text())


def test_six_hundred_accounts_share_one_role_name_in_one_statement() -> None:
    document = _document(_roles(600))
    [statement] = document["Statement"]
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Condition"]["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/ecsTaskExecutionRole"}
    assert len(statement["Condition"]["StringEquals"]["aws:PrincipalAccount"]) == 600
    assert len(to_json(document)) <= REPOSITORY_POLICY.limit


def test_six_hundred_account_consumers_fit_as_principal_account() -> None:
    document = _document(_accounts(600))
    [statement] = document["Statement"]
    assert statement["Principal"] == {"AWS": "*"}
    assert list(statement["Condition"]) == ["StringEquals"]
    assert len(statement["Condition"]["StringEquals"]["aws:PrincipalAccount"]) == 600


def test_a_role_path_is_part_of_the_pattern() -> None:
    document = _document(_roles(300, "deploy", role_path="/ci/"))
    [statement] = document["Statement"]
    assert statement["Condition"]["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/ci/deploy"}


def test_without_the_registry_account_the_roots_stay_principals() -> None:
    """Principal * would grant the registry's own account without an identity policy ("Policy evaluation
    logic": within one account a resource policy naming the account root delegates to IAM), so without
    knowing that account the compact form keeps the roots and writes the role name once."""
    document = _document(_roles(200), registry=None)
    [statement] = document["Statement"]
    assert len(statement["Principal"]["AWS"]) == 200
    assert all(root.endswith(":root") for root in statement["Principal"]["AWS"])
    assert statement["Condition"] == {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ecsTaskExecutionRole"}}


def test_a_block_holding_the_registry_account_keeps_its_roots() -> None:
    consumers = [*_roles(200), RoleConsumer(account_id=REGISTRY, role_names=["ecsTaskExecutionRole"])]
    document = _document(consumers)
    assert all(s["Principal"] != {"AWS": "*"} for s in document["Statement"])
    own = "arn:aws:iam::987654321098:role/ecsTaskExecutionRole"
    no_identity = evaluate_access(own, REPOSITORY_ARN, Policies(identity=[], repository=document))
    with_identity = evaluate_access(
        own, REPOSITORY_ARN, Policies(identity=[identity_policy([REPOSITORY_ARN])], repository=document)
    )
    assert (no_identity.decision, with_identity.decision) == ("deny", "allow")


def test_overlapping_role_sets_are_split_so_no_statement_adds_a_pair() -> None:
    """Ten accounts hold `app`; only one of them holds `ci`. One statement for the ten × {app, ci} would
    also let the other accounts' `ci` roles pull."""
    consumers: list[Consumer] = [
        RoleConsumer(account_id="111111111111", role_names=["app", "ci"]),
        *(RoleConsumer(account_id=f"2222222222{i:02d}", role_names=["app"]) for i in range(9)),
    ]
    document = compact(repository_policy(consumers, "aws", REGION) or {}, REGISTRY)
    identity = [identity_policy([REPOSITORY_ARN])]

    def allowed(role: str) -> bool:
        return evaluate_access(role, REPOSITORY_ARN, Policies(identity=identity, repository=document)).allowed

    assert allowed("arn:aws:iam::111111111111:role/ci")
    assert not allowed("arn:aws:iam::222222222203:role/ci")
    assert allowed("arn:aws:iam::222222222203:role/app")
    assert any(s["Principal"] == {"AWS": "*"} for s in document["Statement"])


def test_push_lambda_and_arn_form_statements_are_left_as_rendered() -> None:
    consumers: list[Consumer] = [
        *_roles(150),
        *_roles(5, "publisher", access="push"),
        *_roles(3, "pinned", principal_form="arn"),
        LambdaConsumer(account_id="555555555555", deployer_role_names=["deployer"]),
    ]
    plain = repository_policy(consumers, "aws", REGION)
    assert plain is not None
    encoded = compact(plain, REGISTRY)
    untouched = {"PullRoleArns", "PullLambdaService", "PullLambdaDeployers"}
    assert [s for s in encoded["Statement"] if s["Sid"] in untouched] == [
        s for s in plain["Statement"] if s["Sid"] in untouched
    ]
    # Push keeps statements of its own, granting push actions only to the publishers.
    push = [s for s in encoded["Statement"] if "ecr:PutImage" in s["Action"]]
    assert push and all("publisher" in json.dumps(s["Condition"]) for s in push)


def test_pinned_plain_refuses_what_only_compact_fits() -> None:
    with pytest.raises(PolicySizeError) as raised:
        _document(_roles(300), "plain")
    assert raised.value.limit == REPOSITORY_POLICY.limit
    assert "the shortest encoding tried, plain, is" in str(raised.value)
    assert "set encoding: auto" in str(raised.value)
    assert _document(_roles(300), "compact")["Statement"][0]["Principal"] == {"AWS": "*"}


def test_pinned_compact_is_used_even_when_plain_fits() -> None:
    assert _document(role_scoped("condition"), "compact") != _document(role_scoped("condition"), "plain")


def test_nothing_fits_names_each_encoding_and_the_options() -> None:
    distinct = [RoleConsumer(account_id=f"{100000000000 + i}", role_names=[f"role-{i}"]) for i in range(400)]
    with pytest.raises(PolicySizeError) as raised:
        repository_policy_json(distinct, "aws", REGION, "payments", "auto", REGISTRY)
    message = str(raised.value)
    assert "'payments'" in message and "plain" in message and "compact" in message
    assert "kind: organization" in message and "10240" in message.replace(",", "")
    assert message.startswith("the repository policy of 'payments' is ")


def test_the_guardrails_read_the_compact_forms_as_not_public_and_naming_their_accounts() -> None:
    """The pack's not-public rule accepts Principal * narrowed by aws:PrincipalAccount with concrete values,
    and its allowed-principals rule reads those values as the accounts admitted."""
    document = _document([*_roles(150), *_accounts(150)])
    assert {json.dumps(s["Principal"]) for s in document["Statement"]} == {'{"AWS": "*"}'}
    resource = policy_resource(*document["Statement"])
    assert rule("ecr-repository-policy-not-public").run(resource, {}) == []
    allowed = {"allowedAccountIds": [f"{100000000000 + i}" for i in range(150)]}
    assert rule("ecr-principals-allowed").run(resource, allowed) == []
    fewer = {"allowedAccountIds": allowed["allowedAccountIds"][1:]}
    found = rule("ecr-principals-allowed").run(resource, fewer)
    assert len(found) == 2 and all("100000000000" in message for message in found)


def test_the_registry_takes_an_encoding_and_refuses_an_unknown_one() -> None:
    base: dict[str, Any] = {
        "region": REGION,
        "repositories": [{"name": "payments", "consumers": [{"kind": "account", "account_id": "111111111111"}]}],
    }
    assert SharedRegistryArgs.parse(base).encoding == "auto"
    assert SharedRegistryArgs.parse({**base, "encoding": "compact"}).encoding == "compact"
    with pytest.raises(SpecError) as raised:
        SharedRegistryArgs.parse({**base, "encoding": "smallest"})
    [violation] = raised.value.violations
    assert (violation.field, violation.code) == ("encoding", "ESS004")
