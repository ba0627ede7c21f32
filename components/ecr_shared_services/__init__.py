"""ecr-shared-services: share Amazon ECR images across AWS accounts, both sides from one description.

`SharedRegistry`, `PullerRole` and `PullerPolicy` import Pulumi; they load on first use so that the pure core
(`ecr_shared_services.spec`, `ecr_shared_services.policy`, `ecr_shared_services.access`) imports without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecr_shared_services.errors import AccessNotGrantedError, PolicySizeError, SpecError, Violation
from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs
from ecr_shared_services.spec.registry import SharedRegistryArgs

if TYPE_CHECKING:
    from ecr_shared_services.puller_policy import PullerPolicy
    from ecr_shared_services.puller_role import PullerRole
    from ecr_shared_services.shared_registry import SharedRegistry

__all__ = [
    "AccessNotGrantedError",
    "PolicySizeError",
    "PullerPolicy",
    "PullerPolicyArgs",
    "PullerRole",
    "PullerRoleArgs",
    "SharedRegistry",
    "SharedRegistryArgs",
    "SpecError",
    "Violation",
]


def __getattr__(name: str) -> Any:
    if name == "SharedRegistry":
        from ecr_shared_services.shared_registry import SharedRegistry

        return SharedRegistry
    if name == "PullerRole":
        from ecr_shared_services.puller_role import PullerRole

        return PullerRole
    if name == "PullerPolicy":
        from ecr_shared_services.puller_policy import PullerPolicy

        return PullerPolicy
    raise AttributeError(f"module 'ecr_shared_services' has no attribute {name!r}")
