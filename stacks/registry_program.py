"""The registry stack: the shared-services account's repositories and who may use them."""

import pulumi

from ecr_shared_services import SharedRegistry, SharedRegistryArgs
from ecr_shared_services.policy.grants import grants_text
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
    # The grants table as compact JSON text, not a tree: every stack that references this one receives all its
    # exports (an application reads only `repositories` and `repositoryPolicies`), and the tree repeats each
    # consumer on every repository it may use.
    pulumi.export("grants", registry.grants.apply(grants_text))
    pulumi.export("repositoryPolicies", registry.policies)
