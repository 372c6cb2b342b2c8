"""Builds the spaCy pipeline Rasa loads: blank English, lookup lemmatizer, spine-term EntityRuler,
two SpanRulers for the safety layer (red flags, and the cues that qualify them), one for the
words of MRI reports (data/mri/glossary.yml), and one for the words that put a question outside
the catalog or keep it on the spine (data/spacy/scope_terms.yml). The lemma table also reads
patients' spellings (data/spacy/spellings.yml).

No pretrained model is downloaded: the lemma tables come from the installed
`spacy-lookups-data` package and the entity patterns from `data/spacy/`.

Usage:
    python -m tools.build_spacy_pipeline --patterns data/spacy/spine_terms.yml \
        --red-flags data/safety/red_flags.yml --glossary data/mri/glossary.yml \
        --scope data/spacy/scope_terms.yml --spellings data/spacy/spellings.yml --out DIR
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.util import compile_infix_regex, load_language_data, registry

from runtime.mri_glossary import REPORT_TERMS_KEY, load_glossary
from runtime.nlu.outside_catalog_guard import SCOPE_KEY
from runtime.nlu.safety_patterns import CUES_KEY, RED_FLAGS_KEY, compile_safety_patterns, phrase_tokens

TokenPattern = list[dict[str, Any]]

# A full stop between a word and a letter: "fell down the stairs.now my legs are weak".
RUN_ON_FULL_STOP = r"(?<=[a-z0-9])\.(?=[a-z])"


def split_run_on_sentences(nlp: Language) -> None:
    """Split sentences typed without the space after the full stop, as the space would have.

    Rasa lowercases a message before spaCy reads it (SpacyNLP, case_sensitive false), so spaCy's
    own rule, a full stop between a lower- and an upper-case letter, never applies; and
    "stairs.now" looks like a web address (".now" is a top-level domain), which the tokenizer
    keeps whole. Patients do not paste web addresses to ask about their spine: that check is off.
    """
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, RUN_ON_FULL_STOP]).finditer
    nlp.tokenizer.url_match = None
    # "so did I." ends a sentence; spaCy's exception for an initial ("J. Smith") would keep
    # "i." as one word, neither "I" nor a full stop, once Rasa has lowercased the message.
    nlp.tokenizer.rules = {text: rule for text, rule in nlp.tokenizer.rules.items() if text != "i."}


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


def glossary_patterns(nlp: Language, path: Path) -> list[dict[str, Any]]:
    """Every surface form of every glossary term, word by word in lower case, labelled by its id."""
    return [
        {"label": term.id, "pattern": [{"LOWER": token.lower_} for token in nlp.make_doc(form.lower())]}
        for term in load_glossary(path).terms.values()
        for form in term.patterns
    ]


def scope_patterns(nlp: Language, path: Path) -> list[dict[str, Any]]:
    """Each word list of the scope file ("outside", "spine") as lemma patterns labelled by it."""
    lists = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        {"label": label, "pattern": phrase_tokens(nlp, phrase)}
        for label, phrases in lists.items()
        for phrase in phrases
    ]


def patient_spellings(path: Path) -> dict[str, str]:
    """Spelling -> lemma: each -ing form of the English lemma table without its g ("endin" ->
    end) unless that is a word of its own ("robin"), and the file's other spellings, with the
    lemma of the word each means ("symtoms" -> symptom)."""
    table = load_language_data(registry.lookups.get("en")["lemma_lookup"])
    known = set(table) | set(table.values())
    dropped_g = {
        form[:-1]: lemma
        for form, lemma in table.items()
        if form.endswith("ing") and lemma != form and form[:-1] not in known
    }
    words = yaml.safe_load(path.read_text(encoding="utf-8"))["words"]
    return dropped_g | {spelling: table.get(word, word) for spelling, word in words.items()}


def build_pipeline(
    patterns_path: Path, red_flags_path: Path, glossary_path: Path, scope_path: Path, spellings_path: Path
) -> Language:
    nlp = spacy.blank("en")
    split_run_on_sentences(nlp)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler")
    # SpanRulers keep overlapping matches, unlike entities: a red flag may contain a spine term.
    flag_ruler = nlp.add_pipe("span_ruler", name="red_flag_ruler", config={"spans_key": RED_FLAGS_KEY})
    cue_ruler = nlp.add_pipe("span_ruler", name="safety_cue_ruler", config={"spans_key": CUES_KEY})
    report_ruler = nlp.add_pipe(
        "span_ruler", name="report_term_ruler", config={"spans_key": REPORT_TERMS_KEY}
    )
    scope_ruler = nlp.add_pipe("span_ruler", name="scope_ruler", config={"spans_key": SCOPE_KEY})
    nlp.initialize()  # loads the lemma lookup tables from spacy-lookups-data
    lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for spelling, lemma in patient_spellings(spellings_path).items():
        lemmas[spelling] = lemma
    ruler.add_patterns(load_patterns(nlp, patterns_path))
    red_flags, cues = compile_safety_patterns(nlp, red_flags_path)
    flag_ruler.add_patterns(red_flags)
    cue_ruler.add_patterns(cues)
    report_ruler.add_patterns(glossary_patterns(nlp, glossary_path))
    scope_ruler.add_patterns(scope_patterns(nlp, scope_path))
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=Path, required=True)
    parser.add_argument("--red-flags", type=Path, required=True)
    parser.add_argument("--glossary", type=Path, required=True)
    parser.add_argument("--scope", type=Path, required=True)
    parser.add_argument("--spellings", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    nlp = build_pipeline(args.patterns, args.red_flags, args.glossary, args.scope, args.spellings)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    sizes = ", ".join(f"{name}: {len(pipe)}" for name, pipe in nlp.pipeline if hasattr(pipe, "__len__"))
    print(f"spaCy pipeline {nlp.pipe_names} ({sizes} patterns) -> {args.out}")


if __name__ == "__main__":
    main()
