"""A cancelled callback request is forgotten in the tracker store (runtime/tracker_store.py)."""

from __future__ import annotations

from runtime.tracker_store import REMOVED, answers_to_forget

SENT_EARLIER = [
    {"event": "active_loop", "name": "callback_form"},
    {"event": "user", "text": "Ann Sent", "parse_data": {"text": "Ann Sent"}},
    {"event": "slot", "name": "callback_name", "value": "Ann Sent"},
    {"event": "active_loop", "name": None},
    {"event": "action", "name": "action_handoff_to_human"},
]
CANCELLED = [
    {"event": "user", "text": "what is a discectomy", "parse_data": {"text": "what is a discectomy"}},
    {"event": "active_loop", "name": "callback_form"},
    {"event": "user", "text": "Jo Example", "parse_data": {"text": "Jo Example"}},
    {"event": "slot", "name": "callback_name", "value": "Jo Example"},
    {"event": "bot", "text": "- Name: Jo Example", "data": {"buttons": []}},
    {"event": "user", "text": "never mind", "parse_data": {"text": "never mind"}},
    {"event": "active_loop", "name": None},
    {"event": "action", "name": "action_cancel_callback"},
]


def test_the_cancelled_answers_are_rewritten_and_nothing_else():
    events = [(index, data) for index, data in enumerate(SENT_EARLIER + CANCELLED)]
    rewritten = dict(answers_to_forget(events))
    first = len(SENT_EARLIER)
    assert sorted(rewritten) == [first + 2, first + 3, first + 4, first + 5]
    assert rewritten[first + 2]["text"] == REMOVED and rewritten[first + 2]["parse_data"]["text"] == REMOVED
    assert rewritten[first + 3]["value"] is None
    assert rewritten[first + 4]["text"] == REMOVED
