"""Plan a whole project offline: each stack after the stacks it reads through StackReferences.

The order is found by running: a program that reads a stack of the plan not planned yet stops, that
stack is planned, and the program runs again with the outputs it asked for. Stacks that wait on each
other in a circle are reported as a reference cycle.

Each stack's program runs in its own worker process (see `worker.py`) under two bounds:
- a CPU-time limit, enforced by the kernel in the worker (RLIMIT_CPU). It stops a runaway loop and does
  not depend on how busy the machine is. By default it grows with the size of the stack's input (its
  config and the outputs it reads), so that large valid fleets plan;
- a wall-clock deadline, enforced here. It stops a program that waits forever without using CPU. By
  default a multiple of the CPU limit, so a busy machine does not turn a valid plan into a timeout.
Neither outcome is retried: the same program with the same input stalls the same way again.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecr_shared_services.plan.inventory import Inventory, inventory
from ecr_shared_services.plan.memory_paced_gc import collection_paced_by_memory
from ecr_shared_services.plan.project import Project, StackConfig, load_project, shown
from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.stack_error import CRASHED, CYCLE, TIMED_OUT, WAITING, stack_error
from ecr_shared_services.plan.stack_names import stack_key
from ecr_shared_services.plan.worker_processes import STOP_GRACE_SECONDS, Launcher, WorkerProcess, WorkerServer

ORGANIZATION = "organization"
# Default CPU-time limit: a floor, plus time in proportion to the input. Measured on a 2-core machine: a
# registry of 100 or 300 repositories x 50 role consumers used 46 and 45 s of CPU per MiB of its request
# (0.48 and 1.44 MiB), its applications about 10 s per MiB; 300 s per MiB leaves a margin of 6 or more.
CPU_FLOOR_SECONDS = 120.0
CPU_SECONDS_PER_MIB = 300.0
# Default wall-clock deadline, as a multiple of the CPU-time limit: room for a machine busy with other work.
WALL_PER_CPU = 3.0
# How often a wait for a worker looks whether the plan is stopping, or the worker has ended unreported.
WAIT_SLICE_SECONDS = 0.5
# How long the server may take to report a worker that has ended before it counts as not reporting.
EXIT_REPORT_SECONDS = 2.0
# How much of what a failed worker printed goes into the report.
OUTPUT_TAIL_CHARACTERS = 6000


@dataclass(frozen=True)
class Limits:
    """Bounds on one stack's program. None: derived from the size of the stack's input."""

    cpu_seconds: float | None = None
    wall_seconds: float | None = None

    def resolve(self, input_bytes: int) -> tuple[float, float]:
        """(CPU-time limit, wall-clock deadline) in seconds for a stack whose request is `input_bytes` long."""
        cpu = self.cpu_seconds or CPU_FLOOR_SECONDS + CPU_SECONDS_PER_MIB * input_bytes / 2**20
        wall = self.wall_seconds or WALL_PER_CPU * cpu
        return cpu, wall


@dataclass(frozen=True)
class StackPlan:
    """What one stack would create and export, or the error that stops its preview."""

    stack: str
    account_id: str
    region: str
    resources: tuple[Registration, ...]
    outputs: dict[str, Any]
    error: dict[str, str] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    config_file: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_kind(self) -> str | None:
        return self.error.get("kind") if self.error else None

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_token]

    @functools.cached_property
    def inventory(self) -> Inventory:
        """The repositories, pullers and grants among this stack's registrations."""
        return inventory(self.stack, self.resources)

    @property
    def role(self) -> str:
        return self.inventory.kind


@dataclass(frozen=True)
class ProjectPlan:
    project: str
    stacks: tuple[StackPlan, ...] = field(default_factory=tuple)
    # The stacks whose outputs came from `--stack-outputs` files, by `project/stack`.
    given_outputs: tuple[str, ...] = ()
    # The organization the plan's accounts belong to, when a stack's config does not say (`--organization-id`).
    organization_id: str | None = None

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.stacks)

    def stack(self, name: str) -> StackPlan:
        return next(s for s in self.stacks if s.stack == name)


