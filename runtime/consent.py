"""Whether a reply to a consent question is a clear yes (data/handoff/consent.yml).

The conversation is shared, or callback details kept, only on a clear yes. The NLU reads many
hesitations as `affirm` ("hmm not sure" -> 0.80, "let me think about it" -> 0.42), so its intent
alone is not consent: an unsure, conditional or questioning yes is asked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from runtime.parse_data import intent_confidence, intent_name
from runtime.wording import data_yaml

AFFIRM = "affirm"


@dataclass(frozen=True)
class ConsentRules:
    min_confidence: float
    unclear_words: re.Pattern[str]
    unclear_characters: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ConsentRules:
        # longest first, so "not sure" is one match, not "not" and then "sure"
        words = sorted(data["unclear_words"], key=len, reverse=True)
        alternatives = [re.escape(word) for word in words] + list(data["unclear_fillers"])
        pattern = r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"
        return cls(
            min_confidence=float(data["min_confidence"]),
            unclear_words=re.compile(pattern, re.IGNORECASE),
            unclear_characters=frozenset(data["unclear_characters"]),
        )

    def is_clear_yes(self, message: dict[str, Any]) -> bool:
        if intent_name(message) != AFFIRM:
            return False
        text = message.get("text") or ""
        if text.startswith("/"):
            # a button press: the payload is the intent itself, nothing was typed
            return True
        unclear = self.unclear_words.search(text) or any(char in text for char in self.unclear_characters)
        return intent_confidence(message) >= self.min_confidence and not unclear


@cache
def consent_rules() -> ConsentRules:
    return ConsentRules.from_data(data_yaml("handoff", "consent.yml"))


def is_clear_yes(message: dict[str, Any]) -> bool:
    """`message` is a parse (tracker.latest_message): intent, confidence and text."""
    return consent_rules().is_clear_yes(message)
