"""`make shell`: chat in the terminal (rasa shell) with the action server running. Its Rasa
server has the HTTP API on (token from runtime.rasa_cli, loopback by default), so staff can
take the conversation over (runtime/handoff/relay.py); the console shows what they send
(runtime/rasa_patches.py)."""

from __future__ import annotations

import subprocess
import sys

from runtime.settings import ROOT
from tools import servers


def main() -> int:
    servers.exit_on_termination()
    env = servers.server_environment()
    print("Starting the action server...", flush=True)
    with servers.action_server(env):
        command = [
            sys.executable, "-m", "runtime.rasa_cli", "shell", "--quiet",
            "--interface", env["RASA_HOST"],
            "--model", env["RASA_MODEL"],
            "--endpoints", "endpoints.yml",
            "--port", env["RASA_SHELL_PORT"],
            "--enable-api",  # the staff relay's trigger_intent; runtime.rasa_cli adds the token
        ]  # fmt: skip
        try:
            return subprocess.call(command, cwd=ROOT, env=env)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
