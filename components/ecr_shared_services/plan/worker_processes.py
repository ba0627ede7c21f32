"""How the runner starts a stack's worker process and waits for it: forked by the plan's worker server
(`worker_server.py`, the SDK already imported), or, where fork is not available or the server could not
start, as a new interpreter. Either way the runner sees the same handle: wait with a deadline, signal,
the exit code, and what the worker printed (in a file, read once it has ended).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

# How long the server may take to import the SDK before the plan starts its workers the slow way instead.
SERVER_READY_SECONDS = 60.0
# After SIGTERM, how long a worker gets to print its threads' stacks and exit before SIGKILL: the runner's
# grace for a worker it stops, and the server's for the workers still running when its input is closed.
STOP_GRACE_SECONDS = 5.0
# After its input is closed, how long the server gets to stop its workers (STOP_GRACE_SECONDS) and exit.
SERVER_EXIT_SECONDS = 15.0
WORKER_MODULE = "ecr_shared_services.plan.worker"


class WorkerProcess(Protocol):
    """One stack's worker, however it was started."""

    def wait(self, timeout: float | None) -> int | None:
        """The exit code once it has ended (negative: the signal that ended it); None at the deadline.
        None also when the process that started it ended first (then `lost` says so)."""

    def send_signal(self, number: int) -> None: ...

    def abandon(self) -> None:
        """Stop waiting for the worker's end from whatever started it: make it end (it was sent SIGKILL)."""

    def exited(self) -> bool:
        """Whether the process is known to have ended though its exit status has not been reported."""

    def release(self) -> None:
        """Free what the handle holds, once the worker has ended."""

    @property
    def lost(self) -> str | None:
        """Why the worker's end cannot be known (its server ended), else None."""


@dataclass(eq=False)  # hashed by identity: the runner keeps a set of live workers
class _SpawnedWorker:
    """A worker started as a new interpreter."""

    proc: subprocess.Popen[bytes]

    def wait(self, timeout: float | None) -> int | None:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, number: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(number)

    def abandon(self) -> None:
        self.proc.kill()

    def exited(self) -> bool:
        return False  # Popen reaps it and reports its status itself

    def release(self) -> None:
        """Nothing to release: Popen reaps its own process."""

    @property
    def lost(self) -> str | None:
        return None


def spawn(argv: list[str], output: Path, directory: Path) -> WorkerProcess:
    """A worker as a new interpreter: `python -m ecr_shared_services.plan.worker ARGV...`."""
    with output.open("wb") as stream:
        proc = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, *argv],
            stdin=subprocess.DEVNULL,
            stdout=stream,
            stderr=subprocess.STDOUT,
            cwd=directory,
        )
    return _SpawnedWorker(proc)


@dataclass(eq=False)  # hashed by identity: the runner keeps a set of live workers
class _ForkedWorker:
    """A worker the server forked: its pid and exit code arrive as messages from the server.

    Signals go to the worker itself through a pidfd, opened as soon as the server says the worker runs: from
    then on it names that process and no other, even once it is reaped. A server that is stopped or stuck can
    then neither keep a worker past its deadline nor keep the plan from stopping it. Where pidfds are not
    available (or the worker ended before one was opened) they go through the server."""

    server: WorkerServer
    ident: int
    ended: threading.Event = field(default_factory=threading.Event)
    code: int | None = None
    why_lost: str | None = None
    pidfd: int | None = None

    def wait(self, timeout: float | None) -> int | None:
        self.ended.wait(timeout)
        return self.code

    def send_signal(self, number: int) -> None:
        if self.ended.is_set():
            return
        if self.pidfd is not None:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self.pidfd, number)
            return
        self.server.send({"signal": self.ident, "number": number})

    def abandon(self) -> None:
        """The worker's end is not coming from the server (stopped, stuck): end the server, whose end ends its
        workers (they die with it), so that every wait on them returns."""
        self.server.kill()

    def exited(self) -> bool:
        if self.pidfd is None or self.ended.is_set():
            return False
        try:
            return bool(select.select([self.pidfd], [], [], 0)[0])  # a pidfd is readable once its process ended
        except (OSError, ValueError):
            return False

    def started(self, pid: int) -> None:
        opener = getattr(os, "pidfd_open", None)
        if opener is not None:
            with contextlib.suppress(OSError):  # already ended and reaped, or pidfds not supported
                self.pidfd = opener(pid)

    def release(self) -> None:
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None

    @property
    def lost(self) -> str | None:
        return self.why_lost


