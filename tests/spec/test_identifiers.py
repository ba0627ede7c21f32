"""Identifier rules: account IDs, regions, repository and role names, organization IDs and paths."""

import pytest

from ecr_shared_services.errors import SpecError
from ecr_shared_services.spec.consumers import AccountConsumer, OrganizationConsumer, RoleConsumer


@pytest.mark.parametrize("account", ["123456789012", "012345678901"])
def test_account_ids_of_twelve_digits_are_accepted(account: str) -> None:
    assert AccountConsumer(account_id=account).account_id == account


@pytest.mark.parametrize(
    "account", ["12345678901", "1234567890123", "12345678901a", "*", "", "arn:aws:iam::123456789012:root"]
)
def test_other_account_ids_are_rejected_with_rule_and_fix(account: str) -> None:
    with pytest.raises(SpecError) as caught:
        AccountConsumer(account_id=account)
    assert str(caught.value) == (
        "AccountConsumer: 1 invalid value:\n"
        f"  - ESS101 account_id = {account!r}: an AWS account ID is exactly 12 digits, written as a string. "
        'Fix: give all 12 digits as a quoted string, for example "012345678901" '
        "(unquoted in YAML, leading zeros are lost)"
    )


def test_an_unquoted_account_id_is_rejected_not_coerced() -> None:
    with pytest.raises(SpecError) as caught:
        AccountConsumer.parse({"account_id": 123456789012})
    violation = caught.value.violations[0]
    assert (violation.field, violation.value, violation.code) == ("account_id", 123456789012, "ESS003")
    assert violation.fix == "write it as a quoted string"


@pytest.mark.parametrize("name", ["ecsTaskExecutionRole", "a", "role+=,.@_-x", "r" * 64])
def test_valid_role_names(name: str) -> None:
    assert RoleConsumer(account_id="123456789012", role_names=[name]).role_names == [name]


@pytest.mark.parametrize("name", ["*", "role*", "r" * 65, "with space", "", "role/path"])
def test_invalid_role_names_name_the_rule(name: str) -> None:
    with pytest.raises(SpecError) as caught:
        RoleConsumer(account_id="123456789012", role_names=[name])
    assert [(v.field, v.code) for v in caught.value.violations] == [("role_names[0]", "ESS104")]


@pytest.mark.parametrize("org", ["o-a1b2c3d4e5", "o-" + "a" * 32])
def test_valid_organization_ids(org: str) -> None:
    assert OrganizationConsumer(organization_id=org).organization_id == org


@pytest.mark.parametrize("org", ["o-short", "o-" + "a" * 33, "O-A1B2C3D4E5", "a1b2c3d4e5", "o-*"])
def test_invalid_organization_ids(org: str) -> None:
    with pytest.raises(SpecError) as caught:
        OrganizationConsumer(organization_id=org)
    assert [(v.field, v.code) for v in caught.value.violations] == [("organization_id", "ESS106")]


def test_ou_paths_must_be_inside_the_organization_and_well_formed() -> None:
    with pytest.raises(SpecError) as caught:
        OrganizationConsumer(
            organization_id="o-a1b2c3d4e5",
            ou_paths=["o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111"],
        )
    fields = [(v.field, v.code) for v in caught.value.violations]
    # The second path lacks its trailing slash: a field rule, reported even though the model rule fails too.
    assert fields == [("ou_paths[1]", "ESS107")]


def test_ou_path_in_another_organization() -> None:
    with pytest.raises(SpecError) as caught:
        OrganizationConsumer(organization_id="o-a1b2c3d4e5", ou_paths=["o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/"])
    [violation] = caught.value.violations
    assert (violation.field, violation.code) == ("ou_paths", "ESS305")
    assert violation.rule == "the path is not inside organization o-a1b2c3d4e5"
