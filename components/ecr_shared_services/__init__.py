"""ecr-shared-services: share Amazon ECR images across AWS accounts, both sides from one description.

`SharedRegistry`, `PullerRole` and `PullerPolicy` take their spec (`SharedRegistryArgs`, `PullerRoleArgs`,
`PullerPolicyArgs`) or a dict that `SharedRegistryArgsDict`, `PullerRoleArgsDict`, `PullerPolicyArgsDict`
and the other `...ArgsDict` types describe for type checkers.
Every name here loads on first use, so that importing one layer (`ecr_shared_services.aws`, `.spec`,
`.policy`, `.access`) loads no later one, and the pure core imports without Pulumi.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecr_shared_services.arguments import (
        AccountConsumerArgsDict,
        ConsumerArgsDict,
        LambdaConsumerArgsDict,
        LifecycleArgsDict,
        OrganizationConsumerArgsDict,
        PullerPolicyArgsDict,
        PullerRoleArgsDict,
        RegistryLocationArgsDict,
        RepositoryArgsDict,
        RepositorySettingsArgsDict,
        RoleConsumerArgsDict,
        SharedRegistryArgsDict,
        TrustArgsDict,
    )
    from ecr_shared_services.errors import AccessNotGrantedError, PolicySizeError, SpecError, Violation
    from ecr_shared_services.policy.grants import expand_grants
    from ecr_shared_services.puller_policy import PullerPolicy
    from ecr_shared_services.puller_role import PullerRole
    from ecr_shared_services.shared_registry import SharedRegistry
    from ecr_shared_services.spec.puller import PullerPolicyArgs, PullerRoleArgs
    from ecr_shared_services.spec.registry import SharedRegistryArgs

# Public name -> the module that defines it.
_HOMES = {
    "AccountConsumerArgsDict": "ecr_shared_services.arguments",
    "ConsumerArgsDict": "ecr_shared_services.arguments",
    "LambdaConsumerArgsDict": "ecr_shared_services.arguments",
    "LifecycleArgsDict": "ecr_shared_services.arguments",
    "OrganizationConsumerArgsDict": "ecr_shared_services.arguments",
    "PullerPolicyArgsDict": "ecr_shared_services.arguments",
    "PullerRoleArgsDict": "ecr_shared_services.arguments",
    "RegistryLocationArgsDict": "ecr_shared_services.arguments",
    "RepositoryArgsDict": "ecr_shared_services.arguments",
    "RepositorySettingsArgsDict": "ecr_shared_services.arguments",
    "RoleConsumerArgsDict": "ecr_shared_services.arguments",
    "SharedRegistryArgsDict": "ecr_shared_services.arguments",
    "TrustArgsDict": "ecr_shared_services.arguments",
    "AccessNotGrantedError": "ecr_shared_services.errors",
    "PolicySizeError": "ecr_shared_services.errors",
    "PullerPolicy": "ecr_shared_services.puller_policy",
    "PullerPolicyArgs": "ecr_shared_services.spec.puller",
    "PullerRole": "ecr_shared_services.puller_role",
    "PullerRoleArgs": "ecr_shared_services.spec.puller",
    "SharedRegistry": "ecr_shared_services.shared_registry",
    "SharedRegistryArgs": "ecr_shared_services.spec.registry",
    "SpecError": "ecr_shared_services.errors",
    "Violation": "ecr_shared_services.errors",
    "expand_grants": "ecr_shared_services.policy.grants",
}

__all__ = [
    "AccessNotGrantedError",
    "AccountConsumerArgsDict",
    "ConsumerArgsDict",
    "LambdaConsumerArgsDict",
    "LifecycleArgsDict",
    "OrganizationConsumerArgsDict",
    "PolicySizeError",
    "PullerPolicy",
    "PullerPolicyArgs",
    "PullerPolicyArgsDict",
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
    "expand_grants",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ecr_shared_services' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
