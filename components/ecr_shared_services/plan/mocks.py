"""Mocks that answer like AWS would, so that offline runs show the exact policy text AWS would receive."""

from __future__ import annotations

import asyncio
import contextvars
import difflib
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

from ecr_shared_services.aws.arns import RepositoryRef, role_arn
from ecr_shared_services.aws.partitions import partition_for_region
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.sdk_internals import deserialize_properties


class UnknownStackReference(LookupError):
    """A StackReference names a stack the project does not have (or has not planned yet): bad input."""


class FailedStackReference(LookupError):
    """A StackReference names a stack whose own plan failed: this stack is blocked, not wrong."""


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
        _ensure_thread_loop()
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self._record(request, response, read=True)
        return response


@dataclass
class AwsMocks(pulumi.runtime.Mocks):
    """Answers for one account and region: ARNs, URLs and IDs built the way AWS builds them."""

    account_id: str
    region: str
    # The outputs of the stacks planned before this one, by `project/stack`.
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every stack of the project (`project/stack`) and those that failed above: to say why a reference fails.
    project_stacks: tuple[str, ...] = ()
    failed_stacks: tuple[str, ...] = ()

    def referenced_outputs(self, target: str) -> dict[str, Any]:
        """The outputs a StackReference to `target` reads, or why there are none."""
        # Offline there is one organization: match on project/stack.
        key = "/".join(target.split("/")[-2:])
        if key in self.stack_outputs:
            return self.stack_outputs[key]
        if key in self.failed_stacks:
            raise FailedStackReference(
                f"stack reference {target!r}: stack {key!r} failed above, so this stack cannot read its outputs; "
                "fix that stack first"
            )
        if key in self.project_stacks:
            raise UnknownStackReference(
                f"stack reference {target!r}: stack {key!r} is not planned before this one "
                f"(registry stacks are planned first; planned so far: {sorted(self.stack_outputs)})"
            )
        closest = difflib.get_close_matches(key, self.project_stacks, n=1, cutoff=0.6)
        prefix = target[: -len(key)] if target.endswith(key) else ""
        hint = f"; did you mean {prefix + closest[0]!r}?" if closest else ""
        raise UnknownStackReference(
            f"stack reference {target!r}: no stack {key!r} in this project; its stacks are "
            f"{', '.join(sorted(self.project_stacks)) or 'none'}{hint}"
        )

    @property
    def partition(self) -> str:
        return partition_for_region(self.region).name

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        kind = args.typ
        if kind == "pulumi:pulumi:StackReference":
            target = str(inputs.get("name") or args.resource_id or "")
            return target, {"name": target, "outputs": self.referenced_outputs(target), "secretOutputNames": []}
        if kind == "aws:ecr/repository:Repository":
            ref = RepositoryRef(self.partition, self.region, self.account_id, inputs["name"])
            return inputs["name"], {**inputs, "arn": ref.arn, "repositoryUrl": ref.url, "registryId": self.account_id}
        if kind in ("aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/lifecyclePolicy:LifecyclePolicy"):
            return inputs["repository"], {**inputs, "registryId": self.account_id}
        if kind == "aws:iam/role:Role":
            name = inputs.get("name") or args.name
            arn = role_arn(self.partition, self.account_id, name, inputs.get("path") or "/")
            return name, {**inputs, "name": name, "arn": arn, "uniqueId": "AROA" + name.upper()[:17]}
        if kind == "aws:iam/rolePolicy:RolePolicy":
            return f"{inputs.get('role')}:{inputs.get('name')}", inputs
        return f"{args.name}-id", inputs

    # A bare dict: the mock monitor iterates the failures of a tuple, and there are none.
    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:{self.partition}:iam::{self.account_id}:root",
                "userId": self.account_id,
                "id": self.account_id,
            }
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": self.region, "name": self.region, "id": self.region}
        if args.token == "aws:index/getPartition:getPartition":
            partition = partition_for_region(self.region)
            return {"partition": partition.name, "dnsSuffix": partition.dns_suffix, "id": partition.name}
        raise NotImplementedError(f"no offline answer for {args.token}")
