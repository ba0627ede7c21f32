"""ecr-shared-services: share Amazon ECR images across AWS accounts, both sides from one description.

Every name here loads on first use, so that importing one layer (`ecr_shared_services.aws`, `.spec`,
`.policy`, `.access`) loads no later one, and the pure core imports without Pulumi.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecr_shared_services.errors import AccessNotGrantedError, PolicySizeError, SpecError, Violation
    from ecr_shared_services.puller_role import PullerRole
    from ecr_shared_services.shared_registry import SharedRegistry
    from ecr_shared_services.spec.puller import PullerRoleArgs
    from ecr_shared_services.spec.registry import SharedRegistryArgs

# Public name -> the module that defines it.
_HOMES = {
    "AccessNotGrantedError": "ecr_shared_services.errors",
    "PolicySizeError": "ecr_shared_services.errors",
    "PullerRole": "ecr_shared_services.puller_role",
    "PullerRoleArgs": "ecr_shared_services.spec.puller",
    "SharedRegistry": "ecr_shared_services.shared_registry",
    "SharedRegistryArgs": "ecr_shared_services.spec.registry",
    "SpecError": "ecr_shared_services.errors",
    "Violation": "ecr_shared_services.errors",
}

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
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ecr_shared_services' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
