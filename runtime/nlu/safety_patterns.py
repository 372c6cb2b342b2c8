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
import json
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
# attributes whose alternatives one token can hold as an IN set
FOLDABLE = ("LEMMA", "LOWER", "ORTH")


def word_tokens(nlp: Language, word: str) -> TokenPattern:
    """One written word (which may be several tokens, "can't" -> ca + n't) as lemma tokens."""
    if word.startswith("="):
        return [{"LOWER": t.lower_} for t in nlp.make_doc(word[1:].lower())]
    # the lemmatizer alone: the whole pipeline would also run its SpanRulers, still empty here
    # (spaCy warns W036 at each call: 71,000 lines in a CI log)
    return [{"LEMMA": t.lemma_} for t in nlp.get_pipe("lemmatizer")(nlp.make_doc(word.lower()))]


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


def token_alternatives(token: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(attribute, values) of a token that asks only for one of some values of one attribute."""
    if len(token) != 1:
        return None
    ((attribute, value),) = token.items()
    if attribute not in FOLDABLE:
        return None
    if isinstance(value, str):
        return attribute, [value]
    if isinstance(value, dict) and list(value) == ["IN"]:
        return attribute, list(value["IN"])
    return None


def fold_at(patterns: list[dict[str, Any]], position: int) -> list[dict[str, Any]]:
    """Patterns that differ only in the word at `position` become one with an IN set there."""
    groups: dict[tuple[str, ...], tuple[dict[str, Any], str | None, set[str]]] = {}
    for index, pattern in enumerate(patterns):
        tokens = pattern["pattern"]
        alternatives = token_alternatives(tokens[position]) if position < len(tokens) else None
        if alternatives is None:
            groups[(str(index),)] = (pattern, None, set())
            continue
        attribute, values = alternatives
        label = json.dumps({k: v for k, v in pattern.items() if k != "pattern"}, sort_keys=True)
        key = (label, attribute, json.dumps(tokens[:position]), json.dumps(tokens[position + 1 :]))
        groups.setdefault(key, (pattern, attribute, set()))[2].update(values)
    folded = []
    for pattern, attribute, values in groups.values():
        if attribute is None:
            folded.append(pattern)
            continue
        tokens, ordered = list(pattern["pattern"]), sorted(values)
        tokens[position] = {attribute: ordered[0] if len(ordered) == 1 else {"IN": ordered}}
        folded.append({**pattern, "pattern": tokens})
    return folded


def fold(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same matches from fewer patterns: spaCy's Matcher tries every pattern at every
    token, so the products of term lists cost time in proportion to their count."""
    while True:
        before = len(patterns)
        for position in range(max((len(p["pattern"]) for p in patterns), default=0)):
            patterns = fold_at(patterns, position)
        if len(patterns) == before:
            return patterns


def expand_safety_patterns(nlp: Language, path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(red-flag patterns, cue patterns), one token pattern for every combination of terms."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    # a term's entries take the notation too ("came off ... bike"), except other terms
    terms = {
        name: [tokens for entry in entries for tokens in expand(nlp, entry, {})]
        for name, entries in spec["terms"].items()
    }
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


def compile_safety_patterns(nlp: Language, path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(red-flag patterns, cue patterns) for two SpanRulers. The red flags are folded (18,608
    patterns -> about 4,000; 48 -> 15 ms on a 600-character message). The cues are not: folded,
    their many different IN sets, each checked in Python, cost more than the patterns saved."""
    red_flags, cues = expand_safety_patterns(nlp, path)
    return fold(red_flags), cues
