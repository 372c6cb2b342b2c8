"""action_explain_report: what the words of an MRI report mean, never what they mean for the
person (issue #16, SAFETY.md section 4).

Up to MAX_EXPLAINED words, most important first, each with its plain-words explanation from
data/mri/glossary.yml; then what a report cannot tell and who can; last, the other words and the
FAQ topics as buttons: first those its questions ask about (a pasted report that asks "is surgery
needed?" offers when surgery is needed; the OtherQuestionsFinder's `asked_topics`), then the topic
the whole message is nearest to (the first of the ranking, which EmbeddingTopicChoice orders: the
question's topic for 5 of the 7 real patients' questions with a report in tests/devset, where a
question run into the report's last line is no sentence of its own), then the words' topics.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import load_catalog, topic_button
from runtime.mri_glossary import Term, load_glossary
from runtime.parse_data import asked_topics, report_term_payload, report_terms, topic_ranking

MAX_EXPLAINED = 6
MAX_TOPICS = 3


def short_name(term: Term) -> str:
    """ "disc bulge (broad-based / diffuse)" -> "disc bulge": the button title."""
    return term.term.split(" (")[0]


def explained(terms: list[Term]) -> str:
    return "\n".join(f"- **{term.term}**: {term.explanation}" for term in terms)


class ActionExplainReport(Action):
    def name(self) -> str:
        return "action_explain_report"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        found = load_glossary().ranked(report_terms(tracker.latest_message))
        if not found:
            dispatcher.utter_message(response="utter_report_no_words")
            return []
        shown, more = found[:MAX_EXPLAINED], found[MAX_EXPLAINED:]
        dispatcher.utter_message(response="utter_report_words", words=explained(shown))
        dispatcher.utter_message(response="utter_report_limits")
        # All buttons on the last message: the website widget shows only the last message's.
        catalog = load_catalog()
        asked = asked_topics(tracker.latest_message)
        nearest = [topic for topic, _ in topic_ranking(tracker.latest_message)[:1]]
        offered = dict.fromkeys(asked + nearest + [t.topic for t in shown])
        topics = [t for t in offered if t in catalog.topics][:MAX_TOPICS]
        words = [{"title": short_name(t), "payload": report_term_payload(t.id)} for t in more]
        buttons = words + [topic_button(catalog.topics[t]) for t in topics]
        if buttons:
            dispatcher.utter_message(
                response="utter_report_more_words" if words else "utter_report_topics", buttons=buttons
            )
        return []
