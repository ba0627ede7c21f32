"""The application side's pre-deploy check: does the registry grant this role what it asks for?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.aws.arns import role_arn
from components.errors import AccessNotGrantedError
from components.policy.actions import AccessLevel, actions_for
from components.policy.grants import grant_for_role


def missing_grants(
    *,
    registry_stack: str,
    repositories: Mapping[str, Mapping[str, str]],
    grants: Mapping[str, Any],
    repository_names: Sequence[str],
    partition: str,
    account_id: str,
    role_name: str,
    role_path: str = "/",
    access: AccessLevel = "pull",
    organization_id: str | None = None,
) -> list[str]:
    """One message per repository the role asks for but the registry does not share with it."""
    arn = role_arn(partition, account_id, role_name, role_path)
    problems = []
    for name in repository_names:
        if name not in repositories:
            problems.append(
                f"repository {name!r} does not exist in registry stack {registry_stack} "
                f"(it has: {', '.join(sorted(repositories)) or 'none'}). ECR would answer RepositoryNotFoundException. "
                f"Fix: correct the name in this stack's ecr:repositories, or add the repository to the registry "
                f"stack's ecr:registry.repositories."
            )
            continue
        if grant_for_role(grants, name, arn, account_id, access, organization_id) is not None:
            continue
        action = "ecr:BatchGetImage" if access == "pull" else "ecr:PutImage"
        repository_arn = repositories[name]["arn"]
        problems.append(
            f"User: {arn} is not authorized to perform: {action} on resource: {repository_arn} because no "
            f"resource-based policy allows the {action} action. The repository policy side refuses: registry "
            f"stack {registry_stack} does not grant {access} on {name!r} to role {role_name} in account "
            f"{account_id} (this stack's identity policy would allow {', '.join(actions_for(access))}). "
            f"Fix: in the registry stack's config, under ecr:registry.repositories where name is {name}, "
            f"add to consumers: {{kind: role, account_id: '{account_id}', role_names: [{role_name}]"
            + (f", role_path: '{role_path}'" if role_path != "/" else "")
            + (", access: push" if access == "push" else "")
            + f"}} (or {{kind: account, account_id: '{account_id}'}}), run `pulumi up` on the registry stack, "
            f"then on this one."
        )
    return problems


def check_grants(**kwargs: Any) -> None:
    """Raise AccessNotGrantedError listing every repository the registry does not grant."""
    problems = missing_grants(**kwargs)
    if problems:
        raise AccessNotGrantedError(
            f"{len(problems)} of the requested repositories cannot be pulled by this role:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
