"""`make cluster` / `make cluster-stop`: the assistant as several instances on this machine.

    python -m tools.cluster start   # in the background; prints the URL when it answers
    python -m tools.cluster run     # in the foreground (Ctrl-C stops it)
    python -m tools.cluster stop    # stops exactly what `start` started

Everything lives under var/cluster/ (CLUSTER_DIR): PostgreSQL's data, Redis's and nginx's
configuration, the logs, and state.json with the pid of every process the cluster started.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from runtime import settings
from runtime.settings import ROOT
from tools import servers
from tools.cluster.topology import running

START_TIMEOUT_S = 400
STOP_TIMEOUT_S = 60


def folder() -> Path:
    return settings.path("CLUSTER_DIR")


def state_file() -> Path:
    return folder() / "state.json"


def read_state() -> dict | None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        return json.loads(state_file().read_text())
    return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def run() -> int:
    servers.exit_on_termination()
    port = int(settings.get("CLUSTER_HTTP_PORT"))
    with running(folder(), port) as cluster:
        state = {
            "supervisor": os.getpid(),
            "url": cluster.url,
            "inbox": cluster.inbox_url,
            "handoff_db": cluster.postgres.url("handoff"),
            "processes": cluster.processes(),
        }
        state_file().write_text(json.dumps(state, indent=2))
        print(f"Cluster up at {cluster.url}", flush=True)
        print(f"Staff inbox at {cluster.inbox_url} (accounts: make inbox-user)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            state_file().unlink(missing_ok=True)
    return 0


def start() -> int:
    state = read_state()
    if state and alive(state["supervisor"]):
        print(f"The cluster is already running at {state['url']} (make cluster-stop stops it).")
        return 0
    folder().mkdir(parents=True, exist_ok=True)
    state_file().unlink(missing_ok=True)
    log = folder() / "cluster.log"
    print(
        "Starting PostgreSQL, Redis, nginx, two action servers and two Rasa servers (about a minute)...",
        flush=True,
    )
    with log.open("ab") as output:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "tools.cluster", "run"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT_S
    while (state := read_state()) is None:
        if supervisor.poll() is not None or time.monotonic() > deadline:
            print(f"The cluster did not start; end of {log}:\n{log.read_text(errors='replace')[-3000:]}")
            return 1
        time.sleep(1)
    url = state["url"]
    print(
        f"""
The spine FAQ assistant runs as a cluster at {url}
  REST:       curl -s {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                   -d '{{"sender": "me", "message": "What is a discectomy?"}}'
  Socket.IO:  {url}/socket.io (the widget's socketUrl: {url})
  Health:     {url}/webhooks/health/
  Inbox:      {state["inbox"]} (staff accounts: HANDOFF_DB_URL={state["handoff_db"]} \
                   make inbox-user ACCOUNT=... ROLE=staff)
  Processes:  {", ".join(f"{name} (pid {pid})" for name, pid in state["processes"].items())}
  Logs:       {folder() / "log"}
Stop it with: make cluster-stop"""
    )
    return 0


def stop() -> int:
    state = read_state()
    if state is None:
        print("No cluster is running (no state.json under the cluster folder).")
        return 0
    supervisor = state["supervisor"]
    if alive(supervisor):
        os.kill(supervisor, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.5)
    # Whatever outlived its supervisor (it was SIGKILLed): only the pids this cluster recorded.
    for name, pid in state["processes"].items():
        if alive(pid):
            print(f"Stopping the {name} (pid {pid}) that outlived the cluster.")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    state_file().unlink(missing_ok=True)
    print("Cluster stopped.")
    return 0


COMMANDS = {"start": start, "run": run, "stop": stop}

if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1] in COMMANDS:
        sys.exit(COMMANDS[sys.argv[1]]())
    sys.exit(f"usage: python -m tools.cluster {{{'|'.join(COMMANDS)}}}")
