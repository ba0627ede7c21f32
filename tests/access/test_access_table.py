"""The evaluator's table of cases: each with the expected decision and the side that decides it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from ecr_shared_services.access import (
    AccessInputError,
    Policies,
    PolicyFormatError,
    RequestContext,
    evaluate_access,
    parse_caller,
    parse_policy,
)

APP, REG, OTHER = "123456789012", "987654321098", "111111111111"
ROLE = f"arn:aws:iam::{APP}:role/ecsTaskExecutionRole"
SESSION = f"arn:aws:sts::{APP}:assumed-role/ecsTaskExecutionRole/task-1"
OTHER_ROLE = f"arn:aws:iam::{APP}:role/other"
USER = f"arn:aws:iam::{APP}:user/alice"
REPO_ARN = f"arn:aws:ecr:us-east-1:{REG}:repository/payment-service"
IMAGE = f"{REG}.dkr.ecr.us-east-1.amazonaws.com/payment-service:latest"
SAME_ROLE = f"arn:aws:iam::{REG}:role/builder"
PULL2 = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
ORG = "o-a1b2c3d4e5"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def repo_stmt(principal: Any, actions: Any = PULL2, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": actions, **extra}


TOKEN = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
IDENTITY_PULL = {"Effect": "Allow", "Action": PULL2, "Resource": REPO_ARN}
SEED_IDENTITY = doc(TOKEN, IDENTITY_PULL)
SEED_REPO = doc(repo_stmt({"AWS": f"arn:aws:iam::{APP}:root"}, Resource=REPO_ARN))
ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})


# What `aws organizations list-policies-for-target` shows for an account with a deny-list SCP.
DENY_ONLY_SCP = doc(
    {"Sid": "NoLeaving", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
)
ECR_ONLY_SCP = doc({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})


def perimeter_scp(trusted_accounts: list[str]) -> dict[str, Any]:
    """A resource-perimeter SCP: deny every call on resources outside the trusted accounts."""
    return doc(
        {
            "Sid": "EnforceResourcePerimeter",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:ResourceAccount": trusted_accounts}},
        }
    )


def cond_repo(condition: dict[str, Any], principal: Any = "*") -> dict[str, Any]:
    return doc(repo_stmt(principal, Condition=condition))


@dataclass
class Case:
    id: str
    expected: str
    denied_by: str | None = None
    explicit: bool = False
    principal: str = ROLE
    image: str = IMAGE
    identity: list[Any] = field(default_factory=lambda: [SEED_IDENTITY])
    repo: Any = field(default_factory=lambda: SEED_REPO)
    boundary: Any = None
    scp_levels: list[list[Any]] = field(default_factory=list)  # root first; each level's SCPs combined
    context: RequestContext | None = None
    access: str = "pull"
    step: str | None = None
    role_path: str | None = None


CASES: list[Case] = [
    # The seed's worked example, then each side wrong in turn.
    Case("seed-both-sides-right", "allow"),
    Case("seed-session-caller", "allow", principal=SESSION),
    Case("seed-no-token", "deny", "identity", identity=[doc(IDENTITY_PULL)], step="ecr:GetAuthorizationToken"),
    Case("seed-identity-missing-repo", "deny", "identity", identity=[doc(TOKEN)], step="ecr:BatchGetImage"),
    Case(
        "seed-identity-other-repo",
        "deny",
        "identity",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Resource": REPO_ARN.replace("payment", "billing")})],
    ),
    Case("seed-no-repo-policy", "deny", "resource", repo=None, step="ecr:BatchGetImage"),
    Case(
        "seed-repo-policy-other-account",
        "deny",
        "resource",
        repo=doc(repo_stmt({"AWS": f"arn:aws:iam::{OTHER}:root"})),
    ),
    Case(
        "seed-repo-only-getimage",
        "deny",
        "resource",
        repo=doc(repo_stmt({"AWS": APP}, ["ecr:BatchGetImage"])),
        step="ecr:GetDownloadUrlForLayer",
    ),
    Case("seed-both-missing-names-identity", "deny", "identity", identity=[doc(TOKEN)], repo=None),
    Case(
        "seed-repo-policy-wrong-resource-region",
        "deny",
        "resource",
        repo=doc(repo_stmt({"AWS": APP}, Resource=REPO_ARN.replace("us-east-1", "us-west-2"))),
    ),
    # Principal forms.
    Case("principal-account-id", "allow", repo=doc(repo_stmt({"AWS": APP}))),
    Case("principal-role-arn", "allow", repo=doc(repo_stmt({"AWS": ROLE}))),
    Case("principal-role-arn-matches-session", "allow", principal=SESSION, repo=doc(repo_stmt({"AWS": ROLE}))),
    Case("principal-other-role", "deny", "resource", repo=doc(repo_stmt({"AWS": OTHER_ROLE}))),
    Case("principal-session-arn-exact", "allow", principal=SESSION, repo=doc(repo_stmt({"AWS": SESSION}))),
    Case(
        "principal-other-session",
        "deny",
        "resource",
        principal=SESSION,
        repo=doc(repo_stmt({"AWS": SESSION.replace("task-1", "task-2")})),
    ),
    Case("principal-star", "allow", repo=doc(repo_stmt("*"))),
    Case("principal-aws-star", "allow", repo=doc(repo_stmt({"AWS": "*"}))),
    Case("principal-user", "allow", principal=USER, repo=doc(repo_stmt({"AWS": USER}))),
    Case("principal-deleted-role-unique-id", "deny", "resource", repo=doc(repo_stmt({"AWS": "AROAEXAMPLEID1234567"}))),
    Case(
        "principal-arn-condition-default-form",
        "allow",
        repo=doc(repo_stmt({"AWS": f"arn:aws:iam::{APP}:root"}, Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}})),
    ),
    Case(
        "principal-arn-condition-other-role",
        "deny",
        "resource",
        principal=OTHER_ROLE,
        identity=[doc(TOKEN, IDENTITY_PULL)],
        repo=doc(repo_stmt({"AWS": f"arn:aws:iam::{APP}:root"}, Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}})),
    ),
    Case(
        "principal-arn-condition-session-path-unknown",
        "unknown",
        principal=SESSION,
        repo=doc(repo_stmt({"AWS": APP}, Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{APP}:role/ecs*"}})),
    ),
    Case(
        "principal-arn-condition-session-path-given",
        "allow",
        principal=SESSION,
        context=RequestContext(),
        role_path="/",
        repo=doc(repo_stmt({"AWS": APP}, Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{APP}:role/ecs*"}})),
    ),
    Case(
        "org-condition-match",
        "allow",
        repo=cond_repo({"StringEquals": {"aws:PrincipalOrgID": ORG}}),
        context=RequestContext(org_id=ORG),
    ),
    Case(
        "org-condition-other-org",
        "deny",
        "resource",
        repo=cond_repo({"StringEquals": {"aws:PrincipalOrgID": ORG}}),
        context=RequestContext(org_id="o-zzzzzzzzzz"),
    ),
    Case(
        "org-condition-no-org",
        "deny",
        "resource",
        repo=cond_repo({"StringEquals": {"aws:PrincipalOrgID": ORG}}),
        context=RequestContext(no_organization=True),
    ),
    Case("org-condition-org-not-given", "unknown", repo=cond_repo({"StringEquals": {"aws:PrincipalOrgID": ORG}})),
    Case(
        "org-paths-foranyvalue",
        "allow",
        repo=cond_repo({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": f"{ORG}/r-ab12/ou-ab12-11111111/*"}}),
        context=RequestContext(org_id=ORG, org_paths=(f"{ORG}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/",)),
    ),
    Case(
        "org-paths-other-ou",
        "deny",
        "resource",
        repo=cond_repo({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": f"{ORG}/r-ab12/ou-ab12-11111111/*"}}),
        context=RequestContext(org_id=ORG, org_paths=(f"{ORG}/r-ab12/ou-ab12-99999999/",)),
    ),
    # Lambda's service principal.
    Case(
        "lambda-service-principal",
        "allow",
        principal="lambda.amazonaws.com",
        identity=[],
        repo=doc(
            repo_stmt(
                {"Service": "lambda.amazonaws.com"},
                Condition={"StringLike": {"aws:sourceArn": f"arn:aws:lambda:us-east-1:{APP}:function:*"}},
            )
        ),
        context=RequestContext(source_arn=f"arn:aws:lambda:us-east-1:{APP}:function:api"),
    ),
    Case(
        "lambda-other-account-function",
        "deny",
        "resource",
        principal="lambda.amazonaws.com",
        identity=[],
        repo=doc(
            repo_stmt(
                {"Service": "lambda.amazonaws.com"},
                Condition={"StringLike": {"aws:sourceArn": f"arn:aws:lambda:us-east-1:{APP}:function:*"}},
            )
        ),
        context=RequestContext(source_arn=f"arn:aws:lambda:us-east-1:{OTHER}:function:api"),
    ),
    Case("lambda-not-named", "deny", "resource", principal="lambda.amazonaws.com", identity=[], repo=SEED_REPO),
    # Same account: either side suffices.
    Case("same-account-identity-only", "allow", principal=SAME_ROLE, identity=[doc(TOKEN, IDENTITY_PULL)], repo=None),
    Case(
        "same-account-resource-only",
        "allow",
        principal=SAME_ROLE,
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": SAME_ROLE})),
    ),
    Case("same-account-neither", "deny", "identity", principal=SAME_ROLE, identity=[doc(TOKEN)], repo=None),
    # Naming the account (root ARN or bare ID) defers to the account's IAM: no identity Allow, no pull.
    Case(
        "same-account-resource-names-account-root",
        "deny",
        "identity",
        principal=SAME_ROLE,
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": f"arn:aws:iam::{REG}:root"})),
    ),
    Case(
        "same-account-resource-names-account-id",
        "deny",
        "identity",
        principal=SAME_ROLE,
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": REG})),
    ),
    Case(
        "same-account-resource-names-account-and-identity-allows",
        "allow",
        principal=SAME_ROLE,
        identity=[doc(TOKEN, IDENTITY_PULL)],
        repo=doc(repo_stmt({"AWS": f"arn:aws:iam::{REG}:root"})),
    ),
    Case(
        "same-account-resource-names-everyone-in-org",
        "allow",
        principal=SAME_ROLE,
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})),
        context=RequestContext(org_id="o-a1b2c3d4e5"),
    ),
    Case(
        "same-account-no-token",
        "deny",
        "identity",
        principal=SAME_ROLE,
        identity=[],
        repo=doc(repo_stmt({"AWS": SAME_ROLE})),
        step="ecr:GetAuthorizationToken",
    ),
    # Explicit denies in each policy type.
    Case(
        "deny-in-identity",
        "deny",
        "identity",
        True,
        identity=[
            SEED_IDENTITY,
            doc({"Sid": "NoPulls", "Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}),
        ],
    ),
    Case(
        "deny-in-repo",
        "deny",
        "resource",
        True,
        repo=doc(repo_stmt({"AWS": APP}), {"Sid": "Block", "Effect": "Deny", "Principal": "*", "Action": "ecr:*"}),
    ),
    Case(
        "deny-in-boundary",
        "deny",
        "boundary",
        True,
        boundary=doc(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ecr:GetDownloadUrlForLayer", "Resource": "*"},
        ),
    ),
    Case(
        "deny-in-scp",
        "deny",
        "scp",
        True,
        scp_levels=[
            [
                doc(
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {
                        "Effect": "Deny",
                        "Action": "ecr:*",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
                    },
                )
            ]
        ],
    ),
    Case(
        "deny-in-scp-region-allowed",
        "allow",
        scp_levels=[
            [
                doc(
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {
                        "Effect": "Deny",
                        "Action": "ecr:*",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
                    },
                )
            ]
        ],
    ),
    Case(
        "deny-beats-same-account-allow",
        "deny",
        "identity",
        True,
        principal=SAME_ROLE,
        identity=[ALLOW_ALL, doc({"Effect": "Deny", "Action": "ecr:Batch*", "Resource": "*"})],
        repo=None,
    ),
    # Boundaries.
    Case("boundary-allows", "allow", boundary=doc({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})),
    Case(
        "boundary-lacks-repo-actions",
        "deny",
        "boundary",
        boundary=doc({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
        step="ecr:BatchGetImage",
    ),
    Case(
        "boundary-lacks-token",
        "deny",
        "boundary",
        boundary=doc({"Effect": "Allow", "Action": "ecr:Batch*", "Resource": "*"}),
        step="ecr:GetAuthorizationToken",
    ),
    Case(
        "boundary-same-account-resource-names-role",
        "deny",
        "boundary",
        principal=SAME_ROLE,
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": SAME_ROLE})),
        boundary=doc({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
    ),
    Case(
        "boundary-same-account-resource-names-session",
        "allow",
        principal=f"arn:aws:sts::{REG}:assumed-role/builder/s1",
        identity=[doc(TOKEN)],
        repo=doc(repo_stmt({"AWS": f"arn:aws:sts::{REG}:assumed-role/builder/s1"})),
        boundary=doc({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
    ),
    # SCPs: every level must allow.
    Case("scp-full-access", "allow", scp_levels=[[ALLOW_ALL], [ALLOW_ALL]]),
    Case(
        "scp-level-without-ecr",
        "deny",
        "scp",
        scp_levels=[[ALLOW_ALL], [doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]],
        step="ecr:GetAuthorizationToken",
    ),
    Case(
        "scp-does-not-bind-service",
        "allow",
        principal="lambda.amazonaws.com",
        identity=[],
        repo=doc(repo_stmt({"Service": "lambda.amazonaws.com"})),
        scp_levels=[[doc({"Effect": "Deny", "Action": "*", "Resource": "*"})]],
    ),
    # NotAction / NotResource / NotPrincipal.
    Case("notaction-identity", "allow", identity=[doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]),
    Case(
        "notaction-excludes-ecr",
        "deny",
        "identity",
        identity=[doc({"Effect": "Allow", "NotAction": "ecr:*", "Resource": "*"})],
    ),
    Case(
        "notresource-identity",
        "allow",
        identity=[
            doc({"Effect": "Allow", "Action": "ecr:*", "NotResource": f"arn:aws:ecr:*:{REG}:repository/secret-*"})
        ],
    ),
    Case(
        "notresource-excludes-repo",
        "deny",
        "identity",
        identity=[
            doc(TOKEN, {"Effect": "Allow", "Action": "ecr:*", "NotResource": f"arn:aws:ecr:*:{REG}:repository/pay*"})
        ],
    ),
    Case(
        "notprincipal-deny-excepts-caller",
        "allow",
        repo=doc(
            repo_stmt({"AWS": APP}),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, f"arn:aws:iam::{APP}:root"]}, "Action": "ecr:*"},
        ),
    ),
    # AWS documents the order it checks account, role and session in, not the outcome here: unknown.
    Case(
        "notprincipal-account-listed-caller-not",
        "unknown",
        principal=OTHER_ROLE,
        repo=doc(
            repo_stmt({"AWS": APP}),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, f"arn:aws:iam::{APP}:root"]}, "Action": "ecr:*"},
        ),
    ),
    Case(
        "notprincipal-without-account-denies",
        "deny",
        "resource",
        True,
        repo=doc(repo_stmt({"AWS": APP}), {"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "ecr:*"}),
    ),
    Case(
        "notprincipal-boundary-always-denied",
        "deny",
        "resource",
        True,
        boundary=ALLOW_ALL,
        repo=doc(
            repo_stmt({"AWS": APP}),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, f"arn:aws:iam::{APP}:root"]}, "Action": "ecr:*"},
        ),
    ),
    Case(
        "notprincipal-allow-not-evaluable",
        "unknown",
        repo=doc({"Effect": "Allow", "NotPrincipal": {"AWS": OTHER}, "Action": PULL2}),
    ),
    # Wildcards and case rules.
    Case(
        "action-wildcard-star",
        "allow",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Action": "ecr:Batch*"}), doc({**IDENTITY_PULL, "Action": "ecr:Get*"})],
    ),
    Case(
        "action-wildcard-question",
        "allow",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Action": ["ecr:BatchGetImag?", "ecr:GetDownloadUrlForLaye?"]})],
    ),
    Case(
        "action-case-insensitive",
        "allow",
        identity=[
            doc(
                {**TOKEN, "Action": "ECR:getauthorizationtoken"},
                {**IDENTITY_PULL, "Action": ["ecr:batchgetimage", "ECR:GETDOWNLOADURLFORLAYER"]},
            )
        ],
        repo=doc(repo_stmt({"AWS": APP}, ["Ecr:BatchGetImage", "ecr:getDownloadUrlForLayer"])),
    ),
    Case(
        "resource-arn-wildcard",
        "allow",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Resource": f"arn:aws:ecr:*:{REG}:repository/*"})],
    ),
    Case(
        "resource-arn-question",
        "allow",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Resource": f"arn:aws:ecr:us-east-?:{REG}:repository/payment-servic?"})],
    ),
    Case(
        "resource-arn-case-sensitive",
        "deny",
        "identity",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Resource": REPO_ARN.replace("payment", "Payment")})],
    ),
    Case(
        "resource-wildcard-does-not-cross-colon",
        "deny",
        "identity",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Resource": "arn:aws:ecr:*repository/payment-service"})],
    ),
    Case(
        "token-needs-star-resource",
        "deny",
        "identity",
        step="ecr:GetAuthorizationToken",
        identity=[doc({"Effect": "Allow", "Action": "ecr:*", "Resource": REPO_ARN})],
    ),
    Case("condition-key-case-insensitive", "allow", repo=cond_repo({"StringEquals": {"AWS:PRINCIPALACCOUNT": APP}})),
    Case(
        "condition-value-case-sensitive",
        "deny",
        "resource",
        repo=cond_repo({"StringEquals": {"aws:PrincipalType": "assumedrole"}}),
    ),
    # Push adds four actions; pull requires only two.
    Case("push-with-pull-grants", "deny", "identity", access="push", step="ecr:BatchCheckLayerAvailability"),
    Case(
        "push-granted",
        "allow",
        access="push",
        identity=[doc(TOKEN, {**IDENTITY_PULL, "Action": "ecr:*"})],
        repo=doc(repo_stmt({"AWS": APP}, "ecr:*")),
    ),
    # SCPs attached at one level are combined: any of them may allow; every level must allow (AWS
    # Organizations User Guide, "SCP evaluation",
    # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
    Case("scp-same-level-full-access-and-deny-only", "allow", scp_levels=[[ALLOW_ALL, DENY_ONLY_SCP]]),
    Case(
        "scp-same-level-deny-only-alone",
        "deny",
        "scp",
        scp_levels=[[ALLOW_ALL], [DENY_ONLY_SCP]],
        step="ecr:GetAuthorizationToken",
    ),
    Case(
        "scp-three-levels-each-allowing", "allow", scp_levels=[[ALLOW_ALL], [ECR_ONLY_SCP], [ALLOW_ALL, DENY_ONLY_SCP]]
    ),
    # NotPrincipal with Deny and a session caller: the session must be named itself; the role and its
    # account are not enough (IAM User Guide, "AWS JSON policy elements: NotPrincipal",
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
    Case(
        "notprincipal-session-role-and-account-listed-session-denied",
        "deny",
        "resource",
        True,
        principal=SESSION,
        repo=doc(
            repo_stmt({"AWS": APP}),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, f"arn:aws:iam::{APP}:root"]}, "Action": "ecr:*"},
        ),
    ),
    Case(
        "notprincipal-session-role-account-and-session-listed",
        "allow",
        principal=SESSION,
        repo=doc(
            repo_stmt({"AWS": APP}),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [SESSION, ROLE, f"arn:aws:iam::{APP}:root"]}, "Action": "ecr:*"},
        ),
    ),
    # Absent condition keys: a condition on a key absent from the request is false, its ...IfExists
    # form true (IAM User Guide, "IAM JSON policy elements: Condition operators", section "...IfExists
    # condition operators",
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    Case(
        "principal-tag-condition-no-tags",
        "deny",
        "resource",
        repo=cond_repo({"StringEquals": {"aws:PrincipalTag/team": "payments"}}),
        context=RequestContext(principal_tags={}),
    ),
    Case(
        "principal-tag-condition-ifexists-no-tags",
        "allow",
        repo=cond_repo({"StringEqualsIfExists": {"aws:PrincipalTag/team": "payments"}}),
        context=RequestContext(principal_tags={}),
    ),
    Case(
        "principal-tag-condition-tags-not-stated",
        "unknown",
        repo=cond_repo({"StringEquals": {"aws:PrincipalTag/team": "payments"}}),
    ),
    # A data-perimeter SCP on aws:ResourceAccount: ecr:GetAuthorizationToken names no resource
    # (Service Authorization Reference, Amazon ECR: no resource type) and reads the caller's own
    # registry, so its resource account is the caller's; the perimeter refuses the registry's
    # repository at BatchGetImage (aws-samples/data-perimeter-policy-examples,
    # service_specific_guidance/ecr-specific-guidance.md: GetAuthorizationToken has no resource-perimeter
    # consideration).
    Case(
        "data-perimeter-scp-refuses-the-repository-not-the-token",
        "deny",
        "scp",
        True,
        scp_levels=[[ALLOW_ALL, perimeter_scp([APP])]],
        step="ecr:BatchGetImage",
    ),
    Case("data-perimeter-scp-trusting-the-registry", "allow", scp_levels=[[ALLOW_ALL, perimeter_scp([APP, REG])]]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    report = evaluate_access(
        parse_caller(case.principal, role_path=case.role_path),
        case.image,
        Policies(identity=case.identity, repository=case.repo, boundary=case.boundary, scp_levels=case.scp_levels),
        context=case.context,
        access=case.access,  # type: ignore[arg-type]
    )
    assert report.decision == case.expected, [(s.action, s.decision, s.refused_by, s.notes) for s in report.steps]
    assert report.denied_by == case.denied_by
    assert report.explicit == case.explicit
    if case.step is not None:
        assert report.failing_step is not None and report.failing_step.action == case.step


# Documents IAM refuses to store are refused, never evaluated. Each follows "Grammar of the IAM JSON
# policy language" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
# element names as written there, typed values, principal types AWS/Service/Federated/CanonicalUser.
MALFORMED: list[tuple[str, str, Any, str]] = [
    ("lowercase-statement", "identity", {"Version": "2012-10-17", "statement": [TOKEN]}, "statement"),
    ("lowercase-effect", "identity", doc({"effect": "Allow", "Action": "*", "Resource": "*"}), "Statement[0].effect"),
    (
        "lowercase-principal",
        "resource",
        doc({"Effect": "Allow", "principal": "*", "Action": PULL2}),
        "Statement[0].principal",
    ),
    ("lowercase-principal-type", "resource", doc(repo_stmt({"aws": APP})), "Statement[0].Principal.aws"),
    ("principal-account-as-number", "resource", doc(repo_stmt({"AWS": int(APP)})), "Statement[0].Principal.AWS"),
    ("principal-list-with-number", "resource", doc(repo_stmt({"AWS": [ROLE, 1]})), "Statement[0].Principal.AWS[1]"),
    ("action-as-number", "identity", doc({"Effect": "Allow", "Action": 123, "Resource": "*"}), "Statement[0].Action"),
    (
        "action-without-service",
        "identity",
        doc({"Effect": "Allow", "Action": "BatchGetImage", "Resource": "*"}),
        "Statement[0].Action",
    ),
    ("resource-not-an-arn", "identity", doc({**TOKEN, "Resource": "payment-service"}), "Statement[0].Resource"),
    ("effect-lowercase-value", "identity", doc({**TOKEN, "Effect": "allow"}), "Statement[0].Effect"),
    ("version-unknown", "identity", {"Version": "2020-01-01", "Statement": [TOKEN]}, "Version"),
    ("unknown-top-element", "identity", {"Version": "2012-10-17", "Statement": [TOKEN], "Extra": 1}, "Extra"),
    ("sid-as-number", "identity", doc({**TOKEN, "Sid": 7}), "Statement[0].Sid"),
    ("empty-action-list", "identity", doc({**TOKEN, "Action": []}), "Statement[0].Action"),
    (
        "condition-value-object",
        "resource",
        cond_repo({"StringEquals": {"aws:PrincipalTag/a": {"b": 1}}}),
        "Statement[0].Condition.StringEquals.aws:PrincipalTag/a",
    ),
    (
        "single-statement-object",
        "identity",
        {"Version": "2012-10-17", "Statement": {**TOKEN, "action": "x"}},
        "Statement.action",
    ),
]


@pytest.mark.parametrize(("kind", "document", "path"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_policy_is_refused_with_its_path(kind: str, document: Any, path: str) -> None:
    with pytest.raises(PolicyFormatError) as caught:
        parse_policy(document, "p.json", kind)  # type: ignore[arg-type]
    assert caught.value.path == path
    assert str(caught.value).startswith(f"p.json: {path}: ")


# A caller is one principal: IAM names are letters, digits and +=,.@_- (IAM User Guide, "IAM
# identifiers", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
@pytest.mark.parametrize(
    "principal",
    [
        f"arn:aws:iam::{APP}:role/*",
        f"arn:aws:iam::{APP}:role/ecs?",
        f"arn:aws:sts::{APP}:assumed-role/ecsTaskExecutionRole/*",
        f"arn:aws:iam::{APP}:user/al ice",
    ],
)
def test_caller_patterns_are_refused(principal: str) -> None:
    with pytest.raises(AccessInputError) as caught:
        parse_caller(principal)
    assert caught.value.what == "principal"
