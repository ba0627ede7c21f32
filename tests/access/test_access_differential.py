"""A second, independent opinion: principalmapper (PyPI 1.1.5, dev-only) evaluates the same
(caller, repository policy, identity policies) triples, and the two must agree.

The generated grammar is the part both model: Allow/Deny statements with Action/NotAction and
Resource wildcards inside one ARN segment, Principal as an account ID, an account root ARN, a role
ARN or `*`, and String/Arn conditions on keys present in every request (aws:PrincipalAccount,
aws:PrincipalArn, aws:PrincipalOrgID). Boundaries, SCPs, sessions and NotPrincipal stay out.

Where they may disagree, the difference is a documented limit of principalmapper, kept out of the
generated grammar and pinned here instead:
- its wildcards span ARN segments (one regular expression over the whole ARN), while IAM matches
  each colon-separated segment on its own (IAM User Guide, "IAM JSON policy elements: Resource",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html);
- StringNotLike on a key absent from the request is false in principalmapper, while AWS holds a
  negated operator true for an absent key (IAM User Guide, "IAM JSON policy elements: Condition
  operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
- it lets a repository policy grant ecr:GetAuthorizationToken, which ECR does not (Amazon ECR User
  Guide, "Private registry authentication": the token is granted by identity policies), so the token
  step is compared with no repository policy;
- within one account, it reads `"Principal": {"AWS": "*"}` as naming the account (the grant then needs
  an identity-policy Allow too), while AWS documents it as equivalent to `"Principal": "*"`, which
  needs no other permission for a role of that account (IAM User Guide, "AWS JSON policy elements:
  Principal", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html);
  principalmapper is given the `"*"` form;
- a cross-account request with no resource policy at all is allowed by principalmapper (it skips the
  resource side); it is given an empty resource policy instead, as the repository has none.
"""

from __future__ import annotations

