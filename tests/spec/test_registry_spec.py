"""SharedRegistryArgs: whole-registry rules, defaults and overrides, and one error listing every problem."""

from typing import Any

import pytest

from ecr_shared_services.errors import SpecError
from ecr_shared_services.spec.registry import SharedRegistryArgs

ROLE = {"kind": "role", "account_id": "123456789012", "role_names": ["ecsTaskExecutionRole"]}
LAMBDA = {"kind": "lambda", "account_id": "123456789012", "deployer_role_names": ["deployer"]}
KEY_ARN = "arn:aws:kms:us-east-1:987654321098:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def registry(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"region": "us-east-1", "repositories": [{"name": "payment-service", "consumers": [ROLE]}]}
    data.update(overrides)
    return data


def test_safe_defaults() -> None:
    args = SharedRegistryArgs.parse(registry())
    settings = args.repositories[0].settings(args.defaults)
    assert settings.image_tag_mutability == "IMMUTABLE"
    assert settings.scan_on_push is True
    assert settings.encryption == "AES256"
    assert settings.force_delete is False
    assert settings.retain_on_delete is True
    assert settings.lifecycle is not None
    # Untagged images expire; tagged ones (what a service may roll back to) are never expired by default.
    lifecycle = settings.lifecycle
    assert (lifecycle.expire_untagged_after_days, lifecycle.keep_last_tagged, lifecycle.expire_tagged_after_days) == (
        14,
        None,
        None,
    )
    assert settings.protect is False
    assert args.partition_name == "aws"


def test_repository_overrides_win_and_tags_merge() -> None:
    args = SharedRegistryArgs.parse(
        registry(
            defaults={"scan_on_push": False, "tags": {"owner": "platform", "tier": "1"}},
            repositories=[
                {
                    "name": "payment-service",
                    "consumers": [ROLE],
                    "scan_on_push": True,
                    "tags": {"tier": "0"},
                    "lifecycle": None,
                }
            ],
        )
    )
    settings = args.repositories[0].settings(args.defaults)
    assert settings.scan_on_push is True
    assert settings.tags == {"owner": "platform", "tier": "0"}
    assert settings.lifecycle is None


def test_every_violation_is_listed_in_one_error() -> None:
    data = registry(
        partition="aws-cn",
        repositories=[
            {"name": "payment-service", "consumers": [ROLE]},
            {"name": "payment-service", "consumers": [ROLE]},
            {"name": "Bad_Name", "consumers": [{"kind": "account", "account_id": "42"}]},
            {"name": "lonely"},
            {"name": "keyed", "consumers": [ROLE], "encryption": "KMS", "kms_key": "alias/images"},
            {"name": "fn", "consumers": [{**LAMBDA, "region": "eu-west-1"}]},
        ],
    )
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(data)
    found = [(v.field, v.code) for v in caught.value.violations]
    # Field rules first (from pydantic), then whole-registry rules; each names its place.
    assert found == [("repositories[2].name", "ESS103"), ("repositories[2].consumers[0].account_id", "ESS101")]
    # Once the fields are fixed, the registry-wide rules report everything else at once.
    data["repositories"][2] = {"name": "bad-name", "consumers": [{"kind": "account", "account_id": "042000000000"}]}
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(data)
    assert [(v.field, v.code) for v in caught.value.violations] == [
        ("partition", "ESS109"),
        ("repositories[1].name", "ESS202"),
        ("repositories[3].consumers", "ESS204"),
        ("repositories[4].kms_key", "ESS118"),
        ("repositories[5].consumers[0].region", "ESS205"),
    ]
    # The message lists every violation on its own line, each with code, field, value, rule and fix.
    lines = str(caught.value).splitlines()
    assert lines[0] == "SharedRegistryArgs: 5 invalid values:"
    assert lines[2] == (
        "  - ESS202 repositories[1].name = 'payment-service': duplicate repository name (also repositories[0]). "
        "Fix: give each repository a unique name, or merge the two entries"
    )
    assert lines[5] == (
        "  - ESS205 repositories[5].consumers[0].region = 'eu-west-1': Lambda pulls images only from its own "
        "region; this registry is in us-east-1. Fix: replicate the repository to eu-west-1, or deploy the "
        "functions in us-east-1"
    )


def test_registry_wide_consumers_satisfy_every_repository() -> None:
    args = SharedRegistryArgs.parse(registry(consumers=[ROLE], repositories=[{"name": "a1"}, {"name": "b1"}]))
    assert [r.name for r in args.repositories] == ["a1", "b1"]


def test_private_repositories_take_no_consumers() -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(repositories=[{"name": "x1", "private": True, "consumers": [ROLE]}]))
    assert [(v.field, v.code) for v in caught.value.violations] == [("repositories[0].consumers", "ESS203")]
    args = SharedRegistryArgs.parse(registry(consumers=[ROLE], repositories=[{"name": "x1", "private": True}]))
    assert args.repositories[0].private


def test_push_by_organization_needs_opt_in() -> None:
    org = {"kind": "organization", "organization_id": "o-a1b2c3d4e5", "access": "push"}
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[org]))
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].access", "ESS306")]
    SharedRegistryArgs.parse(registry(consumers=[{**org, "allow_push": True}]))


def test_lambda_consumers_cannot_push() -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(
            registry(consumers=[{"kind": "lambda", "account_id": "123456789012", "access": "push"}])
        )
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].access", "ESS004")]


