"""Rasa's RedisLockStore: messages of one conversation sent at once to both Rasa servers are
processed one at a time, each to its end, and each user gets the answer to their own message."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from support.cluster import say, stored_events

from tools.bench.conversations import SCRIPTS, is_answered

QUESTIONS = [(s.turns[1].text, s.turns[1].expected) for s in SCRIPTS]


def turns(events):
    """The events of each turn: from a user message to the next one."""
    grouped: list[list[dict]] = []
    for event in events:
        if event["event"] == "user":
            grouped.append([])
        if grouped:
            grouped[-1].append(event)
    return grouped


def test_concurrent_messages_of_one_conversation_are_processed_in_order(cluster, responses):
    sender = "cluster-lock"
    say(cluster.rasa_urls[0], sender, "hello")  # the session starts before the burst
    urls = cluster.rasa_urls
    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        replies = list(
            pool.map(lambda i: say(urls[i % len(urls)], sender, QUESTIONS[i][0]), range(len(QUESTIONS)))
        )
    for (_, expected), reply in zip(QUESTIONS, replies, strict=True):
        assert is_answered(reply, responses[expected])

    events = stored_events(cluster, sender)
    asked = [turn for turn in turns(events) if turn[0]["text"] != "hello"]
    assert sorted(turn[0]["text"] for turn in asked) == sorted(text for text, _ in QUESTIONS)
    for turn in asked:  # no turn interleaved with another: each ends listening, once
        actions = [e["name"] for e in turn if e["event"] == "action"]
        assert actions.count("action_listen") == 1 and actions[-1] == "action_listen"
