"""ecr-shared-services: share Amazon ECR images across AWS accounts, both sides from one description.

`SharedRegistry` and `PullerRole` import Pulumi; they load on first use so that the pure core
(`components.spec`, `components.policy`, `components.access`) imports without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.errors import AccessNotGrantedError, PolicySizeError, SpecError, Violation
from components.spec.puller import PullerRoleArgs
from components.spec.registry import SharedRegistryArgs

if TYPE_CHECKING:
    from components.puller_role import PullerRole
    from components.shared_registry import SharedRegistry

__all__ = [
    "AccessNotGrantedError",
    "PolicySizeError",
    "PullerRole",
    "PullerRoleArgs",
    "SharedRegistry",
    "SharedRegistryArgs",
    "SpecError",
    "Violation",
]


def __getattr__(name: str) -> Any:
    if name == "SharedRegistry":
        from components.shared_registry import SharedRegistry

        return SharedRegistry
    if name == "PullerRole":
        from components.puller_role import PullerRole

        return PullerRole
    raise AttributeError(f"module 'components' has no attribute {name!r}")
