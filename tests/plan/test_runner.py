"""The plan's runner: how a stack's worker ends (result, program error, crash, timeout) and how it is stopped.

The workers are forks of one server that has imported the SDK (`worker_server.py`): each stack still runs in
a process of its own, sees nothing another stack's run left behind, and no worker outlives the server. Where
the server cannot start, the workers start as new interpreters, with the same result.

Each case runs `shared-registry plan` as a subprocess with a deadline (`DEADLINE`) far below the worker's
default bounds (a CPU-time limit of 120 s or more), so a runner that spins or waits fails the test quickly
instead of hanging it. A program that stalls records each run in a file, so that "not retried" is checked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ecr_shared_services.plan.mock_runtime import program_error
from ecr_shared_services.plan.runner import CPU_FLOOR_SECONDS, Limits
from ecr_shared_services.plan.worker_processes import Launcher, WorkerServer

DEADLINE = 60.0
STACK_CONFIG = (
    'config:\n  ecr:stackRole: registry\n  aws:region: us-east-1\n  aws:allowedAccountIds: ["123456789012"]\n'
)
# Each run of a program appends a line here: how many times the runner started it.
RECORD_RUN = (
    "import os, pathlib\nwith open(pathlib.Path(__file__).parent / 'runs.log', 'a') as f:\n    f.write('run\\n')\n"
)


def make_project(root: Path, program: str) -> Path:
    """A one-stack project whose program is `program` (after a line that records the run)."""
    root.mkdir(exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (root / "Pulumi.dev.yaml").write_text(STACK_CONFIG)
    (root / "__main__.py").write_text(RECORD_RUN + program)
    return root


def runs(project: Path) -> int:
    log = project / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def run_plan(project: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`shared-registry plan --format json` on `project`; stopped (SIGTERM, then SIGKILL) at DEADLINE."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(project), "--format", "json", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        pytest.fail(f"the plan did not finish within the test's deadline of {DEADLINE} s")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def start_plan(project: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`shared-registry plan` on `project`, left running (the caller signals it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ecr_shared_services.cli", "plan", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(path: Path) -> None:
    """Until the program has written `path` (its worker's pid), or DEADLINE."""
    started = time.monotonic()
    while not (path.exists() and path.read_text()) and time.monotonic() - started < DEADLINE:
        time.sleep(0.1)


def has_ended(pid: int) -> bool:
    """Whether process `pid` has ended (Linux): gone, or a zombie, since whether init reaps it in a container
    is not the plan's doing."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def stack_error(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    [stack] = json.loads(proc.stdout)["stacks"]
    error: dict[str, Any] = stack["error"]
    return error


def test_the_default_bounds_are_far_above_the_tests_deadline() -> None:
    cpu, wall = Limits().resolve(0)
    assert cpu == CPU_FLOOR_SECONDS and cpu >= 2 * DEADLINE and wall >= cpu
    # The bounds grow with the input: a registry of thousands of grants is not cut off at a fixed time.
    assert Limits().resolve(20 * 2**20)[0] > 5 * cpu
    assert Limits(cpu_seconds=7, wall_seconds=9).resolve(20 * 2**20) == (7, 9)


def test_an_error_that_is_its_own_cause_is_unwrapped_to_the_programs_error() -> None:
    # What Pulumi's wait_for_rpcs leaves: the outer wrapper re-raised `from` itself; the wrapper it
    # replaced survives as its __context__, and that one's cause is the program's own error.
    own = ValueError("boom")
    middle = ValueError("While processing input: 'policy', ...\nValueError has risen: boom")
    middle.__cause__ = own
    outer = ValueError("While processing resource: 'p', ...\nValueError has risen: ...")
    outer.__context__ = middle
    outer.__cause__ = outer
    found: list[BaseException] = []
    walker = threading.Thread(target=lambda: found.append(program_error(outer)), daemon=True)
    walker.start()
    walker.join(timeout=5)
    assert found == [own]


def test_an_error_raised_in_an_apply_feeding_an_input_reports_the_programs_message(tmp_path: Path) -> None:
    # The five lines of the report: a ValueError raised in an apply that feeds a resource input.
    project = make_project(
        tmp_path,
        "import pulumi_aws as aws\n"
        "r = aws.ecr.Repository('r', name='r')\n"
        "def boom(a): raise ValueError('boom')\n"
        "aws.ecr.RepositoryPolicy('p', repository=r.name, policy=r.arn.apply(boom))\n",
    )
    proc = run_plan(project)
    assert proc.returncode == 1
    error = stack_error(proc)
    assert (error["type"], error["kind"], error["message"]) == ("ValueError", "program-error", "boom")
    assert runs(project) == 1


def test_a_crash_is_reported_as_a_crash_with_what_it_printed_and_not_run_again(tmp_path: Path) -> None:
    project = make_project(tmp_path, "print('about to go', flush=True)\nos._exit(7)\n")
    proc = run_plan(project)
    assert proc.returncode == 1
    error = stack_error(proc)
    assert (error["type"], error["kind"]) == ("WorkerCrashed", "crashed")
    assert "exited with code 7 before it wrote its result" in error["message"]
    assert "about to go" in error["message"]
    assert runs(project) == 1


def test_a_worker_killed_by_a_signal_is_named_by_its_signal(tmp_path: Path) -> None:
    project = make_project(tmp_path, "import signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    error = stack_error(run_plan(project))
    assert error["kind"] == "crashed" and "was killed by SIGKILL" in error["message"]


def test_a_partly_written_result_is_a_crash_not_an_unhandled_json_error(tmp_path: Path) -> None:
    # The worker's argv: [worker, request.json, result.json, cpu seconds]. Half a result, then a clean exit.
    project = make_project(tmp_path, "import sys\nopen(sys.argv[2], 'w').write('{\"outputs\": {')\nos._exit(0)\n")
    proc = run_plan(project)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    error = stack_error(proc)
    assert error["kind"] == "crashed"
    assert "wrote a result that cannot be read" in error["message"]


def test_a_program_past_its_wall_clock_deadline_is_a_timeout_with_its_stack_in_text(tmp_path: Path) -> None:
    project = make_project(tmp_path, "import time\ntime.sleep(600)\n")
    proc = run_plan(project, "--timeout", "3")
    assert proc.returncode == 1
    error = stack_error(proc)
    assert (error["type"], error["kind"]) == ("WorkerTimedOut", "timed-out")
    message = error["message"]
    assert message.startswith("the program of stack dev did not finish within its wall-clock deadline of 3 s")
    # Where it was, as text lines (not the repr of bytes).
    assert '__main__.py", line 5' in message and "\n" in message and "b'" not in message
    assert runs(project) == 1


def test_a_program_that_spins_is_stopped_by_its_cpu_time_limit(tmp_path: Path) -> None:
    project = make_project(tmp_path, "while True:\n    pass\n")
    proc = run_plan(project, "--cpu-limit", "2", "--timeout", "50")
    error = stack_error(proc)
    assert (error["type"], error["kind"]) == ("WorkerTimedOut", "timed-out")
    assert error["message"].startswith("the program of stack dev did not finish within its CPU-time limit of 2 s")
    assert re.search(r'__main__\.py", line [45] in <module>', error["message"])
    assert runs(project) == 1


def test_sigterm_stops_the_worker_and_removes_the_temporary_directory(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "open('worker.pid', 'w').write(str(os.getpid()))\nimport time\n")
    (project / "__main__.py").write_text((project / "__main__.py").read_text() + "time.sleep(600)\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    plan = start_plan(project, env)
    pid_file = project / "worker.pid"
    try:
        wait_for(pid_file)
        worker = int(pid_file.read_text())
        assert list(scratch.iterdir()), "the worker's temporary directory exists while it runs"
        plan.send_signal(signal.SIGTERM)
        _, err = plan.communicate(timeout=DEADLINE)
    finally:
        if plan.poll() is None:
            # SIGTERM first: the plan stops its worker; SIGKILL would leave the worker behind.
            plan.terminate()
            try:
                plan.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                plan.kill()
                plan.communicate()
    assert plan.returncode == 128 + signal.SIGTERM
    assert err.strip().splitlines()[-1] == "shared-registry plan: stopped by SIGTERM; no stack left running"
    assert "Traceback" not in err
    # Reaped by the plan, not left running under init.
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    assert list(scratch.iterdir()) == []


# Each run appends a line: whether the SDK's AWS modules were imported before the program imported them, and
# whether an earlier stack's run left its mark on a module.
RECORD_STATE = (
    "import json, sys\n"
    "preloaded = 'pulumi_aws.ecr' in sys.modules\n"
    "import pulumi_aws\n"
    "left_behind = hasattr(pulumi_aws, 'mark_of_an_earlier_stack')\n"
    "line = {'preloaded': preloaded, 'left_behind': left_behind, 'pid': os.getpid()}\n"
    "pulumi_aws.mark_of_an_earlier_stack = True\n"
    "with open(pathlib.Path(__file__).parent / 'state.log', 'a') as f:\n"
    "    f.write(json.dumps(line) + '\\n')\n"
    "pulumi_aws.ecr.Repository('r', name='r')\n"
)


def states(project: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (project / "state.log").read_text().splitlines()]


FORKED = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker server runs on Linux only")


@FORKED
def test_each_stack_runs_in_its_own_fork_with_the_sdk_imported_and_nothing_left_by_another(tmp_path: Path) -> None:
    project = make_project(tmp_path, RECORD_STATE)
    for name in ("two", "three"):
        (project / f"Pulumi.{name}.yaml").write_text(STACK_CONFIG)
    proc = run_plan(project, "--jobs", "1")
    # The plan fails on guardrails this bare repository breaks; each stack's program ran to its end.
    assert [s["error"] for s in json.loads(proc.stdout)["stacks"]] == [None] * 3, proc.stderr
    seen = states(project)
    assert len(seen) == 3
    assert all(s["preloaded"] for s in seen), "forked from the server, which imported the AWS modules"
    assert not any(s["left_behind"] for s in seen), "one stack's module state reached another"
    assert len({s["pid"] for s in seen}) == 3
    assert all(s["pid"] != os.getpid() for s in seen)


@FORKED
def test_a_worker_whose_server_dies_is_a_crash_and_does_not_run_on(tmp_path: Path) -> None:
    # The worker's parent is the server: killing it leaves the worker with no one to report its end.
    project = make_project(
        tmp_path,
        "import signal, time\n"
        "open('worker.pid', 'w').write(str(os.getpid()))\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n"
        "time.sleep(600)\n",
    )
    started = time.monotonic()
    proc = run_plan(project)
    assert time.monotonic() - started < DEADLINE
    assert proc.returncode == 1
    error = stack_error(proc)
    assert (error["type"], error["kind"]) == ("WorkerCrashed", "crashed")
    assert "could not be followed to its end: the plan's worker server ended while the worker ran" in error["message"]
    worker = int((project / "worker.pid").read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # ended by the kernel with its server (PR_SET_PDEATHSIG)
        if has_ended(worker):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker kept running after its server died")


def test_when_the_server_never_becomes_ready_workers_start_as_new_interpreters(tmp_path: Path) -> None:
    project = make_project(tmp_path, RECORD_STATE)
    with (tmp_path / "server.log").open("w+b") as log:
        # A "server" that exits at once: it never says it is ready.
        proc = subprocess.Popen(
            [sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
        )
        server = WorkerServer(proc, log)
        launcher = Launcher(project, server)
        try:
            assert not server.usable()
            output = tmp_path / "output.txt"
            worker = launcher.launch(["missing-request.json", str(tmp_path / "result.json")], output)
            code = worker.wait(DEADLINE)
        finally:
            launcher.close()
    # The spawned worker ran (and failed on its missing request, as a new interpreter would).
    assert code == 1
    assert "missing-request.json" in output.read_text()


# A worker that notes its pid, then stops its parent, the server, and waits.
STOPS_ITS_SERVER = (
    "import signal, time\n"
    "open('worker.pid', 'w').write(str(os.getpid()))\n"
    "os.kill(os.getppid(), signal.SIGSTOP)\n"
    "time.sleep(600)\n"
)


@FORKED
def test_a_stopped_server_neither_keeps_a_worker_past_its_deadline_nor_hangs_the_plan(tmp_path: Path) -> None:
    # The worker stops its parent, the server: its deadline and its end still reach it (a pidfd names it).
    project = make_project(tmp_path, STOPS_ITS_SERVER)
    started = time.monotonic()
    proc = run_plan(project, "--timeout", "3")
    assert time.monotonic() - started < DEADLINE
    error = stack_error(proc)
    assert (error["type"], error["kind"]) == ("WorkerTimedOut", "timed-out")
    assert re.search(r'__main__\.py", line \d+ in <module>', error["message"])  # where it was, on SIGTERM
    assert runs(project) == 1


@FORKED
def test_sigterm_stops_the_plan_even_when_a_worker_has_stopped_its_server(tmp_path: Path) -> None:
    project = make_project(tmp_path, STOPS_ITS_SERVER)
    plan = start_plan(project)
    pid_file = project / "worker.pid"
    try:
        wait_for(pid_file)
        time.sleep(0.5)  # the server is stopped by now
        plan.send_signal(signal.SIGTERM)
        _, err = plan.communicate(timeout=DEADLINE)
    finally:
        if plan.poll() is None:
            plan.kill()
            plan.communicate()
            pytest.fail("the plan did not stop on SIGTERM")
    assert plan.returncode == 128 + signal.SIGTERM, err
    assert has_ended(int(pid_file.read_text()))


@FORKED
def test_a_stack_that_ends_while_its_server_is_stopped_is_reported_by_its_result(tmp_path: Path) -> None:
    # Stack dev stops the server; stack two ends meanwhile, unreported by the server: its result says how.
    project = make_project(
        tmp_path,
        "import signal, time, pulumi, pulumi_aws\n"
        "if pulumi.get_stack() == 'dev':\n"
        "    time.sleep(0.5)\n"
        "    os.kill(os.getppid(), signal.SIGSTOP)\n"
        "    time.sleep(600)\n"
        "time.sleep(2)\n"
        "pulumi_aws.ecr.Repository('r', name='r')\n",
    )
    (project / "Pulumi.two.yaml").write_text(STACK_CONFIG)
    proc = run_plan(project, "--jobs", "2", "--timeout", "8")
    errors = {s["stack"]: s["error"] for s in json.loads(proc.stdout)["stacks"]}
    assert errors["two"] is None
    assert errors["dev"]["kind"] == "timed-out"
