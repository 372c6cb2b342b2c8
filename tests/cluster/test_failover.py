"""Failover: one Rasa server and one action server are SIGKILLed while users talk through nginx.
The rest keep serving, every conversation goes on (a message in flight is sent again, as a
person would), and PostgreSQL holds every turn of every conversation."""

from __future__ import annotations

import os
import signal
import threading
from itertools import groupby

from support.cluster import Outcome, ScriptedUser, stored_events, user_texts
from support.http import wait_for

from tools import servers
from tools.bench.conversations import SCRIPTS

USERS = 4
ROUNDS = 2  # scripts per user: the kill lands in the first, the second runs on what is left


def test_killing_one_rasa_and_one_action_server_loses_nothing(cluster, responses):
    users = [ScriptedUser(cluster.url, f"cluster-failover-{n}", responses) for n in range(USERS)]
    rasa, actions = cluster.rasa[0], cluster.actions[0]
    restarts = (rasa.restarts, actions.restarts)

    def talk(user: ScriptedUser, number: int) -> None:
        for round_number in range(ROUNDS):
            user.run(SCRIPTS[(number + round_number) % len(SCRIPTS)])

    threads = [threading.Thread(target=talk, args=(u, n)) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    while sum(len(u.outcomes) for u in users) < USERS * 2:  # load is flowing
        threading.Event().wait(0.1)
    os.kill(rasa.pid, signal.SIGKILL)
    os.kill(actions.pid, signal.SIGKILL)
    for thread in threads:
        thread.join()

    assert [u.unanswered for u in users] == [[]] * USERS
    for user in users:  # a message sent again may be stored twice, none is missing
        stored = [text for text, _ in groupby(user_texts(stored_events(cluster, user.sender)))]
        assert stored == [text for text, _ in groupby(user.sent)]
    seen = {outcome for user in users for outcome in user.outcomes}
    assert seen <= {Outcome.ANSWERED, Outcome.HTTP_ERROR, Outcome.DEGRADED, Outcome.RESEND}

    # The supervisor brings both back; nginx sends them traffic again.
    assert wait_for(lambda: (rasa.restarts, actions.restarts) == (restarts[0] + 1, restarts[1] + 1))
    servers.wait_until_up(f"http://127.0.0.1:{actions.env['ACTION_SERVER_PORT']}/health", actions, 120)
    servers.wait_until_up(f"{cluster.rasa_urls[0]}/", rasa, 300)
