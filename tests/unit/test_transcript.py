"""runtime/handoff/transcript.py: a conversation as staff read it, in the inbox and the CLI."""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from runtime.handoff import transcript

T0 = 1_714_996_800.0  # 2024-05-06 12:00:00 UTC
NEW_YORK = ZoneInfo("America/New_York")
EVENTS = [
    {"event": "action", "name": "action_session_start", "timestamp": T0},
    {"event": "user", "text": "/greet", "timestamp": T0, "parse_data": {"intent": {"name": "greet"}}},
    {"event": "bot", "text": "Hello! **I am an automated assistant.**", "timestamp": T0 + 1,
     "data": {"buttons": [{"title": "Yes, please", "payload": "/affirm"}]}, "metadata": {}},
    {"event": "user", "text": "/affirm", "timestamp": T0 + 2, "parse_data": {"intent": {"name": "affirm"}}},
    {"event": "bot", "text": "Call 911 now.", "timestamp": T0 + 3,
     "metadata": {"utter_action": "utter_emergency"}},
    {"event": "bot", "text": "**Clinic team:** Hi, this is Sam.", "timestamp": T0 + 4,
     "metadata": {"utter_action": "utter_agent_message"}},
    {"event": "user", "text": "/affirm", "timestamp": T0 + 5, "parse_data": {"intent": {"name": "affirm"}}},
    {"event": "user", "text": "<script>alert(1)</script>", "timestamp": T0 + 6},
    {"event": "slot", "name": "x", "value": 1, "timestamp": T0 + 7},
]  # fmt: skip


def test_button_titles_replace_payloads_and_safety_and_staff_replies_are_marked():
    lines = transcript.from_events(EVENTS)
    assert [(line.speaker, line.shown_text()) for line in lines] == [
        ("patient", "pressed: Say hello"),  # not offered as a button: the intent's title
        ("bot", "Hello! I am an automated assistant."),
        ("patient", "pressed: Yes, please"),
        ("safety", "Call 911 now."),
        ("staff", "Clinic team: Hi, this is Sam."),
        ("patient", "/affirm"),  # no button offered since the last message, no title: as typed
        ("patient", "<script>alert(1)</script>"),
    ]
    assert lines[0].time.tzinfo == timezone.utc


def test_times_are_shown_in_the_clinic_zone():
    first = transcript.from_events(EVENTS)[0].as_json(NEW_YORK)
    assert first == {"speaker": "patient", "label": "Patient", "text": "pressed: Say hello",
                     "time": "2024-05-06 08:00:00 EDT"}  # fmt: skip
    assert transcript.as_text(transcript.from_events(EVENTS), NEW_YORK)[3] == (
        "[2024-05-06 08:00:03 EDT] Assistant (safety reply): Call 911 now."
    )


def test_the_stored_transcript_reads_the_same_way():
    stored = [
        {"who": "user", "text": "help", "time": "2024-05-06T12:00:00Z"},
        {"who": "agent", "text": "Hello", "time": "2024-05-06T12:00:01Z"},
    ]
    assert transcript.as_text(transcript.from_stored(stored), ZoneInfo("UTC")) == [
        "[2024-05-06 12:00:00 UTC] Patient: help",
        "[2024-05-06 12:00:01 UTC] Clinic team: Hello",
    ]
    assert transcript.as_text([], NEW_YORK) == ["(no messages yet)"]
