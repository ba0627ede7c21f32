"""ecr-shared-services: share Amazon ECR images across AWS accounts, both sides from one description.

`SharedRegistry` and `PullerRole` take their spec (`SharedRegistryArgs`, `PullerRoleArgs`) or a dict that
`SharedRegistryArgsDict`, `PullerRoleArgsDict` and the other `...ArgsDict` types describe for type checkers.
They import Pulumi; they load on first use so that the pure core
(`ecr_shared_services.spec`, `ecr_shared_services.policy`, `ecr_shared_services.access`) imports without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecr_shared_services.arguments import (
    AccountConsumerArgsDict,
    ConsumerArgsDict,
    LambdaConsumerArgsDict,
    LifecycleArgsDict,
    OrganizationConsumerArgsDict,
    PullerRoleArgsDict,
    RegistryLocationArgsDict,
    RepositoryArgsDict,
    RepositorySettingsArgsDict,
    RoleConsumerArgsDict,
    SharedRegistryArgsDict,
    TrustArgsDict,
)
from ecr_shared_services.errors import AccessNotGrantedError, PolicySizeError, SpecError, Violation
from ecr_shared_services.spec.puller import PullerRoleArgs
from ecr_shared_services.spec.registry import SharedRegistryArgs

if TYPE_CHECKING:
    from ecr_shared_services.puller_role import PullerRole
    from ecr_shared_services.shared_registry import SharedRegistry

__all__ = [
    "AccessNotGrantedError",
    "AccountConsumerArgsDict",
    "ConsumerArgsDict",
    "LambdaConsumerArgsDict",
    "LifecycleArgsDict",
    "OrganizationConsumerArgsDict",
    "PolicySizeError",
    "PullerRole",
    "PullerRoleArgs",
    "PullerRoleArgsDict",
    "RegistryLocationArgsDict",
    "RepositoryArgsDict",
    "RepositorySettingsArgsDict",
    "RoleConsumerArgsDict",
    "SharedRegistry",
    "SharedRegistryArgs",
    "SharedRegistryArgsDict",
    "SpecError",
    "TrustArgsDict",
    "Violation",
]


def __getattr__(name: str) -> Any:
    if name == "SharedRegistry":
        from ecr_shared_services.shared_registry import SharedRegistry

        return SharedRegistry
    if name == "PullerRole":
        from ecr_shared_services.puller_role import PullerRole

        return PullerRole
    raise AttributeError(f"module 'ecr_shared_services' has no attribute {name!r}")
