"""The ticket list's rows: the patient's latest message, shortened, with how long ago."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from runtime.handoff.store import Ticket, transcript_entry
from runtime.inbox.pages import LATEST_CHARACTERS, latest_from_patient

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def ticket(*lines: tuple[str, str, datetime]) -> Ticket:
    return Ticket(
        reference="SP-AB12",
        conversation_id="c1",
        channel="rest",
        reason="user_request",
        priority="normal",
        status="claimed",
        transcript=[transcript_entry(who, text, at) for who, text, at in lines],
        contact=None,
        claimed_by="Nurse Sam",
        created_at=NOW - timedelta(hours=1),
        updated_at=NOW,
    )


def test_the_row_shows_the_patients_latest_message_and_its_age():
    found = ticket(
        ("user", "can I talk to a person", NOW - timedelta(minutes=30)),
        ("bot", "I can pass this conversation on", NOW - timedelta(minutes=29)),
        ("user", "what is a discectomy", NOW - timedelta(minutes=4)),
        ("agent", "Hello, this is Sam", NOW - timedelta(minutes=2)),
    )
    assert latest_from_patient(found, NOW) == "what is a discectomy (4m ago)"


def test_a_long_message_is_shortened_and_no_message_says_so():
    long = "my back " * 40
    shown = latest_from_patient(ticket(("user", long, NOW)), NOW)
    assert shown.endswith("… (0m ago)") and len(shown) < LATEST_CHARACTERS + len(" (0m ago)") + 1
    assert latest_from_patient(ticket(), NOW) == "(nothing yet)"
