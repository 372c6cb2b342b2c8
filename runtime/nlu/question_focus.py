"""What a long message asks: its question sentences, apart from the background around them.

Patients write "I'm 41, L5-S1 extrusion last month, pain down my left leg, tried physio. What are
my treatment options? And how long is recovery?": the OtherQuestionsFinder matches each question
sentence on its own. A sentence is a question when it ends with "?" or opens like one ("what",
"how long", "can i", "is it", "i want to know"...).
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|(?<=\?)(?=\S)")
QUESTION_OPENING = re.compile(
    r"^(?:\W*)(?:(?:and|but|so|also|plus|ok|okay|well|hi|hello)\W+)*"
    r"(?:what|what's|whats|how|why|when|where|which|who|whom|whose|"
    r"is|isn't|are|aren't|was|were|will|would|wouldn't|can|can't|could|couldn't|should|shouldn't|"
    r"do|does|did|don't|doesn't|"
    r"any|anyone|anybody|please|pls|plz|tell me|explain|i wonder|i'm wondering|im wondering|"
    r"i was wondering|wondering|i want to know|i would like to know|i'd like to know|i need to know|"
    r"i'd like to understand|help me understand|is there|are there|what about)\b",
    re.IGNORECASE,
)
MAX_QUESTIONS = 3


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(QUESTION_OPENING.match(sentence))


def questions(text: str) -> list[str]:
    """The message's question sentences in order (at most MAX_QUESTIONS); [] for a single
    sentence or when no sentence reads as a question."""
    parts = sentences(text)
    if len(parts) < 2:
        return []
    return [s for s in parts if is_question(s)][:MAX_QUESTIONS]
