"""The application side's pre-deploy check: would this role's pulls succeed against the registry's policies?

Both sides are evaluated as AWS would: the identity policy this stack is about to attach, and the
repository policy the registry stack exported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecr_shared_services.access.context import RequestContext
from ecr_shared_services.access.evaluator import evaluate_access, steps_for
from ecr_shared_services.access.grammar import Policy, as_policy
from ecr_shared_services.access.question import Policies
from ecr_shared_services.access.results import AccessReport
from ecr_shared_services.access.shared_policies import SharedRepositoryPolicies
from ecr_shared_services.access.verdict_keys import IdentityQuestions, repository_question, statements_covering
from ecr_shared_services.aws.actions import AccessLevel
from ecr_shared_services.aws.arns import parse_repository_arn, role_arn
from ecr_shared_services.errors import AccessNotGrantedError


@dataclass(frozen=True)
class Puller:
    """The application role whose pulls (or pushes) are checked, and its account's organization."""

    account_id: str
    role_name: str
    role_path: str = "/"
    access: AccessLevel = "pull"
    organization_id: str | None = None


def _registry_fix(name: str, puller: Puller) -> str:
    consumer = f"{{kind: role, account_id: '{puller.account_id}', role_names: [{puller.role_name}]"
    consumer += f", role_path: '{puller.role_path}'" if puller.role_path != "/" else ""
    consumer += ", access: push}" if puller.access == "push" else "}"
    return (
        f"Fix: in the registry stack's config, under ecr:registry.repositories where name is {name}, add to "
        f"consumers: {consumer} (or {{kind: account, account_id: '{puller.account_id}'}}), run `pulumi up` on the "
        f"registry stack, then on this one."
    )


def _explain(report: AccessReport, name: str, registry_stack: str, puller: Puller, org_hint: str) -> str:
    access, role_name = puller.access, puller.role_name
    if report.decision == "unknown":
        notes = "; ".join(n for step in report.steps for n in step.notes) or "a condition could not be evaluated"
        return (
            f"cannot confirm that role {role_name} may {access} {name!r}: {notes}. If the registry grants "
            f"{name!r} to an organization, set this stack's ecr:organizationId to this account's organization."
        )
    if report.denied_by == "resource":
        return (
            f"{report.message}. The repository policy side refuses: registry stack {registry_stack} does not "
            f"grant {access} on {name!r} to role {role_name} in account {puller.account_id}. "
            + _registry_fix(name, puller)
            + (org_hint if org_hint else "")
        )
    fixes = " ".join(fix.text for fix in report.fixes)
    return f"{report.message}. The {report.denied_by} side refuses. {fixes}".rstrip()


def _missing_repository(name: str, registry_stack: str, repositories: Mapping[str, Any]) -> str:
    return (
        f"repository {name!r} does not exist in registry stack {registry_stack} "
        f"(it has: {', '.join(sorted(repositories)) or 'none'}). ECR would answer RepositoryNotFoundException. "
        f"Fix: correct the name in this stack's ecr:repositories, or add the repository to the registry "
        f"stack's ecr:registry.repositories."
    )


def missing_grants(
    *,
    registry_stack: str,
    repositories: Mapping[str, Mapping[str, str]],
    repository_policies: Mapping[str, str],
    repository_names: Sequence[str],
    identity_policy: Mapping[str, Any],
    puller: Puller,
) -> list[str]:
    """One message per repository this role asks for but could not pull (or push), saying which side
    refuses and what to change.

    A repository that puts the same question as one already allowed (`verdict_keys.py`: where it is, its policy
    text, which of the role's statements cover its ARN) is allowed without evaluating it again: an
    application pulling 1,000 repositories of one registry asks a handful of questions. Every refusal is
    evaluated on its own, for its own message."""
    problems = []
    context = RequestContext(org_id=puller.organization_id, no_organization=puller.organization_id is None)
    # Parsed at its first use, once for every repository, under the name evaluate_access would give it.
    identity: Policy | None = None
    covering = IdentityQuestions({}, ())
    allowed: set[tuple[object, ...]] = set()
    # A registry's repositories often share one policy text: parsed once, its side's verdicts found once.
    shared = SharedRepositoryPolicies()
    for name in repository_names:
        if name not in repositories:
            problems.append(_missing_repository(name, registry_stack, repositories))
            continue
        repository = parse_repository_arn(repositories[name]["arn"])
        if identity is None:
            identity = as_policy(dict(identity_policy), "identity policy #1", "identity")
            covering = IdentityQuestions.of(
                statements_covering([identity], [a for a, _ in steps_for(puller.access, with_token=False)])
            )
        text = repository_policies.get(name)
        policy = shared.policy(text)
        question = (
            repository_question(repository, policy, text) if not isinstance(policy, str) else None,
            covering.key(repository.arn),
        )
        if question[0] is not None and question in allowed:
            continue
        report = evaluate_access(
            role_arn(repository.partition, puller.account_id, puller.role_name, puller.role_path),
            repository,
            Policies(identity=[identity], repository=policy),
            context=context,
            access=puller.access,
            resource_memo=shared.memo,
        )
        if report.allowed:
            allowed.add(question)
        else:
            shared_with_org = "aws:PrincipalOrg" in (text or "")
            org_hint = (
                " The repository is shared with an organization: if this account belongs to it, set this "
                "stack's ecr:organizationId instead."
                if shared_with_org and puller.organization_id is None
                else ""
            )
            problems.append(_explain(report, name, registry_stack, puller, org_hint))
    return problems


def check_grants(
    *,
    registry_stack: str,
    repositories: Mapping[str, Mapping[str, str]],
    repository_policies: Mapping[str, str],
    repository_names: Sequence[str],
    identity_policy: Mapping[str, Any],
    puller: Puller,
) -> None:
    """Raise AccessNotGrantedError listing every repository this role could not use."""
    problems = missing_grants(
        registry_stack=registry_stack,
        repositories=repositories,
        repository_policies=repository_policies,
        repository_names=repository_names,
        identity_policy=identity_policy,
        puller=puller,
    )
    if problems:
        raise AccessNotGrantedError(
            f"{len(problems)} of the requested repositories cannot be pulled by this role:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
