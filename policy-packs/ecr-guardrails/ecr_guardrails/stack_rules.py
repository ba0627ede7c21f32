"""Checks that need the whole stack: a repository and its lifecycle policy, a role and all its policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from .actions import AUTHORIZATION_TOKEN, PULL_ACTIONS, covered, matches
from .config import flag, integer
from .documents import Document, Statement, parse_document
from .identity_rules import INLINE_POLICY_LIMIT, identity_documents
from .managed_policies import aws_managed_document
from .model import Config, Finding, Resource
from .resource_types import (
    LIFECYCLE_POLICY,
    MANAGED_POLICY,
    POLICY_ATTACHMENT,
    REGISTRY_SCANNING,
    REPOSITORY,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
)
from .values import Unknown, is_unknown

MANAGED_POLICIES_DEFAULT: Final = 10
MANAGED_POLICIES_MAX: Final = 20


def _of_type(resources: list[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r.type == kind]


def _links(child: Resource, prop: str, target: Resource, target_keys: tuple[str, ...]) -> bool | None:
    """Whether `child.props[prop]` refers to `target` (None: cannot tell yet).

    The value is compared with the target's identifying props; when it is unknown (built from an
    output during a preview) the property dependencies the engine records still say where it came from.
    """
    deps = child.property_dependencies.get(prop, ())
    if target.urn in deps:
        return True
    value = child.props.get(prop)
    if is_unknown(value):
        return False if deps else None
    if not isinstance(value, str):
        return False
    keys = [target.props.get(k) for k in target_keys]
    if value in [k for k in keys if isinstance(k, str)]:
        return True
    return None if any(is_unknown(k) for k in keys) else False


# ---------------------------------------------------------------------------------------- registry


@dataclass
class _LinkIndex:
    """What `_links(child, prop, target, keys)` says of every child at once, for any target: a stack of N
    repositories and N lifecycle policies is then checked in N steps, not N x N."""

    dependencies: set[str] = field(default_factory=set)  # URNs some child's prop depends on
    values: set[str] = field(default_factory=set)  # the known string values of the prop
    blind: bool = False  # some child's value is unknown with no dependency recorded: cannot tell for any target

    @staticmethod
    def of(children: list[Resource], prop: str) -> _LinkIndex:
        index = _LinkIndex()
        for child in children:
            deps = child.property_dependencies.get(prop, ())
            index.dependencies.update(deps)
            value = child.props.get(prop)
            if is_unknown(value):
                index.blind = index.blind or not deps
            elif isinstance(value, str):
                index.values.add(value)
        return index

    def may_link(self, target: Resource, target_keys: tuple[str, ...]) -> bool:
        """Whether `_links` is True or None for some child: linked, or cannot tell."""
        if self.blind or target.urn in self.dependencies:
            return True
        keys = [target.props.get(k) for k in target_keys]
        if any(isinstance(k, str) and k in self.values for k in keys):
            return True
        return bool(self.values) and any(is_unknown(k) for k in keys)


def check_lifecycle_present(resources: list[Resource], config: Config) -> list[Finding]:
    """Every repository in the stack has a lifecycle policy, or images pile up without end."""
    lifecycles = _LinkIndex.of(_of_type(resources, LIFECYCLE_POLICY), "repository")
    findings: list[Finding] = []
    for repo in _of_type(resources, REPOSITORY):
        if lifecycles.may_link(repo, ("name", "id")):
            continue
        findings.append(Finding(
            f"{repo.label} has no aws:ecr/lifecyclePolicy:LifecyclePolicy in this stack: untagged and old "
            "images are never expired, so storage cost and scan findings grow without end. Fix: add a "
            "LifecyclePolicy with repository set to this repository's name (for example expire untagged "
            "images after 14 days and keep the last N tagged ones).",
            repo.urn,
        ))
    return findings


@dataclass
class _ScanCoverage:
    patterns: list[str] = field(default_factory=list)
    undecided: bool = False


def _scan_coverage(resources: list[Resource]) -> _ScanCoverage:
    coverage = _ScanCoverage()
    for scanning in _of_type(resources, REGISTRY_SCANNING):
        rules = scanning.props.get("rules")
        if is_unknown(rules):
            coverage.undecided = True
            continue
        for rule in rules if isinstance(rules, list) else []:
            if not isinstance(rule, dict):
                coverage.undecided = True
                continue
            frequency = rule.get("scanFrequency")
            if frequency == "MANUAL":
                continue  # a manual rule scans nothing by itself
            filters = rule.get("repositoryFilters")
            if is_unknown(filters) or is_unknown(frequency):
                coverage.undecided = True
                continue
            for entry in filters if isinstance(filters, list) else []:
                if not isinstance(entry, dict):
                    continue
                pattern, kind = entry.get("filter"), entry.get("filterType", "WILDCARD")
                if is_unknown(pattern) or is_unknown(kind):
                    coverage.undecided = True
                elif isinstance(pattern, str) and kind == "WILDCARD":
                    coverage.patterns.append(pattern)
    return coverage


def check_image_scanning(resources: list[Resource], config: Config) -> list[Finding]:
    """Every repository is scanned: scan on push, or a registry scanning rule whose filter covers it."""
    if flag(config, "scanningConfiguredOutsideStack", False):
        return []
    coverage = _scan_coverage(resources)
    findings: list[Finding] = []
    for repo in _of_type(resources, REPOSITORY):
        scanning = repo.props.get("imageScanningConfiguration")
        scan_on_push = scanning.get("scanOnPush") if isinstance(scanning, dict) else scanning
        if scan_on_push is True or is_unknown(scan_on_push) or coverage.undecided:
            continue
        if "*" in coverage.patterns:
            continue
        name = repo.props.get("name")
        if is_unknown(name) and coverage.patterns:
            continue
        if isinstance(name, str) and any(matches(p, name) for p in coverage.patterns):
            continue
        findings.append(Finding(
            f"{repo.label} is not scanned for vulnerabilities: scanOnPush is off and no "
            "RegistryScanningConfiguration rule in this stack covers it. Fix: set "
            'imageScanningConfiguration {"scanOnPush": true}, or add a RegistryScanningConfiguration rule '
            'with repositoryFilters [{"filter": "*", "filterType": "WILDCARD"}] (set '
            "scanningConfiguredOutsideStack if the registry's scanning is managed by another stack).",
            repo.urn,
        ))
    return findings


# ------------------------------------------------------------------------------------------- roles


@dataclass
class _RolePolicies:
    """What the stack says about one role's identity policies."""

    inline: list[tuple[str, Document | None]] = field(default_factory=list)
    managed: list[tuple[str, Document | None]] = field(default_factory=list)
    attachment_count: int = 0
    undecided: bool = False  # a policy may belong to it, or an attached policy is not readable


