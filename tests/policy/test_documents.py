"""Policy documents: the seed's examples as golden JSON, determinism, every consumer kind, size limits."""

import json
from pathlib import Path

import pytest
from seed_examples import CENTRAL, MULTI_ACCOUNT, REGION, REPOSITORY_ARN, role_scoped

from ecr_shared_services.aws.actions import AUTHORIZATION_TOKEN, PULL_ACTIONS, PUSH_ACTIONS
from ecr_shared_services.errors import PolicySizeError
from ecr_shared_services.policy.identity_policy import identity_policy, logs_policy
from ecr_shared_services.policy.repository_policy import repository_policy, repository_policy_json
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY, TRUST_POLICY, check_size, measure, to_json
from ecr_shared_services.spec.consumers import (
    AccountConsumer,
    Consumer,
    LambdaConsumer,
    OrganizationConsumer,
    RoleConsumer,
)

GOLDEN = Path(__file__).parent.parent / "golden"


def golden(name: str) -> object:
    return json.loads((GOLDEN / f"{name}.json").read_text())


@pytest.mark.parametrize(
    ("name", "consumers"),
    [
        ("seed_central_account", CENTRAL),
        ("seed_multi_account", MULTI_ACCOUNT),
        ("seed_role_scoped_condition", role_scoped("condition")),
        ("seed_role_scoped_arn", role_scoped("arn")),
    ],
)
def test_seed_repository_policies_match_golden(name: str, consumers: list[Consumer]) -> None:
    assert repository_policy(consumers, "aws", REGION) == golden(name)


def test_seed_identity_policy_matches_golden() -> None:
    assert identity_policy([REPOSITORY_ARN]) == golden("seed_identity_policy")


def test_output_is_byte_identical_whatever_the_input_order() -> None:
    consumers: list[Consumer] = [
        *role_scoped("condition"),
        *MULTI_ACCOUNT,
        OrganizationConsumer(organization_id="o-a1b2c3d4e5"),
    ]
    texts = {
        repository_policy_json(order, "aws", REGION, "r")
        for order in (consumers, list(reversed(consumers)), consumers[1:] + consumers[:1])
    }
    assert len(texts) == 1


