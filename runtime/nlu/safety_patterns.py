"""Compiles data/safety/red_flags.yml into spaCy SpanRuler patterns.

The file's notation (documented at its top): `@TERM` for any entry of a term list, a word
matched by lemma, `=word` matched exactly, `#num` a number, `#dash` a dash standing between
words (not the hyphen of "L4-L5" or "6-year-old") and `...` for up to four words in between. Red
flags are labelled "<tier>:<flag>", followed by ":history" when a past occurrence counts too,
":with-<cue>" when the flag needs that cue beside it, ":unless-<cue>" when that cue takes it back
and ":same-<cue>" when it and that cue must be one person's (spans key "red_flags"); cues
"<cue>" ("safety_cues").
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language

RED_FLAGS_KEY = "red_flags"
CUES_KEY = "safety_cues"
GAP = [{"OP": "?"}] * 4
NUMBER = [{"LIKE_NUM": True}]
# "his Crohn's - I'm asking about me": a space after it, unlike the hyphen or range inside a word
# ("L4-L5", "3\u20134 days": an en dash); an em dash is never a hyphen
EN_DASH, EM_DASH = "\u2013", "\u2014"
DASHES = [[{"ORTH": {"IN": ["-", "--", EN_DASH]}, "SPACY": True}], [{"ORTH": EM_DASH}]]

TokenPattern = list[dict[str, Any]]


def word_tokens(nlp: Language, word: str) -> TokenPattern:
    """One written word (which may be several tokens, "can't" -> ca + n't) as lemma tokens."""
    if word.startswith("="):
        return [{"LOWER": t.lower_} for t in nlp.make_doc(word[1:].lower())]
    return [{"LEMMA": t.lemma_} for t in nlp(word.lower())]


def phrase_tokens(nlp: Language, phrase: str) -> TokenPattern:
    return [token for word in phrase.split() for token in word_tokens(nlp, word)]


def expand(nlp: Language, pattern: str, terms: dict[str, list[TokenPattern]]) -> list[TokenPattern]:
    """Every token pattern a notation pattern stands for (the product of its term lists)."""
    choices: list[list[TokenPattern]] = []
    for part in pattern.split():
        if part == "...":
            choices.append([GAP])
        elif part == "#num":
            choices.append([NUMBER])
        elif part == "#dash":
            choices.append(DASHES)
        elif part.startswith("@"):
            choices.append(terms[part[1:]])
        else:
            choices.append([word_tokens(nlp, part)])
    return [
        [token for piece in combination for token in piece] for combination in itertools.product(*choices)
    ]


def unique(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, kept = set(), []
    for pattern in patterns:
        key = repr(pattern)
        if key not in seen:
            seen.add(key)
            kept.append(pattern)
    return kept


def compile_safety_patterns(nlp: Language, path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(red-flag patterns, cue patterns) for two SpanRulers."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = {name: [phrase_tokens(nlp, e) for e in entries] for name, entries in spec["terms"].items()}
    red_flags = [
        {
            "label": ":".join(
                [flag["tier"], flag_id]
                + (["history"] if flag.get("past_counts") else [])
                + ([f"with-{flag['with_cue']}"] if flag.get("with_cue") else [])
                + ([f"unless-{flag['unless_cue']}"] if flag.get("unless_cue") else [])
                + ([f"same-{flag['same_person_as']}"] if flag.get("same_person_as") else [])
            ),
            "pattern": token_pattern,
        }
        for flag_id, flag in spec["flags"].items()
        for pattern in flag["patterns"]
        for token_pattern in expand(nlp, pattern, terms)
    ]
    cues = [
        {"label": cue, "pattern": token_pattern}
        for cue, phrases in spec["cues"].items()
        for phrase in phrases
        for token_pattern in expand(nlp, phrase, terms)
    ]
    return unique(red_flags), unique(cues)