def _resolve_managed(arn: Any, source: Resource, prop: str, policies: list[Resource]) -> Document | None:
    for policy in policies:
        if _links(source, prop, policy, ("arn", "id")) is True:
            return parse_document(policy.props.get("policy"), "identity")
    if isinstance(arn, str):
        known = aws_managed_document(arn)
        if known is not None:
            return parse_document(known, "identity")
    return None


def _shared_attachments(role: Resource, resources: list[Resource], found: _RolePolicies) -> None:
    """aws.iam.PolicyAttachment lists its roles by name: each one naming this role attaches its policy."""
    managed_policies = _of_type(resources, MANAGED_POLICY)
    name = role.props.get("name")
    for att in _of_type(resources, POLICY_ATTACHMENT):
        roles = att.props.get("roles")
        if is_unknown(roles) or is_unknown(name) or (isinstance(roles, list) and any(map(is_unknown, roles))):
            found.undecided = True
            continue
        if not isinstance(roles, list) or name not in roles:
            continue
        found.attachment_count += 1
        arn = att.props.get("policyArn")
        found.managed.append((f"{att.label} ({arn})", _resolve_managed(arn, att, "policyArn", managed_policies)))


def _role_policies(role: Resource, resources: list[Resource]) -> _RolePolicies:
    found = _RolePolicies(inline=identity_documents(role))
    managed_policies = _of_type(resources, MANAGED_POLICY)
    for rp in _of_type(resources, ROLE_POLICY):
        link = _links(rp, "role", role, ("name", "id", "arn"))
        if link is None:
            found.undecided = True
        elif link:
            found.inline.extend(identity_documents(rp))
    for att in _of_type(resources, ROLE_POLICY_ATTACHMENT):
        link = _links(att, "role", role, ("name", "id", "arn"))
        if link is None:
            found.undecided = True
            continue
        if not link:
            continue
        found.attachment_count += 1
        arn = att.props.get("policyArn")
        document = _resolve_managed(arn, att, "policyArn", managed_policies)
        found.managed.append((f"{att.label} ({arn})", document))
    arns = role.props.get("managedPolicyArns")
    if is_unknown(arns):
        found.undecided = True
    elif isinstance(arns, list):
        for arn in arns:
            found.attachment_count += 1
            document = parse_document(aws_managed_document(arn), "identity") if isinstance(arn, str) else None
            if document is None and isinstance(arn, str):
                document = next((parse_document(p.props.get("policy"), "identity") for p in managed_policies
                                 if p.props.get("arn") == arn), None)
            found.managed.append((f"managed policy {arn}", document))
    _shared_attachments(role, resources, found)
    return found


