"""Starting, supervising and stopping the action server and the Rasa server as processes.

Used by `make run`, `make shell`, the end-to-end tests and the benchmark, so all of them
run the assistant the same way. A server that exits while the assistant runs is restarted
within seconds and the restart is logged (issue #11).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import requests

from runtime import settings
from runtime.settings import ROOT
from runtime.shared_secrets import shared_secret

POLL_INTERVAL = 0.5
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before exec: its own process group (a terminal's Ctrl-C reaches only the
    supervisor, which stops the servers in order), and SIGKILL when the supervisor dies, even
    by SIGKILL, so no server is left running without it."""
    os.setpgrp()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def private_log(path: Path) -> BinaryIO:
    """The log file opened for appending, readable by its owner only (issue #11)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(descriptor, 0o600)  # a file from before this change
    return os.fdopen(descriptor, "ab")


class Supervised:
    """One server process, restarted by `Supervisor` when it exits on its own.

    `user`: the account it runs as (PostgreSQL refuses root); `stop_signal`: the signal that
    stops it quickly (PostgreSQL's fast shutdown is SIGINT)."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        log_path: Path,
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
    ) -> None:
        self.name, self.command, self.env, self.log_path = name, command, env, log_path
        self.user, self.stop_signal = user, stop_signal
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with private_log(self.log_path) as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent, user=self.user, group=self.user,
                extra_groups=[] if self.user else None,
            )  # fmt: skip

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        """Its stop signal to its process group, SIGKILL after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, self.stop_signal)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def exit_description(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


class Supervisor(threading.Thread):
    """Restarts a server that exits while the assistant runs, and says so in supervisor.log
    and on the terminal."""

    def __init__(self, processes: list[Supervised], log_path: Path, restart_delay: float) -> None:
        super().__init__(name="supervisor", daemon=True)
        self.processes, self.log_path, self.restart_delay = processes, log_path, restart_delay
        self._stopping = threading.Event()
        self._released = threading.Event()

    def note(self, line: str) -> None:
        stamped = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}"
        print(stamped, file=sys.stderr, flush=True)
        with private_log(self.log_path) as log:
            log.write(stamped.encode() + b"\n")

    def run(self) -> None:
        while not self._stopping.wait(POLL_INTERVAL):
            for server in self.processes:
                code = server.exited()
                if code is None or self._stopping.is_set():
                    continue
                self.note(f"The {server.name} stopped ({exit_description(code)}); restarting it.")
                if self._stopping.wait(self.restart_delay):
                    break  # stopped meanwhile: no new server to leave behind
                server.start()
                server.restarts += 1
                self.note(f"The {server.name} was restarted (pid {server.pid}).")
        self._released.wait()

    def stop_restarting(self) -> None:
        self._stopping.set()

    def release(self) -> None:
        """After the servers were stopped: a server restarted from this thread would get
        SIGKILL the moment the thread ends (PR_SET_PDEATHSIG follows the thread), so the
        thread waits for this before it ends."""
        self._released.set()
        if self.is_alive():
            self.join()


@dataclass(frozen=True)
class RunningAssistant:
    rasa_url: str
    action_url: str
    token: str
    servers: dict[str, Supervised]


def auth_token() -> tuple[str, bool]:
    """The API token from RASA_AUTH_TOKEN, else a local one kept in var/; True if new."""
    return shared_secret("RASA_AUTH_TOKEN")


def server_environment(**overrides: str) -> dict[str, str]:
    settings.load()
    env = {**os.environ, **overrides}
    env["ACTION_SERVER_URL"] = f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}/webhook"
    # Sanic waits up to 15 s for idle keep-alive connections on shutdown: Ctrl-C should not.
    env.setdefault("SANIC_GRACEFUL_SHUTDOWN_TIMEOUT", "3")
    return env


def action_server_command() -> list[str]:
    return [sys.executable, "-m", "runtime.action_server"]


def rasa_server_command(env: dict[str, str]) -> list[str]:
    """No token here: runtime.rasa_cli adds it inside the process, out of sight of `ps`."""
    return [
        sys.executable, "-m", "runtime.rasa_cli", "run",
        "--model", env["RASA_MODEL"],
        "--interface", env["RASA_HOST"],
        "--port", env["RASA_PORT"],
        "--enable-api",
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
    ]  # fmt: skip


def wait_until_up(url: str, server: Supervised, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.exited() is not None:
            tail = server.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"The {server.name} exited early; end of {server.log_path}:\n{tail}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f}s (log: {server.log_path})")


def exit_on_termination() -> None:
    """SIGTERM/SIGHUP (a closed terminal, a process manager) unwind like Ctrl-C does, so the
    servers started here are stopped instead of left running."""

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, leave)
    # A process started in the background by a script inherits SIGINT ignored, and Python then
    # never raises KeyboardInterrupt: Ctrl-C (or kill -INT) must stop the servers all the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def log_dir(env: dict[str, str]) -> Path:
    path = Path(env["LOG_DIR"])
    return path if path.is_absolute() else ROOT / path


@contextlib.contextmanager
def action_server(env: dict[str, str], timeout: float = 60) -> Iterator[Supervised]:
    """The action server alone, up and answering, stopped on exit (not supervised)."""
    server = Supervised("action server", action_server_command(), env, log_dir(env) / "actions.log")
    server.start()
    try:
        wait_until_up(action_server_url(env) + "/health", server, timeout)
        yield server
    finally:
        server.stop()


def action_server_url(env: dict[str, str]) -> str:
    return f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}"


@contextlib.contextmanager
def assistant(timeout: float = 120, **overrides: str) -> Iterator[RunningAssistant]:
    """Action server + Rasa server, up and answering, restarted if they crash, stopped on exit."""
    env = server_environment(**overrides)
    env["ACTION_SERVER_TOKEN"] = shared_secret("ACTION_SERVER_TOKEN")[0]
    token, _ = auth_token()
    logs = log_dir(env)
    actions = Supervised("action server", action_server_command(), env, logs / "actions.log")
    rasa = Supervised("Rasa server", rasa_server_command(env), env, logs / "rasa.log")
    rasa_url = f"http://{env['RASA_HOST']}:{env['RASA_PORT']}"
    restart_delay = float(env["SUPERVISOR_RESTART_DELAY_SECONDS"])
    supervisor = Supervisor([actions, rasa], logs / "supervisor.log", restart_delay)
    try:
        # Started together: the Rasa server needs the action server for messages, not to start.
        actions.start()
        rasa.start()
        wait_until_up(action_server_url(env) + "/health", actions, timeout)
        wait_until_up(f"{rasa_url}/", rasa, timeout)
        supervisor.start()
        yield RunningAssistant(rasa_url, action_server_url(env), token, {"actions": actions, "rasa": rasa})
    finally:
        supervisor.stop_restarting()
        rasa.stop()
        actions.stop()
        supervisor.release()


def staff_inbox_command() -> list[str]:
    return [sys.executable, "-m", "runtime.inbox.server"]


@contextlib.contextmanager
def staff_inbox(env: dict[str, str], timeout: float = 60) -> Iterator[str]:
    """The staff inbox (runtime/inbox/) on INBOX_HOST:INBOX_PORT, up and answering, restarted if
    it crashes, stopped on exit; yields its URL."""
    logs = log_dir(env)
    server = Supervised("staff inbox", staff_inbox_command(), env, logs / "inbox.log")
    supervisor = Supervisor([server], logs / "supervisor.log", float(env["SUPERVISOR_RESTART_DELAY_SECONDS"]))
    url = f"http://{env['INBOX_HOST']}:{env['INBOX_PORT']}"
    try:
        server.start()
        wait_until_up(f"{url}/login", server, timeout)
        supervisor.start()
        yield url
    finally:
        supervisor.stop_restarting()
        server.stop()
        supervisor.release()
