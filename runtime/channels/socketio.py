"""The website widget's channel: Rasa's socket.io channel with allowed origins, a fix, and
messages shared between several Rasa servers through Redis."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncRedisManager

from runtime.channels.inbound import screening

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "spine-socketio"  # the Redis pub/sub channel the Rasa servers share


def origins_list(value: str | list[str] | None) -> list[str]:
    if isinstance(value, list):
        return value
    return [origin.strip() for origin in (value or "").split(",") if origin.strip()]


def message_problem(data: Any, needs_session: bool) -> str | None:
    if not isinstance(data, dict):
        return "not an object"
    if not isinstance(data.get("message"), str):
        return "no string message"
    if needs_session and not isinstance(data.get("session_id"), str):
        return "no session id"
    return None


def share_through_redis(sio: Any, redis_url: str) -> None:
    """Replaces the server's in-process client manager before any client connects (python-socketio
    starts a manager on the first connection), as AsyncServer(client_manager=...) would."""
    manager = AsyncRedisManager(redis_url, channel=REDIS_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager
    logger.info("Socket.IO messages are shared through Redis")


class ClinicSocketIOInput(SocketIOInput):
    """`runtime.channels.socketio.ClinicSocketIOInput` in credentials.yml; still named "socketio".

    - Only the configured web origins may connect (Rasa's own accepts every origin).
    - With session_persistence, Rasa 3.6 calls python-socketio 5's `enter_room` coroutine
      without awaiting it (RasaHQ/rasa#13027), so the browser never joins its session's
      room and gets no replies; the session_request handler here awaits it.
    - A message event that is not an object with a string `message` (and a session id, with
      session_persistence) is dropped with one log line; Rasa's handler would raise. The
      size limit and payload check of runtime/channels/inbound.py apply, and the client's
      address is kept as the message's `source`, whatever `customData` says.
    - With `redis_url` (SOCKETIO_REDIS_URL), python-socketio's AsyncRedisManager carries every
      emit to the servers that share the Redis: a reply or a staff message sent to a
      conversation on one Rasa server reaches the widget connected to another.
    """

    redis_url: str = ""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = origins_list((credentials or {}).get("cors_allowed_origins"))
        channel.redis_url = ((credentials or {}).get("redis_url") or "").strip()
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(screening(on_new_message))
        sio = self.sio
        namespace = self.namespace or "/"
        rasa_handle_message = sio.handlers[namespace][self.user_message_evt]

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            problem = message_problem(data, self.session_persistence)
            if problem:
                logger.warning("Dropped a widget message event: %s", problem)
                return
            environ = sio.get_environ(sid, namespace) or {}
            request = environ.get("sanic.request")
            source = (request.remote_addr or request.ip) if request is not None else None
            custom = data.get(self.metadata_key)
            metadata = custom if isinstance(custom, dict) else {}
            await rasa_handle_message(sid, {**data, self.metadata_key: {**metadata, "source": source}})

        sio.eio.cors_allowed_origins = self.cors_allowed_origins or None  # None: same origin only
        if self.redis_url:
            share_through_redis(sio, self.redis_url)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_webhook
