"""Mocks that answer like AWS would, so that offline runs show the exact policy text AWS would receive."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.aws.partitions import partition_for_region
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.sdk_internals import deserialize_properties, read_response
from ecr_shared_services.plan.stack_names import stack_key

STACK_REFERENCE = "pulumi:pulumi:StackReference"


class UnknownStackReference(LookupError):
    """A StackReference names a stack that is neither planned nor given as outputs: bad input."""


class FailedStackReference(LookupError):
    """A StackReference names a stack whose own plan failed: this stack is blocked, not wrong."""


class PendingStackReference(LookupError):
    """A StackReference names a stack of the plan that has not run yet: run that one first, then this again."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"stack {key!r} must be planned before this stack reads its outputs")


def _ensure_thread_loop() -> None:
    """Give the calling thread an event loop made in an empty context, unless it has one.

    The SDK's MockMonitor creates one itself in each executor thread it is called on, inside the calling
    program's context: the loop's own handles then keep that context, and with it the run's root stack
    and every resource and output of the run, alive for as long as the thread lives.
    """
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(contextvars.Context().run(asyncio.new_event_loop))


class RecordingMonitor(MockMonitor):
    """MockMonitor that also keeps each registration's inputs, parent and options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def Invoke(self, request: Any) -> Any:
        _ensure_thread_loop()
        return super().Invoke(request)  # type: ignore[no-untyped-call]

    def RegisterResourceOutputs(self, request: Any) -> Any:
        # A component's registered outputs (the stack's exports are collected by the run itself).
        _ensure_thread_loop()
        for index, registration in enumerate(self.registrations):
            if registration.urn == request.urn and not registration.custom:
                outputs = deserialize_properties(request.outputs)
                self.registrations[index] = dataclasses.replace(registration, outputs=outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def _record(self, request: Any, response: Any, read: bool) -> None:
        inputs = deserialize_properties(request.properties if read else request.object)
        state = self.resources.get(response.urn)
        aliases = tuple(json_format.MessageToDict(alias) for alias in getattr(request, "aliases", []))
        aliases += tuple({"urn": urn} for urn in getattr(request, "aliasURNs", []))
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(getattr(request, "custom", True)),
                inputs=inputs,
                outputs=dict(state.state) if state else {},
                provider=request.provider,
                aliases=aliases,
                retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
                protect=bool(getattr(request, "protect", False)),
                read=read,
            )
        )

    def RegisterResource(self, request: Any) -> Any:
        _ensure_thread_loop()
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self._record(request, response, read=False)
        return response

    def ReadResource(self, request: Any) -> Any:
        """MockMonitor.ReadResource, its answer made by `read_response`: every application stack reads a
        registry's thousands of output values through a StackReference, and the SDK's serializer awaits once
        per value."""
        _ensure_thread_loop()
        args = MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=deserialize_properties(request.properties),
            provider=request.provider,
            resource_id=request.id,
        )
        resource_id, state = self.mocks.new_resource(args)
        urn = self.make_urn(request.parent, request.type, request.name)
        response = read_response(urn, state)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        self._record(request, response, read=True)
        return response


@dataclass(frozen=True)
class Target:
    """The account and region a resource or call goes to: its provider's, or the stack's own."""

    account_id: str
    region: str

    @property
    def partition(self) -> str:
        return partition_for_region(self.region).name


def _provider_account(inputs: dict[str, Any]) -> str | None:
    """The account an explicit AWS provider is pinned to: `allowedAccountIds`, else its assumed role's account."""
    allowed = _json_value(inputs.get("allowedAccountIds"))
    if isinstance(allowed, list) and len(allowed) == 1:
        return str(allowed[0])
    roles = _json_value(inputs.get("assumeRoles") or inputs.get("assumeRole"))
    for role in roles if isinstance(roles, list) else [roles]:
        arn = role.get("roleArn") if isinstance(role, dict) else None
        if isinstance(arn, str) and arn.count(":") >= 5:
            return arn.split(":")[4]
    return None


