"""PullerPolicy: the identity side of a pull (or push), attached to a role that already exists."""

from __future__ import annotations

import functools

import pulumi
import pulumi_aws as aws

from ecr_shared_services.arguments import PullerPolicyArgsDict
from ecr_shared_services.aws.arns import role_arn
from ecr_shared_services.policy.identity_packing import SlotPlan, plan_for
from ecr_shared_services.puller_role import check_managed, managed_policy_name, render_inline_policies, render_policies
from ecr_shared_services.spec.puller import PullerPolicyArgs, check_resolved_role, existing_role_name

TYPE_TOKEN = "ecr-shared-services:index:PullerPolicy"

# Policy key (as rendered) → the child resource's name suffix (managed parts: `ecr-images-N` → `ecr-N`).
_SUFFIXES = {"ecr-images": "ecr", "task-logs": "logs"}


def _render(
    spec: PullerPolicyArgs, plan: SlotPlan, role: str, arns: list[str], region: str, account_id: str
) -> dict[str, str]:
    """The policies' texts, sized for how they are attached: inline ones count against the role's total,
    each managed policy against the managed-policy quota."""
    name = existing_role_name(role)
    if spec.attach_as == "inline":
        return render_inline_policies(name, arns, spec, region, account_id, plan)
    texts = render_policies(name, arns, spec, region, account_id, plan)
    check_managed(name, texts)
    return texts


def _role_label(spec: PullerPolicyArgs) -> str:
    """How an error names the role before an Output gives it."""
    return existing_role_name(spec.role) if isinstance(spec.role, str) else "(the role given as an Output)"


class PullerPolicy(pulumi.ComponentResource):
    """Gives a role that exists (by name or ARN) the identity policy to pull (or push) exactly the given
    repositories: the same document PullerRole attaches to the role it creates.

    Children, with `attach_as: inline` (the default): the inline policy `{name}-ecr` (and `{name}-logs` with
    log groups). With `attach_as: managed`: a customer-managed policy `{name}-ecr` and its attachment
    `{name}-ecr-attachment` (and the same for `-logs`). Repositories that do not fit `{name}-ecr` go to
    customer-managed policies `{name}-ecr-2`, `{name}-ecr-3`, ..., each with its `-attachment`, all of them
    (with `-ecr` and `-logs` when managed) at most `max_managed_policies`.
    """

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    policy: pulumi.Output[str]
    policies: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        args: PullerPolicyArgs | PullerPolicyArgsDict,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = args if isinstance(args, PullerPolicyArgs) else PullerPolicyArgs.parse(args)
        # Planned before anything registers: too many repositories for the role's quotas stop here.
        plan = plan_for(spec, _role_label(spec), first_managed=spec.attach_as == "managed")
        super().__init__(TYPE_TOKEN, name, None, opts)
        invoke = pulumi.InvokeOptions(parent=self)

        account_id: pulumi.Input[str] = spec.account_id or aws.get_caller_identity_output(opts=invoke).account_id
        region: pulumi.Input[str] = aws.get_region_output(opts=invoke).region if spec.cloudwatch_log_groups else ""
        role = pulumi.Output.all(spec.role, account_id).apply(lambda values: check_resolved_role(*values))
        arns = pulumi.Output.all(*spec.repository_arns, *spec.named_repository_arns())
        texts = pulumi.Output.all(role, arns, region, account_id).apply(
            lambda values: _render(spec, plan, values[0], list(values[1]), values[2], values[3])
        )
        # The attachments wait for the checked policies: a bad role or ARN stops the preview first.
        role_name = pulumi.Output.all(role, texts).apply(lambda values: existing_role_name(values[0]))

        attached = {key: self._attach(name, spec, key, role_name, texts) for key in _policy_keys(spec, plan)}
        ecr_role, ecr_policy = attached["ecr-images"]
        # Outputs come from the attached resources, so that they resolve once the policy is attached.
        partition = aws.get_partition_output(opts=invoke).partition
        self.role_arn = pulumi.Output.all(role, ecr_role, account_id, partition).apply(
            lambda values: (
                values[0] if values[0].startswith("arn:") else role_arn(values[3], values[2], values[1], spec.path)
            )
        )
        self.role_name = ecr_role
        self.policy = ecr_policy
        # Every ECR part, once each is attached.
        parts = [attached[key][1] for key in _policy_keys(spec, plan) if key != "task-logs"]
        self.policies = pulumi.Output.all(*parts).apply(list)
        self.register_outputs(
            {"role_arn": self.role_arn, "role_name": self.role_name, "policy": self.policy, "policies": self.policies}
        )

    def _attach(
        self,
        name: str,
        spec: PullerPolicyArgs,
        key: str,
        role_name: pulumi.Output[str],
        texts: pulumi.Output[dict[str, str]],
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """Attach one policy (inline, or managed + attachment); its role name and text as attached."""
        part = key.startswith("ecr-images-")
        child = f"{name}-ecr-{key.rsplit('-', 1)[1]}" if part else f"{name}-{_SUFFIXES[key]}"
        text = texts.apply(functools.partial(_text_of, key))
        if spec.attach_as == "inline" and not part:
            inline = aws.iam.RolePolicy(
                child,
                role=role_name,
                name=_policy_name(spec, key),
                policy=text,
                opts=pulumi.ResourceOptions(parent=self),
            )
            return inline.role, inline.policy
        managed = aws.iam.Policy(
            child,
            name=_managed_name(spec, key, role_name) if part else spec.policy_name if key == "ecr-images" else None,
            description=f"{key} for an existing role, from ecr-shared-services",
            policy=text,
            opts=pulumi.ResourceOptions(parent=self),
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{child}-attachment", role=role_name, policy_arn=managed.arn, opts=pulumi.ResourceOptions(parent=self)
        )
        return attachment.role, managed.policy


def _policy_keys(spec: PullerPolicyArgs, plan: SlotPlan) -> list[str]:
    """The policies this component attaches, known before any Output resolves."""
    keys = [slot.key for slot in plan.slots]
    return [*keys, "task-logs"] if spec.cloudwatch_log_groups else keys


def _managed_name(spec: PullerPolicyArgs, key: str, role_name: pulumi.Output[str]) -> pulumi.Output[str]:
    """A managed part's IAM name, by position: `{policy_name}-N`, or `{role name}-ecr-images-N`."""
    number = int(key.rsplit("-", 1)[1])
    if spec.policy_name:
        return pulumi.Output.from_input(managed_policy_name(spec.policy_name, number))
    return role_name.apply(lambda name: managed_policy_name(f"{name}-ecr-images", number))


def _text_of(key: str, texts: dict[str, str]) -> str:
    return texts[key]


def _policy_name(spec: PullerPolicyArgs, key: str) -> str:
    if key == "ecr-images" and spec.policy_name:
        return spec.policy_name
    return key
