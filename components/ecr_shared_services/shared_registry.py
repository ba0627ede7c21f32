"""SharedRegistry: the central account's repositories and their cross-account repository policies."""

from __future__ import annotations

import functools
from typing import Any

import pulumi
import pulumi_aws as aws

from ecr_shared_services.arguments import SharedRegistryArgsDict
from ecr_shared_services.policy.grants import effective_consumers, grants_json, grants_text
from ecr_shared_services.policy.lifecycle import lifecycle_policy
from ecr_shared_services.policy.repository_policy import repository_policy_json
from ecr_shared_services.policy.sizing import render_all, to_json
from ecr_shared_services.spec.consumers import Consumer
from ecr_shared_services.spec.registry import SharedRegistryArgs
from ecr_shared_services.spec.repository import RepositorySettings

TYPE_TOKEN = "ecr-shared-services:index:SharedRegistry"


def _repository_inputs(repository: str, settings: RepositorySettings) -> dict[str, Any]:
    # Only settings go in here, never consumers: a change of who may pull must not replace a repository.
    inputs: dict[str, Any] = {
        "name": repository,
        "image_tag_mutability": settings.image_tag_mutability,
        "image_scanning_configuration": {"scan_on_push": settings.scan_on_push},
        # KMS without a key ARN leaves kms_key out: ECR then uses the AWS-managed key aws/ecr.
        "encryption_configurations": [
            {"encryption_type": "KMS", "kms_key": settings.kms_key}
            if settings.encryption == "KMS" and settings.kms_key
            else {"encryption_type": settings.encryption}
        ],
        "force_delete": settings.force_delete,
        "tags": settings.tags or None,
    }
    if settings.tag_mutability_exclusions:
        inputs["image_tag_mutability_exclusion_filters"] = [
            {"filter": f, "filter_type": "WILDCARD"} for f in settings.tag_mutability_exclusions
        ]
    return inputs


# Repository name → policy text (shared repositories only), and the JSON-able grants.
Rendered = tuple[dict[str, str], dict[str, list[dict[str, Any]]]]


def _render(spec: SharedRegistryArgs) -> Rendered:
    partition, region = spec.partition_name, spec.region
    # A policy is a pure function of its consumers, and a fleet lists the same ones on many repositories (one
    # parse validates equal consumers into one spec): each distinct list is rendered once. An error is not
    # kept, so that each repository over the quota is rendered and named on its own.
    texts: dict[tuple[int, ...], str | None] = {}

    def policy(repository: str, found: list[Consumer]) -> str | None:
        key = tuple(map(id, found))  # the specs outlive this render: they are `spec`'s
        if key not in texts:
            texts[key] = repository_policy_json(found, partition, region, repository, spec.encoding, spec.account_id)
        return texts[key]

    # Every repository's policy is rendered, so that one error names each one over the quota.
    rendered = render_all(
        {repo: functools.partial(policy, repo, found) for repo, found in effective_consumers(spec).items()}
    )
    return {repo: text for repo, text in rendered.items() if text}, grants_json(spec)


def _policy_of(repository: str, texts: dict[str, str]) -> str:
    return texts[repository]


def _repositories_of(names: list[str], values: list[str]) -> dict[str, dict[str, str]]:
    """Name → {name, arn, url}, from the three values of each repository in `names` order."""
    return {
        name: {"name": values[3 * i], "arn": values[3 * i + 1], "url": values[3 * i + 2]}
        for i, name in enumerate(names)
    }


class SharedRegistry(pulumi.ComponentResource):
    """Repositories in the registry account, each with its repository policy and lifecycle policy.

    Child names are `{name}-{repository}` (`-policy`, `-lifecycle` for the policies): adding, removing or
    reordering repositories never renames another repository's resources.
    Pass `opts=ResourceOptions(provider=...)` to target the registry account from a multi-account program.
    """

    repositories: pulumi.Output[dict[str, dict[str, str]]]
    registry_id: pulumi.Output[str]
    grants: pulumi.Output[dict[str, list[dict[str, Any]]]]
    policies: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        name: str,
        args: SharedRegistryArgs | SharedRegistryArgsDict,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = args if isinstance(args, SharedRegistryArgs) else SharedRegistryArgs.parse(args)
        deferred = spec.deferred_role_arns()
        # Render and size-check every document before registering anything: nothing half-created. Role ARNs
        # that come from other resources are checked, and their policies rendered, when they resolve.
        # The rendered values stay plain inside one Output: `Output.from_input` on them would make an Output
        # of every dict, list and string of the grants (the SDK's deep lift), costlier than the resources.
        # Known now (no deferred ARN), each policy is given to its resource as the plain text it is.
        known: dict[str, str] | None = None
        if deferred:
            rendered = pulumi.Output.all(*deferred).apply(lambda values: _render(spec.with_role_arns(list(values))))
        else:
            now = _render(spec)
            known = now[0]
            rendered = pulumi.Output.all().apply(lambda _: now)
        shared = {repo for repo, found in effective_consumers(spec).items() if found}
        settings = {repo.name: repo.settings(spec.defaults) for repo in spec.repositories}
        super().__init__(TYPE_TOKEN, name, None, opts)
        policies = rendered.apply(lambda r: r[0])

        def policy_of(repository: str) -> pulumi.Input[str]:
            return known[repository] if known is not None else policies.apply(functools.partial(_policy_of, repository))

        # One flat Output.all over every repository's attributes: a dict of Outputs of dicts would be lifted
        # (an Output per key and per value) once more.
        attributes: list[pulumi.Output[str]] = []
        registry_ids: list[pulumi.Output[str]] = []
        for repo_name, repo_settings in settings.items():
            repository = aws.ecr.Repository(
                f"{name}-{repo_name}",
                **_repository_inputs(repo_name, repo_settings),
                opts=pulumi.ResourceOptions(
                    parent=self, retain_on_delete=repo_settings.retain_on_delete, protect=repo_settings.protect
                ),
            )
            if repo_name in shared:
                aws.ecr.RepositoryPolicy(
                    f"{name}-{repo_name}-policy",
                    repository=repository.name,
                    policy=policy_of(repo_name),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            if repo_settings.lifecycle is not None:
                aws.ecr.LifecyclePolicy(
                    f"{name}-{repo_name}-lifecycle",
                    repository=repository.name,
                    policy=to_json(lifecycle_policy(repo_settings.lifecycle)),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            attributes += [repository.name, repository.arn, repository.repository_url]
            registry_ids.append(repository.registry_id)

        self.repositories = pulumi.Output.all(*attributes).apply(functools.partial(_repositories_of, list(settings)))
        self.registry_id = registry_ids[0]
        self.grants = rendered.apply(lambda r: r[1])
        self.policies = policies
        self.register_outputs(
            {
                "repositories": self.repositories,
                "registry_id": self.registry_id,
                # The grants table as compact JSON text: the tree has a node per consumer field, each serialized on
                # its own, and repeats each consumer on every repository it may use.
                "grants": rendered.apply(lambda r: grants_text(r[1])),
                "policies": self.policies,
            }
        )
