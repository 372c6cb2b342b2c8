"""Hypothesis strategies for what reaches the assistant: any text a channel can deliver, and any
value a tracker can hold (JSON). Used by the fuzz tests (tests/unit/test_fuzz_*.py)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from runtime.mri_glossary import load_glossary

# Characters that trip up text handling: NUL and other control characters, line and paragraph
# separators, zero-width and bidirectional marks, a combining accent, letters whose lowercase is
# longer ("İ"), a ligature, emoji with skin tones and joiners, right-to-left scripts.
SPECIAL_CHARACTERS = [
    "\x00", "\t", "\n", "\r", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u200d",
    "\u200e", "\u200f", "\u202e", "\u2028", "\u2029", "\ufeff", "\ufffd", "\u0301", "İ", "ß", "ﬁ",
    "🙂", "👍🏽", "👨‍👩‍👧", "🦴", "مرحبا، عندي ألم في الظهر", "שלום", "背中が痛い",
]  # fmt: skip
# A JSON body can carry lone surrogates ("\ud800"): Python's json and ujson decode them as they are.
LONE_SURROGATES = st.characters(categories=["Cs"])
PUNCTUATION_AND_SPACE = " \t\n\r.,;:!?¿¡…-–—()[]{}<>\"'`/\\|*_#@&%$^~+=•·"

# Words of the assistant's own domain, so the fuzzing reaches the components' decisions: red
# flags, their denials and the past, animals, people, questions, report language, markdown and
# button payloads.
FRAGMENTS = [
    "what is", "how long", "can i", "is it", "and", "also", "I", "my", "my wife", "my dog", "no",
    "not", "don't have", "years ago", "went away", "now it is back", "yesterday", "back pain",
    "disc", "slipped disc", "sciatica", "discectomy", "recovery", "risks", "MRI", "my MRI says",
    "L4-L5", "L5/S1", "C5-6", "T12", "can't pee", "numb down there", "both legs gave way",
    "foot drop", "fever", "cancer", "fell off a ladder", "kill myself", "want to die", "end it all",
    "should I have surgery", "what does my scan mean", "**bold**", "_it_", "[link](https://example.com)",
    "```code```", "# heading", "> quote", "- item", "1.", "/faq", '/faq{"faq_topic": "discectomy_risks"}',
    '/explain_report{"term": "disc_bulge"}', "/affirm", "/stop", "/restart", "{", "}", '"', "'", "\\",
]  # fmt: skip
REPORT_WORDS = sorted({p for term in load_glossary().terms.values() for p in term.patterns})

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    # what json.loads gives: ints below its 4300-digit limit, floats including NaN and infinity
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)


def _payload(intent: str, body: Any) -> str:
    if isinstance(body, dict):
        return f"/{intent}{json.dumps(body)}"
    return f"/{intent}{body}"


def payloads(intents: list[str]) -> st.SearchStrategy[str]:
    """Button payloads and text that only looks like one: /intent, /intent{json}, /intent{broken."""
    bodies = st.one_of(
        st.just(""),
        st.dictionaries(st.text(max_size=12), json_values, max_size=3),
        st.text(max_size=30),
    )
    return st.builds(_payload, st.sampled_from(intents) | st.text(max_size=12), bodies)


def _repeated(piece: str, times: int) -> str:
    return (piece * times)[:4000]


def texts(
    intents: list[str] | None = None, surrogates: bool = True, long: bool = True
) -> st.SearchStrategy[str]:
    """Any message text a user could send, weighted towards the awkward. `surrogates=False` leaves
    out lone surrogates (for what goes through spaCy, which raises on them); `long=False` leaves
    out messages of thousands of characters (for tests whose point is elsewhere: they are slow)."""
    special = st.sampled_from(SPECIAL_CHARACTERS)
    if surrogates:
        special = special | LONE_SURROGATES
    words = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(REPORT_WORDS),
        special,
        st.text(max_size=8),
    )
    separators = st.sampled_from([" ", " ", " ", ". ", "? ", "?", "! ", ", ", "\n", "", "...", " - "])

    def joined(pairs: list[tuple[str, str]]) -> str:
        return "".join(word + sep for word, sep in pairs)

    mixed = st.lists(st.tuples(words, separators), max_size=40).map(joined)
    # a line pasted from an MRI report: glossary words, levels among them
    report_line = st.lists(st.tuples(st.sampled_from(REPORT_WORDS), separators), min_size=2, max_size=15).map(
        joined
    )
    short = [
        mixed,
        report_line,
        st.text(max_size=200),  # any Unicode but surrogates
        st.text(st.sampled_from(PUNCTUATION_AND_SPACE), max_size=300),
        st.lists(special, max_size=50).map("".join),
        payloads(intents or ["faq", "affirm", "explain_report"]),
    ]
    # up to thousands of characters: one long word, a repeated phrase, a long pasted message
    long_texts = st.one_of(
        st.builds(_repeated, st.sampled_from(["a", "?", " ", "🦴", *FRAGMENTS]), st.integers(1, 3000)),
        st.builds(
            _repeated, st.lists(st.tuples(words, separators), min_size=1).map(joined), st.integers(2, 200)
        ),
    )
    return st.one_of(*short, long_texts) if long else st.one_of(*short)


def slot_values() -> st.SearchStrategy[Any]:
    """Anything a tracker's slot can hold: typed text, JSON scalars, lists and objects."""
    return st.one_of(texts(), json_values)
