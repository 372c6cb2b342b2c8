"""The inbox's pages: Jinja2 templates (web/inbox/templates, autoescaped) filled with the words of
data/inbox/wording.yml, and the tickets as the pages and their JSON show them."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import yaml

from runtime import settings
from runtime.handoff.store import Ticket, parse_time, utcnow
from runtime.handoff.times import age, local_time
from runtime.wording import data_yaml

TEMPLATES = settings.ROOT / "web" / "inbox" / "templates"
STATIC = settings.ROOT / "web" / "inbox" / "static"


def words() -> dict[str, Any]:
    return data_yaml("inbox", "wording.yml")["inbox"]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # Autoescape everything: patients' words and names are shown as text, never as HTML.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(words=words(), **values)


def canned_replies() -> list[dict[str, str]]:
    """Read on every page view, so an edit of the file shows without a restart."""
    path = settings.data_path("inbox", "canned_replies.yml")
    return [
        {"title": str(r["title"]), "text": str(r["text"])} for r in yaml.safe_load(path.read_text()) or []
    ]


LATEST_CHARACTERS = 80  # of the patient's latest message in the list; the ticket page has it all


def latest_from_patient(ticket: Ticket, now: datetime) -> str:
    """The patient's latest message on the ticket and how long ago, so a message forwarded during
    a takeover shows in the list without opening the ticket."""
    labels = words()["list"]
    said = [line for line in ticket.transcript if line.get("who") == "user"]
    if not said:
        return labels["no_message"]
    text = said[-1].get("text", "")
    if len(text) > LATEST_CHARACTERS:
        text = text[: LATEST_CHARACTERS - 1].rstrip() + "…"
    return labels["latest"].format(text=text, age=age(now - parse_time(said[-1]["time"])))


def ticket_summary(ticket: Ticket, tz: ZoneInfo, now: datetime | None = None) -> dict[str, Any]:
    """One row of the ticket list, as the page and /api/tickets show it."""
    labels = words()
    now = now or utcnow()
    return {
        "reference": ticket.reference,
        "url": f"/tickets/{ticket.reference}",
        "urgent": ticket.priority == "urgent",
        "priority": labels["priorities"][ticket.priority],
        "status": labels["statuses"][ticket.status],
        "reason": labels["reasons"][ticket.reason],
        "channel": ticket.channel,
        "age": age(now - ticket.created_at),
        "created": local_time(ticket.created_at, tz),
        "claimed_by": ticket.claimed_by or labels["list"]["unclaimed"],
        "latest": latest_from_patient(ticket, now),
    }


def list_title(count: int) -> str:
    return words()["list"]["count_title"].format(count=count)