def _json_value(value: Any) -> Any:
    # Provider inputs other than strings reach the engine as JSON text.
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass
class AwsMocks(pulumi.runtime.Mocks):
    """Answers for a stack's accounts and regions: ARNs, URLs and IDs built the way AWS builds them.

    A resource goes to its explicit AWS provider's account and region (`allowedAccountIds` or the
    account of its assumed role), or else to the stack's own, so one multi-account program plans too.
    """

    account_id: str
    region: str
    # The outputs of the stacks planned before this one and of those given as files, by `project/stack`.
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The plan's stacks (`project/stack`) and those that failed above: to say why a reference fails.
    project_stacks: tuple[str, ...] = ()
    failed_stacks: tuple[str, ...] = ()
    project: str = ""
    # Explicit AWS providers by their ID: where the resources they manage go.
    providers: dict[str, Target] = field(default_factory=dict)

    def referenced_outputs(self, target: str) -> dict[str, Any]:
        """The outputs a StackReference to `target` reads, or why there are none."""
        key = stack_key(target, self.project)
        if key in self.stack_outputs:
            return self.stack_outputs[key]
        if key in self.failed_stacks:
            raise FailedStackReference(
                f"stack reference {target!r}: stack {key!r} failed above, so this stack cannot read its outputs; "
                "fix that stack first"
            )
        if key in self.project_stacks:
            raise PendingStackReference(key)
        known = sorted({*self.project_stacks, *self.stack_outputs})
        closest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        prefix = target[: -len(key)] if target.endswith(key) else ""
        # The closest name first: a long list of stacks must not push it out of a one-line message.
        hint = f"; did you mean {prefix + closest[0]!r}?" if closest else ""
        raise UnknownStackReference(
            f"stack reference {target!r}: no stack {key!r} in this plan and no outputs given for it "
            f"(--stack-outputs {key}=FILE){hint}; the stacks that exist are {', '.join(known) or 'none'}"
        )

    def target(self, provider: str | None) -> Target:
        """Where a resource or call with this provider reference (`URN::ID`) goes."""
        found = self.providers.get((provider or "").rsplit("::", 1)[-1]) if provider else None
        return found or Target(self.account_id, self.region)

    def _provider(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        provider_id = f"{args.name}-provider-{len(self.providers)}"
        region = inputs.get("region")
        self.providers[provider_id] = Target(
            _provider_account(inputs) or self.account_id, region if isinstance(region, str) else self.region
        )
        return provider_id, inputs

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        kind = args.typ
        if kind == "pulumi:providers:aws":
            return self._provider(args)
        if kind == STACK_REFERENCE:
            target = str(inputs.get("name") or args.resource_id or "")
            return target, {"name": target, "outputs": self.referenced_outputs(target), "secretOutputNames": []}
        where = self.target(args.provider)
        if kind == "aws:ecr/repository:Repository":
            ref = RepositoryRef(where.partition, where.region, where.account_id, inputs["name"])
            return inputs["name"], {**inputs, "arn": ref.arn, "repositoryUrl": ref.url, "registryId": where.account_id}
        if kind in ("aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/lifecyclePolicy:LifecyclePolicy"):
            return inputs["repository"], {**inputs, "registryId": where.account_id}
        if kind == "aws:iam/role:Role":
            name = inputs.get("name") or args.name
            arn = role_arn(where.partition, where.account_id, name, inputs.get("path") or "/")
            return name, {**inputs, "name": name, "arn": arn, "uniqueId": "AROA" + name.upper()[:17]}
        if kind == "aws:iam/rolePolicy:RolePolicy":
            return f"{inputs.get('role')}:{inputs.get('name')}", inputs
        return f"{args.name}-id", inputs

    # A bare dict: the mock monitor iterates the failures of a tuple, and there are none.
    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        where = self.target(args.provider)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": where.account_id,
                "arn": f"arn:{where.partition}:iam::{where.account_id}:root",
                "userId": where.account_id,
                "id": where.account_id,
            }
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": where.region, "name": where.region, "id": where.region}
        if args.token == "aws:index/getPartition:getPartition":
            partition = partition_for_region(where.region)
            return {"partition": partition.name, "dnsSuffix": partition.dns_suffix, "id": partition.name}
        raise NotImplementedError(f"no offline answer for {args.token}")
