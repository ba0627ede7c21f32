"""No false alarms on what the project's own example stacks create (run offline under mocks), and
each rule still catches its violation when one thing in those real resources is changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ecr_guardrails.documents import parse_document
from ecr_guardrails.model import Resource
from guardrail_runner import findings_by_rule, mandatory_findings

ROOT = Path(__file__).resolve().parents[2]
plan_runner = pytest.importorskip("ecr_shared_services.plan.runner")


@pytest.fixture(scope="module")
def stacks() -> dict[str, list[Resource]]:
    plan = plan_runner.plan_project(ROOT)
    assert plan.stacks, "the project defines no example stacks"
    out: dict[str, list[Resource]] = {}
    for stack in plan.stacks:
        assert stack.ok, stack.error
        # The engine analyzes inputs, then the stack's outputs (which include the inputs).
        out[stack.stack] = [
            Resource(r.type, r.name, r.urn, {**r.outputs, **r.inputs}) for r in stack.resources if not r.read
        ]
    return out


def test_example_stacks_create_the_resources_the_pack_guards(stacks: dict[str, list[Resource]]) -> None:
    kinds = {r.type for resources in stacks.values() for r in resources}
    assert {
        "aws:ecr/repository:Repository",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
    } <= kinds


def test_example_stacks_pass_every_mandatory_rule(stacks: dict[str, list[Resource]]) -> None:
    for name, resources in stacks.items():
        assert mandatory_findings(resources) == {}, name


def _change(resources: list[Resource], kind: str, change: Callable[[dict[str, Any]], None]) -> list[Resource]:
    """The stack with the first resource of `kind` changed, everything else as the program made it."""
    out, done = [], False
    for r in resources:
        if r.type == kind and not done:
            props = json.loads(json.dumps(r.props))
            change(props)
            r, done = Resource(r.type, r.name, r.urn, props), True
        out.append(r)
    assert done, kind
    return out


def _edit_policy(key: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(props: dict[str, Any]) -> None:
        body = props[key] if isinstance(props[key], dict) else json.loads(props[key])
        edit(body)
        props[key] = json.dumps(body)

    return change


def _statements(body: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(body["Statement"], dict):
        body["Statement"] = [body["Statement"]]
    return body["Statement"]  # type: ignore[no-any-return]


def _pull_statement(body: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in _statements(body) if "ecr:BatchGetImage" in s["Action"])


def _drop_token(body: dict[str, Any]) -> None:
    body["Statement"] = [s for s in _statements(body) if "ecr:GetAuthorizationToken" not in s["Action"]]


REPO, REPO_POLICY = "aws:ecr/repository:Repository", "aws:ecr/repositoryPolicy:RepositoryPolicy"
ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
OPEN = {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}

MUTATIONS: dict[str, tuple[str, str, Callable[[dict[str, Any]], None]]] = {
    "ecr-tag-immutability": ("registry", REPO, lambda p: p.update(imageTagMutability="MUTABLE")),
    "ecr-image-scanning": ("registry", REPO, lambda p: p.update(imageScanningConfiguration={"scanOnPush": False})),
    "ecr-force-delete-off": ("registry", REPO, lambda p: p.update(forceDelete=True)),
    "ecr-repository-policy-not-public": (
        "registry",
        REPO_POLICY,
        _edit_policy("policy", lambda b: _statements(b).append(dict(OPEN))),
    ),
    "ecr-repository-policy-accepted-by-ecr": (
        "registry",
        REPO_POLICY,
        _edit_policy("policy", lambda b: _statements(b)[0].update(Resource="*")),
    ),
    "ecr-repository-policy-no-wildcard-actions": (
        "registry",
        REPO_POLICY,
        _edit_policy("policy", lambda b: _statements(b)[0].update(Action="ecr:*")),
    ),
    "ecr-pull-scoped-to-repositories": (
        "payments",
        ROLE_POLICY,
        _edit_policy("policy", lambda b: _pull_statement(b).update(Resource="*")),
    ),
    "ecr-puller-has-authorization-token": ("checkout", ROLE_POLICY, _edit_policy("policy", _drop_token)),
    "iam-trust-not-public": (
        "checkout",
        ROLE,
        _edit_policy(
            "assumeRolePolicy",
            lambda b: _statements(b).append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        ),
    ),
}


@pytest.mark.parametrize("rule_name", sorted(MUTATIONS))
def test_one_change_to_a_real_resource_trips_its_rule(stacks: dict[str, list[Resource]], rule_name: str) -> None:
    stack_name, kind, change = MUTATIONS[rule_name]
    if stack_name not in stacks:
        stack_name = next(iter(stacks))
    changed = _change(stacks[stack_name], kind, change)
    assert rule_name in findings_by_rule(changed), rule_name


def test_real_policies_parse(stacks: dict[str, list[Resource]]) -> None:
    for resources in stacks.values():
        for r in resources:
            if r.type in (REPO_POLICY, ROLE_POLICY):
                document = parse_document(r.props["policy"])
                assert document is not None and document.complete and document.statements
