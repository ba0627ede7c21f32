"""What a worker sends back: a StackReference's registration without the outputs of the stack it reads (the
plan has them already; a copy per reading stack made a large fleet's plan hold gigabytes)."""

from __future__ import annotations

from typing import Any

from ecr_shared_services.plan.mocks import STACK_REFERENCE
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.worker import _sent


def _registration(type_token: str, outputs: dict[str, Any], read: bool) -> Registration:
    return Registration(
        urn=f"urn:pulumi:dev::p::{type_token}::r",
        type=type_token,
        name="r",
        parent="",
        custom=True,
        inputs={"name": "acme/p/registry"},
        outputs=outputs,
        provider="",
        aliases=(),
        retain_on_delete=False,
        protect=False,
        read=read,
    )


def test_a_stack_reference_is_sent_without_the_referenced_outputs() -> None:
    outputs = {"name": "acme/p/registry", "outputs": {"grants": "x" * 1000}, "secretOutputNames": []}
    sent = _sent(_registration(STACK_REFERENCE, outputs, read=True))
    assert sent["outputs"] == {"name": "acme/p/registry", "secretOutputNames": []}
    assert sent["inputs"] == {"name": "acme/p/registry"}


def test_any_other_registration_is_sent_whole() -> None:
    outputs = {"outputs": {"kept": True}, "arn": "arn:aws:ecr:us-east-1:123456789012:repository/app"}
    sent = _sent(_registration("aws:ecr/repository:Repository", outputs, read=False))
    assert sent["outputs"] == outputs
