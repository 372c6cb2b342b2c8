"""PersonalAdviceScope: DIET's `personal_advice` stands for a real decision, diagnosis or dose;
a general question about one's own case becomes a `faq` question."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message
from support.trackers import selector_ranking

from runtime.nlu.personal_advice_scope import PersonalAdviceScope


def parsed(nlp, text: str, topic_confidence: float) -> Message:
    personal = {"name": "personal_advice", "confidence": 0.99}
    message = Message(
        data={
            "text": text,
            "intent": personal,
            "intent_ranking": [
                personal,
                {"name": "faq", "confidence": 0.01},
                {"name": "greet", "confidence": 0.0},
            ],
            "response_selector": selector_ranking(("what_is_herniated_disc", topic_confidence)),
        }
    )
    message.set(SPACY_DOCS["text"], nlp(text.lower()))
    return message


def test_a_general_question_about_ones_own_case_becomes_a_faq_question(nlp):
    message = parsed(nlp, "I have a herniated disc in my back. What does this mean, will it heal?", 0.83)
    [processed] = PersonalAdviceScope().process([message])
    assert processed.get("intent") == {"name": "faq", "confidence": 0.83}
    assert [i["name"] for i in processed.get("intent_ranking")] == ["faq", "greet"]


@pytest.mark.parametrize(
    "text",
    [
        "I have a herniated disc, should I have the surgery?",
        "how many ibuprofen can I take with my slipped disc",
        "is surgery the right thing for me",
    ],
)
def test_a_personal_decision_or_dose_stays_personal_advice(nlp, text):
    [processed] = PersonalAdviceScope().process([parsed(nlp, text, 0.83)])
    assert processed.get("intent")["name"] == "personal_advice"


def test_other_intents_are_left_alone(nlp):
    message = parsed(nlp, "hello there", 0.2)
    message.data["intent"] = {"name": "greet", "confidence": 0.9}
    [processed] = PersonalAdviceScope().process([message])
    assert processed.get("intent") == {"name": "greet", "confidence": 0.9}
