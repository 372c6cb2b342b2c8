"""Handing off: the ticket is stored before the reply, with consent, once per conversation."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy.engine import make_url

from actions.handoff_dialogue import (
    ActionHandoffToHuman,
    ActionOfferHandoff,
    ActionRelayAgentMessage,
    transcript,
    who_and_when,
)
from actions.safety import ActionUrgentTicket
from runtime.handoff.intake import replay_spool, spool
from runtime.handoff.store import HandoffStore

EVENTS = [
    {"event": "action", "name": "action_listen", "timestamp": 1_700_000_000},
    {"event": "user", "text": "I need to talk to a nurse", "timestamp": 1_700_000_001},
    {"event": "slot", "name": "x", "value": "not in the transcript", "timestamp": 1_700_000_002},
    {
        "event": "bot",
        "text": "I can pass this conversation ...",
        "timestamp": 1_700_000_003,
        "metadata": {"utter_action": "utter_offer_handoff"},
    },
]
PRESSED_YES = {"text": "/affirm", "intent": {"name": "affirm", "confidence": 1.0}}
CALLBACK_SLOTS = {
    "callback_name": "Jo Example",
    "callback_contact": "555 010 0199",
    "callback_time": "mornings",
    "handoff_reason": "callback",
}


def run(action, dispatcher, tracker, domain):
    result = action.run(dispatcher, tracker, domain)
    return asyncio.run(result) if inspect.isawaitable(result) else result


def tracker_with(make_tracker, **kwargs):
    tracker = make_tracker(**kwargs)
    tracker.events = EVENTS
    return tracker


def answered(make_tracker, reply=PRESSED_YES, question="utter_offer_handoff", slots=None):
    """The user's reply (a parse) to the bot's question (the response it ended on)."""
    tracker = make_tracker(slots=slots, **reply)
    asked = {**EVENTS[-1], "metadata": {"utter_action": question}}
    tracker.events = [
        *EVENTS[:-1],
        asked,
        {"event": "user", "text": reply["text"], "timestamp": 1_700_000_004},
    ]
    return tracker


def test_transcript_holds_only_user_and_bot_texts_with_times(make_tracker):
    entries = transcript(tracker_with(make_tracker))
    assert [(e["who"], e["text"]) for e in entries] == [
        ("user", "I need to talk to a nurse"),
        ("bot", "I can pass this conversation ..."),
    ]
    assert entries[0]["time"].startswith("2023-11-14T22:13:21")


def test_offer_asks_for_consent_before_anything_is_stored(dispatcher, make_tracker, domain, handoff_db):
    events = run(ActionOfferHandoff(), dispatcher, tracker_with(make_tracker), domain)
    assert dispatcher.messages[0]["response"] == "utter_offer_handoff"
    assert events[0]["value"] == "user_request"
    assert HandoffStore(handoff_db).list_tickets() == []


def test_agreed_handoff_stores_the_ticket_and_tells_the_reference(
    dispatcher, make_tracker, domain, handoff_db
):
    tracker = answered(make_tracker, slots={"handoff_reason": "user_request"})
    run(ActionHandoffToHuman(), dispatcher, tracker, domain)

    [ticket] = HandoffStore(handoff_db).list_tickets()
    assert ticket.reason == "user_request" and ticket.priority == "normal" and ticket.contact is None
    assert ticket.conversation_id == "test-user"
    assert ticket.transcript[0]["text"] == "I need to talk to a nurse"
    message = dispatcher.messages[0]
    assert message["response"] == "utter_handoff_created"
    assert message["reference"] == ticket.reference


def test_asking_again_updates_the_open_ticket_and_reminds_the_reference(
    dispatcher, make_tracker, domain, handoff_db
):
    run(ActionHandoffToHuman(), dispatcher, answered(make_tracker), domain)
    dispatcher.messages.clear()
    run(ActionOfferHandoff(), dispatcher, tracker_with(make_tracker), domain)

    [ticket] = HandoffStore(handoff_db).list_tickets()
    assert dispatcher.messages[0]["response"] == "utter_handoff_existing"
    assert dispatcher.messages[0]["reference"] == ticket.reference


@pytest.mark.parametrize(
    "question, asked_again_by",
    [("utter_offer_handoff", "action_offer_handoff"), ("utter_callback_summary", "action_callback_summary")],
)
@pytest.mark.parametrize(
    "reply",
    [
        {"text": "hmm not sure", "intent": {"name": "affirm", "confidence": 0.80}},  # the model's reading
        {"text": "yes but don't share my name", "intent": {"name": "affirm", "confidence": 0.97}},
    ],
)
def test_an_unclear_yes_shares_nothing_and_the_question_is_asked_again(
    dispatcher, make_tracker, domain, handoff_db, question, asked_again_by, reply
):
    events = run(ActionHandoffToHuman(), dispatcher, answered(make_tracker, reply, question), domain)
    assert HandoffStore(handoff_db).list_tickets() == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_consent_unclear"]
    assert events == [{"event": "followup", "name": asked_again_by, "timestamp": None}]


def test_a_yes_to_a_did_you_mean_shares_nothing(dispatcher, make_tracker, domain, handoff_db):
    """The "Did you mean" after one miss asked nothing about sharing: a "yes" there is no consent."""
    run(ActionHandoffToHuman(), dispatcher, answered(make_tracker, question="utter_did_you_mean"), domain)
    assert HandoffStore(handoff_db).list_tickets() == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_what_else"]


def test_contact_details_are_stored_only_with_consent(dispatcher, make_tracker, domain, handoff_db):
    run(ActionHandoffToHuman(), dispatcher, answered(make_tracker, slots=CALLBACK_SLOTS), domain)
    [ticket] = HandoffStore(handoff_db).list_tickets()
    assert ticket.contact is None

    other = answered(
        make_tracker, question="utter_callback_summary", slots={**CALLBACK_SLOTS, "callback_consent": True}
    )
    other.sender_id = "someone-else"
    run(ActionHandoffToHuman(), dispatcher, other, domain)
    stored = {t.conversation_id: t for t in HandoffStore(handoff_db).list_tickets()}
    assert stored["someone-else"].contact == {
        "name": "Jo Example",
        "contact": "555 010 0199",
        "preferred_time": "mornings",
    }


def test_a_safety_reply_is_followed_by_an_urgent_ticket_without_asking(
    dispatcher, make_tracker, domain, handoff_db
):
    tracker = make_tracker(
        intent={"name": "emergency"}, red_flags=[{"flag": "both_legs", "tier": "emergency", "text": "x"}]
    )
    run(ActionUrgentTicket(), dispatcher, tracker, domain)

    [ticket] = HandoffStore(handoff_db).list_tickets()
    assert (ticket.priority, ticket.reason) == ("urgent", "emergency")
    assert [m["response"] for m in dispatcher.messages] == ["utter_urgent_handoff"]
    assert dispatcher.messages[0]["reference"] == ticket.reference


def test_a_locked_store_spools_the_ticket_at_once_and_it_is_stored_when_the_lock_goes(
    dispatcher, make_tracker, domain, handoff_db, monkeypatch
):
    """A real lock: another connection holds BEGIN EXCLUSIVE on the database file."""
    monkeypatch.setenv("HANDOFF_DB_LOCK_TIMEOUT_SECONDS", "0.2")
    HandoffStore(handoff_db).list_tickets()  # creates the schema
    holder = sqlite3.connect(make_url(handoff_db).database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    run(ActionUrgentTicket(), dispatcher, make_tracker(intent={"name": "crisis"}), domain)
    waited = time.monotonic() - started
    assert [m["response"] for m in dispatcher.messages] == ["utter_urgent_handoff_spooled"]
    assert len(spool().waiting()) == 1
    assert waited < 5, "the reply waited for the lock instead of spooling"

    holder.execute("ROLLBACK")
    holder.close()
    assert replay_spool(HandoffStore(handoff_db), spool()) == 1
    [ticket] = HandoffStore(handoff_db).list_tickets()
    assert (ticket.priority, ticket.reason) == ("urgent", "crisis")
    assert spool().waiting() == []


def test_when_neither_store_nor_spool_can_take_it_the_user_is_told_to_call(
    dispatcher, make_tracker, domain, monkeypatch, tmp_path
):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("HANDOFF_DB_URL", f"sqlite:///{not_a_folder / 'handoff.db'}")
    monkeypatch.setenv("HANDOFF_SPOOL_DIR", str(not_a_folder / "spool"))
    run(ActionUrgentTicket(), dispatcher, make_tracker(intent={"name": "crisis"}), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_person_urgent"]
    run(ActionHandoffToHuman(), dispatcher, answered(make_tracker), domain)
    assert dispatcher.messages[-1]["response"] == "utter_handoff_lost"


def test_outside_office_hours_the_user_is_told_so(monkeypatch):
    monkeypatch.setenv("HANDOFF_OFFICE_HOURS", "Mon-Fri 08:00-17:00")
    monkeypatch.setenv("HANDOFF_TIMEZONE", "UTC")
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    tuesday = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
    assert who_and_when("user_request", saturday).startswith("The clinic is closed right now")
    assert who_and_when("callback", tuesday).startswith(
        "A member of the team will contact you using the details"
    )


def test_agent_message_is_shown_to_the_user(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        intent={"name": "agent_message"}, entities=[{"entity": "agent_message", "value": "Hi!"}]
    )
    run(ActionRelayAgentMessage(), dispatcher, tracker, domain)
    assert dispatcher.messages[0] == {
        **dispatcher.messages[0],
        "response": "utter_agent_message",
        "agent_message": "Hi!",
    }
