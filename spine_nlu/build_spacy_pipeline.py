"""Builds the spaCy pipeline Rasa loads: blank English, lookup lemmatizer, spine-term EntityRuler.

No pretrained model is downloaded: the lemma tables come from the installed
`spacy-lookups-data` package and the entity patterns from `data/spacy/`.

Usage:
    python -m spine_nlu.build_spacy_pipeline --patterns data/spacy/spine_terms.yml --out DIR
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language

TokenPattern = list[dict[str, Any]]


def phrase_to_token_pattern(nlp: Language, phrase: str) -> TokenPattern:
    """Case-insensitive, word by word, tolerant of a plural "s"/"es" on each word."""
    pattern: TokenPattern = []
    for token in nlp.make_doc(phrase):
        word = token.lower_
        if token.is_alpha:
            pattern.append({"LOWER": {"IN": [word, f"{word}s", f"{word}es"]}})
        else:
            pattern.append({"LOWER": word})
    return pattern


def load_patterns(nlp: Language, path: Path) -> list[dict[str, Any]]:
    """label -> canonical id -> phrases (or raw token patterns) as EntityRuler patterns."""
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns = []
    for label, canonical_terms in terms.items():
        for canonical_id, phrases in canonical_terms.items():
            for phrase in phrases:
                token_pattern = phrase if isinstance(phrase, list) else phrase_to_token_pattern(nlp, phrase)
                patterns.append({"label": label, "id": canonical_id, "pattern": token_pattern})
    return patterns


def build_pipeline(patterns_path: Path) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler")
    nlp.initialize()  # loads the lemma lookup tables from spacy-lookups-data
    ruler.add_patterns(load_patterns(nlp, patterns_path))
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    nlp = build_pipeline(args.patterns)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    print(f"spaCy pipeline {nlp.pipe_names} with {len(nlp.get_pipe('entity_ruler'))} patterns -> {args.out}")


if __name__ == "__main__":
    main()
