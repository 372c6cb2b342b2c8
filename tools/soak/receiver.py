"""The clinic's end of the signed handoff webhook, on loopback: which ticket references the
outbox delivered, and whether every notification was signed with the soak's secret."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from runtime.handoff.notifiers import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature

HOST = "127.0.0.1"


class NotificationReceiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.references: list[str] = []  # one entry per notification received
        self.unsigned = 0  # notifications whose signature did not verify
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((HOST, 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/handoff"

    def __enter__(self) -> NotificationReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self) -> set[str]:
        with self._lock:
            return set(self.references)

    def record(self, headers: Any, body: bytes) -> None:
        signed = verify_signature(
            self.secret, headers.get(TIMESTAMP_HEADER, ""), body, headers.get(SIGNATURE_HEADER, "")
        )
        try:
            reference = json.loads(body)["ticket"]["reference"]
        except (ValueError, KeyError, TypeError):
            reference = None
        with self._lock:
            self.unsigned += not signed
            if reference:
                self.references.append(reference)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.record(self.headers, self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the soak prints its own summary

        return Handler
