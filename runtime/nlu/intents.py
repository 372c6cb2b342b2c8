"""Reading and overriding the intent of a parsed message, for the components that have the last
word on it (RedFlagDetector, ReportTermsDetector)."""

from __future__ import annotations

from typing import Optional

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def intent_of(message: Message) -> Optional[str]:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def force_intent(message: Message, intent: str) -> None:
    """The intent at full confidence, first in the ranking; the classifiers' ranking follows."""
    forced = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get(INTENT_NAME_KEY) != intent]
    message.data[INTENT] = forced
    message.data[INTENT_RANKING_KEY] = [forced, *ranking]
