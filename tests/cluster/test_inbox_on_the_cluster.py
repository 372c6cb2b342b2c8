"""The staff inbox of `make cluster`: on the cluster's PostgreSQL, relaying through nginx. A
ticket made on one Rasa server shows in it with the conversation (read from the shared tracker
store), and a staff reply sent from it reaches the patient's conversation whichever server
answers next."""

from __future__ import annotations

import re
from itertools import cycle

from support.cluster import bot_texts, say, stored_events
from support.inbox import add_user, page_token, sign_in

REFERENCE = re.compile(r"\*\*(SP-[0-9A-Z]{4})\*\*")
REPLY = "Hello from the clinic team, I can see your question about recovery."


def test_a_ticket_made_on_one_server_is_answered_from_the_inbox(cluster):
    servers = cycle(cluster.rasa_urls)
    sender = "cluster-inbox"
    say(next(servers), sender, "how long is recovery after a discectomy")
    say(next(servers), sender, "can i talk to a real person please")
    reference = REFERENCE.search(say(next(servers), sender, "/affirm")[-1]["text"]).group(1)

    made = add_user(cluster.postgres.url("handoff"), "cluster-nurse", name="Nurse Ada")
    assert made.returncode == 0, made.stderr
    client, _ = sign_in(cluster.inbox_url, "cluster-nurse")
    listed = client.get(f"{cluster.inbox_url}/api/tickets", timeout=10).json()
    assert reference in str(listed)
    page = client.get(f"{cluster.inbox_url}/tickets/{reference}", timeout=10).text
    assert "how long is recovery after a discectomy" in page

    token = page_token(client, cluster.inbox_url)
    for action, data in (("claim", {}), ("reply", {"text": REPLY})):
        answer = client.post(
            f"{cluster.inbox_url}/tickets/{reference}/{action}",
            data={"csrf_token": token, **data},
            allow_redirects=False,
            timeout=60,
        )
        assert answer.status_code in (200, 302, 303), answer.text
    assert any(REPLY in text for text in bot_texts(stored_events(cluster, sender)))
