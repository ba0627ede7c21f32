"""The capacity benchmark finds the most accounts that fit, within the quota, and the CDK comparison says
plainly when it cannot run instead of printing a figure.

The quota: a repository policy is at most 10,240 characters (Amazon ECR User Guide, "Amazon ECR service
quotas", https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html, "Length of repository
policy"), whitespace counted (policy/sizing.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.cdk_comparison import CDK_DIR, Ours, Synth, cdk_capacity, cdk_lines, most, unavailable
from bench.encodings import COMPACT, FLEETS, PLAIN, SHARED_ROLE, capacity, largest, policy_size
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY


def test_largest_finds_the_last_n_that_fits() -> None:
    assert largest(lambda n: n <= 37, high=100) == 37
    assert largest(lambda n: n <= 37, high=20) == 20
    assert largest(lambda n: n <= 0, high=100) == 0


def test_most_searches_past_its_first_guess() -> None:
    assert most(lambda n: n <= 700) == 700
    assert most(lambda n: n <= 5) == 5


def test_the_largest_fitting_policy_is_within_the_quota_and_one_more_account_is_not() -> None:
    per_account = FLEETS[SHARED_ROLE]
    plain, compact = capacity(per_account, PLAIN), capacity(per_account, COMPACT)
    assert 0 < plain.size <= REPOSITORY_POLICY.limit and 0 < compact.size <= REPOSITORY_POLICY.limit
    assert policy_size(per_account, plain.accounts + 1, PLAIN) is None
    assert policy_size(per_account, compact.accounts + 1, COMPACT) is None
    # Accounts sharing one role name are what the compact encoding is for.
    assert compact.accounts / plain.accounts > 1


def test_a_capacity_below_the_search_bound_is_the_bound() -> None:
    found = capacity(FLEETS["account consumers"], PLAIN, high=3)
    assert found.accounts == 3 and 0 < found.size <= REPOSITORY_POLICY.limit


def fake(size_per_account: int) -> Synth:
    return Synth("0", "v0", 0.0, 0.0, 0.0, 0, (size_per_account,))


def test_cdk_capacity_is_the_most_accounts_whose_policy_is_within_the_quota() -> None:
    calls: list[tuple[int, int, int]] = []

    def synthesize(repositories: int, accounts: int, apps: int) -> Synth:
        calls.append((repositories, accounts, apps))
        return fake(300 * accounts)

    assert cdk_capacity(own_stacks=True, synthesize=synthesize) == REPOSITORY_POLICY.limit // 300
    assert all(r == 1 and a == m for r, m, a in calls)
    calls.clear()
    cdk_capacity(own_stacks=False, synthesize=synthesize)
    assert calls and all(a == 0 for _, _, a in calls)


def test_cdk_is_not_measured_without_its_modules(tmp_path: Path) -> None:
    assert unavailable(tmp_path) == f"aws-cdk-lib is not installed in {tmp_path / 'node_modules'}"
    lines = cdk_lines(Ours(plain=114, compact=660), quick=True, repeat=1, directory=tmp_path)
    text = "\n".join(lines)
    assert "Not measured" in text and "make bench-cdk" in text
    assert not any(line.startswith("|") for line in lines)  # no table, so no figure


def test_cdk_is_not_measured_without_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert unavailable() == "`node` is not on the PATH"
    assert "Not measured: `node` is not on the PATH" in "\n".join(cdk_lines(Ours(0, 0), False, 1))


def test_cdk_versions_are_pinned_exactly() -> None:
    dependencies = json.loads((CDK_DIR / "package.json").read_text())["dependencies"]
    assert set(dependencies) == {"aws-cdk-lib", "constructs"}
    assert all(version[0].isdigit() for version in dependencies.values()), dependencies


def test_a_failed_cdk_synth_is_an_error_not_a_capacity() -> None:
    def synthesize(repositories: int, accounts: int, apps: int) -> Synth:
        return Synth("0", "v0", 0.0, 0.0, 0.0, 0, (), error="Validation failed")

    with pytest.raises(RuntimeError, match="Validation failed"):
        cdk_capacity(own_stacks=True, synthesize=synthesize)
