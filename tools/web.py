"""The demo page of the website widget (web/), served on WEB_HOST:WEB_PORT by `make run`.

A clinic's own site embeds the same files (README, "Website widget"); this server only
shows them with the settings of `.env`. It serves a fixed list of files, nothing else.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache, partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from runtime.settings import ROOT
from tools.web_accessibility import alert_starts, labels, readable_colour

WEB = ROOT / "web"
WEBCHAT_BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# The bundle's CSS imports the Inter font from Google: a request to a third party from
# every patient's browser. It is removed; the widget uses the page's fonts instead.
GOOGLE_FONTS_IMPORT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);?")
FAVICON = (WEB / "static" / "favicon.svg", "image/svg+xml")
FILES = {
    "/": (WEB / "index.html", "text/html; charset=utf-8"),
    "/static/widget.css": (WEB / "static" / "widget.css", "text/css; charset=utf-8"),
    "/static/widget.js": (WEB / "static" / "widget.js", "text/javascript; charset=utf-8"),
    "/static/accessibility.js": (WEB / "static" / "accessibility.js", "text/javascript; charset=utf-8"),
    "/static/favicon.svg": FAVICON,
    "/favicon.ico": FAVICON,  # browsers ask for it whatever the page says
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def widget_config(env: Mapping[str, str]) -> dict[str, Any]:
    """What the page's widget needs to know, from the settings and data."""
    socket_url = env.get("WEB_SOCKET_URL") or f"http://{env['RASA_HOST']}:{env['RASA_PORT']}"
    colour, _ = readable_colour(env["CLINIC_COLOR"])
    return {
        "socketUrl": socket_url,
        "clinicName": env["CLINIC_NAME"],
        "clinicColor": colour,
        "labels": labels(),
        "alertStarts": alert_starts(),
    }


@lru_cache(maxsize=1)
def webchat_bundle() -> bytes:
    return GOOGLE_FONTS_IMPORT.sub(b"", WEBCHAT_BUNDLE.read_bytes())


def config_script(env: Mapping[str, str]) -> bytes:
    # json.dumps escapes quotes; "</" is escaped too so a setting cannot close a script tag.
    config = json.dumps(widget_config(env)).replace("</", "<\\/")
    return f"window.SPINE_ASSISTANT = {config};\n".encode()


class PageHandler(BaseHTTPRequestHandler):
    server_version = "spine-assistant-web"

    def __init__(self, *args: object, config: bytes, **kwargs: object) -> None:
        self.config = config
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self.respond(include_body=True)

    def do_HEAD(self) -> None:
        self.respond(include_body=False)

    def respond(self, include_body: bool) -> None:
        route = self.path.split("?", 1)[0]
        if route == "/config.js":
            self.send(HTTPStatus.OK, "text/javascript; charset=utf-8", self.config, include_body)
        elif route == "/webchat.js" and WEBCHAT_BUNDLE.is_file():
            self.send(HTTPStatus.OK, "text/javascript; charset=utf-8", webchat_bundle(), include_body)
        elif route == "/webchat.js":
            self.send(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "text/plain",
                b"Widget not installed: run `make web`.\n",
                include_body,
            )
        elif route in FILES:
            path, content_type = FILES[route]
            self.send(HTTPStatus.OK, content_type, path.read_bytes(), include_body)
        else:
            self.send(HTTPStatus.NOT_FOUND, "text/plain", b"Not found\n", include_body)

    def send(self, status: HTTPStatus, content_type: str, body: bytes, include_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: `make run` shows the conversation's servers, not every file request."""


@contextlib.contextmanager
def demo_page(env: Mapping[str, str]) -> Iterator[str]:
    """Serves web/ in a background thread; yields the page URL."""
    _, colour_warning = readable_colour(env["CLINIC_COLOR"])
    if colour_warning:
        print(colour_warning, flush=True)
    handler = partial(PageHandler, config=config_script(env))
    try:
        server = ThreadingHTTPServer((env["WEB_HOST"], int(env["WEB_PORT"])), handler)
    except OSError as error:
        raise SystemExit(
            f"Cannot serve the demo page on {env['WEB_HOST']}:{env['WEB_PORT']} ({error.strerror}): "
            "set WEB_PORT to a free port."
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="demo-page", daemon=True)
    thread.start()
    try:
        yield f"http://{env['WEB_HOST']}:{env['WEB_PORT']}/"
    finally:
        server.shutdown()
        server.server_close()
