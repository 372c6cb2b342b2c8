"""OtherQuestionsFinder: the further topics of a message with several questions, trained and
loaded through Rasa's own model storage."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from support.components import trained_and_loaded
from support.trackers import selector_ranking

from runtime.nlu.other_questions import OtherQuestionsFinder
from runtime.parse_data import selected_topic

TRAINING = {
    "discectomy_recovery": [
        "how long is recovery after a discectomy",
        "when can i go back to work after discectomy",
    ],
    "discectomy_risks": ["what are the risks of a discectomy", "is a discectomy dangerous"],
    "what_is_spinal_stenosis": ["what is spinal stenosis", "explain spinal stenosis"],
}


@pytest.fixture(scope="module")
def finder(tmp_path_factory):
    return trained_and_loaded(OtherQuestionsFinder, tmp_path_factory.mktemp("storage"), TRAINING)


def message(text: str, selected: str, *also_ranked: str) -> Message:
    ranking = [(selected, 0.9), *((topic, 0.05) for topic in also_ranked)]
    return Message(data={"text": text, "response_selector": selector_ranking(*ranking)})


def answered(text: str, selected: str, *also_ranked: str) -> Message:
    """`text` as the classifiers answered it: the FAQ topic `selected`, then `also_ranked`."""
    answer = message(text, selected, *also_ranked)
    answer.set("intent", {"name": "faq", "confidence": 0.9})
    return answer


def test_the_other_question_is_found_after_loading(finder):
    [processed] = finder.process(
        [
            message(
                "Had surgery in May. How long is recovery after it? And is a discectomy risky?",
                "discectomy_recovery",
            )
        ]
    )
    assert processed.get("other_questions") == ["discectomy_risks"]


def test_the_answered_topic_and_single_questions_are_not_repeated(finder):
    [same] = finder.process(
        [message("How long is recovery? When can I work after a discectomy?", "discectomy_recovery")]
    )
    [single] = finder.process([message("what are the risks of a discectomy", "discectomy_recovery")])
    assert same.get("other_questions") is None
    assert single.get("other_questions") is None


def test_one_question_s_topic_is_kept_only_beside_report_words(finder, nlp):
    """One question after report lines: no "You also asked", but its topic for the report reply;
    one question in a story without report words is not embedded for it."""

    def parsed(text: str) -> Message:
        with_doc = message(text, "what_is_spinal_stenosis")
        with_doc.set(SPACY_DOCS[TEXT], nlp(text.lower()))
        [processed] = finder.process([with_doc])
        return processed

    report = parsed("L4-L5 central canal stenosis, moderate. Is a discectomy dangerous?")
    story = parsed("I had a discectomy in May. Is a discectomy dangerous?")
    assert report.get("asked_topics") == ["discectomy_risks"]
    assert report.get("other_questions") is None
    assert story.get("asked_topics") is None
    # the report's own catalog question is left for the ReportTermsDetector to answer; one about
    # the report ("is it dangerous?") or too far from any training question is not
    assert report.get("question_topic")[0] == "discectomy_risks"
    assert parsed("L4-L5 central canal stenosis, moderate. Is it dangerous?").get("question_topic") is None
    assert parsed("L4-L5 central canal stenosis, moderate. Will my cat cope?").get("question_topic") is None


@pytest.mark.parametrize(
    "text",
    [
        "What are the risks of a discectomy? And how long is recovery after a discectomy?",
        "what are the risks of a discectomy and how long is recovery after it",
    ],
)
def test_a_message_of_questions_gets_its_first_question_answered(finder, text):
    """The whole message read like its second question; the first is what the patient asked
    first, and the whole message's topic becomes "You also asked about"."""
    [processed] = finder.process([answered(text, "discectomy_recovery")])
    assert selected_topic(processed.as_dict_nlu()) == "discectomy_risks"
    assert processed.get("other_questions") == ["discectomy_recovery"]


def test_a_message_with_background_keeps_the_whole_message_s_topic(finder):
    text = "Had surgery in May. How long is recovery after it? And is a discectomy risky?"
    [processed] = finder.process([answered(text, "discectomy_recovery")])
    assert selected_topic(processed.as_dict_nlu()) == "discectomy_recovery"
    assert processed.get("other_questions") == ["discectomy_risks"]


def test_a_did_you_mean_is_answered_with_the_first_question_but_another_intent_is_not(finder):
    """A fallback made only of questions: the first question's own words say what it asks. Out of
    scope, or any intent but a topic or a fallback, keeps its reply."""
    text = "what are the risks of a discectomy?? and how long is recovery after it"

    def read_as(intent: str) -> Message:
        classified = message(text, "what_is_spinal_stenosis")
        classified.set("intent", {"name": intent, "confidence": 0.3})
        [processed] = finder.process([classified])
        return processed

    fallback, declined = read_as("nlu_fallback"), read_as("out_of_scope")
    assert fallback.get("intent")["name"] == "faq"
    assert selected_topic(fallback.as_dict_nlu()) == "discectomy_risks"
    assert fallback.get("other_questions") == ["discectomy_recovery"]
    assert declined.get("intent")["name"] == "out_of_scope"
    assert selected_topic(declined.as_dict_nlu()) == "what_is_spinal_stenosis"


@pytest.mark.parametrize(
    "text",
    [
        "What is spinal stenosis? And more importantly, what are the risks of a discectomy?",
        "what is spinal stenosis? my main question is what are the risks of a discectomy",
        "What is spinal stenosis? What are the risks of a discectomy? That's the main thing I need to know.",
    ],
)
def test_the_question_the_patient_says_matters_most_is_answered(finder, text):
    [processed] = finder.process([answered(text, "what_is_spinal_stenosis", "discectomy_risks")])
    assert selected_topic(processed.as_dict_nlu()) == "discectomy_risks"
    assert processed.get("other_questions") == ["what_is_spinal_stenosis"]


@pytest.mark.parametrize(
    ("text", "ranked"),
    [
        # too far from any training question
        ("What is spinal stenosis? But my main worry is whether my cat will cope while I am away", []),
        # near one, but not a topic the whole message is read as: its words lean on another subject
        ("What is spinal stenosis? And more importantly, what are the risks of a discectomy?", []),
    ],
)
def test_a_main_question_is_answered_only_when_near_enough_and_read_so_by_the_whole_message(
    finder, text, ranked
):
    """Not answered, the whole message keeps its topic; not the first question instead either."""
    [processed] = finder.process([answered(text, "discectomy_recovery", *ranked)])
    assert selected_topic(processed.as_dict_nlu()) == "discectomy_recovery"
