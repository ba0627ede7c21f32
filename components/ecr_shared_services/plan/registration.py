"""A resource registration as data: what a program asked the engine for. No Pulumi import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Registration:
    """One resource as the engine would receive it: identity, parentage, inputs and options."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    provider: str
    aliases: tuple[dict[str, Any], ...] = ()
    retain_on_delete: bool = False
    protect: bool = False
    read: bool = False
