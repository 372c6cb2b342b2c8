"""`make run`: start the assistant and say how to talk to it. Ctrl-C stops both servers; a
server that crashes meanwhile is restarted (tools/servers.py)."""

from __future__ import annotations

import time

from runtime import settings
from runtime.shared_secrets import secret_file
from tools import servers, web


def main() -> None:
    servers.exit_on_termination()
    _, generated = servers.auth_token()
    if generated:
        print(f"Generated an API token for local use, kept in {secret_file('RASA_AUTH_TOKEN')} (mode 0600).")
    print("Starting the action server and the Rasa server (about 20 s)...", flush=True)
    # The page's port first: a port in use fails in a second, not after the model has loaded.
    env = servers.server_environment()
    with (
        web.demo_page(env) as page_url,
        servers.assistant() as running,
        servers.staff_inbox(env) as inbox_url,
    ):
        url = running.rasa_url
        log_dir = settings.path("LOG_DIR")
        print(
            f"""
The spine FAQ assistant is running at {url}
  Talk to it over REST:
    curl -s {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
         -d '{{"sender": "me", "message": "What is a discectomy?"}}'
  Website widget: open {page_url} (demo page; socket.io at {url}/socket.io)
  Staff inbox:    open {inbox_url} (accounts: make inbox-user ACCOUNT=name ROLE=staff|admin)
  Terminal chat:  make shell (in another terminal)
  HTTP API:       {url}/model/parse etc., with ?token=<RASA_AUTH_TOKEN or var/auth_token>
  Health:         {url}/webhooks/health/ (action server and handoff store)
  Logs:           {log_dir}/rasa.log, actions.log, inbox.log and supervisor.log
Press Ctrl-C to stop.""",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nStopping...")


if __name__ == "__main__":
    main()
