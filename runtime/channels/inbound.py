"""What every channel does with a user's message before Rasa sees it (issue #11).

Each channel of credentials.yml wraps Rasa's `on_new_message` with `screening`:

- A message longer than MAX_MESSAGE_CHARS is not passed on (nothing is stored, no NLU runs):
  the user is asked, in their channel, for a shorter message and given the emergency number.
- Lone surrogates ("\\ud800", which a JSON body can carry) become "?": spaCy, the first step of
  the NLU pipeline, cannot encode them and the message would get no reply.
- A message that cannot be processed at all (the conversation or lock store cannot be reached,
  after the tracker store's retries) gets a reply saying so and asking to send it again, with
  the emergency number, instead of an empty answer; one log line says why.
- A `/intent{...}` payload counts only if the bot offered a button with exactly that payload
  in this conversation. Anything else that starts with "/" (a forged `/agent_message`, a
  typed `/emergency`) is treated as the text it is, without the slash: staff tools reach the
  conversation through the authenticated HTTP API, never through a channel.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from runtime import settings
from runtime.templates import template_values
from runtime.wording import wording

logger = logging.getLogger(__name__)

PAYLOAD_PREFIX = "/"
# Sent by the website widget when a conversation opens (initPayload, web/static/widget.js),
# before the bot offered anything; it only greets.
PAYLOADS_ANYONE_MAY_SEND = frozenset({"/greet"})

Handler = Callable[[UserMessage], Awaitable[Any]]


def max_message_chars() -> int:
    settings.load()
    return int(os.environ["MAX_MESSAGE_CHARS"])


def too_long_reply() -> str:
    return wording("channels")["too_long"].format(limit=max_message_chars(), **template_values())


def unavailable_reply() -> str:
    return wording("channels")["unavailable"].format(**template_values())


def offered_payloads(tracker: DialogueStateTracker | None) -> set[str]:
    if tracker is None:
        return set()
    return {
        str(button.get("payload", "")).strip()
        for event in tracker.events
        if isinstance(event, BotUttered)
        for button in (event.data or {}).get("buttons") or []
    }


async def conversation(sender_id: str) -> DialogueStateTracker | None:
    """The conversation as the Rasa server's tracker store holds it."""
    agent = Sanic.get_app().ctx.agent  # the Rasa server has one app
    return await agent.tracker_store.retrieve(sender_id)


def readable(text: str) -> str:
    return text.encode("utf-8", errors="replace").decode("utf-8")


def as_plain_text(text: str) -> str:
    """A payload the bot did not offer, as the text it is: Rasa takes any "/..." for an intent."""
    return text.lstrip(PAYLOAD_PREFIX).strip()


async def accepted_text(text: str, sender_id: str) -> str:
    if not text.startswith(PAYLOAD_PREFIX) or text in PAYLOADS_ANYONE_MAY_SEND:
        return text
    if text in offered_payloads(await conversation(sender_id)):
        return text
    logger.warning("A payload the bot did not offer was sent; it is treated as text")
    return as_plain_text(text)


def screening(on_new_message: Handler) -> Handler:
    async def screen_then_handle(message: UserMessage) -> Any:
        text = message.text or ""
        if len(text) > max_message_chars():
            logger.info(
                "A message of %d characters was not passed on (limit %d)", len(text), max_message_chars()
            )
            await message.output_channel.send_text_message(message.sender_id, too_long_reply())
            return None
        try:
            message.text = await accepted_text(readable(text), message.sender_id)
            return await on_new_message(message)
        except Exception as error:  # any failure: the user must not be left without an answer
            cause = error.__cause__ or error
            logger.error(
                "A message could not be processed (%s); the user was asked to resend it", type(cause).__name__
            )
            await message.output_channel.send_text_message(message.sender_id, unavailable_reply())
            return None

    return screen_then_handle
