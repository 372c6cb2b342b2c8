"""Outages: PostgreSQL or Redis stopped for real and started again while users talk. A user gets
an answer (the tracker and lock stores retry) or a clear "send it again" reply, never an empty
one or an error page; afterwards both Rasa servers answer without being restarted. What the
users saw is written to reports/cluster/outages.json."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from support.cluster import Outcome, ScriptedUser

from runtime.settings import ROOT
from tools.bench.conversations import SCRIPTS

USERS = 2
DOWN_S = 3.0  # how long the service stays stopped: a restart, not a disaster
REPORT = ROOT / "reports" / "cluster" / "outages.json"


def outage(cluster, responses, service, name: str) -> Counter:
    """Users talk while `service` is stopped and started again; what they saw, per outcome."""
    users = [ScriptedUser(cluster.url, f"cluster-outage-{name}-{n}", responses) for n in range(USERS)]
    threads = [
        threading.Thread(target=lambda u=u, n=n: [u.run(s) for s in SCRIPTS[n : n + 2]])
        for n, u in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    while sum(len(u.outcomes) for u in users) < USERS:  # load is flowing
        threading.Event().wait(0.1)
    service.stop()
    threading.Event().wait(DOWN_S)
    service.start()
    for thread in threads:
        thread.join()
    assert [u.unanswered for u in users] == [[]] * USERS
    return Counter(outcome for user in users for outcome in user.outcomes)


def record(name: str, seen: Counter) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[name] = {"stopped_for_s": DOWN_S, "what_users_saw": dict(seen)}
    REPORT.write_text(json.dumps(report, indent=2) + "\n")


@pytest.mark.parametrize("name", ["postgresql", "redis"])
def test_a_restart_during_load_then_recovery_without_restarting_the_assistant(cluster, responses, name):
    service = cluster.postgres if name == "postgresql" else cluster.redis
    restarts = [server.restarts for server in cluster.rasa]
    seen = outage(cluster, responses, service, name)
    record(name, seen)
    assert set(seen) <= {Outcome.ANSWERED, Outcome.RESEND}
    # Recovered: a new conversation on each Rasa server, which were never restarted.
    for url in cluster.rasa_urls:
        user = ScriptedUser(url, f"cluster-after-{name}-{url.rsplit(':', 1)[1]}", responses, tries=1)
        user.run(SCRIPTS[0])
        assert user.unanswered == []
    assert [server.restarts for server in cluster.rasa] == restarts
