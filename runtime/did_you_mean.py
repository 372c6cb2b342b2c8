"""The buttons of "Did you mean ...?": the likeliest meanings of a message the NLU was unsure of.

The action server shows them (actions/fallback.py); `make eval` reads the first of them to count
a "Did you mean" as helpful only when the right topic is its first button.
"""

from __future__ import annotations

from typing import Any

from runtime.catalog import Catalog, topic_button
from runtime.parse_data import FAQ_INTENT, intent_confidences, topic_ranking

MAX_GUESSES = 3
MIN_GUESS_SCORE = 0.02  # below this a guess is noise, not worth a button


def guesses(catalog: Catalog, parse_data: dict[str, Any]) -> list[dict[str, str]]:
    """Buttons for the likeliest meanings, FAQ topics and titled intents, best first.

    A topic's own score is P(faq) x P(topic), but it is placed against the other intents by
    P(faq), the likelihood of all topics together: spread over three disc topics, "the disc one"
    would otherwise offer "End the conversation" (P 0.15) before every one of them (P(faq) 0.35).
    """
    placed: list[tuple[float, float, dict[str, str]]] = []
    intent_confidence = intent_confidences(parse_data)
    faq_confidence = intent_confidence.get(FAQ_INTENT, 0.0)
    for topic_id, confidence in topic_ranking(parse_data):
        if topic_id in catalog.topics:
            placed.append(
                (faq_confidence, faq_confidence * confidence, topic_button(catalog.topics[topic_id]))
            )
    for intent, title in catalog.intent_titles.items():
        confidence = intent_confidence.get(intent, 0.0)
        placed.append((confidence, confidence, {"title": title, "payload": f"/{intent}"}))
    placed.sort(key=lambda entry: entry[:2], reverse=True)
    return [button for _, score, button in placed if score >= MIN_GUESS_SCORE][:MAX_GUESSES]
