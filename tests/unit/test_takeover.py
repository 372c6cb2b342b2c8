"""actions/takeover.py: the takeover slot follows the staff's relays, and a forwarded message
lands in the ticket with no answer from the bot."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import SlotSet

from actions.takeover import ActionForwardToStaff, ActionUpdateTakeover
from runtime.handoff.store import HandoffStore


def test_the_slot_is_on_after_staff_joined_and_off_after_the_ticket_closed(dispatcher, make_tracker, domain):
    action = ActionUpdateTakeover()
    joined = make_tracker(intent={"name": "staff_joined", "confidence": 1.0})
    closed = make_tracker(intent={"name": "handoff_closed", "confidence": 1.0})
    assert action.run(dispatcher, joined, domain) == [SlotSet("staff_takeover", True)]
    assert action.run(dispatcher, closed, domain) == [SlotSet("staff_takeover", False)]
    assert dispatcher.messages == []


def test_a_message_during_the_takeover_goes_into_the_ticket_unanswered(
    dispatcher, make_tracker, domain, handoff_db
):
    tracker = make_tracker(text="is it normal that my scar itches?")
    store = HandoffStore(handoff_db)
    ticket, _ = store.create_or_update(tracker.sender_id, "rest", "user_request", "normal", [])
    assert asyncio.run(ActionForwardToStaff().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages == []
    [entry] = store.get(ticket.reference).transcript
    assert (entry["who"], entry["text"]) == ("user", "is it normal that my scar itches?")


def test_with_no_open_ticket_the_takeover_ends(dispatcher, make_tracker, domain):
    tracker = make_tracker(text="hello?")
    assert asyncio.run(ActionForwardToStaff().run(dispatcher, tracker, domain)) == [
        SlotSet("staff_takeover", False)
    ]
