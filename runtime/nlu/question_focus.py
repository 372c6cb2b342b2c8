"""What a long message asks: its question sentences, apart from the background around them.

Patients write "I'm 41, L5-S1 extrusion last month, pain down my left leg, tried physio. What are
my treatment options? And how long is recovery?": the OtherQuestionsFinder matches each question
sentence on its own. A sentence is a question when it ends with "?" or opens like one ("what",
"how long", "can i", "is it", "i want to know"...). A question sentence that joins another
question to it ("What is a bulging disc and how do you treat it?") asks two.
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
# "and", "or", "also" or "plus" before a word that opens a question: where a second question is
# joined to the first ("..., and is it better than a fusion?"); "pros and cons" is no such place
JOINED_QUESTION = re.compile(
    r"(?:,\s*|\s+)(?:and|or|also|plus)\s+"
    r"(?=(?:what|what's|whats|how|why|when|where|which|who|is|are|was|were|will|would|can|could|"
    r"should|do|does|did)\b)",
    re.IGNORECASE,
)
MAX_QUESTIONS = 3


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(QUESTION_OPENING.match(sentence))


def parts(text: str) -> list[str]:
    """The message's sentences, each question sentence split where another question joins it."""
    return [
        part.strip()
        for sentence in sentences(text)
        for part in (JOINED_QUESTION.split(sentence) if is_question(sentence) else [sentence])
        if part.strip()
    ]


def questions(text: str) -> list[str]:
    """The message's questions in order (at most MAX_QUESTIONS); [] for a single question or
    sentence, or when nothing reads as a question."""
    split = parts(text)
    if len(split) < 2:
        return []
    return [part for part in split if is_question(part)][:MAX_QUESTIONS]


def only_questions(text: str) -> bool:
    """Whether the message is two questions or more and nothing else ("What is an artificial
    disc, and is it better than a fusion?"): no background that could be what it is about."""
    split = parts(text)
    return len(split) >= 2 and all(is_question(part) for part in split)