@dataclass
class _TokenScan:
    """What a role's statements say about pull and the authorization token."""

    pulls_in: list[str] = field(default_factory=list)
    has_token: bool = False
    undecided: bool = False

    def read(self, label: str, statement: Statement) -> None:
        allow = statement.is_allow
        if allow is None:
            self.undecided = True
        actions = statement.strings("Action")
        if not allow or isinstance(actions, Unknown):
            self.undecided = self.undecided or (bool(allow) and isinstance(actions, Unknown))
            return
        pull = covered(actions, PULL_ACTIONS)
        if isinstance(pull, list) and pull and label not in self.pulls_in:
            self.pulls_in.append(label)
        token = covered(actions, (AUTHORIZATION_TOKEN,))
        if isinstance(token, Unknown):
            self.undecided = True
        elif token:
            targets = statement.strings("Resource")
            if isinstance(targets, Unknown) or any(is_unknown(t) for t in targets):
                self.undecided = True
            elif "*" in targets:
                self.has_token = True


def check_puller_has_token(resources: list[Resource], config: Config) -> list[Finding]:
    """A role that may pull also holds ecr:GetAuthorizationToken on `*`, or no pull can authenticate."""
    findings: list[Finding] = []
    for role in _of_type(resources, ROLE):
        policies = _role_policies(role, resources)
        scan = _TokenScan(undecided=policies.undecided)
        for label, document in policies.inline + policies.managed:
            if document is None or not document.complete:
                scan.undecided = True
            for statement in document.statements if document is not None else []:
                scan.read(label, statement)
        pulls_in, has_token, undecided = scan.pulls_in, scan.has_token, scan.undecided
        if pulls_in and not has_token and not undecided:
            findings.append(Finding(
                f"{role.label} is allowed to pull ({'; '.join(pulls_in)}) but none of its policies in this "
                f'stack allows {AUTHORIZATION_TOKEN} on Resource "*", so every pull fails with "not '
                f'authorized to perform: {AUTHORIZATION_TOKEN}". Fix: add a statement '
                f'{{"Effect": "Allow", "Action": "{AUTHORIZATION_TOKEN}", "Resource": "*"}} to the role\'s '
                "identity policy (a repository policy cannot grant it).",
                role.urn,
            ))
    return findings


def check_role_quotas(resources: list[Resource], config: Config) -> list[Finding]:
    """Per role: inline policies together within 10,240 characters; managed policies within the quota."""
    managed_limit = min(integer(config, "managedPoliciesPerRole", MANAGED_POLICIES_DEFAULT), MANAGED_POLICIES_MAX)
    findings: list[Finding] = []
    for role in _of_type(resources, ROLE):
        policies = _role_policies(role, resources)
        # Unknown policies only add characters, so a known total over the limit is already certain.
        total = sum(
            d.non_whitespace_length or 0 for _, d in policies.inline if d is not None
        )
        if total > INLINE_POLICY_LIMIT:
            findings.append(Finding(
                f"{role.label}: its inline policies total {total} characters (whitespace not counted), over "
                f"IAM's limit of {INLINE_POLICY_LIMIT} per role; the apply will fail. Fix: move statements "
                "into managed policies attached to the role, or merge statements that share actions.",
                role.urn,
            ))
        if policies.attachment_count > managed_limit:
            findings.append(Finding(
                f"{role.label} has {policies.attachment_count} managed policies attached, over the quota of "
                f"{managed_limit} per role; the apply will fail. Fix: merge managed policies, or raise the "
                f"quota (at most {MANAGED_POLICIES_MAX}) and set managedPoliciesPerRole.",
                role.urn,
            ))
    return findings
