"""The website widget's channel: Rasa's socket.io channel with allowed origins and a fix."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint


def origins_list(value: str | list[str] | None) -> list[str]:
    if isinstance(value, list):
        return value
    return [origin.strip() for origin in (value or "").split(",") if origin.strip()]


class ClinicSocketIOInput(SocketIOInput):
    """`runtime.channels.socketio.ClinicSocketIOInput` in credentials.yml; still named "socketio".

    - Only the configured web origins may connect (Rasa's own accepts every origin).
    - With session_persistence, Rasa 3.6 calls python-socketio 5's `enter_room` coroutine
      without awaiting it (RasaHQ/rasa#13027), so the browser never joins its session's
      room and gets no replies; the session_request handler here awaits it.
    """

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = origins_list((credentials or {}).get("cors_allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.cors_allowed_origins = self.cors_allowed_origins or None  # None: same origin only

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_webhook
