"""What the channels accept before Rasa sees a message (runtime/channels/rest.py, inbound.py)."""

from __future__ import annotations

import json

import pytest
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.channels.inbound import offered_payloads, too_long_reply
from runtime.channels.rest import body_problem


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "must be JSON"),
        (b"\xff\xfe\x00binary", "must be JSON"),
        (b"{not json", "must be JSON"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({"message": "hi"}).encode(), '"sender"'),
        (json.dumps({"sender": "  ", "message": "hi"}).encode(), '"sender"'),
        (json.dumps({"sender": 42, "message": "hi"}).encode(), '"sender"'),
        (json.dumps({"sender": "a\nb", "message": "hi"}).encode(), "printable"),
        (json.dumps({"sender": "x" * 256, "message": "hi"}).encode(), "at most 255"),
        (json.dumps({"sender": "me"}).encode(), '"message"'),
        (json.dumps({"sender": "me", "message": None}).encode(), '"message"'),
        (json.dumps({"sender": "me", "message": 42}).encode(), '"message"'),
    ],
)
def test_a_body_rasa_cannot_take_gets_a_one_line_reason(body, reason):
    problem = body_problem(body)
    assert problem is not None and reason in problem and "\n" not in problem


def test_a_good_body_passes():
    assert body_problem(json.dumps({"sender": "me", "message": ""}).encode()) is None


def test_only_the_buttons_the_bot_offered_count_as_payloads():
    tracker = DialogueStateTracker.from_events(
        "me",
        [
            UserUttered("call me back"),
            BotUttered("Is that OK?", data={"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
        ],
    )
    assert offered_payloads(tracker) == {"/affirm"}
    assert offered_payloads(None) == set()


def test_the_too_long_reply_says_the_limit_and_the_emergency_number(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "1500")
    reply = too_long_reply()
    assert "1500 characters" in reply and "call 911" in reply
