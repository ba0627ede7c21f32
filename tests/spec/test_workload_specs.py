"""The rules for naming the identity that really pulls: Lambda deployers, trusts per workload, existing
roles, KMS keys by ARN, and the data-safety settings. One test per new error, asserting its code."""

from typing import Any

import pytest

from ecr_shared_services.errors import SpecError
from ecr_shared_services.spec.application import ApplicationStackSpec
from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs, TrustSpec
from ecr_shared_services.spec.registry import SharedRegistryArgs

APP = "210987654321"
ARN = "arn:aws:ecr:us-east-1:987654321098:repository/checkout-api"
KEY = "arn:aws:kms:us-east-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = {"kind": "role", "account_id": APP, "role_names": ["ecsTaskExecutionRole"]}


def registry(*consumers: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"region": "us-east-1", "repositories": [{"name": "checkout-api", "consumers": list(consumers), **settings}]}


def codes(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(data)
    return [(v.field, v.code) for v in caught.value.violations]


def lam(**fields: Any) -> dict[str, Any]:
    return {"kind": "lambda", "account_id": APP, **fields}


def test_a_lambda_consumer_without_deployers_says_what_to_add() -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(lam()))
    [violation] = caught.value.violations
    assert (violation.field, violation.code) == ("repositories[0].consumers[0].deployer_role_names", "ESS307")
    assert "add deployer_role_names" in violation.fix and "allow_account_root: true" in violation.fix


@pytest.mark.parametrize(
    ("consumer", "field", "code"),
    [
        (lam(deployer_role_arns=["arn:aws:iam::123456789012:role/deployer"]), "deployer_role_arns[0]", "ESS308"),
        (lam(allow_account_root=True), "description", "ESS309"),
        (
            lam(deployer_role_names=["d"], deployer_role_arns=[f"arn:aws:iam::{APP}:role/d"]),
            "deployer_role_arns",
            "ESS301",
        ),
        (lam(deployer_role_names=["d", "d"]), "deployer_role_names", "ESS304"),
        (lam(deployer_role_arns=[f"arn:aws:iam::{APP}:user/d"]), "deployer_role_arns[0]", "ESS110"),
        (lam(deployer_role_names=["d*"]), "deployer_role_names[0]", "ESS104"),
    ],
)
def test_lambda_deployer_rules(consumer: dict[str, Any], field: str, code: str) -> None:
    assert codes(registry(consumer)) == [(f"repositories[0].consumers[0].{field}", code)]


def test_the_account_root_opt_in_with_its_reason_is_accepted() -> None:
    args = SharedRegistryArgs.parse(registry(lam(allow_account_root=True, description="legacy deploy users")))
    consumer = args.repositories[0].consumers[0]
    assert consumer.kind == "lambda" and consumer.allow_account_root


def test_deployer_arns_from_other_resources_meet_the_same_rules_when_they_resolve() -> None:
    class Later:
        """Stands for a pulumi Output: not a string, so it is checked when it resolves."""

    args = SharedRegistryArgs.parse(registry(lam(deployer_role_arns=[Later()])))
    assert len(args.deferred_role_arns()) == 1
    resolved = args.with_role_arns([f"arn:aws:iam::{APP}:role/deployer"])
    assert resolved.repositories[0].consumers[0].deployer_role_arns == [f"arn:aws:iam::{APP}:role/deployer"]
    with pytest.raises(SpecError) as caught:
        args.with_role_arns(["arn:aws:iam::123456789012:role/deployer"])
    assert caught.value.violations[0].code == "ESS308"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("alias/images", "ESS118"),
        ("arn:aws:kms:us-east-1:987654321098:alias/images", "ESS118"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "ESS118"),
        ("arn:aws:kms:us-east-1:987654321098:key/not-a-key-id", "ESS113"),
        ("arn:aws:kms:eu-west-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab", "ESS213"),
    ],
)
def test_a_kms_key_must_be_its_arn_in_the_registry_region(key: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(ROLE, encryption="KMS", kms_key=key))
    [violation] = caught.value.violations
    assert (violation.field, violation.code) == ("repositories[0].kms_key", code)
    if code == "ESS118":
        assert "every update would replace the repository" in violation.rule


def test_kms_without_a_key_and_multi_region_keys_are_accepted() -> None:
    SharedRegistryArgs.parse(registry(ROLE, encryption="KMS"))
    SharedRegistryArgs.parse(registry(ROLE, encryption="KMS", kms_key=KEY))
    mrk = "arn:aws:kms:us-east-1:987654321098:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    SharedRegistryArgs.parse(registry(ROLE, encryption="KMS", kms_key=mrk))


def test_protect_is_a_default_and_a_per_repository_setting() -> None:
    args = SharedRegistryArgs.parse(
        {
            "region": "us-east-1",
            "defaults": {"protect": True},
            "consumers": [ROLE],
            "repositories": [{"name": "a1"}, {"name": "b1", "protect": False}],
        }
    )
    assert [r.settings(args.defaults).protect for r in args.repositories] == [True, False]


def test_tagged_images_expire_only_when_asked() -> None:
    args = SharedRegistryArgs.parse(registry(ROLE, lifecycle={"expire_tagged_after_days": 365}))
    lifecycle = args.repositories[0].settings(args.defaults).lifecycle
    assert lifecycle is not None
    assert (lifecycle.expire_untagged_after_days, lifecycle.expire_tagged_after_days) == (14, 365)