def test_repository_policies_never_carry_resource_token_or_wildcard_actions() -> None:
    consumers: list[Consumer] = [
        *MULTI_ACCOUNT,
        *role_scoped("condition"),
        *role_scoped("arn"),
        OrganizationConsumer(organization_id="o-a1b2c3d4e5", access="push", allow_push=True),
        OrganizationConsumer(organization_id="o-a1b2c3d4e5", ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"]),
        LambdaConsumer(account_id="444444444444", deployer_role_names=["deployer"]),
        LambdaConsumer(account_id="555555555555", allow_account_root=True, description="legacy deploy users"),
    ]
    document = repository_policy(consumers, "aws", REGION)
    assert document is not None
    for statement in document["Statement"]:
        assert "Resource" not in statement
        assert AUTHORIZATION_TOKEN not in statement["Action"]
        assert not any("*" in action for action in statement["Action"])
    sids = [s["Sid"] for s in document["Statement"]]
    assert sids == [
        "PullAccounts",
        "PullRoles",
        "PullRoleArns",
        "PullOrganizationPaths",
        "PullLambdaService",
        "PullLambdaDeployers",
        "PullLambdaAccounts",
        "PushOrganizations",
    ]


def test_each_consumer_kind_renders_as_designed() -> None:
    org = repository_policy([OrganizationConsumer(organization_id="o-a1b2c3d4e5")], "aws", REGION)
    assert org == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PullOrganizations",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(PULL_ACTIONS),
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            }
        ],
    }
    paths = repository_policy(
        [OrganizationConsumer(organization_id="o-a1b2c3d4e5", ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"])],
        "aws",
        REGION,
    )
    assert paths is not None
    assert paths["Statement"][0]["Condition"] == {
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}
    }
    fn = repository_policy(
        [LambdaConsumer(account_id="444444444444", deployer_role_names=["deployer"])], "aws-cn", "cn-north-1"
    )
    assert fn is not None
    service, deployers = fn["Statement"]
    assert service["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert service["Condition"] == {
        "StringLike": {"aws:sourceArn": "arn:aws-cn:lambda:cn-north-1:444444444444:function:*"}
    }
    assert deployers["Principal"] == {"AWS": "arn:aws-cn:iam::444444444444:root"}
    assert deployers["Condition"] == {"ArnEquals": {"aws:PrincipalArn": "arn:aws-cn:iam::444444444444:role/deployer"}}
    push = repository_policy([AccountConsumer(account_id="555555555555", access="push")], "aws", REGION)
    assert push is not None
    assert push["Statement"][0]["Action"] == list(PUSH_ACTIONS)


def test_role_paths_are_part_of_the_principal_arn() -> None:
    doc = repository_policy(
        [RoleConsumer(account_id="111111111111", role_names=["r"], role_path="/svc/")], "aws", REGION
    )
    assert doc is not None
    assert doc["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == "arn:aws:iam::111111111111:role/svc/r"


def test_no_consumers_no_policy() -> None:
    assert repository_policy([], "aws", REGION) is None
    assert repository_policy_json([], "aws", REGION, "r") is None


def test_a_policy_over_ecr_limit_is_refused_with_the_quota_named() -> None:
    many = [RoleConsumer(account_id=f"{i:012d}", role_names=[f"role-{i}"], principal_form="arn") for i in range(300)]
    with pytest.raises(PolicySizeError) as caught:
        repository_policy_json(many, "aws", REGION, "payment-service")
    error = caught.value
    assert error.limit == 10_240 and error.size > 10_240
    assert error.quota == "ECR repository policy"
    assert str(error).startswith("the repository policy of 'payment-service' is ")
    assert "Fix: grant an organization or OU instead of many accounts" in str(error)


def test_a_policy_just_under_the_limit_is_accepted() -> None:
    consumers = []
    for i in range(400):
        consumers.append(AccountConsumer(account_id=f"{i:012d}"))
        document = repository_policy(consumers, "aws", REGION)
        assert document is not None
        if len(to_json(document)) > REPOSITORY_POLICY.limit:
            consumers.pop()
            break
    text = repository_policy_json(consumers, "aws", REGION, "r")
    assert text is not None and len(text) <= REPOSITORY_POLICY.limit
    assert len(text) > REPOSITORY_POLICY.limit - 40  # the next account would not fit


def test_iam_does_not_count_whitespace() -> None:
    pretty = json.dumps({"a": ["b c", "d"]}, indent=4)
    assert measure(pretty, TRUST_POLICY) == len('{"a":["b c","d"]}')
    assert measure(pretty, REPOSITORY_POLICY) == len(pretty)
    with pytest.raises(PolicySizeError, match="IAM role trust policy limit of 2048"):
        check_size({"x": "y" * 3000}, TRUST_POLICY, "trust", "shorten")


def test_identity_policy_scopes_exactly_the_repositories() -> None:
    arns = ["arn:aws:ecr:us-east-1:987654321098:repository/b", "arn:aws:ecr:us-east-1:987654321098:repository/a"]
    document = identity_policy(arns, "push")
    token, images = document["Statement"]
    assert token == {"Sid": "GetAuthorizationToken", "Effect": "Allow", "Action": AUTHORIZATION_TOKEN, "Resource": "*"}
    assert images["Resource"] == sorted(arns)
    assert images["Action"] == list(PUSH_ACTIONS)
    with pytest.raises(ValueError, match="at least one repository"):
        identity_policy([])


def test_logs_policy_is_scoped_to_the_log_groups() -> None:
    document = logs_policy("aws", "us-east-1", "123456789012", ["/ecs/a"])
    assert document["Statement"][0]["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/a:*"
    assert document["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


def test_grants_name_every_principal_the_policy_lets_in() -> None:
    from ecr_shared_services.policy.grants import grants_json
    from ecr_shared_services.spec.registry import SharedRegistryArgs

    consumer = {"kind": "lambda", "account_id": "444444444444", "deployer_role_names": ["deployer"]}
    args = SharedRegistryArgs.parse({"region": REGION, "repositories": [{"name": "fn-image", "consumers": [consumer]}]})
    [grant] = grants_json(args)["fn-image"]
    # The service (at run time) and the deployer role (at create or update); not the account.
    assert grant["principals"] == ["lambda.amazonaws.com", "arn:aws:iam::444444444444:role/deployer"]
    assert grant["allow_account_root"] is False
    document = repository_policy(args.repositories[0].consumers, "aws", REGION)
    assert document is not None
    assert [(s["Principal"], s.get("Condition", {}).get("ArnEquals")) for s in document["Statement"]] == [
        ({"Service": "lambda.amazonaws.com"}, None),
        ({"AWS": "arn:aws:iam::444444444444:root"}, {"aws:PrincipalArn": "arn:aws:iam::444444444444:role/deployer"}),
    ]
    # The opt-in grants the account root, and the grant shows it with the reason given.
    opted = {"kind": "lambda", "account_id": "444444444444", "allow_account_root": True, "description": "why"}
    args = SharedRegistryArgs.parse({"region": REGION, "repositories": [{"name": "fn-image", "consumers": [opted]}]})
    [grant] = grants_json(args)["fn-image"]
    assert grant["principals"] == ["lambda.amazonaws.com", "arn:aws:iam::444444444444:root"]
    assert (grant["allow_account_root"], grant["description"]) == (True, "why")
