"""Proof of faithfulness: over random fleets, every encoding of a repository policy gives the evaluator the
same verdict as the plain form, for every principal of the fleet and for principals outside it.

The encodings rest on these AWS rules, which the evaluator models (see access/conditions.py and
access/context.py):
- "AWS global condition context keys" (IAM User Guide,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
  aws:PrincipalAccount is the caller's account; aws:PrincipalArn is the role ARN (path included) for a role
  and for its sessions; neither is in the request of an AWS service principal.
- "Creating a condition with multiple context keys or values"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
  keys are ANDed, the values of one key ORed.
- "Policy evaluation logic" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
  within one account, a resource policy naming the account root delegates to that account's IAM, while a
  grant to `*` needs no identity policy; across accounts both sides must allow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_shared_services.access import Policies, RequestContext, evaluate_access, parse_caller
from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.policy.encodings import compact, renderings
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy, repository_policy_json
from ecr_shared_services.policy.sizing import REPOSITORY_POLICY
from ecr_shared_services.spec.consumers import AccountConsumer, Consumer, OrganizationConsumer, RoleConsumer

REGISTRY = "999999999999"
REPOSITORY = RepositoryRef("aws", "us-east-1", REGISTRY, "payments")
OUTSIDER = "444444444444"
ACCOUNTS = ("111111111111", "222222222222", "333333333333", "555555555555", REGISTRY)
NAMES = ("ecsTaskExecutionRole", "node", "ci")
PATHS = ("/", "/service-role/")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Fleet:
    consumers: list[Consumer]
    registry_account: str | None


@st.composite
def fleets(draw: st.DrawFn) -> Fleet:
    """Role and account consumers over a small pool of accounts, names and paths, so that they overlap."""
    consumers: list[Consumer] = []
    for account in draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=6, unique=True)):
        for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=2, unique=True)):
            names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
            access: AccessLevel = draw(st.sampled_from(["pull", "pull", "push"]))
            consumers.append(RoleConsumer(account_id=account, role_names=names, role_path=path, access=access))
    for account in draw(st.lists(st.sampled_from(ACCOUNTS), max_size=4, unique=True)):
        consumers.append(AccountConsumer(account_id=account, access=draw(st.sampled_from(["pull", "push"]))))
    if draw(st.booleans()):
        consumers.append(OrganizationConsumer(organization_id="o-a1b2c3d4e5"))
    # The registry account: unknown, outside the fleet, or (when drawn above) one of its consumers.
    return Fleet(consumers, draw(st.sampled_from([None, REGISTRY])))


def _principals() -> list[tuple[str, str | None]]:
    """(principal ARN, role path for a session) for every account of the pool and one outside it: the
    root, every role name in every path and a session of each (path known and unknown), and a role of a
    name and path no consumer uses."""
    found: list[tuple[str, str | None]] = []
    for account in (*ACCOUNTS, OUTSIDER):
        found.append((f"arn:aws:iam::{account}:root", None))
        found.append((role_arn("aws", account, "stranger"), None))
        found.append((role_arn("aws", account, NAMES[0], "/other/"), None))
        for name in NAMES:
            session = f"arn:aws:sts::{account}:assumed-role/{name}/s1"
            found += [(session, None), (session, PATHS[1])]
            found += [(role_arn("aws", account, name, path), None) for path in PATHS]
    return found


PRINCIPALS = _principals()
# Every caller is in another organization than the one consumer organization a fleet may hold, so that the
# organization statement refuses them rather than leaving every verdict unknown.
ANOTHER_ORGANIZATION = RequestContext(org_id="o-z9y8x7w6v5", org_paths=("o-z9y8x7w6v5/r-ab12/",))


def _verdicts(document: dict[str, Any], access: AccessLevel) -> list[str]:
    out: list[str] = []
    allow = identity_policy([REPOSITORY.arn], access)
    for principal, path in PRINCIPALS:
        caller = parse_caller(principal, role_path=path)
        # In the registry's own account the identity side matters too: ask with and without it.
        for identity in [[allow], []] if caller.account_id == REGISTRY else [[allow]]:
            policies = Policies(identity=identity, repository=document)
            report = evaluate_access(caller, REPOSITORY, policies, context=ANOTHER_ORGANIZATION, access=access)
            out.append(report.decision)
    return out


ACCESS = st.sampled_from(["pull", "push"])


@SETTINGS
@given(fleets(), ACCESS)
def test_every_encoding_grants_exactly_what_the_plain_form_grants(fleet: Fleet, access: AccessLevel) -> None:
    plain = repository_policy(fleet.consumers, "aws", REPOSITORY.region)
    assert plain is not None
    assert _verdicts(compact(plain, fleet.registry_account), access) == _verdicts(plain, access)
    for encoding in ("auto", "plain", "compact"):
        text = repository_policy_json(
            fleet.consumers, "aws", REPOSITORY.region, "payments", encoding, fleet.registry_account
        )
        assert text is not None and len(text) <= REPOSITORY_POLICY.limit


@settings(SETTINGS, max_examples=15)
@given(fleets(), ACCESS)
def test_every_grouping_considered_is_exact_too(fleet: Fleet, access: AccessLevel) -> None:
    """Not only the rendering chosen: each candidate for an account or role statement (all roots, all `*`,
    each grouping) grants what the plain statement grants."""
    plain = repository_policy(fleet.consumers, "aws", REPOSITORY.region)
    assert plain is not None
    expected = _verdicts(plain, access)
    statements = plain["Statement"]
    for index, statement in enumerate(statements):
        if not statement["Sid"].startswith(access.title()):
            continue  # its renderings are checked when its own access level is drawn
        distinct = {json.dumps(r): r for r in renderings(statement, fleet.registry_account)[1:]}
        for rendering in distinct.values():
            variant = {**plain, "Statement": [*statements[:index], *rendering, *statements[index + 1 :]]}
            assert _verdicts(variant, access) == expected


@SETTINGS
@given(fleets())
def test_principal_star_is_written_only_for_accounts_other_than_the_registry(fleet: Fleet) -> None:
    plain = repository_policy(fleet.consumers, "aws", REPOSITORY.region)
    assert plain is not None
    for statement in compact(plain, fleet.registry_account)["Statement"]:
        if statement["Principal"] != {"AWS": "*"} or "aws:PrincipalOrgID" in str(statement):
            continue
        assert fleet.registry_account is not None
        accounts = statement["Condition"]["StringEquals"]["aws:PrincipalAccount"]
        assert isinstance(accounts, list) and fleet.registry_account not in accounts
