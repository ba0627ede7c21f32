"""No repository policy grants a whole account by accident.

Property: across any mix of consumers, the account roots granted without a condition are exactly the
`account` consumers' accounts and the Lambda consumers that set `allow_account_root`. And the over-grant the
old Lambda rendering made: a role of the same account that is not named is denied by the evaluator.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_shared_services.access import RequestContext, evaluate_access
from ecr_shared_services.access.question import Policies
from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.policy.identity_policy import identity_policy
from ecr_shared_services.policy.repository_policy import repository_policy
from ecr_shared_services.spec.consumers import (
    AccountConsumer,
    Consumer,
    LambdaConsumer,
    OrganizationConsumer,
    RoleConsumer,
)

REGION = "us-east-1"
REPOSITORY = RepositoryRef("aws", REGION, "999999999999", "checkout-api")
accounts = st.from_regex(r"[1-8][0-9]{11}", fullmatch=True)
role_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,15}", fullmatch=True)
forms = st.sampled_from(["condition", "arn"])


@st.composite
def lambdas(draw: st.DrawFn) -> LambdaConsumer:
    root = draw(st.booleans())
    deployers = draw(st.lists(role_names, unique=True, max_size=3, min_size=0 if root else 1))
    return LambdaConsumer(
        account_id=draw(accounts),
        deployer_role_names=deployers,
        deployer_principal_form=draw(forms),
        allow_account_root=root,
        description="why" if root else None,
    )


consumers = st.one_of(
    accounts.map(lambda a: AccountConsumer(account_id=a)),
    st.builds(
        lambda a, names, form: RoleConsumer(account_id=a, role_names=names, principal_form=form),
        accounts,
        st.lists(role_names, unique=True, min_size=1, max_size=3),
        forms,
    ),
    st.just(OrganizationConsumer(organization_id="o-a1b2c3d4e5")),
    lambdas(),
)


def unconditioned_roots(document: dict[str, Any] | None) -> set[str]:
    """Account roots that a statement without any Condition lets in."""
    found: set[str] = set()
    for statement in (document or {}).get("Statement", []):
        if statement.get("Condition"):
            continue
        principals = statement["Principal"].get("AWS", [])
        found |= {p for p in ([principals] if isinstance(principals, str) else principals) if p.endswith(":root")}
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(consumers, max_size=6))
def test_account_roots_are_granted_only_by_account_consumers_or_the_lambda_opt_in(chosen: list[Consumer]) -> None:
    document = repository_policy(chosen, "aws", REGION)
    expected = {f"arn:aws:iam::{c.account_id}:root" for c in chosen if isinstance(c, AccountConsumer)}
    expected |= {
        f"arn:aws:iam::{c.account_id}:root" for c in chosen if isinstance(c, LambdaConsumer) and c.allow_account_root
    }
    assert unconditioned_roots(document) == expected


def _pull(caller: str, document: dict[str, Any] | None) -> Any:
    return evaluate_access(
        caller,
        REPOSITORY,
        Policies(identity=[identity_policy([REPOSITORY.arn])], repository=document),
        context=RequestContext(no_organization=True),
    )


def test_a_role_of_the_same_account_that_is_not_named_is_denied() -> None:
    """The issue's repro: a repository shared with one role and with the account's Lambda functions.
    Cross-account evaluation needs both sides to allow
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
    the other role's own identity policy allows, the repository policy must refuse it."""
    app = "210987654321"
    consumers: list[Consumer] = [
        RoleConsumer(account_id=app, role_names=["ecsTaskExecutionRole"]),
        LambdaConsumer(account_id=app, deployer_role_names=["checkout-lambda-deployer"]),
    ]
    document = repository_policy(consumers, "aws", REGION)
    for allowed in ("ecsTaskExecutionRole", "checkout-lambda-deployer"):
        assert _pull(role_arn("aws", app, allowed), document).decision == "allow", allowed
    other = _pull(role_arn("aws", app, "someOtherRole"), document)
    assert (other.decision, other.denied_by) == ("deny", "resource")
    assert "because no resource-based policy allows the ecr:BatchGetImage action" in (other.message or "")
    # With the explicit opt-in, the whole account is in: that is what `allow_account_root` means.
    opted = repository_policy(
        [*consumers, LambdaConsumer(account_id=app, allow_account_root=True, description="legacy deploy users")],
        "aws",
        REGION,
    )
    assert _pull(role_arn("aws", app, "someOtherRole"), opted).decision == "allow"