class WorkerServer:
    """The plan's worker server: forks a worker per request and says when each ends."""

    def __init__(self, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self.proc = proc
        self.log = log
        self.lock = threading.Lock()
        self.workers: dict[int, _ForkedWorker] = {}
        self.next_ident = 0
        self.closed = False
        self.killed = False  # by the plan (kill), not by a program
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, name="worker-server", daemon=True)
        self.reader.start()

    @staticmethod
    def start(directory: Path, log: IO[bytes]) -> WorkerServer | None:
        """A server starting in `directory` (the project's: the workers' working directory and first import
        root, as for a worker started from scratch); None except on Linux: macOS's system libraries are not
        safe to use in a forked child (Python's multiprocessing starts processes afresh there), and Windows
        has no fork."""
        if not sys.platform.startswith("linux"):
            return None
        proc = subprocess.Popen(
            [sys.executable, "-m", "ecr_shared_services.plan.worker_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=directory,
        )
        return WorkerServer(proc, log)

    def usable(self) -> bool:
        """Whether the server has imported what it preloads and still runs (waits for it the first time)."""
        return self.ready.wait(SERVER_READY_SECONDS) and not self.closed

    def send(self, message: dict[str, Any]) -> None:
        stdin = self.proc.stdin
        with self.lock:
            if self.closed or stdin is None:
                return
            try:
                stdin.write((json.dumps(message) + "\n").encode())
                stdin.flush()
            except (BrokenPipeError, OSError):
                pass  # the server has ended: the reader says so to every worker still waiting

    def fork(self, argv: list[str], output: Path) -> WorkerProcess:
        with self.lock:
            self.next_ident += 1
            worker = _ForkedWorker(self, self.next_ident)
            self.workers[worker.ident] = worker
        self.send({"start": worker.ident, "argv": argv, "output": str(output)})
        return worker

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        for line in stdout:
            message = json.loads(line)
            if message.get("ready"):
                self.ready.set()
                continue
            with self.lock:
                worker = self.workers.get(int(message["id"]))
            if worker is None:
                continue
            if "pid" in message:
                worker.started(int(message["pid"]))
            elif "exit" in message or "error" in message:
                worker.code = message.get("exit")
                worker.why_lost = message.get("error")
                with self.lock:
                    self.workers.pop(worker.ident, None)
                worker.ended.set()
        # End of output: the server has ended (closed by the plan, or killed). No worker still waiting can know.
        with self.lock:
            self.closed = True
            waiting, self.workers = list(self.workers.values()), {}
        for worker in waiting:
            worker.why_lost = (
                "the plan ended its worker server, which had stopped reporting on its workers (a program of a "
                "stack running at that moment may have stopped it)"
                if self.killed
                else "the plan's worker server ended while the worker ran (a program of a stack running at that "
                "moment may have ended its parent process, the server)"
            )
            worker.ended.set()
        self.ready.set()

    def log_tail(self, characters: int = 2000) -> str:
        """The end of what the server itself printed (why it ended, when it did)."""
        try:
            self.log.flush()
            return Path(self.log.name).read_text(errors="replace")[-characters:].strip()
        except (OSError, TypeError, ValueError):
            return ""

    def kill(self) -> None:
        """End the server now (SIGKILL): its workers die with it, and every worker still waited for is lost."""
        self.killed = True
        with contextlib.suppress(OSError):
            self.proc.kill()

    def close(self) -> None:
        """Close the server's input: it stops and reaps every worker still running, then exits."""
        with self.lock:
            stdin, self.proc.stdin = self.proc.stdin, None
        if stdin is not None:
            with contextlib.suppress(OSError):
                stdin.close()
        try:
            self.proc.wait(SERVER_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.reader.join(SERVER_EXIT_SECONDS)


@dataclass
class Launcher:
    """Starts the plan's workers: through its server while the server runs, else each as a new interpreter."""

    directory: Path
    server: WorkerServer | None = None

    def launch(self, argv: list[str], output: Path) -> WorkerProcess:
        if self.server is not None and self.server.usable():
            return self.server.fork(argv, output)
        return spawn(argv, output, self.directory)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
