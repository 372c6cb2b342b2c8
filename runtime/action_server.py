"""The action server's entry point: rasa_sdk's app, hardened (issue #11).

Usage: python -m runtime.action_server  (host, port and token from the settings)

- It binds ACTION_SERVER_HOST (loopback by default) and answers /webhook only when the call
  carries the shared secret ACTION_SERVER_TOKEN in the X-Action-Token header, which the Rasa
  server sends (endpoints.yml): nobody else can run an action with an invented tracker.
- An error answer never echoes the request (rasa_sdk's own sends the whole tracker back).
- GET /health/dependencies says whether the handoff store answers and how many tickets wait
  in the spool; the Rasa server's health channel reports it.
- The outbox worker starts with the server, so tickets spooled before a crash are stored.
- Logs are redacted and files it creates are readable by their owner only.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os

from rasa_sdk import utils as sdk_utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from runtime import log_privacy, settings
from runtime.handoff.intake import spool
from runtime.handoff.outbox import start_background_worker
from runtime.handoff.store import HandoffStore
from runtime.shared_secrets import shared_secret

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = ("/health", "/health/dependencies")
KEEP_ALIVE_SECONDS = 75


def store_answers() -> bool:
    try:
        HandoffStore.from_environment().list_tickets(statuses=())
        return True
    except Exception as error:
        logger.warning("Handoff store unavailable (%s)", type(error).__name__)
        return False


def harden(app: Sanic, token: str) -> None:
    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            logger.warning("Refused a call to %s without the action server token", request.path)
            return json({"error": "forbidden"}, status=403)
        return None

    @app.exception(Exception)
    async def error_without_request(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("Action call failed", exc_info=exception)
        return json({"error": "The action failed; see the action server's log."}, status=500)

    @app.get("/health/dependencies")
    async def dependencies(_: Request) -> HTTPResponse:
        store_ok = await asyncio.to_thread(store_answers)
        waiting = len(await asyncio.to_thread(spool().waiting))
        body = {"handoff_store": "ok" if store_ok else "down", "spooled_tickets": waiting}
        return json(body, status=200 if store_ok else 503)


def main() -> None:
    settings.load()
    os.umask(0o077)
    log_privacy.install()
    level = os.environ.get("LOG_LEVEL_ACTIONS", "INFO")
    sdk_utils.configure_colored_logging(level)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(level)
    sdk_utils.update_sanic_log_level()
    logging.getLogger("rasa_sdk.executor").setLevel(logging.WARNING)  # a line per action at start-up
    token, _ = shared_secret("ACTION_SERVER_TOKEN")
    app = create_app("actions", cors_origins=None)
    # Sanic closes a connection that sends nothing for 5 s. A busy Rasa server can take that
    # long between connecting and writing an action call ("Cannot write to closing transport",
    # found by make soak); an idle connection costs nothing on loopback.
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_SECONDS
    harden(app, token)
    start_background_worker()
    host, port = os.environ["ACTION_SERVER_HOST"], int(os.environ["ACTION_SERVER_PORT"])
    logger.info("Action server on http://%s:%d (calls need the action server token)", host, port)
    app.run(host, port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
