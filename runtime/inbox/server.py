"""The staff inbox's entry point: `python -m runtime.inbox.server` (`make run` starts it; so
does `python -m tools.inbox serve`). Listens on INBOX_HOST:INBOX_PORT, loopback by default."""

from __future__ import annotations

from runtime import log_privacy, settings
from runtime.inbox.app import create_app
from runtime.inbox.settings import load_settings


def main() -> None:
    settings.load()
    log_privacy.install()
    config = load_settings()
    app = create_app(config=config)
    app.run(host=config.host, port=config.port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