def role(**trust: Any) -> dict[str, Any]:
    return {"role_name": "r", "repository_arns": [ARN], "trust": trust}


@pytest.mark.parametrize(
    ("trust", "field", "code"),
    [
        ({"service": "lambda"}, "trust.service", "ESS409"),
        ({"service": "github-oidc"}, "trust.github_subjects", "ESS410"),
        ({"service": "github-oidc", "github_subjects": ["*"]}, "trust.github_subjects[0]", "ESS411"),
        ({"service": "github-oidc", "github_subjects": ["repo:*"]}, "trust.github_subjects[0]", "ESS411"),
        ({"service": "github-oidc", "github_subjects": ["repo:acme/*"]}, "trust.github_subjects[0]", "ESS411"),
        ({"service": "github-oidc", "github_subjects": ["repo:acme/*:ref:x"]}, "trust.github_subjects[0]", "ESS411"),
        ({"service": "ecs-tasks", "github_subjects": ["repo:a/b:*"]}, "trust.github_subjects", "ESS412"),
        ({"service": "eks-node", "cluster_name": "prod"}, "trust.cluster_name", "ESS412"),
        ({"service": "eks-fargate", "cluster_name": "prod"}, "trust.cluster_region", "ESS413"),
        (
            {"service": "eks-fargate", "cluster_name": "-prod", "cluster_region": "us-east-1"},
            "trust.cluster_name",
            "ESS117",
        ),
    ],
)
def test_trust_rules(trust: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        PullerRoleArgs.parse(role(**trust))
    assert [(v.field, v.code) for v in caught.value.violations] == [(field, code)]


def test_github_subjects_name_one_repository_each() -> None:
    subjects = ["repo:acme/payments:ref:refs/heads/main", "repo:acme/payments:environment:prod", "repo:acme/x.y:*"]
    assert PullerRoleArgs.parse(role(service="github-oidc", github_subjects=subjects)).trust.github_subjects == subjects


def test_pod_roles_say_that_nodes_pull_the_pods_images() -> None:
    description = TrustSpec.model_fields["service"].description or ""
    assert "a pod's own images are pulled by the node role" in description


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"role": "bad*name"}, "role", "ESS104"),
        ({"role": "arn:aws:iam::123456789012:user/u"}, "role", "ESS110"),
        ({"role": "r", "policy_name": "has space"}, "policy_name", "ESS009"),
        ({"role": "r", "attach_as": "attached"}, "attach_as", "ESS004"),
        ({"role": "r", "trust": {"service": "ec2"}}, "trust", "ESS002"),
        ({"role": f"arn:aws:iam::{APP}:role/r", "account_id": "123456789012"}, "role", "ESS415"),
    ],
)
def test_existing_role_rules(data: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        PullerPolicyArgs.parse({"repository_arns": [ARN], **data})
    assert [(v.field, v.code) for v in caught.value.violations] == [(field, code)]


def test_an_existing_role_by_name_or_arn() -> None:
    assert PullerPolicyArgs.parse({"role": "ecsTaskExecutionRole", "repository_arns": [ARN]}).attach_as == "inline"
    by_arn = PullerPolicyArgs.parse({"role": f"arn:aws:iam::{APP}:role/ops/deployer", "repository_arns": [ARN]})
    assert by_arn.role == f"arn:aws:iam::{APP}:role/ops/deployer"


def app(role_config: dict[str, Any]) -> dict[str, Any]:
    return {
        "account_id": APP,
        "registry_stack": "acme/ecr-shared-services/registry",
        "repositories": ["checkout-api"],
        "role": role_config,
    }


def test_the_application_stack_chooses_an_existing_role_or_a_new_one() -> None:
    existing = ApplicationStackSpec.parse(app({"existing": True, "role_name": "ecsTaskExecutionRole"}))
    assert existing.existing_role
    spec = existing.role_spec()
    assert isinstance(spec, PullerPolicyArgs) and spec.role == "ecsTaskExecutionRole" and spec.account_id == APP
    created = ApplicationStackSpec.parse(app({"existing": False, "role_name": "r", "trust": {"service": "eks-node"}}))
    assert isinstance(created.role_spec(), PullerRoleArgs)
    assert created.role_identity() == ("r", "/")
    by_arn = ApplicationStackSpec.parse(app({"existing": True, "role_name": f"arn:aws:iam::{APP}:role/ci/deployer"}))
    assert by_arn.role_identity() == ("deployer", "/ci/")


@pytest.mark.parametrize(
    ("role_config", "field", "code"),
    [
        ({"existing": True, "role_name": "r", "trust": {"service": "ec2"}}, "role.trust", "ESS414"),
        ({"existing": True, "role_name": "r", "tags": {"a": "b"}}, "role.tags", "ESS414"),
        ({"existing": "yes", "role_name": "r"}, "role.existing", "ESS003"),
        ({"existing": True}, "role.role_name", "ESS001"),
        ({"existing": True, "role_name": "r*"}, "role.role_name", "ESS104"),
    ],
)
def test_existing_role_config_rules(role_config: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        ApplicationStackSpec.parse(app(role_config))
    assert [(v.field, v.code) for v in caught.value.violations] == [(field, code)]