def test_unknown_consumer_kind_and_unknown_fields() -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[{"kind": "everyone"}], colour="blue"))
    by_field = {v.field: v for v in caught.value.violations}
    assert by_field["consumers[0]"].code == "ESS004"
    assert by_field["consumers[0]"].fix == "set `kind` to one of: account, role, organization, lambda"
    assert by_field["colour"].code == "ESS002"
    # Nothing is close to `colour`, so the fix lists the fields that exist here.
    assert by_field["colour"].fix == (
        "remove it; the fields here are: account_id, consumers, defaults, encoding, partition, region, repositories"
    )


def test_a_consumer_without_kind_says_which_kinds_exist() -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[{"account_id": "123456789012"}]))
    assert caught.value.violations[0].fix == "set `kind` to one of: account, role, organization, lambda"


def test_there_is_no_way_to_write_a_public_principal() -> None:
    # Principal * exists only as the organization consumer's rendering; every other field refuses it.
    for consumer in (
        {"kind": "account", "account_id": "*"},
        {"kind": "role", "account_id": "*", "role_names": ["x"]},
        {"kind": "role", "account_id": "123456789012", "role_names": ["*"]},
        {"kind": "lambda", "account_id": "*"},
        {"kind": "organization", "organization_id": "*"},
    ):
        with pytest.raises(SpecError):
            SharedRegistryArgs.parse(registry(consumers=[consumer]))


@pytest.mark.parametrize(
    ("settings", "field", "code"),
    [
        ({"encryption": "AES256", "kms_key": KEY_ARN}, "kms_key", "ESS207"),
        ({"encryption": "KMS", "kms_key": "not-a-key"}, "kms_key", "ESS113"),
        ({"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"}, "tag_mutability_exclusions", "ESS208"),
        ({"tag_mutability_exclusions": ["latest"]}, "tag_mutability_exclusions", "ESS209"),
        (
            {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION", "tag_mutability_exclusions": ["rc 1"]},
            "tag_mutability_exclusions",
            "ESS116",
        ),
        ({"image_tag_mutability": "SOMETIMES"}, "image_tag_mutability", "ESS004"),
        ({"scan_on_push": "often"}, "scan_on_push", "ESS003"),
        ({"lifecycle": {"raw": {"rule": []}}}, "lifecycle.raw", "ESS211"),
        (
            {"lifecycle": {"expire_untagged_after_days": None}},
            "lifecycle.expire_untagged_after_days",
            "ESS212",
        ),
    ],
)
def test_repository_setting_rules(settings: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(repositories=[{"name": "r1", "consumers": [ROLE], **settings}]))
    assert [(v.field, v.code) for v in caught.value.violations] == [(f"repositories[0].{field}", code)]


def test_lifecycle_knobs_or_raw_not_both() -> None:
    with pytest.raises(SpecError, match="`raw` replaces the knobs") as caught:
        SharedRegistryArgs.parse(registry(defaults={"lifecycle": {"keep_last_tagged": 5, "raw": {"rules": []}}}))
    assert [(v.field, v.code) for v in caught.value.violations] == [("defaults.lifecycle.raw", "ESS210")]
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(defaults={"lifecycle": {"keep_last_tagged": 0}}))
    assert [(v.field, v.code) for v in caught.value.violations] == [("defaults.lifecycle.keep_last_tagged", "ESS005")]


def test_partition_follows_the_region() -> None:
    assert SharedRegistryArgs.parse(registry(region="cn-north-1")).partition_name == "aws-cn"
    assert SharedRegistryArgs.parse(registry(region="us-gov-west-1")).partition_name == "aws-us-gov"


def test_role_consumers_by_arn() -> None:
    arn = "arn:aws:iam::123456789012:role/svc/app"
    args = SharedRegistryArgs.parse(registry(consumers=[{"kind": "role", "role_arns": [arn]}]))
    assert args.consumers[0].principals("aws") == [("123456789012", arn)]
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(
            registry(consumers=[{"kind": "role", "role_arns": [arn], "account_id": "123456789012"}])
        )
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].role_arns", "ESS301")]
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[{"kind": "role", "role_names": ["app"]}]))
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].account_id", "ESS303")]
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[{"kind": "role", "account_id": "123456789012"}]))
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].role_names", "ESS302")]
    with pytest.raises(SpecError) as caught:
        SharedRegistryArgs.parse(registry(consumers=[{"kind": "role", "role_arns": [arn, arn]}]))
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].role_arns", "ESS304")]


def test_deferred_role_arns_are_replaced_in_order_and_checked() -> None:
    first, second = object(), object()  # stand for pulumi Outputs
    args = SharedRegistryArgs.parse(
        registry(
            consumers=[{"kind": "role", "role_arns": [first]}],
            repositories=[
                {"name": "a1", "scan_on_push": False, "consumers": [{"kind": "role", "role_arns": [second]}]}
            ],
        )
    )
    assert args.deferred_role_arns() == [first, second]
    resolved = args.with_role_arns(["arn:aws:iam::111111111111:role/a", "arn:aws:iam::222222222222:role/b"])
    assert resolved.deferred_role_arns() == []
    assert resolved.consumers[0].role_arns == ["arn:aws:iam::111111111111:role/a"]
    assert resolved.repositories[0].consumers[0].role_arns == ["arn:aws:iam::222222222222:role/b"]
    # Overrides stay overrides: the repository still sets only what it set.
    assert resolved.repositories[0].model_fields_set == {"name", "scan_on_push", "consumers"}
    with pytest.raises(SpecError, match="is not a role ARN") as caught:
        args.with_role_arns(["arn:aws:iam::111111111111:user/a", "arn:aws:iam::222222222222:role/b"])
    assert [(v.field, v.code) for v in caught.value.violations] == [("consumers[0].role_arns[0]", "ESS110")]
