"""runtime.handoff.store on a real SQLite file: tickets, no duplicates, consent, outbox, retention."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from runtime.handoff import settings as handoff_settings
from runtime.handoff import store as store_module
from runtime.handoff.limits import SourceLimiter
from runtime.handoff.settings import load_settings
from runtime.handoff.store import HandoffStore, TicketLimitReached
from runtime.settings import ROOT

T0 = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)
REFERENCE = re.compile(r"^SP-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$")


def transcript(*lines: tuple[str, str, float]) -> list[dict[str, object]]:
    """Entries as the conversation side passes them: times as Unix seconds, like Rasa events."""
    return [{"who": who, "text": text, "time": T0.timestamp() + offset} for who, text, offset in lines]


FIRST = transcript(("user", "My made-up back pain is worse", 0), ("bot", "I can pass you to the team.", 1))


@pytest.fixture
def store(tmp_path) -> HandoffStore:
    handoff_store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    yield handoff_store
    handoff_store.dispose()


def test_a_new_ticket_has_its_fields_and_a_readable_reference(store):
    ticket, created = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    assert created
    assert REFERENCE.match(ticket.reference)
    assert (ticket.conversation_id, ticket.channel, ticket.reason) == ("conv-1", "rest", "user_request")
    assert (ticket.priority, ticket.status, ticket.claimed_by) == ("normal", "open", None)
    assert ticket.created_at == ticket.updated_at == T0
    assert store.get(ticket.reference.lower()) == ticket  # staff may type it in lower case


def test_the_transcript_is_stored_with_iso_utc_times(store):
    ticket, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    assert store.get(ticket.reference).transcript == [
        {"who": "user", "text": "My made-up back pain is worse", "time": "2024-05-06T12:00:00.000000Z"},
        {"who": "bot", "text": "I can pass you to the team.", "time": "2024-05-06T12:00:01.000000Z"},
    ]


def test_an_open_ticket_is_updated_not_duplicated(store):
    first, _ = store.create_or_update(
        "conv-1", "rest", "user_request", "normal", FIRST, notifier_names=["slack"], now=T0
    )
    later = FIRST + transcript(("user", "Now my leg is numb", 60))
    second, created = store.create_or_update(
        "conv-1",
        "rest",
        "emergency",
        "urgent",
        later,
        notifier_names=["slack"],
        now=T0 + timedelta(minutes=1),
    )
    assert not created
    assert second.reference == first.reference
    assert [entry["text"] for entry in second.transcript] == [
        "My made-up back pain is worse",
        "I can pass you to the team.",
        "Now my leg is numb",
    ]
    assert second.priority == "urgent"
    assert second.reason == "user_request"  # the ticket keeps why it was opened
    assert len(store.list_tickets()) == 1
    assert len(store.outbox_for(first.reference)) == 1  # no second notification


def test_priority_is_never_lowered(store):
    store.create_or_update("conv-1", "rest", "emergency", "urgent", FIRST, now=T0)
    ticket, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    assert ticket.priority == "urgent"


def test_a_closed_ticket_makes_room_for_a_new_one(store):
    first, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    assert store.open_ticket_for("conv-1") == first
    store.close(first.reference)
    assert store.open_ticket_for("conv-1") is None
    second, created = store.create_or_update("conv-1", "rest", "callback", "normal", FIRST, now=T0)
    assert created
    assert second.reference != first.reference


def test_a_conversation_gets_a_limited_number_of_new_tickets_an_hour(store):
    for _ in range(3):
        ticket, created = store.create_or_update(
            "conv-1", "rest", "emergency", "urgent", FIRST, now=T0, max_new_per_hour=3
        )
        assert created
        store.close(ticket.reference)
    with pytest.raises(TicketLimitReached):
        store.create_or_update("conv-1", "rest", "emergency", "urgent", FIRST, now=T0, max_new_per_hour=3)
    _, created = store.create_or_update(
        "conv-1", "rest", "emergency", "urgent", FIRST, now=T0 + timedelta(hours=2), max_new_per_hour=3
    )
    assert created  # an hour later there is room again


def test_the_source_limit_counts_an_hour_per_address():
    limiter = SourceLimiter(per_hour=2)
    assert limiter.allow("10.0.0.1", now=0) and limiter.allow("10.0.0.1", now=1)
    assert not limiter.allow("10.0.0.1", now=2)
    assert limiter.allow("10.0.0.2", now=2) and limiter.allow(None, now=2)
    assert limiter.allow("10.0.0.1", now=3601)


def test_contact_is_stored_only_when_given(store):
    ticket, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    assert ticket.contact is None
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT contact FROM tickets")).scalar_one() is None
    contact = {"name": "Test Patient", "phone": "555-0100"}  # made-up data
    updated, _ = store.create_or_update(
        "conv-1", "rest", "callback", "normal", FIRST, contact=contact, now=T0
    )
    assert updated.contact == contact
    unchanged, _ = store.create_or_update("conv-1", "rest", "callback", "normal", FIRST, now=T0)
    assert unchanged.contact == contact  # a later call without contact does not erase it


def test_a_colliding_reference_is_drawn_again(tmp_path):
    draws = iter(["SP-AAAA", "SP-AAAA", "SP-BBBB"])
    store = HandoffStore(f"sqlite:///{tmp_path / 'h.db'}", reference_factory=lambda: next(draws))
    first, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST)
    second, _ = store.create_or_update("conv-2", "rest", "user_request", "normal", FIRST)
    assert (first.reference, second.reference) == ("SP-AAAA", "SP-BBBB")


def test_ticket_and_notifications_are_stored_together_or_not_at_all(store):
    with pytest.raises(RuntimeError):
        store.create_or_update(
            "conv-1", "rest", "user_request", "normal", FIRST, notifier_names=["slack", None]
        )
    assert store.list_tickets() == []
    assert store.due_outbox(T0 + timedelta(days=1)) == []


def test_a_new_ticket_gets_one_outbox_row_per_notifier(store):
    ticket, _ = store.create_or_update(
        "conv-1", "rest", "crisis", "urgent", FIRST, notifier_names=["slack", "email"], now=T0
    )
    rows = store.due_outbox(T0)
    assert [(row.ticket_reference, row.notifier, row.status) for row in rows] == [
        (ticket.reference, "slack", "pending"),
        (ticket.reference, "email", "pending"),
    ]


def test_concurrent_requests_for_one_conversation_make_one_ticket(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    HandoffStore(url).list_tickets()  # the schema exists before the race starts
    results: list[bool] = []
    start = threading.Barrier(6)

    def request_handoff() -> None:
        own_store = HandoffStore(url)  # its own engine, like another server process
        start.wait()
        results.append(own_store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST)[1])

    threads = [threading.Thread(target=request_handoff) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert len(HandoffStore(url).list_tickets()) == 1


def test_list_puts_urgent_first_then_oldest(store):
    old, _ = store.create_or_update("a", "rest", "user_request", "normal", FIRST, now=T0)
    new, _ = store.create_or_update("b", "rest", "user_request", "normal", FIRST, now=T0 + timedelta(hours=1))
    urgent, _ = store.create_or_update("c", "rest", "emergency", "urgent", FIRST, now=T0 + timedelta(hours=2))
    closed, _ = store.create_or_update("d", "rest", "user_request", "normal", FIRST, now=T0)
    store.close(closed.reference)
    assert [t.reference for t in store.list_tickets()] == [urgent.reference, old.reference, new.reference]
    assert [t.reference for t in store.list_tickets(("closed",))] == [closed.reference]


def test_claim_message_and_close(store):
    ticket, _ = store.create_or_update("conv-1", "rest", "user_request", "normal", FIRST, now=T0)
    claimed = store.claim(ticket.reference, "Nurse Example")
    assert (claimed.status, claimed.claimed_by) == ("claimed", "Nurse Example")
    with_reply = store.add_message(ticket.reference, "agent", "Hello, this is the nurse.")
    assert with_reply.transcript[-1]["who"] == "agent"
    assert with_reply.transcript[-1]["text"] == "Hello, this is the nurse."
    assert store.close(ticket.reference).status == "closed"
    with pytest.raises(ValueError, match="closed"):
        store.claim(ticket.reference, "Nurse Example")
    with pytest.raises(ValueError, match="closed"):
        store.add_message(ticket.reference, "agent", "Too late")


def test_an_unknown_reference_is_a_clear_key_error(store):
    for call in (store.get, store.close, lambda ref: store.claim(ref, "x")):
        with pytest.raises(KeyError, match="No handoff ticket SP-ZZZZ"):
            call("SP-ZZZZ")


def test_invalid_values_are_refused(store):
    with pytest.raises(ValueError, match="reason"):
        store.create_or_update("conv-1", "rest", "boredom", "normal", FIRST)
    with pytest.raises(ValueError, match="speaker"):
        store.create_or_update(
            "conv-1", "rest", "user_request", "normal", [{"who": "x", "text": "", "time": 0}]
        )


def test_failed_attempts_back_off_exponentially_then_give_up(store):
    store.create_or_update(
        "conv-1", "rest", "user_request", "normal", FIRST, notifier_names=["slack"], now=T0
    )
    row = store.due_outbox(T0)[0]
    first = store.record_attempt(row.id, False, "HTTP 500", T0, max_attempts=3, retry_base_seconds=30)
    assert (first.status, first.attempts, first.next_attempt_at) == ("pending", 1, T0 + timedelta(seconds=30))
    assert store.due_outbox(T0 + timedelta(seconds=29)) == []
    second_time = T0 + timedelta(seconds=30)
    second = store.record_attempt(row.id, False, "HTTP 500", second_time, 3, 30)
    assert second.next_attempt_at == second_time + timedelta(seconds=60)
    third = store.record_attempt(row.id, False, "HTTP 502", second_time + timedelta(seconds=60), 3, 30)
    assert (third.status, third.attempts, third.last_error) == ("failed", 3, "HTTP 502")
    assert store.due_outbox(T0 + timedelta(days=1)) == []
    attempts = store.attempts_for(row.id)
    assert [(a.ok, a.error) for a in attempts] == [
        (False, "HTTP 500"),
        (False, "HTTP 500"),
        (False, "HTTP 502"),
    ]


def test_a_successful_attempt_is_delivered(store):
    store.create_or_update(
        "conv-1", "rest", "user_request", "normal", FIRST, notifier_names=["slack"], now=T0
    )
    row = store.due_outbox(T0)[0]
    done = store.record_attempt(row.id, True, None, T0, 8, 30)
    assert (done.status, done.delivered_at, done.last_error) == ("delivered", T0, None)
    assert store.due_outbox(T0 + timedelta(days=1)) == []


def test_a_leased_row_is_not_taken_twice(store):
    store.create_or_update(
        "conv-1", "rest", "user_request", "normal", FIRST, notifier_names=["slack"], now=T0
    )
    row = store.due_outbox(T0)[0]
    assert store.lease(row.id, T0, T0 + timedelta(minutes=2))
    assert not store.lease(row.id, T0, T0 + timedelta(minutes=2))


def test_purge_deletes_closed_tickets_past_retention_with_their_outbox(store):
    old_closed, _ = store.create_or_update(
        "a", "rest", "user_request", "normal", FIRST, notifier_names=["slack"], now=T0
    )
    store.record_attempt(store.due_outbox(T0)[0].id, True, None, T0, 8, 30)
    store.close(old_closed.reference, now=T0)
    old_open, _ = store.create_or_update("b", "rest", "user_request", "normal", FIRST, now=T0)
    recent, _ = store.create_or_update("c", "rest", "user_request", "normal", FIRST, now=T0)
    store.close(recent.reference, now=T0 + timedelta(days=80))

    assert store.purge_closed_older_than(90, now=T0 + timedelta(days=91)) == 1
    remaining = {t.reference for t in store.list_tickets(("open", "claimed", "closed"))}
    assert remaining == {old_open.reference, recent.reference}
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM outbox")).scalar_one() == 0
        assert connection.execute(sa.text("SELECT COUNT(*) FROM delivery_attempts")).scalar_one() == 0


def test_the_schema_is_versioned_and_a_newer_one_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    HandoffStore(url).list_tickets()
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT version FROM schema_version")).scalars().all() == [1]
        connection.execute(sa.text("UPDATE schema_version SET version = 99"))
    with pytest.raises(RuntimeError, match="schema version 99"):
        HandoffStore(url).list_tickets()


def test_a_relative_sqlite_path_is_relative_to_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDOFF_DB_URL", "sqlite:///var/handoff.db")
    assert load_settings().db_url == f"sqlite:///{ROOT / 'var' / 'handoff.db'}"
    assert handoff_settings.load()["HANDOFF_DB_URL"] == "sqlite:///var/handoff.db"
    monkeypatch.setenv("HANDOFF_DB_URL", f"sqlite:///{tmp_path / 'h.db'}")
    assert HandoffStore.from_environment().url == f"sqlite:///{tmp_path / 'h.db'}"
    assert HandoffStore.from_environment() is HandoffStore.from_environment()


def test_transcript_times_accept_iso_strings_and_datetimes():
    assert store_module.transcript_entry("bot", "x", "2024-05-06T08:00:00-04:00")["time"] == (
        "2024-05-06T12:00:00.000000Z"
    )
    assert store_module.transcript_entry("user", "x", T0)["time"] == "2024-05-06T12:00:00.000000Z"