@dataclass(frozen=True)
class WorkerExit:
    """How a worker process ended: its result (when it wrote one), or why it has none."""

    result: dict[str, Any] | None
    error: dict[str, str] | None = None


def run_stack(
    project: Project,
    stack: StackConfig,
    stack_outputs: dict[str, dict[str, Any]],
    organization: str = ORGANIZATION,
    limits: Limits = Limits(),  # frozen, so one shared default is safe
    failed_stacks: tuple[str, ...] = (),
    plan_stacks: tuple[str, ...] | None = None,
) -> StackPlan:
    """Run one stack's real program in a fresh process under the mock runtime."""
    request = worker_request(project, stack, stack_outputs, organization, failed_stacks, plan_stacks)
    return run_stack_reading(project, stack, request, limits)[0]


def worker_request(
    project: Project,
    stack: StackConfig,
    stack_outputs: dict[str, dict[str, Any]],
    organization: str = ORGANIZATION,
    failed_stacks: tuple[str, ...] = (),
    plan_stacks: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """What a worker is asked: the stack, its config, and the outputs of the stacks it may read."""
    return {
        "project": project.name,
        "stack": stack.name,
        "main": str(project.main),
        "config": stack.engine_config(),
        "account_id": stack.account_id,
        "region": stack.region,
        "stack_outputs": stack_outputs,
        "project_stacks": list(plan_stacks if plan_stacks is not None else project_keys(project)),
        "failed_stacks": list(failed_stacks),
        "organization": organization,
    }


def run_stack_reading(
    project: Project,
    stack: StackConfig,
    request: dict[str, Any],
    limits: Limits,
    file_bytes: int = 0,
    launcher: Launcher | None = None,
) -> tuple[StackPlan, tuple[str, ...]]:
    """Run one stack as `run_stack` does, from its worker request; also the stacks (`project/stack`) its
    program referenced, found or not. `file_bytes`: the size of the output files the request names, part of
    the stack's input as if they were in the request. `launcher`: how its worker starts (by default, as a
    new interpreter)."""
    text = json.dumps(request)
    cpu, wall = limits.resolve(len(text) + file_bytes)
    ended = _run_worker(project, stack.name, text, cpu, wall, launcher)
    where = shown(stack.path)
    if ended.result is None:
        return StackPlan(stack.name, stack.account_id, stack.region, (), {}, ended.error, stack.values, (), where), ()
    resources = tuple(
        Registration(**{**r, "aliases": tuple(r["aliases"])})
        for r in sorted(ended.result["resources"], key=lambda r: (r["name"], r["type"]))
    )
    plan = StackPlan(
        stack.name,
        stack.account_id,
        stack.region,
        resources,
        ended.result["outputs"],
        ended.result["error"],
        stack.values,
        tuple(ended.result.get("warnings") or ()),
        where,
    )
    return plan, tuple(ended.result.get("referenced_stacks") or ())


def _stop(worker: WorkerProcess) -> int | None:
    """End a worker (SIGTERM: it prints its threads' stacks; SIGKILL if it lingers) and wait until it has ended,
    never for long: when its end is still not known after SIGKILL, whatever started it is made to end too."""
    worker.send_signal(signal.SIGTERM)
    code = worker.wait(STOP_GRACE_SECONDS)
    if code is None and worker.lost is None:
        worker.send_signal(signal.SIGKILL)
        code = worker.wait(STOP_GRACE_SECONDS)
    if code is None and worker.lost is None:
        worker.abandon()
        code = worker.wait(STOP_GRACE_SECONDS)
    return code


# The worker processes running now, so that an interrupted plan stops them all at once.
_LIVE: set[WorkerProcess] = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


def stop_workers() -> None:
    """Stop every running worker (SIGTERM) and start no more; each one's thread reaps it and removes its files."""
    with _LIVE_LOCK:
        _STOPPING.set()
        for worker in _LIVE:
            worker.send_signal(signal.SIGTERM)


def _run_worker(
    project: Project, stack: str, request: str, cpu: float, wall: float, launcher: Launcher | None = None
) -> WorkerExit:
    launcher = launcher or Launcher(project.directory)
    with tempfile.TemporaryDirectory(prefix="shared-registry-plan-") as tmp:
        request_path, result_path = Path(tmp, "request.json"), Path(tmp, "result.json")
        output_path = Path(tmp, "output.txt")
        request_path.write_text(request)
        with _LIVE_LOCK:
            if _STOPPING.is_set():
                return WorkerExit(None, _crashed(stack, "was not started: the plan is stopping", ""))
            worker = launcher.launch([str(request_path), str(result_path), f"{cpu:g}"], output_path)
            _LIVE.add(worker)
        code: int | None = None
        unreported = False  # ended, but its exit status never came (its server is stopped or stuck)
        deadline = time.monotonic() + wall
        try:
            # In slices: a plan that is stopping stops waiting at once, whatever its worker's deadline.
            while code is None and worker.lost is None and not _STOPPING.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                code = worker.wait(min(left, WAIT_SLICE_SECONDS))
                if code is None and worker.exited():
                    code = worker.wait(EXIT_REPORT_SECONDS)  # its server reaps it and says so at once
                    unreported = code is None and worker.lost is None
                    if unreported:
                        break
        finally:
            # Past its deadline, or interrupted (a signal to the plan, Ctrl-C): never leave the worker running.
            timed_out = code is None and worker.lost is None and not _STOPPING.is_set() and not unreported
            if code is None and worker.lost is None and not unreported:
                code = _stop(worker)
            with _LIVE_LOCK:  # stop_workers signals under this lock: it never reaches a released handle
                _LIVE.discard(worker)
                worker.release()
        output = output_path.read_text(errors="replace") if output_path.exists() else ""
        if timed_out:
            return WorkerExit(None, _timed_out(stack, f"its wall-clock deadline of {wall:.0f} s (--timeout)", output))
        if unreported:
            # The worker writes its result whole and last, then exits 0: a result there is a finished run.
            if result_path.exists():
                return _ended(stack, 0, output, result_path, cpu)
            return WorkerExit(
                None,
                _crashed(
                    stack,
                    "ended without its exit status being reported by the "
                    "plan's worker server (stopped or stuck) and without a result",
                    output,
                ),
            )
        if worker.lost is not None:
            server_said = launcher.server.log_tail() if launcher.server is not None else ""
            said = f" (it printed: {server_said})" if server_said else ""
            return WorkerExit(None, _crashed(stack, f"could not be followed to its end: {worker.lost}{said}", output))
        return _ended(stack, code if code is not None else 1, output, result_path, cpu)


def _tail(output: str) -> str:
    return output.strip()[-OUTPUT_TAIL_CHARACTERS:]


def _timed_out(stack: str, bound: str, output: str) -> dict[str, str]:
    return stack_error(
        "WorkerTimedOut",
        f"the program of stack {stack} did not finish within {bound}; "
        f"where it was when it was stopped:\n{_tail(output)}",
        TIMED_OUT,
    )


def _ended(stack: str, code: int, output: str, result_path: Path, cpu: float) -> WorkerExit:
    if code == -signal.SIGXCPU:
        return WorkerExit(None, _timed_out(stack, f"its CPU-time limit of {cpu:.0f} s (--cpu-limit)", output))
    if code != 0:
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        return WorkerExit(None, _crashed(stack, f"{how} before it wrote its result", output))
    try:
        result: dict[str, Any] = json.loads(result_path.read_text())
    except FileNotFoundError:
        return WorkerExit(None, _crashed(stack, "exited without writing its result", output))
    except (ValueError, OSError) as error:
        return WorkerExit(None, _crashed(stack, f"wrote a result that cannot be read ({error})", output))
    return WorkerExit(result)


def _crashed(stack: str, what: str, output: str) -> dict[str, str]:
    printed = f"; it printed:\n{_tail(output)}" if output.strip() else "; it printed nothing"
    return stack_error("WorkerCrashed", f"the worker running stack {stack} {what}{printed}", CRASHED)


def project_keys(project: Project) -> tuple[str, ...]:
    return tuple(f"{project.name}/{s.name}" for s in project.stacks)


class PlanSelectionError(ValueError):
    """`--stack` names a stack the project does not have: bad input."""


def _selected(project: Project, names: tuple[str, ...]) -> list[StackConfig]:
    if not names:
        return list(project.stacks)
    by_name = {s.name: s for s in project.stacks}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise PlanSelectionError(
            f"--stack {', '.join(unknown)}: no such stack in project {project.name}; "
            f"its stacks are {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in sorted(set(names))]


def _cycle(waiting: dict[str, str], start: str) -> list[str]:
    """The circle of stacks `start` waits on, first stack repeated at the end."""
    path = [start]
    while waiting.get(path[-1]) is not None and waiting[path[-1]] not in path:
        path.append(waiting[path[-1]])
    following = waiting.get(path[-1])
    return [*path[path.index(following) :], following] if following in path else []


@dataclass
class _Schedule:
    """The stacks still to plan, which one each waits for, and the outputs known so far."""

    project: Project
    outputs: dict[str, dict[str, Any]]
    pending: dict[str, StackConfig]
    waiting: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    done: dict[str, StackPlan] = field(default_factory=dict)
    # Every stack each stack was found to read: the order of the report.
    reads: dict[str, set[str]] = field(default_factory=dict)
    # The stacks of the plan each stack's config names: run after them, a guess that saves a wasted run.
    hints: dict[str, frozenset[str]] = field(default_factory=dict)

    def key(self, stack: StackConfig) -> str:
        return f"{self.project.name}/{stack.name}"

    def ready(self) -> list[StackConfig]:
        """Pending stacks that wait for nothing still pending."""
        return [s for k, s in sorted(self.pending.items()) if self.waiting.get(k) not in self.pending]

    def held(self, key: str) -> bool:
        """Whether the stack's config names a stack still pending (a hint it reads it: see `config_hints`)."""
        return any(target in self.pending for target in self.hints.get(key, ()))

    def wanted(self, key: str) -> int:
        """How many pending stacks wait for `key` or name it in their config."""
        return sum(1 for k in self.pending if k != key and (self.waiting.get(k) == key or key in self.hints.get(k, ())))

    def next_runs(self, running: Collection[str], slots: int) -> list[StackConfig]:
        """The stacks to start in `slots` free workers: ready ones that no hint holds back, those the most
        stacks wait for first. When hints hold back every ready stack and nothing runs (hints in a circle,
        or a wrong guess), the held ones start anyway: their runs find what they really read."""
        ready = [s for s in self.ready() if self.key(s) not in running]
        free = [s for s in ready if not self.held(self.key(s))]
        if not free and not running:
            free = ready
        free.sort(key=lambda s: -self.wanted(self.key(s)))  # stable: by name within the same count
        return free[: max(0, slots)]

    def record(self, key: str, plan: StackPlan, referenced: Iterable[str] = ()) -> None:
        """One run's result: the stack is done, or waits for the stack it found it reads."""
        self.reads.setdefault(key, set()).update(k for k in referenced if k != key)
        target = plan.error.get("waiting_for") if plan.error and plan.error_kind == WAITING else None
        if target:
            self.wait(key, target)
        else:
            self.finish(key, plan)

    def finish(self, key: str, plan: StackPlan) -> None:
        del self.pending[key]
        self.waiting.pop(key, None)
        self.done[key] = plan
        if plan.ok:
            self.outputs[key] = plan.outputs
        else:
            self.failed.append(key)

    def wait(self, key: str, target: str) -> None:
        """`key` reads `target`: plan that one first (taking it from the project when it is not selected)."""
        self.waiting[key] = target
        self.reads.setdefault(key, set()).add(target)
        if target not in self.pending and target not in self.done:
            self.pending[target] = next(s for s in self.project.stacks if self.key(s) == target)

    def break_cycles(self) -> None:
        """Every pending stack waits: each circle fails as bad input, naming its stacks in order."""
        before = len(self.pending)
        for key in sorted(self.pending):
            if key not in self.pending:
                continue
            circle = _cycle(self.waiting, key)
            if not circle:
                continue
            message = "stack references form a cycle: " + " -> ".join(circle) + "; no stack of it can be planned first"
            for member in dict.fromkeys(circle):
                stack = self.pending[member]
                error = stack_error("StackReferenceCycle", message, CYCLE)
                self.finish(
                    member,
                    StackPlan(
                        stack.name, stack.account_id, stack.region, (), {}, error, stack.values, (), shown(stack.path)
                    ),
                )
        if len(self.pending) == before:  # every wait leads to a circle, so this cannot happen; never spin
            raise RuntimeError(f"stacks wait on each other with no cycle found: {self.waiting}")

    def depth(self, key: str, seen: frozenset[str] = frozenset()) -> int:
        """How many stacks deep `key` reads (0: it reads none of the plan)."""
        below = [self.depth(k, seen | {key}) + 1 for k in self.reads.get(key, ()) if k in self.done and k not in seen]
        return max(below, default=0)

    def ordered(self) -> tuple[StackPlan, ...]:
        """The plans, each after the stacks it reads, by name within a level: the same whatever ran first."""
        return tuple(self.done[k] for k in sorted(self.done, key=lambda k: (self.depth(k), k)))


class OutputFiles:
    """Each planned stack's outputs written once to a file of `directory`, for every worker that may read them:
    serialising a large registry's outputs into each application's request cost the plan a copy and an
    encoding per application.

    The files are pickles, read only by this plan's own workers (same interpreter, same library) from its
    private temporary directory: a registry of 1,000 repositories x 200 accounts exports 55 MB, mostly one
    JSON string, which JSON reads in 0.3 s per application and pickle in a few milliseconds."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.written: dict[str, tuple[str, int]] = {}  # key -> (path, size)

    def add(self, outputs: dict[str, dict[str, Any]]) -> None:
        """Write the outputs of the stacks not written yet (called from one thread)."""
        for key, values in outputs.items():
            if key not in self.written:
                path = self.directory / f"{len(self.written)}.pickle"
                data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
                path.write_bytes(data)
                self.written[key] = (str(path), len(data))

    def named(self, keys: Iterable[str]) -> tuple[dict[str, str], int]:
        """The files of `keys` by key, and their total size."""
        found = {k: self.written[k] for k in keys}
        return {k: path for k, (path, _) in found.items()}, sum(size for _, size in found.values())


def config_hints(project: Project, planned: Collection[str]) -> dict[str, frozenset[str]]:
    """For each stack, the other stacks of `planned` its config names: a top-level string value written as
    a StackReference would be (`stack`, `project/stack` or `org/project/stack`).

    Only a guess at what the program reads (a value may name a stack for another reason): it orders the
    runs, and the runs still find every real reference themselves."""
    hints: dict[str, frozenset[str]] = {}
    for stack in project.stacks:
        own = f"{project.name}/{stack.name}"
        named = {
            stack_key(value, project.name)
            for value in stack.values.values()
            if isinstance(value, str) and value and value.count("/") <= 2
        }
        hints[own] = frozenset(k for k in named if k != own and k in planned)
    return hints


# More stacks than this: say on stderr how far the plan is, when stderr is a terminal (or when asked).
PROGRESS_FROM = 6


def _progress(schedule: _Schedule, key: str, progress: bool | None) -> None:
    if key not in schedule.done or progress is False:
        return
    total = len(schedule.done) + len(schedule.pending)
    # A log (CI) keeps one line per problem; a person at a terminal sees the plan move.
    if progress or (total >= PROGRESS_FROM and sys.stderr.isatty()):
        state = "ok" if schedule.done[key].ok else "FAILS"
        print(f"plan: [{len(schedule.done)}/{total}] stack {key}: {state}", file=sys.stderr, flush=True)


def plan_project(
    directory: Path,
    organization: str = ORGANIZATION,
    limits: Limits = Limits(),  # frozen, so one shared default is safe
    stacks: tuple[str, ...] = (),
    stack_outputs: dict[str, dict[str, Any]] | None = None,
    organization_id: str | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
) -> ProjectPlan:
    """Run the project's stacks (or `stacks` and those they read), each after the stacks it references.

    `stack_outputs`: outputs of stacks outside the plan by `project/stack`, as `pulumi stack output --json` prints.
    `jobs`: how many stacks run at once, each in its own worker process (default: the number of cores).
    `progress`: a line on stderr as each stack ends: always (True), never (False), or, by default, from six
    stacks up when stderr is a terminal.
    """
    directory = directory.resolve()
    with (
        tempfile.TemporaryDirectory(prefix="shared-registry-outputs-") as shared,
        Path(shared, "worker-server.log").open("w+b") as server_log,
    ):
        # Started first, so that it imports the SDK while the stacks' configs are read.
        server = WorkerServer.start(directory, server_log) if (directory / "Pulumi.yaml").is_file() else None
        launcher = Launcher(directory, server)
        try:
            with collection_paced_by_memory():  # configs of many megabytes: no garbage, only data kept
                project = load_project(directory)
            return _plan_stacks(
                project,
                launcher,
                Path(shared),
                organization,
                limits,
                stacks,
                stack_outputs,
                organization_id,
                jobs,
                progress,
            )
        finally:
            launcher.close()


def _plan_stacks(
    project: Project,
    launcher: Launcher,
    shared: Path,
    organization: str,
    limits: Limits,
    stacks: tuple[str, ...],
    stack_outputs: dict[str, dict[str, Any]] | None,
    organization_id: str | None,
    jobs: int | None,
    progress: bool | None,
) -> ProjectPlan:
    _STOPPING.clear()
    given = dict(stack_outputs or {})
    schedule = _Schedule(project, dict(given), {f"{project.name}/{s.name}": s for s in _selected(project, stacks)})
    # Stacks given as files answer references themselves: they are not planned unless selected.
    plan_stacks = tuple(k for k in project_keys(project) if k not in given or k in schedule.pending)
    files = OutputFiles(shared)

    def run(stack: StackConfig, outputs: tuple[str, ...], failed: tuple[str, ...]) -> tuple[StackPlan, tuple[str, ...]]:
        request = worker_request(project, stack, {}, organization, failed, plan_stacks)
        request["stack_output_files"], file_bytes = files.named(outputs)
        return run_stack_reading(project, stack, request, limits, file_bytes, launcher)

    schedule.hints = config_hints(project, plan_stacks)
    workers = max(1, jobs or os.cpu_count() or 1)
    running: dict[str, Future[tuple[StackPlan, tuple[str, ...]]]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            while schedule.pending:
                # Started only when a worker is free: each run gets the outputs known at that moment.
                for stack in schedule.next_runs(running, workers - len(running)):
                    files.add(schedule.outputs)
                    running[schedule.key(stack)] = pool.submit(
                        run, stack, tuple(schedule.outputs), tuple(schedule.failed)
                    )
                if not running:
                    schedule.break_cycles()
                    continue
                finished, _ = wait(running.values(), return_when=FIRST_COMPLETED)
                for key in [k for k, future in running.items() if future in finished]:
                    schedule.record(key, *running.pop(key).result())
                    _progress(schedule, key, progress)
        except BaseException:
            # Interrupted: stop every running worker now; leaving the pool waits for their threads to clean up.
            stop_workers()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return ProjectPlan(project.name, schedule.ordered(), tuple(sorted(given)), organization_id)
