"""action_session_start: the disclaimer opens every session, with the configured numbers."""

from __future__ import annotations

from actions.session import ActionSessionStart


def test_session_starts_with_the_disclaimer(dispatcher, make_tracker, domain):
    events = ActionSessionStart().run(dispatcher, make_tracker(), domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_disclaimer"
    assert message["emergency_number"] == "911"
    assert [e["event"] for e in events] == ["session_started", "action"]


def test_uk_locale_uses_999(dispatcher, make_tracker, domain, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LOCALE", "UK")
    ActionSessionStart().run(dispatcher, make_tracker(), domain)
    assert dispatcher.messages[0]["emergency_number"] == "999"
