"""FaqNeighbourRescue: a fallback whose message is very close to a training question gets that
question's topic; trained and loaded through Rasa's own model storage."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from support.components import trained_and_loaded
from support.trackers import selector_ranking

from runtime.nlu.faq_neighbour_rescue import FaqNeighbourRescue
from runtime.parse_data import selected_topic

TRAINING = {
    "discectomy_recovery": [
        "how long is recovery after a discectomy",
        "when can i go back to work after discectomy",
    ],
    "what_is_spinal_stenosis": ["what is spinal stenosis", "explain spinal stenosis to me"],
}
FALLBACK = {"name": "nlu_fallback", "confidence": 0.4}


@pytest.fixture(scope="module")
def rescue(tmp_path_factory):
    return trained_and_loaded(FaqNeighbourRescue, tmp_path_factory.mktemp("storage"), TRAINING)


def fallen_back(text: str) -> Message:
    return Message(
        data={
            "text": text,
            "intent": FALLBACK,
            "intent_ranking": [
                FALLBACK,
                {"name": "faq", "confidence": 0.9},
                {"name": "greet", "confidence": 0.1},
            ],
            "response_selector": selector_ranking(
                ("what_is_spinal_stenosis", 0.3), ("discectomy_recovery", 0.28)
            ),
        }
    )


def test_a_fallback_close_to_a_training_question_is_answered_with_its_topic(rescue):
    [message] = rescue.process([fallen_back("How long does recovery take after my discectomy?")])
    assert message.get("intent")["name"] == "faq"
    assert message.get("intent")["confidence"] >= 0.7
    assert [i["name"] for i in message.get("intent_ranking")] == ["faq", "greet"]
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def test_a_fallback_far_from_every_training_question_stays_a_fallback(rescue):
    [message] = rescue.process([fallen_back("my knee replacement still hurts when I kneel")])
    assert message.get("intent") == FALLBACK
    assert selected_topic(message.as_dict_nlu()) == "what_is_spinal_stenosis"


def test_an_answered_or_declined_message_is_left_alone(rescue):
    message = fallen_back("How long does recovery take after my discectomy?")
    message.data["intent"] = {"name": "out_of_scope", "confidence": 0.95}
    [processed] = rescue.process([message])
    assert processed.get("intent") == {"name": "out_of_scope", "confidence": 0.95}
