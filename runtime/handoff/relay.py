"""Staff -> patient: an agent's message (or the end of the handoff) sent into the live conversation
through Rasa's external-events route, POST /conversations/{id}/trigger_intent.

A ticket from `make shell` (channel `cmdline`) lives on the shell's own Rasa server,
http://RASA_HOST:RASA_SHELL_PORT; every other channel's on RASA_URL."""

from __future__ import annotations

from urllib.parse import quote

import requests

from runtime import settings as ops_settings
from runtime.handoff.settings import load_settings
from runtime.shared_secrets import shared_secret

TIMEOUT_SECONDS = 10
AGENT_MESSAGE_INTENT = "agent_message"
HANDOFF_CLOSED_INTENT = "handoff_closed"
STAFF_JOINED_INTENT = "staff_joined"
SHELL_CHANNEL = "cmdline"  # the input channel's name in Rasa's console (rasa shell)


class RelayError(RuntimeError):
    """The Rasa server did not take the message; it is still stored in the ticket."""


def send_to_conversation(conversation_id: str, intent: str, text: str, rasa_url: str, token: str) -> None:
    """Triggers `intent` in the conversation with the text as entity `agent_message`; the
    conversation side's actions say it to the patient on the channel they last used."""
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/trigger_intent"
    # An empty text (handoff_closed) sends no entity, so no empty agent_message slot is set.
    body = {"name": intent, "entities": {"agent_message": text} if text else {}}
    try:
        response = requests.post(
            url,
            params={"output_channel": "latest", "token": token},
            json=body,
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        # Not the exception text: it holds the URL, and the URL holds the API token.
        raise RelayError(f"Rasa server at {rasa_url} is unreachable ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise RelayError(
            f"Rasa server at {rasa_url} answered HTTP {response.status_code}: {rasa_reason(response)}"
        )


def rasa_reason(response: requests.Response) -> str:
    """Rasa's error bodies are JSON with a `message`; anything else is shown briefly."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])[:200]
    return response.reason or response.text[:200]


def rasa_url_of(channel: str) -> str:
    """The Rasa server that holds conversations of this channel."""
    if channel == SHELL_CHANNEL:
        return f"http://{ops_settings.get('RASA_HOST')}:{ops_settings.get('RASA_SHELL_PORT')}"
    return load_settings().rasa_url


def relay_to_patient(conversation_id: str, intent: str, text: str, channel: str = "") -> None:
    """send_to_conversation to the Rasa server of the channel (rasa_url_of), with the API token
    of the settings."""
    token, _ = shared_secret("RASA_AUTH_TOKEN")
    send_to_conversation(conversation_id, intent, text, rasa_url_of(channel), token)
