"""A role that asks for a repository no planned stack creates is not a clean plan: nothing checked that pull."""

from __future__ import annotations

import json

from bench.planned_stacks import puller_stack, registry_stack
from ecr_shared_services.plan.review import OK, WOULD_FAIL, Review
from ecr_shared_services.plan.runner import ProjectPlan
from ecr_shared_services.policy.identity_policy import identity_policy

REGISTRY, APP = "987654321098", "123456789012"
PLANNED = f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/planned"
ELSEWHERE = f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/elsewhere"


def _review(plan: ProjectPlan) -> Review:
    return Review(plan, [], [], None)


def _plan(requested: list[str], given_outputs: tuple[str, ...] = ()) -> ProjectPlan:
    registry = registry_stack("registry", REGISTRY, "us-east-1", {"planned": None})
    app = puller_stack("app", APP, "us-east-1", f"arn:aws:iam::{APP}:role/r", json.dumps(identity_policy(requested)))
    return ProjectPlan("p", (registry, app), given_outputs)


def test_a_request_for_a_repository_outside_the_plan_fails_it() -> None:
    review = _review(_plan([PLANNED, ELSEWHERE]))
    assert review.unchecked == [f"arn:aws:iam::{APP}:role/r -> {ELSEWHERE}"]
    assert review.exit_code == WOULD_FAIL
    assert "1 requested pull(s) name a repository no planned stack creates" in review.verdict()


def test_requests_inside_the_plan_are_not_flagged() -> None:
    review = _review(_plan([PLANNED]))
    assert review.unchecked == [] and review.exit_code == OK


def test_with_stack_outputs_the_unchecked_requests_are_said_but_do_not_fail() -> None:
    review = _review(_plan([ELSEWHERE], given_outputs=("acme/registry",)))
    assert review.exit_code == OK
    assert "1 requested pull(s) of repositories outside it (given with --stack-outputs) are not checked" in (
        review.verdict()
    )
