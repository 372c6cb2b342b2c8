"""What a long message asks: its question sentences, apart from the background around them.

Patients write "I'm 41, L5-S1 extrusion last month, pain down my left leg, tried physio. What are
my treatment options? And how long is recovery?": the OtherQuestionsFinder matches each question
sentence on its own. A sentence is a question when it ends with "?" or opens like one ("what",
"how long", "can i", "is it", "i want to know"...). A question sentence that joins another
question to it ("What is a bulging disc and how do you treat it?") asks two. A patient often
says which question matters most ("And more importantly, am I a candidate?", "my main question is
what causes it"): that one is the main question.
"""

from __future__ import annotations

import re

# a sentence ends at ".", "!" or "?", also inside a quote ('MRI says: "... nerve root." What is
# the usual treatment?'), at a new line, and after a "?" run into the next word
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+|\n+|(?<=\?)(?=\S)")
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
# words that say which question the patient most wants answered: an adverb that opens the sentence
# ("And more importantly, ...", not "is the pain mostly from the disc?") or a phrase anywhere
MAIN_CUE = re.compile(
    r"^\W*(?:(?:and|but|so|ok|okay)\W+)*"
    r"(?:more importantly|most importantly|mainly|mostly|primarily|above all)\b|"
    r"\b(?:(?:my|the) (?:main|big|biggest|real|key) (?:thing|question|one|worry|concern|issue)|"
    r"what i (?:really |most )?(?:want|need) to know|(?:really|mostly|mainly) (?:want|need) to know|"
    r"thing i really need to know|really i'?m wondering)\b",
    re.IGNORECASE,
)
# a sentence that says the question before it is the main one
POINTS_BACK = re.compile(
    r"\bthat'?s (?:the|my) (?:main|big|biggest|key|real|most important) "
    r"(?:thing|question|one|worry|concern)\b",
    re.IGNORECASE,
)
# a sentence with a main cue asks a question when it ends with "?" or a question word follows the
# cue ("The thing I really need to know is whether it leaves a scar."; not "My main worry is that
# I can't work.")
ASKED_AFTER_CUE = re.compile(r"\b(?:whether|if|how|what|when|why|which|where)\b", re.IGNORECASE)
# a question about what came before it ("is this why my back hurts?", "how is it treated?"):
# beside a pasted report, it asks about the report
REFERS_BACK = re.compile(r"\b(?:this|these|those|it)\b", re.IGNORECASE)
MAX_QUESTIONS = 3


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(QUESTION_OPENING.match(sentence)) or is_main(sentence)


def is_main(sentence: str) -> bool:
    """Whether the sentence says it is the question that matters most."""
    cue = MAIN_CUE.search(sentence)
    return bool(cue and (sentence.rstrip().endswith("?") or ASKED_AFTER_CUE.search(sentence, cue.end())))


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


def main_question(text: str) -> int | None:
    """The index in questions(text) of the question the patient says matters most: the first with
    a main cue, or the question just before "That's the main thing I need to know."; None when
    nothing says so or it is the first question anyway."""
    split = parts(text)
    asked = questions(text)
    for i, part in enumerate(split):
        if is_main(part):
            main = part
        elif POINTS_BACK.search(part):
            main = next((p for p in reversed(split[:i]) if is_question(p)), "")
        else:
            continue
        return asked.index(main) if main in asked[1:] else None
    return None


def refers_back(question: str) -> bool:
    """Whether the question is about something said before it rather than asking on its own."""
    return bool(REFERS_BACK.search(question))


def only_questions(text: str) -> bool:
    """Whether the message is two questions or more and nothing else ("What is an artificial
    disc, and is it better than a fusion?"): no background that could be what it is about."""
    split = parts(text)
    return len(split) >= 2 and all(is_question(part) for part in split)
