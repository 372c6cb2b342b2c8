"""action_contact_clinic: how to reach a person."""

from __future__ import annotations

from actions.contact import ActionContactClinic


def test_says_how_to_reach_the_clinic(dispatcher, make_tracker, domain, monkeypatch):
    monkeypatch.setenv("CLINIC_CONTACT", "call 555-0100 (Mon-Fri 8-5)")
    ActionContactClinic().run(dispatcher, make_tracker(intent={"name": "request_human"}), domain)
    assert dispatcher.messages[0]["response"] == "utter_contact_clinic"
    assert dispatcher.messages[0]["clinic_contact"] == "call 555-0100 (Mon-Fri 8-5)"
