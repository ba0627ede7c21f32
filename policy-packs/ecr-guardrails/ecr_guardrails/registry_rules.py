"""Checks on registry-wide ECR settings: replication, pull through cache and registry scanning."""

from __future__ import annotations

from typing import Any

from .config import string_list
from .model import Config, Resource
from .values import is_unknown


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def check_replication_destinations(resource: Resource, config: Config) -> list[str]:
    """Replication copies images only into the configured accounts (silent until configured)."""
    allowed = set(string_list(config, "allowedAccountIds"))
    if not allowed:
        return []
    configuration = resource.props.get("replicationConfiguration")
    rules = configuration.get("rules") if isinstance(configuration, dict) else None
    outside: list[str] = []
    for rule in _list(rules):
        for destination in _list(rule.get("destinations") if isinstance(rule, dict) else None):
            registry = destination.get("registryId") if isinstance(destination, dict) else None
            if isinstance(registry, str) and not is_unknown(registry) and registry not in allowed:
                outside.append(f"{registry} ({destination.get('region', 'unknown region')})")
    if not outside:
        return []
    return [
        f"{resource.label} replicates images to {', '.join(outside)}, outside the configured allowedAccountIds "
        f"{sorted(allowed)}: every image pushed here is copied into a registry this company may not control. "
        "Fix: remove the destination, or add the account to allowedAccountIds if it is yours."
    ]


def check_pull_through_cache_upstream(resource: Resource, config: Config) -> list[str]:
    """A pull through cache brings images built by others into the registry: only from listed upstreams."""
    allowed = string_list(config, "allowedUpstreamRegistryUrls")
    upstream = resource.props.get("upstreamRegistryUrl")
    if is_unknown(upstream) or not isinstance(upstream, str) or upstream in allowed:
        return []
    prefix = resource.props.get("ecrRepositoryPrefix")
    shown = f'under prefix "{prefix}"' if isinstance(prefix, str) else "under an unknown prefix"
    return [
        f'{resource.label} caches images from "{upstream}" into this registry {shown}: anyone who can pull '
        "from the registry can make it fetch and store that upstream's images, which nobody here built or "
        f"reviewed (allowedUpstreamRegistryUrls: {', '.join(allowed) or 'none configured'}). Fix: remove the "
        "rule, or add the upstream to allowedUpstreamRegistryUrls once it is approved."
    ]


def _automatic_rule(rule: Any) -> bool | None:
    """Whether one scanning rule scans some repository by itself (None: unknown)."""
    if not isinstance(rule, dict):
        return None
    frequency, filters = rule.get("scanFrequency"), rule.get("repositoryFilters")
    if is_unknown(frequency) or is_unknown(filters):
        return None
    return frequency in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN") and bool(_list(filters))


def check_registry_scanning_automatic(resource: Resource, config: Config) -> list[str]:
    """A registry scanning configuration with no automatic rule turns scanning off for the whole registry."""
    rules = resource.props.get("rules")
    if is_unknown(rules):
        return []
    verdicts = [_automatic_rule(r) for r in _list(rules)]
    if True in verdicts or None in verdicts:
        return []
    return [
        f"{resource.label} has no rule that scans automatically (every rule is MANUAL or has no repository "
        "filter, or there is no rule), so it has images scanned neither on push nor continuously; with scanType "
        "ENHANCED nothing else scans them. Fix: add a rule "
        '{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}.'
    ]
