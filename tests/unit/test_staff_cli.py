"""`python -m tools.staff`: the staff CLI against a real SQLite store and a local stand-in for Rasa."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from support.http import Receiver, free_port

from runtime.handoff.store import HandoffStore
from runtime.inbox import records
from runtime.settings import ROOT
from tools.staff import main

TOKEN = "test-token-not-a-real-one"
T0 = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)
LINES = [
    {"who": "user", "text": "Can a person call me about my made-up MRI?", "time": T0.timestamp()},
    {"who": "bot", "text": "I have passed this to the team.", "time": T0.timestamp() + 1},
]


@pytest.fixture
def rasa() -> Iterator[Receiver]:
    """Stands in for the Rasa server's /conversations/{id}/trigger_intent."""
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def store(tmp_path, monkeypatch, rasa) -> Iterator[HandoffStore]:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DB_URL", url)
    monkeypatch.setenv("HANDOFF_TIMEZONE", "UTC")
    monkeypatch.setenv("RASA_URL", rasa.url)
    monkeypatch.setenv("RASA_AUTH_TOKEN", TOKEN)
    handoff_store = HandoffStore.from_environment()
    yield handoff_store


def new_ticket(store: HandoffStore, conversation: str = "conv-1", **kwargs) -> str:
    options = {"reason": "user_request", "priority": "normal", "now": T0, **kwargs}
    ticket, _ = store.create_or_update(conversation, "rest", transcript=LINES, **options)
    return ticket.reference


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_waiting_tickets_urgent_first(store, capsys):
    normal = new_ticket(store, "a")
    urgent = new_ticket(store, "b", reason="emergency", priority="urgent", now=T0 + timedelta(hours=1))
    code, out, _ = run(capsys, "list")
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split() == ["REFERENCE", "PRIORITY", "STATUS", "REASON", "CHANNEL", "AGE"]
    assert first.split()[:5] == [urgent, "urgent", "open", "emergency", "rest"]
    assert second.split()[:5] == [normal, "normal", "open", "user_request", "rest"]
    assert second.split()[5].endswith("d")  # created days ago


def test_list_with_nothing_waiting(store, capsys):
    assert run(capsys, "list") == (0, "No handoff tickets waiting.\n", "")


def test_show_prints_fields_and_transcript_but_no_contact_unless_stored(store, capsys):
    reference = new_ticket(store)
    code, out, _ = run(capsys, "show", reference.lower())
    assert code == 0
    assert f"Ticket:       {reference}" in out
    assert "Reason:       user_request" in out
    assert "[2024-05-06 12:00:00 UTC] Patient: Can a person call me about my made-up MRI?" in out
    assert "[2024-05-06 12:00:01 UTC] Assistant: I have passed this to the team." in out
    assert "Contact" not in out
    new_ticket(store, contact={"phone": "555-0100"})
    assert "Contact:      phone: 555-0100" in run(capsys, "show", reference)[1]


def test_claim_then_close_relays_handoff_closed(store, rasa, capsys):
    reference = new_ticket(store)
    assert run(capsys, "claim", reference, "--agent", "Nurse Example")[:2] == (
        0,
        f"{reference} claimed by Nurse Example.\n",
    )
    assert "Status:       claimed by Nurse Example" in run(capsys, "show", reference)[1]
    assert run(capsys, "close", reference)[:2] == (0, f"{reference} closed.\n")
    joined, closed = rasa.requests
    assert joined.path == closed.path == "/conversations/conv-1/trigger_intent"
    assert joined.json() == {"name": "staff_joined", "entities": {}}
    assert closed.json() == {"name": "handoff_closed", "entities": {}}
    assert store.get(reference).status == "closed"
    assert run(capsys, "list")[1] == "No handoff tickets waiting.\n"


def test_send_relays_to_rasa_and_keeps_the_message(store, rasa, capsys):
    reference = new_ticket(store, "conv/with space")
    code, out, _ = run(
        capsys, "send", reference, "Hello, this is the clinic's nurse.", "--agent", "Nurse Example"
    )
    assert (code, out) == (0, f"Sent to the patient of {reference}.\n")
    joined, request = rasa.requests  # claimed first: the bot is told a team member joined
    assert joined.json() == {"name": "staff_joined", "entities": {}}
    assert request.path == "/conversations/conv%2Fwith%20space/trigger_intent"
    assert request.query == {"output_channel": ["latest"], "token": [TOKEN]}
    assert request.json() == {
        "name": "agent_message",
        "entities": {"agent_message": "Hello, this is the clinic's nurse."},
    }
    ticket = store.get(reference)
    assert ticket.transcript[-1]["who"] == "agent"
    assert ticket.transcript[-1]["text"] == "Hello, this is the clinic's nurse."
    assert (ticket.status, ticket.claimed_by) == ("claimed", "Nurse Example")


@pytest.mark.parametrize("failure", ["unreachable", "HTTP 400: Bad Request"])
def test_rasa_down_or_refusing_is_one_line_and_the_message_stays(store, rasa, monkeypatch, capsys, failure):
    reference = new_ticket(store)
    if failure == "unreachable":
        monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    rasa.answer(400)
    code, _, err = run(capsys, "send", reference, "Are you still there?")
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(f"error: message stored in {reference} but not delivered: Rasa server at ")
    assert failure in err
    assert TOKEN not in err
    assert store.get(reference).transcript[-1]["text"] == "Are you still there?"


def test_close_with_rasa_down_keeps_the_ticket_open(store, monkeypatch, capsys):
    reference = new_ticket(store)
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = run(capsys, "close", reference)
    assert code == 1
    assert "unreachable" in err and "--no-relay" in err and TOKEN not in err
    assert store.get(reference).status == "open"
    assert run(capsys, "close", reference, "--no-relay")[:2] == (0, f"{reference} closed.\n")


@pytest.mark.parametrize("command", [["show"], ["claim", "--agent", "x"], ["send", "--", "hi"], ["close"]])
def test_an_unknown_reference_is_exit_1_and_one_line(store, capsys, command):
    argv = [command[0], "SP-ZZZZ", *command[1:]]
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", "error: No handoff ticket SP-ZZZZ\n")


def test_purge_removes_old_closed_tickets_with_their_staff_notes(store, capsys):
    reference, kept = new_ticket(store), new_ticket(store, "conv-2")
    records.add_note(store.engine, reference, "Nurse Example", "called the patient")
    records.add_note(store.engine, kept, "Nurse Example", "still open")
    store.close(reference, now=T0)
    code, out, _ = run(capsys, "purge", "--days", "1")
    assert (code, out) == (0, "Purged 1 closed handoff ticket(s) older than 1 days.\n")
    assert records.notes_for(store.engine, reference) == []
    assert [note.text for note in records.notes_for(store.engine, kept)] == ["still open"]


def test_the_module_entry_point_exits_1_with_one_line(tmp_path):
    env = {**os.environ, "HANDOFF_DB_URL": f"sqlite:///{tmp_path / 'h.db'}", "RASA_AUTH_TOKEN": TOKEN}
    result = subprocess.run(
        [sys.executable, "-m", "tools.staff", "show", "SP-ZZZZ"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "error: No handoff ticket SP-ZZZZ\n")
