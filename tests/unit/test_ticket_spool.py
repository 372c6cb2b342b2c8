"""The durable ticket spool: kept across a crash, stored in order, never twice, never stuck."""

from __future__ import annotations

import os
import time

import pytest

from runtime.handoff.spool import TicketRequest, TicketSpool


def request(conversation: str) -> TicketRequest:
    return TicketRequest(conversation, "rest", "user_request", "normal", [{"who": "user", "text": "hi"}])


def test_kept_tickets_are_private_files_replayed_oldest_first(tmp_path):
    spool = TicketSpool(tmp_path / "spool")
    for name in ("first", "second", "third"):
        spool.keep(request(name))
    [path, *_] = spool.waiting()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    stored = []
    assert spool.replay(lambda r: stored.append(r.conversation_id)) == 3
    assert stored == ["first", "second", "third"] and spool.waiting() == []


def test_a_failing_store_leaves_the_ticket_for_the_next_round(tmp_path):
    spool = TicketSpool(tmp_path / "spool")
    spool.keep(request("waiting"))

    def down(_: TicketRequest) -> None:
        raise ConnectionError("database is down")

    with pytest.raises(ConnectionError):
        spool.replay(down)
    assert len(spool.waiting()) == 1
    assert spool.replay(lambda r: None) == 1


def test_a_file_that_is_not_a_request_is_set_aside_not_retried_forever(tmp_path):
    spool = TicketSpool(tmp_path / "spool")
    spool.keep(request("good"))
    (tmp_path / "spool" / "00000000000000000000-bad.json").write_text("{not json")
    stored = []
    assert spool.replay(lambda r: stored.append(r.conversation_id)) == 1
    assert stored == ["good"] and list((tmp_path / "spool").glob("*.rejected"))


def test_a_claim_left_by_a_killed_worker_is_released(tmp_path):
    spool = TicketSpool(tmp_path / "spool")
    path = spool.keep(request("orphan"))
    claimed = path.rename(path.with_suffix(".replaying"))
    assert spool.waiting() == []  # still claimed by someone
    old = time.time() - 3600
    os.utime(claimed, (old, old))
    assert [p.name for p in spool.waiting()] == [path.name]
