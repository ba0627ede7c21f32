"""Property tests: every repository policy and identity policy our documents module renders for a
consumer lets exactly that consumer pull (or push), and no one else."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_shared_services.access import Caller, Policies, RequestContext, evaluate_access, parse_caller
from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy
from ecr_shared_services.spec.consumers import AccountConsumer, LambdaConsumer, OrganizationConsumer, RoleConsumer

REGISTRY = "999999999999"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

accounts = st.from_regex(r"[0-8][0-9]{11}", fullmatch=True)
role_names = st.from_regex(r"[A-Za-z0-9_+=,.@-]{1,24}", fullmatch=True)
paths = st.sampled_from(["/", "/service-role/", "/teams/payments/"])
org_ids = st.from_regex(r"o-[a-z0-9]{10}", fullmatch=True)
ou_ids = st.from_regex(r"[a-z0-9]{8}", fullmatch=True)
repo_names = st.from_regex(r"[a-z][a-z0-9]{1,10}(/[a-z][a-z0-9]{1,10})?", fullmatch=True)
accesses = st.sampled_from(["pull", "push"])


def _documents(consumer: Any, repo: RepositoryRef) -> tuple[dict[str, Any], dict[str, Any]]:
    repo_policy = repository_policy([consumer], "aws", repo.region)
    assert repo_policy is not None
    return repo_policy, identity_policy([repo.arn], consumer.access)


def _pull(
    principal: str | Caller,
    repo: RepositoryRef,
    repo_policy: Any,
    ident: Any,
    access: str = "pull",
    context: RequestContext | None = None,
) -> Any:
    return evaluate_access(
        principal,
        repo.url,
        Policies(identity=[ident], repository=repo_policy),
        context=context or RequestContext(no_organization=True),
        access=access,  # type: ignore[arg-type]
    )


@st.composite
def repositories(draw: st.DrawFn) -> RepositoryRef:
    return RepositoryRef("aws", draw(st.sampled_from(REGIONS)), REGISTRY, draw(repo_names))


@SETTINGS
@given(
    repositories(),
    accounts,
    st.lists(role_names, min_size=1, max_size=3, unique=True),
    role_names,
    paths,
    st.sampled_from(["condition", "arn"]),
    accesses,
    accounts,
)
def test_role_consumer_exactly(
    repo: RepositoryRef,
    account: str,
    names: list[str],
    other_name: str,
    path: str,
    form: str,
    access: str,
    other_account: str,
) -> None:
    consumer = RoleConsumer(account_id=account, role_names=names, role_path=path, principal_form=form, access=access)
    repo_policy, ident = _documents(consumer, repo)
    for name in names:
        me = role_arn("aws", account, name, path)
        assert _pull(me, repo, repo_policy, ident, access).decision == "allow"
        session = parse_caller(f"arn:aws:sts::{account}:assumed-role/{name}/s1", role_path=path)
        assert _pull(session, repo, repo_policy, ident, access).decision == "allow"
    if other_name not in names:
        other = _pull(role_arn("aws", account, other_name, path), repo, repo_policy, ident, access)
        assert (other.decision, other.denied_by) == ("deny", "resource")
    if other_account != account:
        stranger = _pull(role_arn("aws", other_account, names[0], path), repo, repo_policy, ident, access)
        assert (stranger.decision, stranger.denied_by) == ("deny", "resource")
    if access == "pull":
        push = _pull(role_arn("aws", account, names[0], path), repo, repo_policy, ident, "push")
        assert push.decision == "deny"


@SETTINGS
@given(repositories(), accounts, role_names, accesses, accounts)
def test_account_consumer_exactly(
    repo: RepositoryRef, account: str, name: str, access: str, other_account: str
) -> None:
    consumer = AccountConsumer(account_id=account, access=access)
    repo_policy, ident = _documents(consumer, repo)
    assert _pull(role_arn("aws", account, name), repo, repo_policy, ident, access).decision == "allow"
    # The account grant delegates to the account's IAM: a role there without the identity policy cannot pull.
    bare = evaluate_access(role_arn("aws", account, name), repo.url, Policies(repository=repo_policy))
    assert (bare.decision, bare.denied_by) == ("deny", "identity")
    if other_account != account:
        stranger = _pull(role_arn("aws", other_account, name), repo, repo_policy, ident, access)
        assert (stranger.decision, stranger.denied_by) == ("deny", "resource")


@SETTINGS
@given(
    repositories(),
    org_ids,
    org_ids,
    accounts,
    role_names,
    st.lists(ou_ids, min_size=0, max_size=2, unique=True),
    ou_ids,
)
def test_organization_consumer_exactly(
    repo: RepositoryRef, org: str, other_org: str, account: str, name: str, ous: list[str], other_ou: str
) -> None:
    root = f"{org}/r-ab12/"
    ou_paths = [f"{root}ou-ab12-{ou}/" for ou in ous]
    consumer = OrganizationConsumer(organization_id=org, ou_paths=ou_paths)
    repo_policy, ident = _documents(consumer, repo)
    me = role_arn("aws", account, name)
    inside = (f"{ou_paths[0]}ou-ab12-{other_ou}/",) if ou_paths else (f"{root}ou-ab12-{other_ou}/",)
    allowed = _pull(me, repo, repo_policy, ident, context=RequestContext(org_id=org, org_paths=inside))
    assert allowed.decision == "allow"
    if other_org != org:
        elsewhere = RequestContext(org_id=other_org, org_paths=(f"{other_org}/r-ab12/",))
        denied = _pull(me, repo, repo_policy, ident, context=elsewhere)
        assert (denied.decision, denied.denied_by) == ("deny", "resource")
    outside = _pull(me, repo, repo_policy, ident, context=RequestContext(no_organization=True))
    assert (outside.decision, outside.denied_by) == ("deny", "resource")
    if ous and other_ou not in ous:
        other_branch = RequestContext(org_id=org, org_paths=(f"{root}ou-ab12-{other_ou}/",))
        assert _pull(me, repo, repo_policy, ident, context=other_branch).decision == "deny"


@SETTINGS
@given(repositories(), accounts, accounts, st.sampled_from(REGIONS))
def test_lambda_consumer_exactly(repo: RepositoryRef, account: str, other_account: str, other_region: str) -> None:
    consumer = LambdaConsumer(account_id=account, deployer_role_names=["deployer"])
    repo_policy = repository_policy([consumer], "aws", repo.region)

    def by_function(owner: str, region: str) -> Any:
        context = RequestContext(source_arn=f"arn:aws:lambda:{region}:{owner}:function:api")
        return evaluate_access("lambda.amazonaws.com", repo.url, Policies(repository=repo_policy), context=context)

    assert by_function(account, repo.region).decision == "allow"
    if other_account != account:
        assert (by_function(other_account, repo.region).denied_by) == "resource"
    if other_region != repo.region:
        assert by_function(account, other_region).decision == "deny"
