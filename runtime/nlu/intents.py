"""Reading and overriding the intent of a parsed message, for the components that have the last
word on it (EmbeddingTopicChoice, RedFlagDetector, ReportTermsDetector)."""

from __future__ import annotations

from typing import Optional

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from runtime.parse_data import FAQ_INTENT, OTHER_QUESTIONS, RESPONSE_SELECTOR

SAFETY_INTENTS = ("emergency", "crisis")
# What a message is read as if its alarm is not raised, left by the EmbeddingTopicChoice for the
# RedFlagDetector (not in the parse output): the parts of the message that reading sets.
READING_WITHOUT_ALARM = "reading_without_alarm"
READING_KEYS = (INTENT, INTENT_RANKING_KEY, RESPONSE_SELECTOR, OTHER_QUESTIONS)


def intent_of(message: Message) -> Optional[str]:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def force_intent(message: Message, intent: str, confidence: float = 1.0) -> None:
    """The intent (at full confidence unless said), first in the ranking; the classifiers'
    ranking follows."""
    forced = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get(INTENT_NAME_KEY) != intent]
    message.data[INTENT] = forced
    message.data[INTENT_RANKING_KEY] = [forced, *ranking]


def leave_reading_without_alarm(message: Message, reading: Message) -> None:
    """Keeps on `message` how `reading` reads it (its intent, ranking, answer and further
    questions), for `demote_safety_intents` to restore if the alarm is taken back."""
    message.set(
        READING_WITHOUT_ALARM, {key: reading.data[key] for key in READING_KEYS if key in reading.data}
    )


def demote_safety_intents(message: Message) -> None:
    """The message as read without its alarm: the reading a classifier left for it, else the
    classifiers' first intent that is neither a safety intent nor a fallback."""
    if reading := message.get(READING_WITHOUT_ALARM):
        message.data.update(reading)
        return
    ranking = [
        i
        for i in message.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) not in (*SAFETY_INTENTS, DEFAULT_NLU_FALLBACK_INTENT_NAME)
    ]
    if ranking:
        message.data[INTENT] = ranking[0]
        message.data[INTENT_RANKING_KEY] = ranking


def fall_back(message: Message, confidence: float) -> None:
    """`nlu_fallback` ("Did you mean ...?") first; the classifiers' ranking follows, so the
    fallback's buttons can still name their topics."""
    fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: confidence}
    message.data[INTENT] = fallback
    message.data[INTENT_RANKING_KEY] = [fallback, *(message.get(INTENT_RANKING_KEY) or [])]


def answer_topic(message: Message, topic: str, confidence: float) -> None:
    """The intent `faq` with `topic` as the ResponseSelector's choice. The selector's own ranking
    stays (the answer's follow-up buttons read it). The further questions are found after the
    answer is chosen (OtherQuestionsFinder), so none are set yet."""
    key = f"{FAQ_INTENT}/{topic}"
    answer = {INTENT_NAME_KEY: FAQ_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
    others = [
        i
        for i in message.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) not in (DEFAULT_NLU_FALLBACK_INTENT_NAME, FAQ_INTENT)
    ]
    message.data[INTENT] = answer
    message.data[INTENT_RANKING_KEY] = [answer, *others]
    selectors = dict(message.get(RESPONSE_SELECTOR) or {})
    selected = dict(selectors.get(FAQ_INTENT) or {})
    selected["response"] = {
        **(selected.get("response") or {}),
        INTENT_RESPONSE_KEY: key,
        PREDICTED_CONFIDENCE_KEY: confidence,
        "utter_action": f"utter_{key}",
        "responses": [],
    }
    selectors[FAQ_INTENT] = selected
    message.data[RESPONSE_SELECTOR] = selectors
