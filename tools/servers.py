"""Starting and stopping the action server and the Rasa server as processes.

Used by `make run`, `make shell`, the end-to-end tests and the benchmark, so all of them
run the assistant the same way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from runtime import settings
from runtime.settings import ROOT

TOKEN_FILE = ROOT / "var" / "auth_token"


@dataclass(frozen=True)
class RunningAssistant:
    rasa_url: str
    action_url: str
    token: str


def auth_token() -> tuple[str, bool]:
    """The API token from RASA_AUTH_TOKEN, else a local one kept in var/; True if new."""
    settings.load()
    if os.environ.get("RASA_AUTH_TOKEN"):
        return os.environ["RASA_AUTH_TOKEN"], False
    if TOKEN_FILE.exists():
        return TOKEN_FILE.read_text().strip(), False
    TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    TOKEN_FILE.write_text(token + "\n")
    TOKEN_FILE.chmod(0o600)
    return token, True


def server_environment(**overrides: str) -> dict[str, str]:
    settings.load()
    env = {**os.environ, **overrides}
    env["ACTION_SERVER_URL"] = f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}/webhook"
    env["SANIC_HOST"] = env["ACTION_SERVER_HOST"]  # rasa_sdk binds 0.0.0.0 otherwise
    # Sanic waits up to 15 s for idle keep-alive connections on shutdown: Ctrl-C should not.
    env.setdefault("SANIC_GRACEFUL_SHUTDOWN_TIMEOUT", "3")
    return env


def action_server_command(env: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", env["ACTION_SERVER_PORT"]]


def rasa_server_command(env: dict[str, str], token: str) -> list[str]:
    return [
        sys.executable, "-m", "runtime.rasa_cli", "run",
        "--model", env["RASA_MODEL"],
        "--interface", env["RASA_HOST"],
        "--port", env["RASA_PORT"],
        "--enable-api", "--auth-token", token,
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
    ]  # fmt: skip


def start_process(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:  # the child keeps its own copy of the file descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{process.args[2:4]} exited early; end of {log_path}:\n{tail}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f}s (log: {log_path})")


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


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def action_server(env: dict[str, str], timeout: float = 60) -> Iterator[str]:
    log_path = log_dir(env) / "actions.log"
    process = start_process(action_server_command(env), env, log_path)
    url = f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}"
    try:
        wait_until_up(f"{url}/health", process, log_path, timeout)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def assistant(timeout: float = 120, **overrides: str) -> Iterator[RunningAssistant]:
    """Action server + Rasa server, up and answering, stopped on exit."""
    env = server_environment(**overrides)
    token, _ = auth_token()
    log_path = log_dir(env) / "rasa.log"
    with action_server(env, timeout) as action_url:
        process = start_process(rasa_server_command(env, token), env, log_path)
        rasa_url = f"http://{env['RASA_HOST']}:{env['RASA_PORT']}"
        try:
            wait_until_up(f"{rasa_url}/", process, log_path, timeout)
            yield RunningAssistant(rasa_url, action_url, token)
        finally:
            stop(process)
