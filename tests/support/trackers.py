"""Parse data as Rasa builds it, for action and component tests."""

from __future__ import annotations

from typing import Any


def selector_ranking(*topics_and_confidences: tuple[str, float]) -> dict[str, Any]:
    """A ResponseSelector result as Rasa puts it in the parse data."""
    ranking = [
        {"id": i, "confidence": c, "intent_response_key": f"faq/{t}"}
        for i, (t, c) in enumerate(topics_and_confidences)
    ]
    best = ranking[0] if ranking else {}
    return {
        "all_retrieval_intents": ["faq"],
        "faq": {
            "response": {
                "intent_response_key": best.get("intent_response_key"),
                "confidence": best.get("confidence"),
            },
            "ranking": ranking,
        },
    }
