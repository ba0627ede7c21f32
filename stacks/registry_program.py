"""The registry stack: the shared-services account's repositories and who may use them."""

import pulumi

from ecr_shared_services import SharedRegistry, SharedRegistryArgs
from ecr_shared_services.policy.sizing import to_json
from stack_settings import pinned_account, region


def run() -> None:
    config = pulumi.Config("ecr")
    args = SharedRegistryArgs.parse(
        {"region": region(), "account_id": pinned_account("registry"), **config.require_object("registry")}
    )
    registry = SharedRegistry("shared", args)
    pulumi.export("registryId", registry.registry_id)
    pulumi.export("region", args.region)
    pulumi.export("partition", args.partition_name)
    pulumi.export("repositories", registry.repositories)
    # Compact JSON text, not a tree: every stack that references this one receives all its exports, and the
    # grants grow with repositories × consumers (an application reads only `repositories` and `repositoryPolicies`).
    pulumi.export("grants", registry.grants.apply(to_json))
    pulumi.export("repositoryPolicies", registry.policies)
