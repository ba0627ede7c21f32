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


# The keys of the grants table, the registry's `grants` as stack outputs carry it.
TABLE_KEYS = ("consumers", "consumer_lists", "repositories")


def grants_text(grants: dict[str, list[dict[str, Any]]]) -> str:
    """The grants as one compact JSON table: each distinct consumer written once, each distinct list of them
    once, and each repository naming its list by position:
    `{"consumers":[ENTRY,...],"consumer_lists":[[0,1],...],"repositories":{"NAME":LIST,...}}`.

    The registry's grants repeat the same consumers on every repository they share (200 accounts on 1,000
    repositories: 45 MB of JSON as a tree); every stack that references the registry receives its exports whole, so
    the table, which grows with distinct consumers plus repositories, is what the registry exports and
    registers. It is the table as `to_json` writes it, to the byte; `expand_grants` gives the tree back.
    """
    entries: dict[int, int] = {}  # id of an entry object → its position, for entries already seen
    positions: dict[str, int] = {}  # an entry's text → its position
    texts: list[str] = []
    lists: dict[tuple[int, ...], int] = {}
    repositories: dict[str, int] = {}

    def position(entry: dict[str, Any]) -> int:
        # Keyed by identity first: `grants_json` gives every repository that lists a consumer the same entry,
        # alive in `grants` for as long as this call; equal entries that are separate objects share a text.
        found = entries.get(id(entry))
        if found is None:
            text = to_json(entry)
            found = entries[id(entry)] = positions.setdefault(text, len(texts))
            if found == len(texts):
                texts.append(text)
        return found

    for name, found in grants.items():
        repositories[name] = lists.setdefault(tuple(map(position, found)), len(lists))
    # What json.dumps writes with the separators of `to_json`, each entry's text reused as it is.
    consumer_lists = json.dumps(list(map(list, lists)), separators=(",", ":"))
    named = to_json(repositories)
    return f'{{"consumers":[{",".join(texts)}],"consumer_lists":{consumer_lists},"repositories":{named}}}'


def expand_grants(value: Any) -> dict[str, list[dict[str, Any]]] | None:
    """Repository name → its consumers, from the registry's `grants` as outputs carry it: the table (text or
    data; keys beyond its three are ignored), or the tree (name → consumers) that registries exported before
    the table (0.1.0). None for anything else, and for consumers that are not mappings.

    Each repository gets a list of its own; repositories that share a consumer share its entry (a dict): read
    the entries, do not change them."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            return None
    if not isinstance(value, dict):
        return None
    if set(TABLE_KEYS) <= set(value) and isinstance(value["repositories"], dict):
        grants = _expand_table(value)
    elif all(isinstance(found, list) for found in value.values()):
        grants = {name: list(found) for name, found in value.items()}
    else:
        return None
    if grants is None or not all(isinstance(entry, dict) for found in grants.values() for entry in found):
        return None
    return grants


def _expand_table(table: dict[str, Any]) -> dict[str, list[dict[str, Any]]] | None:
    consumers, lists, repositories = (table[key] for key in TABLE_KEYS)
    if not isinstance(consumers, list) or not isinstance(lists, list):
        return None

    def at(items: list[Any], position: Any) -> Any:
        # Positions the table wrote: whole numbers within the list (no negative or boolean ones).
        if type(position) is not int or not 0 <= position < len(items):
            raise LookupError(position)
        return items[position]

    try:
        expanded = [[at(consumers, i) for i in found] for found in lists]
        return {name: list(at(expanded, found)) for name, found in repositories.items()}
    except (LookupError, TypeError):
        return None
