"""What happened in the conversations: answers per topic, what could not be answered, the
"Did you mean ...?" choices, handoffs and safety replies, counted into one Report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from runtime.catalog import load_catalog
from runtime.handoff.transcript import button_titles
from runtime.parse_data import RED_FLAGS, answered_topic, safety_tier
from tools.report.clustering import Cluster, Unanswered, cluster_unanswered
from tools.report.privacy import shown_text
from tools.report.store import Event, by_sender, read_events

SAFETY_TIERS = ("emergency", "urgent", "crisis")
SAFETY_REPLIES = ("utter_emergency", "utter_crisis")  # sent by the safety rules
UNANSWERED_INTENTS = {"nlu_fallback": "fallback", "out_of_scope": "out of scope"}
# --- What happened in the conversations -----------------------------------------------------------


@dataclass
class Report:
    timezone: str
    first: datetime | None = None
    last: datetime | None = None
    conversations_per_day: Counter[date] = field(default_factory=Counter)
    messages_per_day: Counter[date] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    not_answered_faq: int = 0  # action_answer_faq asked which procedure, or to rephrase
    unanswered: list[Unanswered] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    did_you_mean_offers: int = 0
    did_you_mean_with_buttons: int = 0  # offers that showed guesses (not the second-miss offer of a person)
    did_you_mean_choices: Counter[str] = field(default_factory=Counter)
    handoff_offers: int = 0
    handoffs: Counter[str] = field(default_factory=Counter)
    conversations_with_handoff: int = 0
    safety_tiers: Counter[str] = field(default_factory=Counter)
    safety_flags: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def conversations(self) -> int:
        return sum(self.conversations_per_day.values())

    @property
    def messages(self) -> int:
        return sum(self.messages_per_day.values())

    @property
    def handoff_rate(self) -> float:
        return self.conversations_with_handoff / self.conversations if self.conversations else 0.0


def did_you_mean_choice(text: str, offered: dict[str, str]) -> str:
    """The title of the button pressed, as the patient saw it, or that they typed instead."""
    if text in offered:
        return offered[text]
    if text.startswith("/"):
        return f"{text[1:].split('{', 1)[0]} (button)"
    return "typed a new message"


class ConversationReader:
    """Walks one sender's events and adds what happened to the report."""

    def __init__(self, report: Report, zone: ZoneInfo) -> None:
        self.report, self.zone = report, zone
        self.handoff_senders: set[tuple[str, int]] = set()

    def read(self, events: Sequence[Event]) -> None:
        report = self.report
        session, session_has_message = 0, False
        slots: dict[str, Any] = {}
        last_user: Event | None = None
        action_since_user: str | None = None  # the last action (not action_listen) since the user spoke
        answer: dict[str, Any] | None = None  # the action_answer_faq being read
        offered: dict[str, str] = {}  # the buttons of the last "Did you mean", by payload

        for event in events:
            if answer is not None and event.type in ("action", "user", "session_started"):
                self.finish_answer(answer)
                answer = None
            if event.type == "session_started":
                session, session_has_message = session + 1, False
                slots = {}
            elif event.type == "slot":
                slots[event.data.get("name") or event.action] = event.data.get("value")
                if answer is not None and event.data.get("name") == "last_faq_topic":
                    answer["slot"] = event.data.get("value")
            elif event.type == "bot":
                template = (event.data.get("metadata") or {}).get("utter_action") or ""
                if answer is not None and template:
                    answer["templates"].append(template)
                buttons = (event.data.get("data") or {}).get("buttons")
                if action_since_user == "action_did_you_mean" and buttons and not offered:
                    offered = button_titles(event.data)
                    report.did_you_mean_with_buttons += 1
            elif event.type == "user":
                text = event.data.get("text") or ""
                moment = datetime.fromtimestamp(event.timestamp, self.zone)
                report.first = min(report.first or moment, moment)
                report.last = max(report.last or moment, moment)
                report.messages_per_day[moment.date()] += 1
                if not session_has_message:
                    session_has_message = True
                    report.conversations_per_day[moment.date()] += 1
                if action_since_user == "action_did_you_mean" and offered:
                    report.did_you_mean_choices[did_you_mean_choice(text, offered)] += 1
                kind = UNANSWERED_INTENTS.get(event.intent or "")
                if kind and text and not text.startswith("/"):
                    report.unanswered.append(Unanswered(kind, shown_text(text), event.sender))
                last_user, action_since_user, offered = event, None, {}
            elif event.type == "action" and event.action and event.action != "action_listen":
                action_since_user = event.action
                parse_data = (last_user.data.get("parse_data") or {}) if last_user else {}
                if event.action == "action_answer_faq":
                    answer = {"selected": answered_topic(parse_data), "slot": None, "templates": []}
                elif event.action == "action_did_you_mean":
                    report.did_you_mean_offers += 1
                elif event.action == "action_offer_handoff":
                    report.handoff_offers += 1
                elif event.action == "action_handoff_to_human":
                    report.handoffs[slots.get("handoff_reason") or "user_request"] += 1
                    self.handoff_senders.add((event.sender, session))
                elif event.action in SAFETY_REPLIES:
                    tier = safety_tier(parse_data)
                    report.handoffs["crisis" if tier == "crisis" else "emergency"] += 1
                    self.handoff_senders.add((event.sender, session))
                    report.safety_tiers[tier] += 1
                    flags = {f.get("flag") for f in parse_data.get(RED_FLAGS) or [] if f.get("flag")}
                    for flag in sorted(flags) or ["(classifier only)"]:
                        report.safety_flags[(tier, flag)] += 1
        if answer is not None:
            self.finish_answer(answer)

    def finish_answer(self, answer: dict[str, Any]) -> None:
        """The topic answered: the slot the action set, else the curated answer it sent, else (a store
        without response names) the ResponseSelector's choice. None: it asked which one, or to rephrase."""
        uttered = [t.split("/", 1)[1] for t in answer["templates"] if t.startswith("utter_faq/")]
        topic = answer["slot"] or next(iter(uttered), None)
        if topic is None and not answer["templates"]:
            topic = answer["selected"]
        if topic:
            self.report.answers[topic] += 1
        else:
            self.report.not_answered_faq += 1


def topic_titles() -> dict[str, str]:
    return {topic.id: topic.title for topic in load_catalog().topics.values()}


def build_report(url: str, timezone: str) -> Report:
    zone = ZoneInfo(timezone)
    report = Report(timezone)
    reader = ConversationReader(report, zone)
    for events in by_sender(read_events(url)):
        reader.read(events)
    report.conversations_with_handoff = len(reader.handoff_senders)
    report.clusters = cluster_unanswered(report.unanswered)
    return report
