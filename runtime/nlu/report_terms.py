"""ReportTermsDetector: a message that is mostly MRI report language gets the glossary reply.

People paste a line of their report ("L5-S1: broad-based disc bulge with a left paracentral
protrusion, mild bilateral foraminal narrowing. What does this mean??"). The glossary's
SpanRuler (tools/build_spacy_pipeline.py, spans "report_terms") spots its words, misspellings
and abbreviations included. When enough of them are there, the intent becomes
`explain_report`: what the words mean, never what they mean for this person.

A question about a catalog topic that only mentions a report ("my MRI says extrusion at L5/S1,
what is the usual treatment?") keeps its confident FAQ answer: the report words are a small
part of it.

Last in the pipeline, after the RedFlagDetector: an emergency or crisis keeps its reply; a
"what does my MRI mean?" that the RedFlagDetector sent to personal advice gets the words
explained instead, with what the report cannot tell them and who can.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Span

from runtime.mri_glossary import REPORT_TERMS_KEY, load_glossary
from runtime.nlu.intents import answer_topic, force_intent, intent_of
from runtime.parse_data import (
    EXPLAIN_REPORT_INTENT,
    FALLBACK_INTENT,
    FAQ_INTENT,
    OWN_CASE,
    QUESTION_TOPIC,
    REPORT_TERMS,
)

logger = logging.getLogger(__name__)

KEEP_INTENTS = ("emergency", "crisis")  # safety first, whatever the report says


def outer_terms(spans: List[Span]) -> List[str]:
    """The terms of the spans that are not inside a longer span of another term: "foraminal
    stenosis" is one word here, not also "foraminal" and "stenosis"."""
    outer = [
        span
        for span in spans
        if not any(
            other.label_ != span.label_
            and other.start <= span.start
            and span.end <= other.end
            and (other.end - other.start) > (span.end - span.start)
            for other in spans
        )
    ]
    return list(dict.fromkeys(span.label_ for span in outer))


def parts_of_levels(spans: List[Span]) -> set:
    """Terms found only inside a longer span of a level ("s1" in "l5-s1")."""
    glossary = load_glossary()
    levels = [s for s in spans if s.label_ in glossary.terms and glossary.terms[s.label_].kind == "level"]

    def inside_a_level(span: Span) -> bool:
        return any(
            level.start <= span.start and span.end <= level.end and len(level) > len(span) for level in levels
        )

    labels = {s.label_ for s in spans}
    return {label for label in labels if all(inside_a_level(s) for s in spans if s.label_ == label)}


def report_spans(message: Message) -> List[Span]:
    """The glossary words the project's spaCy pipeline marked in the message, in their order."""
    doc = message.get(SPACY_DOCS[TEXT])
    return sorted(doc.spans.get(REPORT_TERMS_KEY, []), key=lambda s: s.start) if doc is not None else []


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ReportTermsDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # report language: at least this many different glossary words that are not the
            # everyday words of ordinary questions ("what is a bulging disc?") ...
            "min_report_words": 2,
            "everyday_terms": [
                "intervertebral_disc", "extrusion", "herniation", "disc_bulge", "protrusion", "lumbar",
                "cervical", "thoracic", "nerve_root", "spinal_stenosis", "mri", "spinal_canal", "vertebra",
                "cauda_equina", "spinal_cord", "left_right", "minimal", "severe", "mild", "moderate",
            ],
            # ... and a level (L4-L5) among the words, or at least this many glossary words in all
            "anchor_kinds": ["level"],
            "min_terms_without_level": 4,
            # ... or a question of what they mean ("what does 'straightening of lordosis' and
            # 'spondylosis deformans' mean"), counting words not inside a longer one
            "meaning_lemmas": ["mean", "meaning"],
            # A question about a topic that names a few report words in its story ("my scan says
            # extrusion at L4-L5, what is the usual treatment?") keeps its answer when the topic is
            # this probable and the report words are less than this share of its words; pasted
            # report lines are a third of their words or more (tests/mri_report_messages.yml).
            "topic_probability": 0.6,
            "max_report_share": 0.3,
            # Report words are at least this share of a message with a pasted report (0.16 and
            # up in tests/mri_report_messages.yml); a long story that names its level and an
            # injection or two ("... had 6 epidural injections in two different discs ...") is
            # a story, not a report to explain.
            "min_report_share": 0.08,
        }  # fmt: skip

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ReportTermsDetector:
        return cls(config)

    def is_report_language(self, terms: List[str], outer_terms: List[str], asks_meaning: bool) -> bool:
        """A catalog question names a word or two ("what is a disc protrusion?"); a report line
        names several technical ones, with a level or many; a question of what two or more
        technical words mean is about the report they came from."""
        glossary = load_glossary()
        report_words = [t for t in terms if t not in self.config["everyday_terms"]]
        kinds = {glossary.terms[t].kind for t in terms if t in glossary.terms}
        enough = (
            bool(kinds & set(self.config["anchor_kinds"]))
            or len(terms) >= self.config["min_terms_without_level"]
        )
        separate_words = [t for t in outer_terms if t not in self.config["everyday_terms"]]
        meaning_asked = asks_meaning and len(separate_words) >= self.config["min_report_words"]
        return len(report_words) >= self.config["min_report_words"] and (enough or meaning_asked)

    def report_share(self, spans: List[Span], length: int) -> float:
        """The share of the message's words that are inside a glossary word."""
        return len({i for span in spans for i in range(span.start, span.end)}) / max(length, 1)

    def is_topic_question(self, message: Message, report_share: float) -> bool:
        """An FAQ answer at `topic_probability` whose report words are a small part of it."""
        intent = message.get(INTENT) or {}
        confidence = intent.get(PREDICTED_CONFIDENCE_KEY)
        # written as "not probable enough" so that a missing, None or NaN confidence is not
        # (a None raised here: found by tests/unit/test_fuzz_components.py)
        if intent.get(INTENT_NAME_KEY) != FAQ_INTENT or not (
            isinstance(confidence, (int, float)) and confidence >= self.config["topic_probability"]
        ):
            return False
        return report_share < self.config["max_report_share"]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            spans = report_spans(message)
            terms = list(dict.fromkeys(span.label_ for span in spans))
            message.set(REPORT_TERMS, terms, add_to_output=True)
            # "l5-s1" is one level, not also the sacral region: a patient naming their level
            # ("a herniated disc at L5/S1") writes one report word, not two
            terms = [t for t in terms if t not in parts_of_levels(spans)]
            intent = intent_of(message)
            share = self.report_share(spans, len(doc))
            asks_meaning = any(t.lemma_ in self.config["meaning_lemmas"] for t in doc)
            if (
                intent in KEEP_INTENTS
                or self.is_topic_question(message, share)
                or share < self.config["min_report_share"]
                or not self.is_report_language(terms, outer_terms(spans), asks_meaning)
            ):
                continue
            question_topic = message.get(QUESTION_TOPIC)
            if question_topic and intent in (FAQ_INTENT, FALLBACK_INTENT) and not asks_meaning:
                # a catalog question after the pasted lines: it asks the general answer, and the
                # report is the patient's own, so a specialist can say what fits their case
                answer_topic(message, *question_topic)
                message.set(OWN_CASE, True, add_to_output=True)
                continue
            logger.debug(
                "Report language (%d glossary words): %s -> %s", len(terms), intent, EXPLAIN_REPORT_INTENT
            )
            force_intent(message, EXPLAIN_REPORT_INTENT)
        return messages
