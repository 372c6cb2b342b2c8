"""A staff reply relayed through one Rasa server reaches the widget connected to the other:
python-socketio's AsyncRedisManager in the widget channel (runtime/channels/socketio.py)."""

from __future__ import annotations

import asyncio
import uuid

import socketio

from runtime.handoff.relay import AGENT_MESSAGE_INTENT, send_to_conversation

WAIT_S = 60


async def widget_on(url: str, session_id: str, messages: asyncio.Queue) -> socketio.AsyncClient:
    """A widget as rasa-webchat opens it: connect, ask for its session, greet."""
    client = socketio.AsyncClient()
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda _: confirmed.set())
    client.on("bot_uttered", messages.put_nowait)
    # Long-polling, as a browser starts: python-socketio's WebSocket client needs a newer aiohttp.
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])
    await client.emit("session_request", {"session_id": session_id})
    await asyncio.wait_for(confirmed.wait(), WAIT_S)
    await client.emit("user_uttered", {"message": "/greet", "session_id": session_id})
    return client


async def next_text(messages: asyncio.Queue, containing: str) -> str:
    while True:
        message = await asyncio.wait_for(messages.get(), WAIT_S)
        if containing in (message.get("text") or ""):
            return message["text"]


async def staff_reply_reaches_the_widget(widget_url: str, relay_url: str, token: str) -> str:
    session_id = f"cluster-widget-{uuid.uuid4().hex[:8]}"
    messages: asyncio.Queue = asyncio.Queue()
    client = await widget_on(widget_url, session_id, messages)
    try:
        await next_text(messages, "automated assistant")  # the disclaimer: the greeting was processed
        await asyncio.to_thread(
            send_to_conversation, session_id, AGENT_MESSAGE_INTENT, "Hi, this is Sam.", relay_url, token
        )
        return await next_text(messages, "Hi, this is Sam.")
    finally:
        await client.disconnect()


def test_staff_reply_sent_to_one_server_reaches_a_widget_on_the_other(cluster):
    widget_on_b, relay_to_a = cluster.rasa_urls[1], cluster.rasa_urls[0]
    text = asyncio.run(staff_reply_reaches_the_widget(widget_on_b, relay_to_a, cluster.token))
    assert text == "**Clinic team:** Hi, this is Sam."
