"""Reading policies and stack outputs from the shapes people have at hand: a bare policy document,
the JSON the AWS CLI prints (`get-role-policy`, `get-policy-version`, `get-repository-policy`),
and `pulumi stack output --json` of this project's registry and application stacks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ecr_shared_services.access.errors import AccessInputError, PolicyFormatError
from ecr_shared_services.access.grammar import Policy, PolicyKind, parse_policy
from ecr_shared_services.aws.arns import RepositoryRef, parse_repository_arn
from ecr_shared_services.policy.sizing import MANAGED_POLICY, REPOSITORY_POLICY, ROLE_INLINE_POLICIES, Quota, to_json

# The largest document each kind of policy can be (IAM and AWS STS quotas,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; Amazon ECR service
# quotas, https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html; AWS
# Organizations quotas, https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
# A document is measured without whitespace, the least any of them counts, so a refusal is certain.
SCP_DOCUMENT = Quota("AWS Organizations service control policy document", 5_120, counts_whitespace=False)
QUOTAS: dict[PolicyKind, Quota] = {
    "identity": ROLE_INLINE_POLICIES,
    "resource": REPOSITORY_POLICY,
    "boundary": MANAGED_POLICY,  # a permissions boundary is a managed policy
    "scp": SCP_DOCUMENT,
}
_KIND_WORDS: dict[PolicyKind, str] = {
    "identity": "an identity policy",
    "resource": "a repository policy",
    "boundary": "a permissions boundary",
    "scp": "a service control policy",
}
# A file past this is refused unread: even an AWS CLI response around the largest policy is far smaller.
MAX_POLICY_FILE_BYTES = 1 << 20
MAX_OUTPUTS_FILE_BYTES = 64 << 20


def _read_text(path: Path, what: str, max_bytes: int, quota: Quota | None = None) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            limit = f"; AWS refuses one over {quota.limit:,} characters (quota: {quota.name})" if quota else ""
            raise AccessInputError(
                what,
                str(path),
                f"is {size:,} bytes, far larger than any policy document or AWS CLI response around one{limit}",
                "give the file that holds the policy document, or the AWS CLI response that carries it",
            )
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise AccessInputError(what, str(path), f"cannot be read ({error.strerror})", "check the path") from error
    except UnicodeDecodeError as error:
        raise AccessInputError(
            what, str(path), f"is not UTF-8 text (byte {error.start}): not a JSON policy", "check the path"
        ) from error


def _load_json(path: Path, what: str, max_bytes: int = MAX_POLICY_FILE_BYTES, quota: Quota | None = None) -> Any:
    text = _read_text(path, what, max_bytes, quota)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyFormatError(str(path), f"not valid JSON ({error.msg} at line {error.lineno})") from error
    except RecursionError as error:
        raise PolicyFormatError(str(path), "JSON nested too deeply to be a policy document or stack outputs") from error


def _unwrapped(value: Mapping[str, Any], name: str) -> tuple[Any, str] | None:
    """The document inside an AWS CLI response, or None when `value` is not one."""
    if "policyText" in value:  # aws ecr get-repository-policy
        return policy_document(value["policyText"], str(value.get("repositoryName") or name))
    if "PolicyDocument" in value:  # aws iam get-role-policy
        return policy_document(value["PolicyDocument"], str(value.get("PolicyName") or name))
    if "PolicyVersion" in value:  # aws iam get-policy-version
        version = value["PolicyVersion"]
        if not isinstance(version, Mapping) or "Document" not in version:
            got = "null" if version is None else type(version).__name__
            raise PolicyFormatError(
                name,
                f"an `aws iam get-policy-version` response needs an object with a Document, got {got}",
                path="PolicyVersion",
            )
        return policy_document(version["Document"], name)
    if "Document" in value:
        return policy_document(value["Document"], name)
    return None


def policy_document(value: Any, name: str) -> tuple[Any, str]:
    """Unwrap AWS CLI responses to the policy document they carry; returns (document, better name)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("%7B") or text.startswith("%7b"):
            text = unquote(text)  # IAM returns documents URL-encoded
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise PolicyFormatError(name, f"not valid JSON ({error.msg})") from error
        except RecursionError as error:
            raise PolicyFormatError(name, "JSON nested too deeply to be a policy document") from error
    if isinstance(value, Mapping):
        unwrapped = _unwrapped(value, name)
        if unwrapped is not None:
            return unwrapped
    return value, name


