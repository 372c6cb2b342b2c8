"""One conversation wherever it lands: messages alternating between the two Rasa servers keep
their context (follow-ups, the callback form, the handoff), and the shared tracker store holds
every turn once, with exactly the replies the user got."""

from __future__ import annotations

import re
from itertools import cycle

from support.cluster import bot_texts, say, stored_events, texts, user_texts

from runtime.handoff.store import HandoffStore
from tools.bench.conversations import SCRIPTS, is_answered

REFERENCE = re.compile(r"\*\*(SP-[0-9A-Z]{4})\*\*")


class Alternating:
    """Sends each message to the next Rasa server in turn and keeps what the user saw."""

    def __init__(self, cluster, sender):
        self.cluster, self.sender = cluster, sender
        self.urls = cycle(cluster.rasa_urls)
        self.sent: list[str] = []
        self.seen: list[str] = []

    def __call__(self, text):
        reply = say(next(self.urls), self.sender, text)
        self.sent.append(text)
        self.seen += texts(reply)
        return reply

    def assert_stored_once(self):
        """No lost turn, no duplicate action: the store has each message and each reply once."""
        events = stored_events(self.cluster, self.sender)
        assert user_texts(events) == self.sent
        assert bot_texts(events) == self.seen


def test_follow_ups_answered_from_context_on_the_other_server(cluster, responses):
    chosen = SCRIPTS[0]
    chat = Alternating(cluster, "cluster-follow-ups")
    greeting, question, follow_up = chosen.turns[0], chosen.turns[1], chosen.turns[2]
    assert is_answered(chat(greeting.text), responses[greeting.expected])
    assert is_answered(chat(question.text), responses[question.expected])
    # The follow-up has no subject: only the context stored by the other server answers it.
    assert is_answered(chat(follow_up.text), responses[follow_up.expected])
    chat.assert_stored_once()


def test_callback_form_across_servers_stores_one_ticket(cluster):
    chat = Alternating(cluster, "cluster-callback")
    assert "Is that OK?" in chat("please can someone call me back")[-1]["text"]
    assert texts(chat("/affirm")) == ["What name should the clinic ask for?"]
    assert texts(chat("Jo Example")) == ["What phone number or e-mail address should they use?"]
    chat("jo@example.com")
    summary = chat("weekday mornings")[-1]["text"]
    assert "- Contact: jo@example.com" in summary
    reference = REFERENCE.search(chat("/affirm")[-1]["text"]).group(1)

    store = HandoffStore(cluster.postgres.url("handoff"))
    [ticket] = [t for t in store.list_tickets() if t.conversation_id == "cluster-callback"]
    assert ticket.reference == reference and ticket.reason == "callback"
    assert ticket.contact == {
        "name": "Jo Example",
        "contact": "jo@example.com",
        "preferred_time": "weekday mornings",
    }
    chat.assert_stored_once()


def test_handoff_across_servers_keeps_one_ticket(cluster):
    chat = Alternating(cluster, "cluster-handoff")
    assert "Is that OK?" in chat("can i talk to a real person please")[-1]["text"]
    reference = REFERENCE.search(chat("/affirm")[-1]["text"]).group(1)
    # Asking again, on the other server, adds to the same ticket and repeats its reference at once:
    # the conversation is already shared, so nothing is asked.
    assert reference in " ".join(texts(chat("can i talk to a real person please")))

    store = HandoffStore(cluster.postgres.url("handoff"))
    [ticket] = [t for t in store.list_tickets() if t.conversation_id == "cluster-handoff"]
    assert ticket.reference == reference
    chat.assert_stored_once()
