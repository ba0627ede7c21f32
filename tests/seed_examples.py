"""The seed article's worked examples as consumers, shared by the golden and evaluator tests."""

from ecr_shared_services.spec.consumers import AccountConsumer, RoleConsumer

REGISTRY_ACCOUNT = "987654321098"
REGION = "us-east-1"
APPLICATION_ACCOUNT = "123456789012"
REPOSITORY = "payment-service"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{REGISTRY_ACCOUNT}:repository/{REPOSITORY}"
MULTI_ACCOUNTS = ("111111111111", "222222222222", "333333333333")

CENTRAL = [AccountConsumer(account_id=APPLICATION_ACCOUNT)]
MULTI_ACCOUNT = [AccountConsumer(account_id=a) for a in MULTI_ACCOUNTS]


def role_scoped(form: str) -> list[RoleConsumer]:
    return [
        RoleConsumer(account_id=a, role_names=["ecsTaskExecutionRole"], principal_form=form) for a in MULTI_ACCOUNTS
    ]
