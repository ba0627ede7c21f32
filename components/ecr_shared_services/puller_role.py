"""PullerRole: the application account's role with the identity policy matching the registry's grants."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ecr_shared_services.arguments import PullerRoleArgsDict
from ecr_shared_services.aws.arns import parse_repository_arn
from ecr_shared_services.policy.identity_policy import identity_policy, logs_policy
from ecr_shared_services.policy.sizing import ROLE_INLINE_POLICIES, TRUST_POLICY, check_size, check_total, to_json
from ecr_shared_services.policy.trust_policy import trust_policy
from ecr_shared_services.spec.puller import PullerRoleArgs, RepositoryAccessArgs, check_resolved_repository_arns

TYPE_TOKEN = "ecr-shared-services:index:PullerRole"


def render_policies(
    role_name: str, repository_arns: list[str], args: RepositoryAccessArgs, region: str, account_id: str
) -> dict[str, str]:
    """Policy name → text of the role's identity policies (`ecr-images`, and `task-logs` with log groups)."""
    arns = sorted(set(check_resolved_repository_arns(repository_arns)))
    partition = partition_of(arns)
    documents = {"ecr-images": identity_policy(arns, args.access)}
    if args.cloudwatch_log_groups:
        documents["task-logs"] = logs_policy(partition, region, account_id, args.cloudwatch_log_groups)
    return {name: to_json(doc) for name, doc in documents.items()}


def render_inline_policies(
    role_name: str, repository_arns: list[str], args: RepositoryAccessArgs, region: str, account_id: str
) -> dict[str, str]:
    """Policy name → text of the role's inline policies, checked against IAM's per-role total."""
    texts = render_policies(role_name, repository_arns, args, region, account_id)
    check_total(
        list(texts.values()),
        ROLE_INLINE_POLICIES,
        f"the inline policies of role {role_name!r}",
        "split the repositories across roles, or give the role fewer log groups",
    )
    return texts


def partition_of(repository_arns: list[str]) -> str:
    """The partition of checked repository ARNs (one partition: IAM cannot grant across partitions)."""
    return parse_repository_arn(sorted(repository_arns)[0]).partition


class PullerRole(pulumi.ComponentResource):
    """An IAM role that may pull (or push) exactly the given repositories, with the trust of its workload.

    Children: the role `{name}` and inline policies `{name}-ecr` (and `{name}-logs` when log groups are given);
    with `trust: ec2`, the instance profile `{name}-profile` (same name and path as the role).
    For a role that exists already, use PullerPolicy.
    """

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    policy: pulumi.Output[str]
    instance_profile_arn: pulumi.Output[str] | None

    def __init__(
        self,
        name: str,
        args: PullerRoleArgs | PullerRoleArgsDict,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = args if isinstance(args, PullerRoleArgs) else PullerRoleArgs.parse(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        invoke = pulumi.InvokeOptions(parent=self)

        account_id: pulumi.Input[str] = spec.account_id or aws.get_caller_identity_output(opts=invoke).account_id
        region: pulumi.Input[str] = aws.get_region_output(opts=invoke).region if spec.cloudwatch_log_groups else ""
        arns = pulumi.Output.all(*spec.repository_arns, *spec.named_repository_arns())
        texts = pulumi.Output.all(arns, region, account_id).apply(
            lambda values: render_inline_policies(spec.role_name, list(values[0]), spec, values[1], values[2])
        )
        # The trust waits for the checked identity policy, whose ARNs give the partition.
        trust = pulumi.Output.all(account_id, arns, texts).apply(
            lambda values: check_size(
                trust_policy(spec.trust, values[0], partition_of(list(values[1]))),
                TRUST_POLICY,
                f"the trust policy of role {spec.role_name!r}",
                "shorten the trust conditions, or ask AWS to raise the quota to 4,096",
            )
        )

        role = aws.iam.Role(
            name,
            name=spec.role_name,
            path=spec.path,
            description=spec.description,
            # Waiting for the identity policy means a repository ARN that fails its check when it resolves
            # stops the preview before the role exists.
            assume_role_policy=trust,
            permissions_boundary=spec.permissions_boundary,
            max_session_duration=spec.max_session_duration,
            tags=spec.tags or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-ecr",
            role=role.id,
            name="ecr-images",
            policy=texts.apply(lambda t: t["ecr-images"]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if spec.cloudwatch_log_groups:
            aws.iam.RolePolicy(
                f"{name}-logs",
                role=role.id,
                name="task-logs",
                policy=texts.apply(lambda t: t["task-logs"]),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.instance_profile_arn = None
        if spec.trust.service == "ec2":
            # An EC2 instance takes a role through an instance profile only.
            profile = aws.iam.InstanceProfile(
                f"{name}-profile",
                name=spec.role_name,
                path=spec.path,
                role=role.name,
                tags=spec.tags or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.instance_profile_arn = profile.arn
        self.role_arn = role.arn
        self.role_name = role.name
        self.policy = texts.apply(lambda t: t["ecr-images"])
        outputs: dict[str, Any] = {"role_arn": self.role_arn, "role_name": self.role_name, "policy": self.policy}
        if self.instance_profile_arn is not None:
            outputs["instance_profile_arn"] = self.instance_profile_arn
        self.register_outputs(outputs)
