"""Reading the settings every stack shares: its pinned account and its region."""

import pulumi

from ecr_shared_services.errors import SpecError, Violation


def pinned_account(stack_kind: str) -> str:
    """The account pinned with aws:allowedAccountIds (one account per stack)."""
    allowed = pulumi.Config("aws").get_object("allowedAccountIds") or []
    # A bare `"987654321098"` reaches the program as the number 987654321098: refuse it, do not index it.
    if not isinstance(allowed, list) or len(allowed) != 1:
        raise SpecError(
            f"{stack_kind} stack {pulumi.get_stack()}",
            [
                Violation(
                    "aws:allowedAccountIds",
                    allowed,
                    "pin exactly one account for this stack",
                    "pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012",
                    "ESS502",
                )
            ],
        )
    return str(allowed[0])


def region() -> str:
    return pulumi.Config("aws").require("region")
