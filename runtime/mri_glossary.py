"""The glossary of spine MRI report words (data/mri/glossary.yml): what a word means, as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from runtime import settings

REPORT_TERMS_KEY = "report_terms"  # the spaCy spans key of the glossary's SpanRuler


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    kind: str
    priority: int
    patterns: tuple[str, ...]
    explanation: str
    topic: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, Term]
    sources: dict[str, dict[str, str]]

    def ranked(self, term_ids: list[str]) -> list[Term]:
        """Known terms, most important first (priority), then in the order they were found."""
        known = [self.terms[t] for t in dict.fromkeys(term_ids) if t in self.terms]
        return sorted(known, key=lambda term: term.priority)


@lru_cache(maxsize=2)
def load_glossary(path: Path | None = None) -> Glossary:
    raw = yaml.safe_load((path or settings.data_path("mri", "glossary.yml")).read_text(encoding="utf-8"))
    terms = {
        entry["id"]: Term(
            id=entry["id"],
            term=entry["term"],
            kind=entry["kind"],
            priority=int(entry["priority"]),
            patterns=tuple(entry["patterns"]),
            explanation=" ".join(entry["explanation"].split()),
            topic=entry.get("topic"),
            sources=tuple(entry["sources"]),
        )
        for entry in raw["terms"]
    }
    return Glossary(terms, raw["sources"])
