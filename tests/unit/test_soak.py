"""`make soak`'s checks (tools/soak/checks.py) and its conversation data (tools/soak/script.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from runtime.handoff.store import OutboxItem, Ticket
from tools.soak.checks import (
    PromisedTicket,
    error_lines,
    growth_percent,
    log_stretch,
    lost,
    outbox_problems,
    reference_in,
    reply_problem,
    ticket_problems,
)
from tools.soak.script import Identity, TicketExpectation, Turn, load, parse

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)
ALEX = Identity("Alex Badefigo", "555 000 0001")
SUMMARY = Turn("weekday mornings", ("- Name: {name}\n", "- Contact: {phone}\n"), ("/affirm",))
CALLBACK = TicketExpectation("callback", "normal", contact=True)


def summary_reply(sender: str, name: str) -> list[dict]:
    text = f"Here is what I'll send:\n- Name: {name}\n- Contact: 555 000 0001\n- Best time: mornings"
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "Change", "payload": "/deny"}]
    return [{"recipient_id": sender, "text": text, "buttons": buttons}]


def ticket(
    reference: str, conversation: str, contact: dict | None = None, reason: str = "callback"
) -> Ticket:
    priority = "urgent" if reason == "emergency" else "normal"
    return Ticket(reference, conversation, "rest", reason, priority, "open", [], contact, None, NOW, NOW)


def row(number: int, reference: str, status: str = "pending") -> OutboxItem:
    return OutboxItem(number, reference, "webhook", status, 0, NOW, NOW, None, None)


# --- Replies ----------------------------------------------------------------------------------------


def test_the_right_reply_passes():
    assert reply_problem(summary_reply("soak-1", ALEX.name), "soak-1", SUMMARY, ALEX) is None


def test_a_lost_or_empty_reply_is_a_problem():
    assert reply_problem([], "soak-1", SUMMARY, ALEX) == "no reply"
    assert reply_problem(None, "soak-1", SUMMARY, ALEX) == "no reply"


def test_a_reply_for_another_conversation_is_crossed():
    assert reply_problem(summary_reply("soak-2", ALEX.name), "soak-1", SUMMARY, ALEX) == (
        "a reply addressed to 'soak-2'"
    )


def test_a_summary_with_another_conversations_name_is_crossed():
    """The name is checked up to the end of its line: Alex Badefigoba would not pass as Alex Badefigo."""
    for other in ("Sam Badefiku", "Alex Badefigoba"):
        problem = reply_problem(summary_reply("soak-1", other), "soak-1", SUMMARY, ALEX)
        assert problem == "missing '- Name: Alex Badefigo\\n'"


def test_a_missing_button_is_a_problem():
    reply = summary_reply("soak-1", ALEX.name)
    reply[0]["buttons"] = reply[0]["buttons"][1:]
    assert reply_problem(reply, "soak-1", SUMMARY, ALEX) == "no button '/affirm'"


def test_the_reference_is_read_from_the_reply():
    reply = [{"recipient_id": "s", "text": "Done: your reference is **SP-4K7Q**. Call 911 if worse."}]
    assert reference_in(reply) == "SP-4K7Q"
    assert reference_in([{"recipient_id": "s", "text": "I've saved a note for the clinic team"}]) is None


# --- Logs and memory --------------------------------------------------------------------------------


def test_error_lines_of_every_log_format_and_nothing_else():
    log = "\n".join(
        [
            "2026-12-01 20:10:31 ERROR    rasa.core.actions.action  - Failed to run custom action",
            "2026-12-01 20:04:12,751 CRITICAL runtime.channels  - down",
            "[2026-12-01 20:04:12 +0000] [123] [ERROR] Exception occurred while handling uri",
            "2026-12-01 20:04:12 [error    ] event_name  key=value",
            "Traceback (most recent call last):",
            "2026-12-01 20:04:33 WARNING  rasa_sdk.forms  - Skipping validation for `callback_consent`",
            "2026-12-01 20:04:34 INFO     runtime.handoff.outbox  - Handoff SP-9QCC: ERROR in the text",
            "  raise ERROR",
        ]
    )
    assert len(error_lines(log)) == 5


def test_a_log_stretch_is_what_was_appended_between_two_sizes(tmp_path: Path):
    log = tmp_path / "rasa.log"
    log.write_text("before\n")
    start = log.stat().st_size
    with log.open("a") as appending:
        appending.write("during\n")
    end = log.stat().st_size
    with log.open("a") as appending:
        appending.write("after\n")
    assert log_stretch(log, start, end) == "during\n"
    assert log_stretch(log, end) == "after\n"
    assert log_stretch(tmp_path / "missing.log", 0) == ""


@pytest.mark.parametrize(
    ("start", "end", "growth"), [(1000, 1000, 0.0), (1000, 1099, 9.9), (1200, 1080, -10.0)]
)
def test_memory_growth_in_percent(start, end, growth):
    assert growth_percent(start, end) == growth


# --- Tickets and the outbox -------------------------------------------------------------------------


def test_every_reference_told_must_be_the_stored_ticket_of_that_conversation():
    promised = {"SP-AAAA": PromisedTicket("SP-AAAA", "soak-1", CALLBACK, ALEX)}
    contact = {"name": ALEX.name, "contact": ALEX.phone, "preferred_time": "weekday mornings"}
    assert ticket_problems(promised, {"SP-AAAA": ticket("SP-AAAA", "soak-1", contact)}) == []
    assert ticket_problems(promised, {}) == ["SP-AAAA: told to soak-1 but not stored"]
    assert ticket_problems(promised, {"SP-AAAA": ticket("SP-AAAA", "soak-2", contact)}) == [
        "SP-AAAA: told to soak-1, stored for soak-2"
    ]
    other = {**contact, "name": "Sam Badefiku"}
    assert ticket_problems(promised, {"SP-AAAA": ticket("SP-AAAA", "soak-1", other)}) == [
        "SP-AAAA: the contact is not soak-1's"
    ]


def test_a_stored_ticket_that_no_reply_told_of_is_a_problem():
    """E.g. a ticket spooled under load: stored later, but the patient never got its reference."""
    stored = {"SP-BBBB": ticket("SP-BBBB", "soak-3", reason="emergency")}
    assert ticket_problems({}, stored) == ["SP-BBBB: stored, but no reply told of it"]


def test_tickets_lost_across_the_restart():
    before = {"SP-AAAA": 1, "SP-BBBB": 2}
    assert lost(before, {"SP-AAAA": 1, "SP-BBBB": 2, "SP-CCCC": 3}) == []
    assert lost(before, {"SP-BBBB": 2}) == ["SP-AAAA"]


def test_outbox_rows_lost_or_undone_or_missing():
    before = {1: row(1, "SP-AAAA", "delivered"), 2: row(2, "SP-BBBB")}
    after = {1: row(1, "SP-AAAA", "delivered"), 2: row(2, "SP-BBBB", "delivered"), 3: row(3, "SP-CCCC")}
    assert outbox_problems(before, after, ["SP-AAAA", "SP-BBBB", "SP-CCCC"]) == []
    assert outbox_problems(before, {1: row(1, "SP-AAAA", "pending")}, ["SP-AAAA", "SP-DDDD"]) == [
        "outbox row 2 (SP-BBBB) lost",
        "outbox row 1 (SP-AAAA) was delivered, now pending",
        "SP-DDDD: no outbox row",
    ]


# --- The conversation data --------------------------------------------------------------------------


def test_every_conversation_has_its_own_name_and_phone_of_one_length():
    identities = load().identities
    made = [identities.of(number) for number in range(5000)]
    assert len({i.name for i in made}) == len({i.phone for i in made}) == 5000
    assert len({len(i.name.split()[1]) for i in made}) == 1
    assert len({len(i.phone) for i in made}) == 1
    assert all(i.name.replace(" ", "").isalpha() for i in made)  # the callback form takes it as a name


def test_filling_in_leaves_other_braces_alone():
    assert ALEX.fill('{name} /request_callback{"callback_field": "x"}') == (
        'Alex Badefigo /request_callback{"callback_field": "x"}'
    )


def test_the_soak_data_has_a_ticket_script_with_the_conversations_name_in_a_reply():
    scripts = load().scripts
    assert any(s.ticket and s.ticket.contact for s in scripts)
    assert any("{name}" in e for s in scripts for t in s.turns for e in t.expect)


def test_a_ticket_needs_a_turn_that_tells_its_reference():
    raw = {
        "identity": {"first_names": ["Alex"], "surname_syllables": ["ba", "de"], "phone": "555 {high} {low}"},
        "scripts": [
            {
                "name": "emergency",
                "ticket": {"reason": "emergency", "priority": "urgent"},
                "turns": [{"say": "help", "expect": ["emergency"]}],
            }
        ],
    }
    with pytest.raises(ValueError, match="reference"):
        parse(raw)
    raw["scripts"][0]["turns"][0]["reference"] = True
    assert parse(raw).scripts[0].ticket == TicketExpectation("emergency", "urgent", False)
