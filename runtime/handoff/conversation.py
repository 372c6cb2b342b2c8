"""The live conversation of a ticket, read from the Rasa server's HTTP API
(GET /conversations/{id}/tracker), as a readable transcript; the ticket's stored transcript
when the Rasa server cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import requests

from runtime.handoff import transcript
from runtime.handoff.relay import rasa_url_of
from runtime.handoff.store import Ticket
from runtime.shared_secrets import shared_secret

TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Conversation:
    lines: list[transcript.Line]
    live: bool  # False: the stored transcript, the Rasa server could not be read


def tracker_events(conversation_id: str, rasa_url: str, token: str) -> list[dict]:
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
    response = requests.get(url, params={"token": token}, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()
    events = response.json().get("events")
    if not isinstance(events, list):
        raise ValueError("The Rasa server's tracker has no events")
    return events


def conversation_of(ticket: Ticket) -> Conversation:
    token, _ = shared_secret("RASA_AUTH_TOKEN")
    try:
        events = tracker_events(ticket.conversation_id, rasa_url_of(ticket.channel), token)
    except (requests.RequestException, ValueError):
        # Not the exception text: it holds the URL, and the URL holds the API token.
        return Conversation(transcript.from_stored(ticket.transcript), live=False)
    return Conversation(transcript.from_events(events), live=True)