import collections
import collections.abc
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# principalmapper 1.1.5 imports collections.Mapping, which Python 3.10 removed (this project needs 3.10+).
for _name in ("Mapping", "MutableMapping"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.common import Node, Policy  # type: ignore[import-untyped]  # noqa: E402
from principalmapper.querying import local_policy_simulation  # type: ignore[import-untyped]  # noqa: E402
from principalmapper.querying.query_interface import (  # type: ignore[import-untyped]  # noqa: E402
    local_check_authorization_full,
)

from ecr_shared_services.access import Policies, RequestContext, evaluate_access  # noqa: E402

APP, REG, ORG = "123456789012", "987654321098", "o-a1b2c3d4e5"
REPO_ARN = f"arn:aws:ecr:us-east-1:{REG}:repository/payment-service"
IMAGE = f"{REG}.dkr.ecr.us-east-1.amazonaws.com/payment-service"
STEPS = (("ecr:GetAuthorizationToken", "*"), ("ecr:BatchGetImage", REPO_ARN), ("ecr:GetDownloadUrlForLayer", REPO_ARN))

callers = st.builds(
    lambda account, name: f"arn:aws:iam::{account}:role/{name}",
    st.sampled_from([APP, REG]),
    st.sampled_from(["puller", "builder"]),
)
actions = st.sampled_from(
    ["ecr:*", "ecr:BatchGetImage", "ecr:batchgetimage", "ecr:Get*", "ecr:GetAuthorizationToken", "s3:*", "*"]
)
resources = st.sampled_from(
    [
        "*",
        REPO_ARN,
        f"arn:aws:ecr:*:{REG}:repository/*",
        f"arn:aws:ecr:us-east-1:{REG}:repository/pay*",
        f"arn:aws:ecr:us-east-1:{REG}:repository/billing",
    ]
)
principals = st.sampled_from(
    [
        "*",
        {"AWS": "*"},
        {"AWS": APP},
        {"AWS": REG},
        {"AWS": f"arn:aws:iam::{APP}:root"},
        {"AWS": f"arn:aws:iam::{APP}:role/puller"},
        {"AWS": f"arn:aws:iam::{REG}:role/builder"},
        {"AWS": [f"arn:aws:iam::{APP}:role/builder", REG]},
    ]
)
conditions = st.sampled_from(
    [
        None,
        {"StringEquals": {"aws:PrincipalAccount": APP}},
        {"StringNotEquals": {"aws:PrincipalAccount": APP}},
        {"StringEquals": {"aws:PrincipalOrgID": ORG}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}},
        {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{APP}:role/pull*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/builder"}},
        {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{REG}:role/builder"}},
    ]
)
effects = st.sampled_from(["Allow", "Allow", "Deny"])


def _with_condition(statement: dict[str, Any], condition: dict[str, Any] | None) -> dict[str, Any]:
    return {**statement, "Condition": condition} if condition else statement


@st.composite
def identity_statements(draw: st.DrawFn) -> dict[str, Any]:
    action_key = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    statement = {"Effect": draw(effects), action_key: draw(st.lists(actions, min_size=1, max_size=2))}
    return _with_condition({**statement, "Resource": draw(resources)}, draw(conditions))


@st.composite
def repository_statements(draw: st.DrawFn) -> dict[str, Any]:
    statement = {"Effect": draw(effects), "Principal": draw(principals)}
    statement["Action"] = draw(st.lists(actions, min_size=1, max_size=2))
    return _with_condition(statement, draw(conditions))


def _document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def _star_form(repository: dict[str, Any]) -> dict[str, Any]:
    """The same policy with {"AWS": "*"} written "*", the form principalmapper reads as AWS does."""
    statements = [{**s, "Principal": "*"} if s.get("Principal") == {"AWS": "*"} else s for s in repository["Statement"]]
    return {**repository, "Statement": statements}


def _theirs(caller: str, identity: list[dict[str, Any]], repository: dict[str, Any] | None) -> dict[str, bool]:
    node = Node(
        caller,
        "AROAEXAMPLEEXAMPLE01",
        [Policy(caller, f"inline-{i}", doc) for i, doc in enumerate(identity)],
        None,
        {"Version": "2012-10-17", "Statement": []},
        None,
        0,
        False,
        False,
        None,
        False,
        {},
    )
    keys = {"aws:PrincipalOrgID": ORG, "aws:RequestedRegion": "us-east-1"}
    verdicts = {}
    for action, resource in STEPS:
        token = resource == "*"
        verdicts[action] = local_check_authorization_full(
            node,
            action,
            resource,
            {**keys, "aws:ResourceAccount": caller.split(":")[4] if token else REG},
            None if token else _star_form(repository or _document([])),
            None if token else REG,
        )
    return verdicts


def _ours(caller: str, identity: list[dict[str, Any]], repository: dict[str, Any] | None) -> dict[str, str]:
    report = evaluate_access(
        caller,
        IMAGE,
        Policies(identity=identity, repository=repository),
        context=RequestContext(org_id=ORG, principal_tags={}),
    )
    return {step.action: step.decision for step in report.steps}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    callers,
    st.lists(st.lists(identity_statements(), min_size=1, max_size=3), max_size=2),
    st.one_of(st.none(), st.lists(repository_statements(), min_size=1, max_size=3)),
)
def test_agrees_with_principalmapper(
    caller: str, identity_statements_: list[list[dict[str, Any]]], repository_statements_: list[dict[str, Any]] | None
) -> None:
    identity = [_document(statements) for statements in identity_statements_]
    repository = _document(repository_statements_) if repository_statements_ is not None else None
    ours, theirs = _ours(caller, identity, repository), _theirs(caller, identity, repository)
    for action, _ in STEPS:
        assert ours[action] == ("allow" if theirs[action] else "deny"), (action, ours, theirs)


def test_principalmapper_wildcards_span_arn_segments() -> None:
    """The first limit above, pinned: a Resource wildcard that would have to cross a colon."""
    pattern = "arn:aws:ecr:*repository/payment-service"
    assert local_policy_simulation._matches_after_expansion(REPO_ARN, pattern)
    statement = {"Effect": "Allow", "Action": "ecr:*", "Resource": pattern}
    token = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    report = evaluate_access(
        f"arn:aws:iam::{REG}:role/builder", IMAGE, Policies(identity=[_document([token, statement])])
    )
    assert (report.decision, report.denied_by) == ("deny", "identity")


def test_principalmapper_reads_aws_star_as_the_account() -> None:
    """The limit above, pinned: a same-account role named only through {"AWS": "*"}."""
    caller = f"arn:aws:iam::{REG}:role/builder"
    repository = _document([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:*"}])
    node = Node(caller, "AROAEXAMPLEEXAMPLE01", [], None, _document([]), None, 0, False, False, None, False, {})
    assert not local_check_authorization_full(node, "ecr:BatchGetImage", REPO_ARN, {}, repository, REG)
    assert local_check_authorization_full(node, "ecr:BatchGetImage", REPO_ARN, {}, _star_form(repository), REG)
    assert _ours(caller, [], repository)["ecr:BatchGetImage"] == "allow"