def check_policy_size(document: Any, name: str, kind: PolicyKind) -> None:
    """Refuse a document larger than any policy of its kind can be."""
    quota = QUOTAS[kind]
    size = len(to_json(dict(document))) if isinstance(document, Mapping) else 0
    if size > quota.limit:
        raise PolicyFormatError(
            name,
            f"{size:,} characters without whitespace; AWS refuses {_KIND_WORDS[kind]} over {quota.limit:,} "
            f"(quota: {quota.name}), so no deployed policy is this one",
            "check that this is the right file; a policy this large has to be split, or its statements merged",
        )


def load_policy(path: str | Path, kind: PolicyKind) -> Policy:
    """A policy from a file holding a document or an AWS CLI response; named after the file."""
    file = Path(path)
    document, name = policy_document(_load_json(file, f"{kind} policy file", quota=QUOTAS[kind]), file.name)
    check_policy_size(document, file.name, kind)
    return parse_policy(document, name, kind)


@dataclass(frozen=True)
class StackPair:
    """What `explain` needs, read from the registry and application stacks' outputs."""

    principal: str | None
    image: str
    repository: RepositoryRef
    repository_policy: Policy | None
    identity_policy: Policy | None


def _outputs(path: str | Path, what: str) -> Mapping[str, Any]:
    data = _load_json(Path(path), what, MAX_OUTPUTS_FILE_BYTES)
    if not isinstance(data, Mapping):
        raise AccessInputError(what, str(path), "is not a JSON object", "use `pulumi stack output --json`")
    return data


def read_stack_pair(
    registry_outputs: str | Path,
    application_outputs: str | Path | None,
    repository: str | None,
) -> StackPair:
    """Pair a repository of the registry stack with the application stack's role and policy."""
    registry = _outputs(registry_outputs, "registry outputs")
    application = _outputs(application_outputs, "application outputs") if application_outputs else {}
    repositories = registry.get("repositories")
    if not isinstance(repositories, Mapping) or not repositories:
        raise AccessInputError(
            "registry outputs",
            str(registry_outputs),
            "has no `repositories` output",
            "pass the output of `pulumi stack output --json` for the registry stack",
        )
    wanted = repository
    if wanted is None:
        asked = application.get("imageRepositories")
        candidates = list(asked) if isinstance(asked, Mapping) and asked else list(repositories)
        if len(candidates) != 1:
            raise AccessInputError(
                "repository",
                None,
                f"several repositories to choose from: {sorted(candidates)}",
                "name one with --repository NAME",
            )
        wanted = candidates[0]
    entry = repositories.get(wanted)
    if not isinstance(entry, Mapping) or "arn" not in entry:
        raise AccessInputError(
            "repository",
            wanted,
            f"is not among the registry's repositories {sorted(repositories)}",
            "check the name or the registry stack",
        )
    ref = parse_repository_arn(str(entry["arn"]))
    image = str(entry.get("url") or ref.url)
    asked = application.get("imageRepositories")
    if isinstance(asked, Mapping) and wanted in asked:
        image = str(asked[wanted])  # what the application will really pull: mismatches become findings
    repository_policy: Policy | None = None
    policies = registry.get("repositoryPolicies")
    if isinstance(policies, Mapping):
        text = policies.get(wanted)
        if text:
            document, _ = policy_document(text, f"repository policy of {wanted}")
            check_policy_size(document, f"repository policy of {wanted}", "resource")
            repository_policy = parse_policy(document, f"repository policy of {wanted}", "resource")
    elif "grants" in registry:
        raise AccessInputError(
            "registry outputs",
            str(registry_outputs),
            "has `grants` but no `repositoryPolicies` output",
            "export repositoryPolicies from the registry stack, or pass --repository-policy FILE",
        )
    identity: Policy | None = None
    role_policy = application.get("rolePolicy")
    if role_policy:
        document, _ = policy_document(role_policy, "rolePolicy")
        check_policy_size(document, "rolePolicy", "identity")
        identity = parse_policy(document, f"role policy of {application.get('roleName') or 'the role'}", "identity")
    principal = application.get("roleArn")
    return StackPair(
        principal=str(principal) if principal else None,
        image=image,
        repository=ref,
        repository_policy=repository_policy,
        identity_policy=identity,
    )
