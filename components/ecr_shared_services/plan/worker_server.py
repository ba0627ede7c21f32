"""A process that starts the plan's workers by forking itself, with the Pulumi SDK already imported.

Usage: `python -m ecr_shared_services.plan.worker_server` (the runner starts one per plan, in the project's
directory, and talks to it over its standard input and output: see `worker_processes.py`).

A worker started as a new interpreter spends most of an application stack's run importing the SDK, the AWS
provider's modules and this library (about 0.6 s of the 0.8 s such a stack takes). This server imports them
once; each worker is a fork of it, so it starts with them imported and nothing else:
- the server never runs a program, creates an event loop or starts a thread, so a fork holds no stack's
  state, no loop and no lock another thread held;
- each worker is its own process, as a worker started from scratch is: what one stack's program changes
  (modules, runtime globals, sys.path) no other stack sees;
- the worker runs `worker.main` with the argv a worker started from scratch gets, its standard output and
  error written to the file the runner names, and it is bounded the same way (its own CPU-time limit; the
  runner's wall-clock deadline, by a signal sent through this server).

Messages are one JSON object per line. In: `{"start": ID, "argv": [...], "output": PATH}` and
`{"signal": ID, "number": N}`. Out: `{"ready": true}` once the imports are done, `{"id": ID, "pid": PID}` once
a worker runs, `{"id": ID, "exit": CODE}` when it has ended (negative: the signal that ended it) and
`{"id": ID, "error": TEXT}` when it could not be started. End of input: every worker still running is
stopped (SIGTERM, then SIGKILL after a grace period) and reaped, and the server exits.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import selectors
import signal
import sys
import time
import traceback
from typing import Any

import pulumi_aws

import ecr_shared_services
from ecr_shared_services.plan import worker
from ecr_shared_services.plan.worker_processes import STOP_GRACE_SECONDS

# The library's packages a stack's program may use; the CLI's and the component provider's are never.
LIBRARY_SKIPPED = ("ecr_shared_services.cli", "ecr_shared_services.provider", "ecr_shared_services.plan")


def preload() -> None:
    """Import what a stack's program of this project imports from outside it, so that no worker imports it
    again: the AWS provider's ECR and IAM modules (the SDK loads a module's classes at the first use of one of
    them) and this library's modules."""
    _first_uses = (pulumi_aws.ecr.Repository, pulumi_aws.iam.Role)
    for found in pkgutil.walk_packages(ecr_shared_services.__path__, "ecr_shared_services."):
        if not found.name.startswith(LIBRARY_SKIPPED):
            importlib.import_module(found.name)


def _send(message: dict[str, Any]) -> None:
    # os.write on the descriptor: no Python-level buffer or lock that a forked worker could inherit mid-write.
    os.write(1, (json.dumps(message) + "\n").encode())


def _exit_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _end_with_server(server: int) -> None:
    """Linux: the kernel kills this worker if the server dies (killed with the plan), so none runs on alone."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != server:  # it died before the request took effect
        os._exit(1)


def _run_in_child(argv: list[str], output: str, own_fds: tuple[int, ...], server: int) -> None:
    """In the forked worker: take its own standard streams and signals, run the worker, never return."""
    code = 1
    try:
        _end_with_server(server)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in own_fds:
            os.close(fd)
        stream = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(stream, 1)
        os.dup2(stream, 2)
        os.close(null)
        os.close(stream)
        gc.enable()
        sys.argv = [worker.__file__ or "worker.py", *argv]
        code = worker.main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if not isinstance(exit_.code, (int, type(None))):
            print(exit_.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class _Server:
    def __init__(self) -> None:
        self.children: dict[int, int] = {}  # pid -> id
        self.pids: dict[int, int] = {}  # id -> pid, while not reaped
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        signal.set_wakeup_fd(self.wake_write)
        # A handler (not SIG_DFL, which Python cannot wake on) so that a worker's end wakes the selector.
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(0, selectors.EVENT_READ)
        self.selector.register(self.wake_read, selectors.EVENT_READ)
        self.pending = b""

    def own_fds(self) -> tuple[int, ...]:
        return (self.wake_read, self.wake_write, self.selector.fileno())

    def start(self, ident: int, argv: list[str], output: str) -> None:
        try:
            server = os.getpid()
            pid = os.fork()
        except OSError as error:
            _send({"id": ident, "error": f"could not fork a worker: {error}"})
            return
        if pid == 0:
            _run_in_child(argv, output, self.own_fds(), server)
        self.children[pid] = ident
        self.pids[ident] = pid
        _send({"id": ident, "pid": pid})

    def signal(self, ident: int, number: int) -> None:
        pid = self.pids.get(ident)
        if pid is not None:  # not reaped yet, so the pid is still this worker's
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            ident = self.children.pop(pid, None)
            if ident is not None:
                del self.pids[ident]
                _send({"id": ident, "exit": _exit_code(status)})

    def handle(self, line: bytes) -> None:
        message = json.loads(line)
        if "start" in message:
            self.start(int(message["start"]), [str(a) for a in message["argv"]], str(message["output"]))
        elif "signal" in message:
            self.signal(int(message["signal"]), int(message["number"]))

    def serve(self) -> None:
        _send({"ready": True})
        while True:
            for key, _ in self.selector.select():
                if key.fd == self.wake_read:
                    try:
                        while os.read(self.wake_read, 512):
                            pass
                    except BlockingIOError:
                        pass
                    self.reap()
                    continue
                data = os.read(0, 65536)
                if not data:
                    self.stop_all()
                    return
                self.pending += data
                *lines, self.pending = self.pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        self.handle(line)
            self.reap()

    def stop_all(self) -> None:
        """End of input (the plan ended or was killed): no worker outlives it."""
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self.children and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.children.pop(pid)


def main() -> int:
    preload()
    server = _Server()
    # Objects made by the imports are never freed: keeping the collector off them spares each worker from
    # copying the pages the collector would touch.
    gc.collect()
    gc.freeze()
    gc.disable()
    server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
