"""PullerRole: the application account's role with the identity policy matching the registry's grants."""

from __future__ import annotations

import functools
from typing import Any

import pulumi
import pulumi_aws as aws

from ecr_shared_services.arguments import PullerRoleArgsDict
from ecr_shared_services.aws.arns import parse_repository_arn
from ecr_shared_services.policy.identity_packing import SlotPlan, plan_for
from ecr_shared_services.policy.identity_policy import logs_policy
from ecr_shared_services.policy.sizing import (
    MANAGED_POLICY,
    ROLE_INLINE_POLICIES,
    TRUST_POLICY,
    check_size,
    check_total,
    render_all,
    to_json,
)
from ecr_shared_services.policy.trust_policy import trust_policy
from ecr_shared_services.spec.puller import PullerRoleArgs, RepositoryAccessArgs, check_resolved_repository_arns

TYPE_TOKEN = "ecr-shared-services:index:PullerRole"


def render_policies(
    role_name: str,
    repository_arns: list[str],
    args: RepositoryAccessArgs,
    region: str,
    account_id: str,
    plan: SlotPlan | None = None,
) -> dict[str, str]:
    """Policy key → text of the role's identity policies: `ecr-images` and its managed parts `ecr-images-N`
    (cut as `plan` says; planned here when not given), and `task-logs` with log groups."""
    arns = sorted(set(check_resolved_repository_arns(repository_arns)))
    slots = plan or plan_for(args, role_name)
    documents = slots.documents(arns)
    if args.cloudwatch_log_groups:
        partition = partition_of([*arns, *slots.patterns])
        documents["task-logs"] = logs_policy(partition, region, account_id, args.cloudwatch_log_groups)
    return {name: to_json(doc) for name, doc in documents.items()}


def render_inline_policies(
    role_name: str,
    repository_arns: list[str],
    args: RepositoryAccessArgs,
    region: str,
    account_id: str,
    plan: SlotPlan | None = None,
) -> dict[str, str]:
    """The role's policy texts, with `ecr-images` and `task-logs` inline: checked against IAM's per-role total,
    and each managed part against the managed-policy quota."""
    texts = render_policies(role_name, repository_arns, args, region, account_id, plan)
    inline = [texts[key] for key in ("ecr-images", "task-logs") if key in texts]
    check_total(
        inline,
        ROLE_INLINE_POLICIES,
        f"the inline policies of role {role_name!r}",
        "split the repositories across roles, or give the role fewer log groups" + _BOUND_HINT,
    )
    check_managed(role_name, {key: text for key, text in texts.items() if key.startswith("ecr-images-")})
    return texts


# A document over its quota here means an ARN was longer than the bound the policies were planned with.
_BOUND_HINT = "; when repository ARNs come from Outputs, set max_repository_arn_length to the length of the longest one"


def check_managed(role_name: str, texts: dict[str, str]) -> None:
    """Each managed policy within its quota, all of them reported at once."""
    render_all(
        {
            key: functools.partial(
                check_total,
                [text],
                MANAGED_POLICY,
                f"the managed policy {key!r} for role {role_name!r}",
                "split the repositories" + _BOUND_HINT,
            )
            for key, text in texts.items()
        }
    )


def ecr_policy_texts(texts: dict[str, str]) -> list[str]:
    """The ECR identity policies' texts in slot order: `ecr-images` first, then its managed parts."""
    return [texts[key] for key in sorted((k for k in texts if k.startswith("ecr-images")), key=_slot_number)]


def _slot_number(key: str) -> int:
    return int(key.rsplit("-", 1)[1]) if key != "ecr-images" else 1


def managed_policy_name(base: str, number: int) -> str:
    """The IAM name of managed part `number`: `{base}-{number}`, the base shortened so that it stays within
    IAM's 128 characters (a role name, at most 64, never is)."""
    suffix = f"-{number}"
    return f"{base[: MANAGED_POLICY_NAME_MAX - len(suffix)]}{suffix}"


# IAM: a policy name is 1-128 characters of letters, digits and +=,.@_-
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html).
MANAGED_POLICY_NAME_MAX = 128


def partition_of(repository_arns: list[str]) -> str:
    """The partition of checked repository ARNs (one partition: IAM cannot grant across partitions)."""
    return parse_repository_arn(sorted(repository_arns)[0]).partition


class PullerRole(pulumi.ComponentResource):
    """An IAM role that may pull (or push) exactly the given repositories, with the trust of its workload.

    Children: the role `{name}` and inline policies `{name}-ecr` (and `{name}-logs` when log groups are given);
    with `trust: ec2`, the instance profile `{name}-profile` (same name and path as the role). Repositories that
    do not fit the inline policy go to customer-managed policies `{name}-ecr-2`, `{name}-ecr-3`, ... (IAM names
    `{role_name}-ecr-images-2`, ...), each attached by `{name}-ecr-N-attachment`, at most
    `max_managed_policies` of them.
    For a role that exists already, use PullerPolicy.
    """

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    policy: pulumi.Output[str]
    policies: pulumi.Output[list[str]]
    instance_profile_arn: pulumi.Output[str] | None

    def __init__(
        self,
        name: str,
        args: PullerRoleArgs | PullerRoleArgsDict,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = args if isinstance(args, PullerRoleArgs) else PullerRoleArgs.parse(args)
        # Planned before anything registers: too many repositories for the role's quotas stop here.
        plan = plan_for(spec, spec.role_name)
        super().__init__(TYPE_TOKEN, name, None, opts)
        invoke = pulumi.InvokeOptions(parent=self)

        account_id: pulumi.Input[str] = spec.account_id or aws.get_caller_identity_output(opts=invoke).account_id
        region: pulumi.Input[str] = aws.get_region_output(opts=invoke).region if spec.cloudwatch_log_groups else ""
        arns = pulumi.Output.all(*spec.repository_arns, *spec.named_repository_arns())
        texts = pulumi.Output.all(arns, region, account_id).apply(
            lambda values: render_inline_policies(spec.role_name, list(values[0]), spec, values[1], values[2], plan)
        )
        # The trust waits for the checked identity policy, whose ARNs give the partition.
        trust = pulumi.Output.all(account_id, arns, texts).apply(
            lambda values: check_size(
                trust_policy(spec.trust, values[0], partition_of([*values[1], *plan.patterns])),
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
        for slot in plan.managed_parts:
            # Named by position: a changed document is a new version of the same policy, never a replacement.
            managed = aws.iam.Policy(
                f"{name}-ecr-{slot.number}",
                name=managed_policy_name(f"{spec.role_name}-ecr-images", slot.number),
                description=f"ecr-images part {slot.number} of role {spec.role_name}, from ecr-shared-services",
                policy=texts.apply(functools.partial(_text_of, slot.key)),
                tags=spec.tags or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-ecr-{slot.number}-attachment",
                role=role.name,
                policy_arn=managed.arn,
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
        self.policies = texts.apply(ecr_policy_texts)
        outputs: dict[str, Any] = {
            "role_arn": self.role_arn,
            "role_name": self.role_name,
            "policy": self.policy,
            "policies": self.policies,
        }
        if self.instance_profile_arn is not None:
            outputs["instance_profile_arn"] = self.instance_profile_arn
        self.register_outputs(outputs)


def _text_of(key: str, texts: dict[str, str]) -> str:
    return texts[key]
