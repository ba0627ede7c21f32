"""Clean component-shaped stacks pass every rule; changing one thing trips exactly the rule about it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ecr_guardrails.catalog import RULES
from ecr_guardrails.model import Resource
from ecr_guardrails.resource_types import (
    MANAGED_POLICY,
    PULL_THROUGH_CACHE,
    REGISTRY_SCANNING,
    REPLICATION,
    REPOSITORY_POLICY,
    ROLE_POLICY_ATTACHMENT,
)
from ecr_guardrails.values import UNKNOWN
from guardrail_runner import findings_by_rule
from guardrail_shapes import (
    APP,
    CI,
    ORG,
    PULL,
    PUSH,
    REGION,
    REGISTRY,
    account_pull,
    application_stack,
    ci_push,
    document,
    lifecycle_policy,
    make,
    org_pull,
    pull_policy,
    registry_stack,
    replace_props,
    repo_arn,
    repository,
    repository_policy,
    role,
    role_policy,
    statement,
)

CONFIG: dict[str, dict[str, Any]] = {
    "ecr-no-cross-account-push": {"publisherAccountIds": [CI]},
    "ecr-no-cross-account-admin": {"registryAccountIds": [REGISTRY]},
    "ecr-principals-allowed": {"allowedAccountIds": [APP, CI], "allowedOrganizationIds": [ORG]},
    "ecr-replication-destinations-allowed": {"allowedAccountIds": [REGISTRY, APP]},
    "ecr-pull-through-cache-upstream-allowed": {"allowedUpstreamRegistryUrls": ["public.ecr.aws"]},
}


def test_clean_stacks_pass_every_rule() -> None:
    resources = [*registry_stack(), *application_stack(), repository_policy(ci_push(), repo="payments")]
    assert findings_by_rule(resources, CONFIG) == {}


def _registry(**repo_props: Any) -> list[Resource]:
    return [repository(**repo_props), repository_policy(), lifecycle_policy()]


def _with_policy(*statements: dict[str, Any]) -> list[Resource]:
    return [repository(), repository_policy(*statements), lifecycle_policy()]


def _app(body: dict[str, Any], **role_props: Any) -> list[Resource]:
    return [role(**role_props), role_policy(body=body)]


def _big_repository_policy() -> list[Resource]:
    many = [f"arn:aws:iam::{APP}:role/role-{i:04d}-with-a-fairly-long-name" for i in range(250)]
    st = statement({"AWS": f"arn:aws:iam::{APP}:root"}, PULL, Condition={"ArnEquals": {"aws:PrincipalArn": many}})
    return _with_policy(st)


def _too_many_attachments() -> list[Resource]:
    attachments = [
        make(
            ROLE_POLICY_ATTACHMENT,
            f"att-{i}",
            {"role": "payments-task", "policyArn": f"arn:aws:iam::{APP}:policy/p{i}"},
        )
        for i in range(11)
    ]
    return [*application_stack(), *attachments]


# rule name -> the one change that must trip it (and nothing else that is mandatory)
CASES: dict[str, Callable[[], list[Resource]]] = {
    "ecr-repository-policy-not-public": lambda: _with_policy(statement("*", PULL)),
    "ecr-no-cross-account-push": lambda: _with_policy(statement({"AWS": f"arn:aws:iam::{APP}:root"}, PUSH)),
    "ecr-repository-policy-no-wildcard-actions": lambda: _with_policy(
        statement({"AWS": f"arn:aws:iam::{APP}:root"}, ["ecr:*"])
    ),
    "ecr-repository-policy-accepted-by-ecr": lambda: _with_policy({**account_pull(), "Resource": repo_arn("payments")}),
    "ecr-policy-no-not-principal-or-not-action": lambda: _with_policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{APP}:root"}, "NotAction": ["ecr:DeleteRepository"]}
    ),
    "ecr-service-principal-source-condition": lambda: _with_policy(
        statement({"Service": "lambda.amazonaws.com"}, ["ecr:BatchGetImage"])
    ),
    "ecr-principals-allowed": lambda: _with_policy(statement({"AWS": "arn:aws:iam::444444444444:root"}, PULL)),
    "ecr-tag-immutability": lambda: _registry(imageTagMutability="MUTABLE"),
    "ecr-image-scanning": lambda: _registry(imageScanningConfiguration={"scanOnPush": False}),
    "ecr-lifecycle-policy-present": lambda: [repository(), repository_policy()],
    "ecr-kms-encryption": lambda: _registry(encryptionConfigurations=[{"encryptionType": "AES256"}]),
    "ecr-force-delete-off": lambda: _registry(forceDelete=True),
    "ecr-policy-size": _big_repository_policy,
    "ecr-pull-scoped-to-repositories": lambda: _app(
        document(
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": PULL, "Resource": f"arn:aws:ecr:us-east-1:{APP}:repository/*"},
        )
    ),
    "ecr-puller-has-authorization-token": lambda: _app(
        document(
            {"Effect": "Allow", "Action": PULL, "Resource": repo_arn("payments")},
        )
    ),
    "ecr-authorization-token-on-any-resource": lambda: _app(
        document(
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", *PULL], "Resource": repo_arn("payments")},
        )
    ),
    "ecr-identity-policy-no-wildcard-actions": lambda: _app(
        document(
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": "ecr:*", "Resource": repo_arn("payments")},
        )
    ),
    "iam-trust-not-public": lambda: _app(
        pull_policy(),
        assumeRolePolicy=json.dumps(
            document({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
        ),
    ),
    "iam-trust-service-source-account": lambda: _app(
        pull_policy(),
        assumeRolePolicy=json.dumps(
            document(
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            )
        ),
    ),
    "iam-policy-size": lambda: [
        *application_stack(),
        make(MANAGED_POLICY, "big", {"policy": json.dumps(pull_policy(*[f"repo-{i:04d}" for i in range(120)]))}),
    ],
    "iam-role-policy-quotas": _too_many_attachments,
    "ecr-no-cross-account-admin": lambda: _with_policy(
        statement({"AWS": f"arn:aws:iam::{APP}:root"}, ["ecr:SetRepositoryPolicy"])
    ),
    # IAM element names are case-sensitive: "effect" is not Effect.
    "policy-well-formed": lambda: _with_policy({"effect": "Allow", "Principal": "*", "Action": PULL}),
    "policy-known-at-preview": lambda: [
        repository(),
        make(REPOSITORY_POLICY, "pending-policy", {"repository": "payments", "policy": UNKNOWN}),
        lifecycle_policy(),
    ],
    "ecr-replication-destinations-allowed": lambda: [
        *registry_stack(),
        make(
            REPLICATION,
            "replication",
            {"replicationConfiguration": {"rules": [{"destinations": [{"region": REGION, "registryId": CI}]}]}},
        ),
    ],
    "ecr-pull-through-cache-upstream-allowed": lambda: [
        *registry_stack(),
        make(PULL_THROUGH_CACHE, "hub", {"ecrRepositoryPrefix": "hub", "upstreamRegistryUrl": "registry-1.docker.io"}),
    ],
    "ecr-registry-scanning-automatic": lambda: [
        *registry_stack(),
        make(REGISTRY_SCANNING, "scanning", {"scanType": "BASIC", "rules": []}),
    ],
}


def test_every_rule_has_a_one_change_case() -> None:
    assert set(CASES) == {r.name for r in RULES}


@pytest.mark.parametrize("rule_name", sorted(CASES))
def test_one_change_trips_its_rule(rule_name: str) -> None:
    found = findings_by_rule(CASES[rule_name](), CONFIG)
    assert rule_name in found, found
    # The change is about this rule: no other rule of the same kind speaks up, except the ones that
    # necessarily see the same fact (listed here with the reason).
    overlaps = {
        # everyone is also outside the configured allowed accounts and organizations
        "ecr-repository-policy-not-public": {"ecr-principals-allowed"},
        # an unlisted account is both a non-publisher and outside the allowed list
        "ecr-no-cross-account-push": {"ecr-principals-allowed"},
        # wildcard ecr:* covers push to a non-publisher and the admin actions
        "ecr-repository-policy-no-wildcard-actions": {"ecr-no-cross-account-push", "ecr-no-cross-account-admin"},
        # Allow + NotAction grants every admin action not listed
        "ecr-policy-no-not-principal-or-not-action": {"ecr-no-cross-account-admin"},
        "ecr-identity-policy-no-wildcard-actions": set(),
        # a big inline policy is also a big role total
        "iam-policy-size": set(),
    }
    others = set(found) - {rule_name} - overlaps.get(rule_name, set())
    assert others == set(), {k: found[k] for k in others}


def test_messages_name_resource_and_fix() -> None:
    for rule_name, build in CASES.items():
        for message, urn in findings_by_rule(build(), CONFIG)[rule_name]:
            assert '"' in message and "Fix:" in message, (rule_name, message)
            assert urn and urn.startswith("urn:pulumi:"), rule_name


def test_registry_scanning_configuration_covers_repositories_without_scan_on_push() -> None:
    scanning = make(
        REGISTRY_SCANNING,
        "scanning",
        {
            "scanType": "ENHANCED",
            "rules": [
                {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}
            ],
        },
    )
    resources = [*_registry(imageScanningConfiguration={"scanOnPush": False}), scanning]
    assert "ecr-image-scanning" not in findings_by_rule(resources, CONFIG)


def test_scanning_rule_that_covers_only_some_repositories() -> None:
    scanning = make(
        REGISTRY_SCANNING,
        "scanning",
        {
            "scanType": "BASIC",
            "rules": [
                {
                    "scanFrequency": "SCAN_ON_PUSH",
                    "repositoryFilters": [{"filter": "team-a/*", "filterType": "WILDCARD"}],
                }
            ],
        },
    )
    covered = repository("team-a/api", imageScanningConfiguration={"scanOnPush": False})
    uncovered = repository("team-b/api", imageScanningConfiguration={"scanOnPush": False})
    resources = [covered, uncovered, lifecycle_policy("team-a/api"), lifecycle_policy("team-b/api"), scanning]
    urns = [urn for _, urn in findings_by_rule(resources, CONFIG)["ecr-image-scanning"]]
    assert urns == [uncovered.urn]


def test_repository_policy_change_alone_never_touches_repository_rules() -> None:
    base = registry_stack()
    changed = [base[0], replace_props(base[1], policy=json.dumps(document(org_pull()))), base[2]]
    assert findings_by_rule(changed, CONFIG) == {}
