"""action_session_start: the disclaimer opens every session (its numbers: test_safety_responses.py)."""

from __future__ import annotations

from actions.session import ActionSessionStart


def test_session_starts_with_the_disclaimer(dispatcher, make_tracker, domain):
    events = ActionSessionStart().run(dispatcher, make_tracker(), domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_disclaimer"
    assert [e["event"] for e in events] == ["session_started", "action"]
