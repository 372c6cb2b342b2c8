"""The one place that knows the FAQ protocol: the retrieval intent `faq`, the `/faq{"faq_topic": …}`
button payload, and where Rasa's parse data keeps the ResponseSelector's choice, its ranking and
the red-flag detector's findings. Actions, the NLU components and the tools read through here.
"""

from __future__ import annotations

import json
from typing import Any

FAQ_INTENT = "faq"  # the retrieval intent: answers are `utter_faq/<topic>`
TOPIC_ENTITY = "faq_topic"  # set by a topic button's payload
RESPONSE_SELECTOR = "response_selector"
FALLBACK_INTENT = "nlu_fallback"
OWN_CASE = "own_case"  # set by the RedFlagDetector, and the ReportTermsDetector for a pasted report
RED_FLAGS = "red_flags"  # the red flags the RedFlagDetector found
OTHER_QUESTIONS = "other_questions"  # further topics asked about, by the OtherQuestionsFinder
ASKED_TOPICS = "asked_topics"  # each question sentence's nearest topic, by the OtherQuestionsFinder
# [topic, similarity] of a question whose own words are near enough a training question to be
# answered (OtherQuestionsFinder), for the ReportTermsDetector; internal, not in the output
QUESTION_TOPIC = "question_topic"
REPORT_TERMS = "report_terms"  # glossary words of an MRI report found, by the ReportTermsDetector
EXPLAIN_REPORT_INTENT = "explain_report"
SAFETY_TIER_ENTITY = "safety_tier"  # emergency or urgent, set by the RedFlagDetector
REPORT_TERM_ENTITY = "term"  # set by a glossary word's button (short: Telegram allows 64 bytes)
PAYLOAD_PREFIX = f"/{FAQ_INTENT}"


def button_payload(intent: str, entity: str, value: str) -> str:
    """A button's payload: the intent with one entity, /intent{"entity": "value"}."""
    return f"/{intent}" + json.dumps({entity: value})


def intent_name(parse_data: dict[str, Any]) -> str | None:
    """The intent the message was read as (after every NLU component), or None."""
    return (parse_data.get("intent") or {}).get("name")


def intent_confidence(parse_data: dict[str, Any]) -> float:
    return float((parse_data.get("intent") or {}).get("confidence") or 0.0)


def entity_value(parse_data: dict[str, Any], entity: str) -> str | None:
    """The value of the first entity of that name (set by a pressed button's payload)."""
    return next((e.get("value") for e in parse_data.get("entities") or [] if e.get("entity") == entity), None)


def faq_payload(topic_id: str) -> str:
    """The payload of a topic button: /faq{"faq_topic": "<id>"}."""
    return button_payload(FAQ_INTENT, TOPIC_ENTITY, topic_id)


def topic_of_payload(text: str) -> str | None:
    """'/faq{"faq_topic": "discectomy_risks"}' -> 'discectomy_risks'; None for anything else."""
    if not text.startswith(PAYLOAD_PREFIX + "{"):
        return None
    try:
        return json.loads(text[len(PAYLOAD_PREFIX) :]).get(TOPIC_ENTITY)
    except (ValueError, AttributeError):
        return None


def topic_of_key(intent_response_key: str | None) -> str | None:
    """'faq/discectomy_recovery' -> 'discectomy_recovery'."""
    key = intent_response_key or ""
    return key.split("/", 1)[1] if "/" in key else None


def selector(parse_data: dict[str, Any]) -> dict[str, Any]:
    """The ResponseSelector's output for the FAQ intent: {"response": …, "ranking": […]}."""
    return (parse_data.get(RESPONSE_SELECTOR) or {}).get(FAQ_INTENT) or {}


def selected_topic(parse_data: dict[str, Any]) -> str | None:
    """The ResponseSelector's choice, whatever the intent classifier said."""
    return topic_of_key((selector(parse_data).get("response") or {}).get("intent_response_key"))


def selected_confidence(parse_data: dict[str, Any]) -> float:
    return float((selector(parse_data).get("response") or {}).get("confidence") or 0.0)


def topic_ranking(parse_data: dict[str, Any]) -> list[tuple[str, float]]:
    """(topic, confidence) pairs of the ResponseSelector's ranking, best first."""
    return [
        (topic, float(candidate.get("confidence") or 0.0))
        for candidate in selector(parse_data).get("ranking") or []
        if (topic := topic_of_key(candidate.get("intent_response_key")))
    ]


def button_topic(parse_data: dict[str, Any]) -> str | None:
    """The topic a pressed topic button names (its faq_topic entity)."""
    return entity_value(parse_data, TOPIC_ENTITY)


def answered_topic(parse_data: dict[str, Any]) -> str | None:
    """The topic a user message asks for: a pressed button's, else the ResponseSelector's."""
    return button_topic(parse_data) or selected_topic(parse_data)


def intent_confidences(parse_data: dict[str, Any]) -> dict[str, float]:
    return {i["name"]: i["confidence"] for i in parse_data.get("intent_ranking") or []}


def other_questions(parse_data: dict[str, Any]) -> list[str]:
    """The further FAQ topics a message with several questions asks about."""
    return list(parse_data.get(OTHER_QUESTIONS) or [])


def asked_topics(parse_data: dict[str, Any]) -> list[str]:
    """The topic each question sentence of the message is nearest to, in the message's order."""
    return list(parse_data.get(ASKED_TOPICS) or [])


def report_terms(parse_data: dict[str, Any]) -> list[str]:
    """The glossary words to explain: a pressed word button's, else those found in the text."""
    pressed = entity_value(parse_data, REPORT_TERM_ENTITY)
    return [pressed] if pressed else list(parse_data.get(REPORT_TERMS) or [])


def report_term_payload(term_id: str) -> str:
    """The payload of a glossary word's button: /explain_report{"term": "<id>"}."""
    return button_payload(EXPLAIN_REPORT_INTENT, REPORT_TERM_ENTITY, term_id)


def own_case(parse_data: dict[str, Any]) -> bool:
    """The RedFlagDetector found the message speaks of the writer's own case (or a companion's)."""
    return bool(parse_data.get(OWN_CASE))


def safety_tier(parse_data: dict[str, Any]) -> str:
    """The tier of the safety reply (SAFETY.md): crisis, urgent (only urgent flags) or emergency."""
    if intent_name(parse_data) == "crisis":
        return "crisis"
    tiers = {f.get("tier") for f in parse_data.get(RED_FLAGS) or []}
    return "urgent" if tiers == {"urgent"} else "emergency"
