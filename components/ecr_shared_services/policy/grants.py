"""The grant model: who may do what on which repository, independent of how policies are written."""

from __future__ import annotations

import json
from typing import Any

from ecr_shared_services.aws.arns import account_root_arn
from ecr_shared_services.policy.repository_policy import LAMBDA_SERVICE
from ecr_shared_services.policy.sizing import to_json
from ecr_shared_services.spec.consumers import (
    AccountConsumer,
    Consumer,
    LambdaConsumer,
    RoleConsumer,
)
from ecr_shared_services.spec.registry import SharedRegistryArgs


def effective_consumers(args: SharedRegistryArgs) -> dict[str, list[Consumer]]:
    """Repository name → its consumers (registry-wide first, then its own); private ones get none."""
    return {repo.name: [] if repo.private else [*args.consumers, *repo.consumers] for repo in args.repositories}


def consumer_json(consumer: Consumer, partition: str) -> dict[str, Any]:
    """A consumer as JSON-able data for stack outputs and reports, with the principals it stands for."""
    data = consumer.model_dump(exclude_none=True)
    if isinstance(consumer, AccountConsumer):
        data["principals"] = [account_root_arn(partition, consumer.account_id)]
    elif isinstance(consumer, RoleConsumer):
        data["principals"] = [arn for _, arn in consumer.principals(partition)]
    elif isinstance(consumer, LambdaConsumer):
        # The service pulls for the account's functions, the deployers when they create or update one, and
        # the account root only by the consumer's explicit opt-in (whose description says why).
        data["principals"] = [LAMBDA_SERVICE, *(arn for _, arn in consumer.deployers(partition))]
        if consumer.allow_account_root:
            data["principals"].append(account_root_arn(partition, consumer.account_id))
    return data


def grants_json(args: SharedRegistryArgs) -> dict[str, list[dict[str, Any]]]:
    """Repository name → its consumers as JSON-able dicts: the registry stack's `grants` export.

    A consumer that several repositories list (registry-wide ones, and equal ones, which one parse validates
    into one spec) is rendered once: its entries are one dict, to be read, not changed.
    """
    partition = args.partition_name
    rendered: dict[int, dict[str, Any]] = {}

    def entry(consumer: Consumer) -> dict[str, Any]:
        # Keyed by identity: the specs are frozen and outlive this call (they are `args`').
        found = rendered.get(id(consumer))
        if found is None:
            found = rendered[id(consumer)] = consumer_json(consumer, partition)
        return found

    return {name: [entry(c) for c in consumers] for name, consumers in effective_consumers(args).items()}


def grants_text(grants: dict[str, list[dict[str, Any]]]) -> str:
    """`to_json(grants)`, to the byte, with each distinct entry object serialized once: `grants_json` gives
    every repository that lists a consumer the same entry."""
    texts: dict[int, str] = {}

    def entry(data: dict[str, Any]) -> str:
        # Keyed by identity: every entry is alive in `grants` for as long as this call.
        found = texts.get(id(data))
        if found is None:
            found = texts[id(data)] = to_json(data)
        return found

    # What json.dumps writes with the separators of `to_json`: {"key":[item,item],"key":[]}.
    repositories = (
        f"{json.dumps(name, ensure_ascii=False)}:[{','.join(map(entry, found))}]" for name, found in grants.items()
    )
    return "{" + ",".join(repositories) + "}"
