"""Local stand-ins over real HTTP and polling helpers: a receiver for webhooks and fake APIs,
free ports, and waiting for background work."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tools.ports import free_port as free_port  # one chooser of ports for tools and tests


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Polls until condition() holds (background work such as the outbox worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def port_is_open(port: int) -> bool:
    """Something listens on 127.0.0.1:port (a server left running, or not yet stopped)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@dataclass
class ReceivedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A local HTTP endpoint that records every POST and answers the queued statuses, then 200,
    with the JSON body `reply` makes of the request (an empty object by default)."""

    def __init__(self, port: int = 0, reply: Callable[[ReceivedRequest], Any] | None = None) -> None:
        self.requests: list[ReceivedRequest] = []
        self.statuses: list[int] = []
        self.reply = reply or (lambda request: {})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self.handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                request = ReceivedRequest(parts.path, parse_qs(parts.query), dict(self.headers), body)
                receiver.requests.append(request)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = json.dumps(receiver.reply(request)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keeps the test output quiet

        return Handler
