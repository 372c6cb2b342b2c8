"""FaqConfidenceGuard: weak or ambiguous answer choices become nlu_fallback."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from support.trackers import selector_ranking

from runtime.nlu.faq_confidence_guard import FaqConfidenceGuard

GUARD = FaqConfidenceGuard({**FaqConfidenceGuard.get_default_config(), "threshold": 0.4})


def message(intent: str, *ranking: tuple[str, float]) -> Message:
    data = {
        "text": "question",
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
        "response_selector": selector_ranking(*ranking),
    }
    return Message(data=data)


def processed(msg: Message) -> Message:
    return GUARD.process([msg])[0]


def test_confident_answer_is_kept():
    assert (
        processed(message("faq", ("miss_scar", 0.9), ("miss_recovery", 0.05))).get("intent")["name"] == "faq"
    )


@pytest.mark.parametrize(
    "ranking",
    [
        [("miss_scar", 0.3), ("miss_recovery", 0.1)],  # weak
        [("miss_scar", 0.45), ("miss_recovery", 0.43)],  # ambiguous
        [],  # nothing selected
    ],
)
def test_weak_or_ambiguous_answer_becomes_fallback_keeping_the_ranking(ranking):
    result = processed(message("faq", *ranking))
    assert result.get("intent")["name"] == "nlu_fallback"
    assert [i["name"] for i in result.get("intent_ranking")] == ["nlu_fallback", "faq"]


def test_other_intents_are_untouched():
    assert processed(message("greet", ("miss_scar", 0.1))).get("intent")["name"] == "greet"


@pytest.mark.parametrize(
    "selector",
    [None, {"faq": None}, {"faq": {"ranking": None}}, {"faq": {"ranking": [{"confidence": None}]}}],
)
def test_a_missing_answer_choice_is_weak_and_does_not_raise(selector):
    msg = Message(
        data={
            "text": "question",
            "intent": {"name": "faq", "confidence": 0.99},
            "response_selector": selector,
        }
    )
    assert processed(msg).get("intent")["name"] == "nlu_fallback"


def test_a_nan_answer_confidence_is_weak():
    assert processed(message("faq", ("miss_scar", float("nan")))).get("intent")["name"] == "nlu_fallback"
