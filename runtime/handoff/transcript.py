"""A conversation as staff read it, for the staff inbox and `python -m tools.staff show` alike.

From Rasa's tracker events: what the patient typed, or the title of the button they pressed
(not its payload such as `/affirm`), every reply of the assistant, the safety replies marked
as such, and the clinic team's messages; times in the clinic's zone. When the live
conversation cannot be read, the transcript stored with the ticket is shown the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from runtime.catalog import load_catalog
from runtime.handoff.store import parse_time
from runtime.handoff.times import local_time
from runtime.parse_data import intent_name
from runtime.wording import data_yaml

SAFETY_RESPONSES = frozenset(
    {"utter_emergency", "utter_crisis", "utter_urgent_handoff", "utter_urgent_handoff_spooled"}
)
STAFF_RESPONSES = frozenset({"utter_agent_message"})
STORED_SPEAKERS = {"user": "patient", "bot": "bot", "agent": "staff"}
BOLD = "**"


@dataclass(frozen=True)
class Line:
    speaker: str  # patient, bot, safety or staff
    text: str
    time: datetime
    pressed: bool = False  # the patient pressed a button with this title

    def label(self) -> str:
        return words()["speakers"][self.speaker]

    def shown_text(self) -> str:
        return words()["pressed"].format(title=self.text) if self.pressed else self.text

    def as_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "label": self.label(),
            "text": self.shown_text(),
            "time": local_time(self.time, tz, seconds=True),
        }


def words() -> dict[str, Any]:
    return data_yaml("inbox", "wording.yml")["transcript"]


def event_time(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)


def button_titles(event: Mapping[str, Any]) -> dict[str, str]:
    buttons = (event.get("data") or {}).get("buttons") or []
    return {
        str(b.get("payload")): str(b.get("title")) for b in buttons if b.get("payload") and b.get("title")
    }


def patient_line(event: Mapping[str, Any], offered: Mapping[str, str]) -> Line:
    text = str(event["text"])
    if text.startswith("/"):
        intent = intent_name(event.get("parse_data") or {})
        title = offered.get(text) or load_catalog().intent_titles.get(intent or "")
        if title:
            return Line("patient", title, event_time(event), pressed=True)
    return Line("patient", text, event_time(event))


def bot_line(event: Mapping[str, Any]) -> Line:
    action = (event.get("metadata") or {}).get("utter_action")
    speaker = "safety" if action in SAFETY_RESPONSES else "staff" if action in STAFF_RESPONSES else "bot"
    return Line(speaker, plain(str(event["text"])), event_time(event))


def from_events(events: Iterable[Mapping[str, Any]]) -> list[Line]:
    """The patient's and the bot's messages of Rasa tracker events, in order."""
    lines: list[Line] = []
    offered: dict[str, str] = {}
    for event in events:
        if event.get("event") == "bot":
            offered.update(button_titles(event))
            if event.get("text"):
                lines.append(bot_line(event))
        elif event.get("event") == "user" and event.get("text"):
            lines.append(patient_line(event, offered))
            offered = {}
    return lines


def from_stored(entries: Iterable[Mapping[str, str]]) -> list[Line]:
    """The transcript stored with a ticket ({who, text, time}), read the same way."""
    return [
        Line(STORED_SPEAKERS[entry["who"]], plain(entry["text"]), parse_time(entry["time"]))
        for entry in entries
    ]


def plain(text: str) -> str:
    """Markdown bold marks out: staff read text, never rendered markup."""
    return text.replace(BOLD, "")


def as_text(lines: list[Line], tz: ZoneInfo) -> list[str]:
    """The terminal's lines, one per message."""
    if not lines:
        return [words()["empty"]]
    return [
        f"[{local_time(line.time, tz, seconds=True)}] {line.label()}: {line.shown_text()}" for line in lines
    ]
