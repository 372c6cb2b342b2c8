"""The MRI report glossary (data/mri/glossary.yml), its recognition in text, the detector that
turns report language into `explain_report`, and the reply: the words, never an interpretation."""

from __future__ import annotations

import re

import pytest
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message

from actions.report_words import MAX_EXPLAINED, ActionExplainReport
from runtime.mri_glossary import REPORT_TERMS_KEY, load_glossary
from runtime.nlu.report_terms import ReportTermsDetector
from runtime.parse_data import faq_payload, report_term_payload, topic_of_payload
from runtime.settings import ROOT

GLOSSARY = load_glossary()
MESSAGES = yaml.safe_load((ROOT / "tests" / "mri_report_messages.yml").read_text())["messages"]
# SAFETY.md section 4 and issue #16: a word is explained, a report is never interpreted.
INTERPRETING = re.compile(r"\byou have\b|\byou need\b|this is serious|nothing to worry about", re.IGNORECASE)
REQUIRED = {
    "normal_disc", "disc_bulge", "protrusion", "extrusion", "sequestration", "migration", "annular_fissure",
    "central", "paracentral", "subarticular", "foraminal", "extraforaminal", "posterolateral",
    "cervical", "thoracic", "lumbar", "sacral", "l4_l5", "l5_s1", "disc_level_naming",
    "thecal_sac", "spinal_canal", "neural_foramen", "nerve_root", "cauda_equina", "perineural_fat",
    "ligamentum_flavum", "facet_joint", "endplate",
    "desiccation", "degenerative_disc_disease", "modic_changes", "osteophyte", "facet_arthropathy",
    "spinal_stenosis", "foraminal_stenosis", "spondylolisthesis", "effacement", "impingement",
    "contact_abutment", "compression",
    "anteroposterior", "craniocaudal", "mm_cm", "mild", "moderate", "severe",
}  # fmt: skip


def found(nlp, text: str) -> set[str]:
    doc = nlp(text.lower())
    return {span.label_ for span in doc.spans[REPORT_TERMS_KEY]}


def test_the_glossary_covers_the_issue_list_with_sources():
    assert len(GLOSSARY.terms) >= 60
    assert set(GLOSSARY.terms) >= REQUIRED
    for term in GLOSSARY.terms.values():
        assert term.explanation and term.patterns, term.id
        assert set(term.sources) <= set(GLOSSARY.sources), term.id
    assert all(source["url"].startswith("http") for source in GLOSSARY.sources.values())


def test_no_explanation_and_no_report_reply_interprets(domain):
    texts = [t.explanation for t in GLOSSARY.terms.values()]
    texts += [domain["responses"][r][0]["text"] for r in domain["responses"] if r.startswith("utter_report")]
    assert [t for t in texts if INTERPRETING.search(t)] == []


def test_severity_words_are_explained_as_words_with_the_doctor_sentence():
    for severity in ("mild", "moderate", "severe"):
        explanation = GLOSSARY.terms[severity].explanation
        assert "radiologists" in explanation.lower()
        assert "only the patient's own doctor can say what it means for them" in explanation.lower()


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("mild biltaral foramenal narrowing", "bilateral"),
        ("mild biltaral foramenal narrowing", "foraminal"),
        ("DDD at L4-L5", "degenerative_disc_disease"),
        ("HNP L5-S1", "herniation"),
        ("small annular fissure at L4-5", "annular_fissure"),
        ("disc desication", "desiccation"),
    ],
)
def test_misspellings_and_abbreviations_are_recognised(nlp, text, term):
    assert term in found(nlp, text)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m["text"][:40])
def test_every_expected_word_of_the_report_messages_is_recognised(nlp, message):
    assert set(message["expect_terms"]) <= found(nlp, message["text"])


def detect(nlp, text: str, intent: str = "faq", confidence: float | None = 0.0) -> Message:
    parsed = {"name": intent, "confidence": confidence}
    message = Message(data={"text": text.lower(), SPACY_DOCS["text"]: nlp(text.lower()), "intent": parsed})
    [processed] = ReportTermsDetector(ReportTermsDetector.get_default_config()).process([message])
    return processed


def test_report_language_becomes_explain_report_and_a_question_does_not(nlp):
    report = detect(
        nlp, "L5-S1: broad-based disc bulge, mild bilateral foraminal narrowing. What does this mean?"
    )
    assert report.get("intent")["name"] == "explain_report"
    assert {"l5_s1", "disc_bulge", "mild"} <= set(report.get("report_terms"))
    assert detect(nlp, "what is a disc protrusion").get("intent")["name"] == "faq"


def test_asking_what_two_report_words_mean_is_report_language_but_one_word_is_a_question(nlp):
    question = "What does 'straightening of lordosis' and 'spondylosis deformans' mean"
    assert detect(nlp, question).get("intent")["name"] == "explain_report"
    assert (
        detect(nlp, "what do modic changes and schmorl nodes mean").get("intent")["name"] == "explain_report"
    )
    for one_word in ("what does foraminal stenosis mean", "what does disc desiccation mean"):
        assert detect(nlp, one_word).get("intent")["name"] == "faq", one_word


def test_a_confident_topic_question_that_mentions_its_report_keeps_its_answer(nlp):
    story = (
        "I'm 36 and my back has hurt since spring. My scan shows an extrusion at L4-L5 contacting the"
        " nerve root. What is the usual treatment for a disc extrusion?"
    )
    assert detect(nlp, story, confidence=0.9).get("intent")["name"] == "faq"
    assert detect(nlp, story, confidence=0.5).get("intent")["name"] == "explain_report"  # unsure: the words
    assert detect(nlp, story, confidence=None).get("intent")["name"] == "explain_report"
    pasted = (
        "L4-L5: disc extrusion contacting the traversing L5 nerve root, mild foraminal narrowing. Treatment?"
    )
    assert detect(nlp, pasted, confidence=0.9).get("intent")["name"] == "explain_report"


@pytest.mark.parametrize("intent", ["faq", "nlu_fallback"])
def test_pasted_lines_then_a_catalog_question_get_the_general_answer_unless_meaning_is_asked(nlp, intent):
    """The OtherQuestionsFinder found the question's own words near a training question
    (`question_topic`): the patient asked the general question, so it is answered; "what does
    it mean" asks for the words, and a personal verdict or an alarm keeps its reply."""
    pasted = 'MRI says: "L5-S1: broad-based disc protrusion abutting the left S1 nerve root." '

    def detected(question: str, read_as: str = intent) -> Message:
        text = (pasted + question).lower()
        message = Message(
            data={"text": text, SPACY_DOCS["text"]: nlp(text), "intent": {"name": read_as, "confidence": 0.3}}
        )
        message.set("question_topic", ["protrusion_treatment", 0.93])
        [processed] = ReportTermsDetector(ReportTermsDetector.get_default_config()).process([message])
        return processed

    answered = detected("What is the usual treatment for a disc protrusion?")
    assert answered.get("intent")["name"] == "faq"
    assert answered.get("own_case") is True  # the general answer, then who can say what fits their case
    assert (
        answered.get("response_selector")["faq"]["response"]["intent_response_key"]
        == "faq/protrusion_treatment"
    )
    assert detected("What does that mean, is it treated?").get("intent")["name"] == "explain_report"
    assert detected("Do I need surgery?", "personal_advice").get("intent")["name"] == "explain_report"
    assert detected("How is it treated?", "emergency").get("intent")["name"] == "emergency"


def test_a_long_story_naming_its_level_and_an_injection_is_no_report_to_explain(nlp):
    story = (
        "So I hurt my back in the gym last November. I had lost a lot of weight and was well on my way"
        " to my goal. Then while working out, bang, my back went and it was a herniated disc. I have"
        " seen multiple doctors and had six epidural injections in two different discs at L4-L5, and"
        " now a branch block. My doctor suggested an inversion table. I feel stuck and I am"
        " tired of being told to wait and see. Has anyone tried one, and did it help them at all?"
    )
    assert detect(nlp, story, intent="nlu_fallback").get("intent")["name"] == "nlu_fallback"
    pasted = "L4-L5 epidural fat, bilateral facet arthropathy. " + story
    assert detect(nlp, pasted, intent="nlu_fallback").get("intent")["name"] == "explain_report"


def test_an_emergency_keeps_its_reply_whatever_the_report_says(nlp):
    text = "L4-L5 disc extrusion with moderate canal stenosis. since yesterday i cant feel when i need to pee"
    assert detect(nlp, text, intent="emergency").get("intent")["name"] == "emergency"


def test_the_reply_explains_the_most_important_words_and_offers_the_rest(dispatcher, make_tracker, domain):
    terms = [
        "mild",
        "l5_s1",
        "disc_bulge",
        "paracentral",
        "protrusion",
        "foraminal_stenosis",
        "bilateral",
        "nerve_root",
    ]
    ActionExplainReport().run(
        dispatcher, make_tracker(report_terms=terms, intent={"name": "explain_report"}), domain
    )
    words, limits, more = dispatcher.messages
    assert words["response"] == "utter_report_words"
    explained = words["words"].splitlines()
    assert len(explained) == MAX_EXPLAINED
    assert explained[0].startswith("- **disc bulge")  # contour words first
    assert limits["response"] == "utter_report_limits"
    # every button on the last message: the widget shows only the last message's
    assert more["response"] == "utter_report_more_words"
    payloads = [b["payload"] for b in more["buttons"]]
    assert [p for p in payloads if p.startswith("/explain_report")] == [
        report_term_payload(t) for t in ("bilateral", "nerve_root")
    ]
    assert any(p.startswith("/faq") for p in payloads)
    assert all(len(p.encode()) <= 64 for p in payloads)  # Telegram's limit


def topic_payloads(reply: dict) -> list[str]:
    """The payloads of a reply's topic buttons, in their order."""
    return [b["payload"] for b in reply["buttons"] if topic_of_payload(b["payload"])]


def test_a_report_that_asks_a_question_offers_that_topic_first(dispatcher, make_tracker, domain):
    """ "... foram stenosis at l4l5 - is surgery needed?": the words, and the topic asked about
    as the first topic button, before the topics of the words."""
    tracker = make_tracker(
        report_terms=["foraminal_stenosis", "l4_l5"],
        intent={"name": "explain_report"},
        asked_topics=["when_is_surgery_needed"],
    )
    ActionExplainReport().run(dispatcher, tracker, domain)
    topics = topic_payloads(dispatcher.messages[-1])
    assert topics[0] == faq_payload("when_is_surgery_needed")
    assert len(topics) == len(set(topics)) >= 2


def test_a_report_with_no_question_of_its_own_offers_the_nearest_topic_first(
    dispatcher, make_tracker, domain
):
    """ "... foram stenosis at l4l5 - is surgery needed?" is one sentence with the report: the
    topic the whole message is nearest to comes first."""
    ranking = [{"intent_response_key": "faq/when_is_surgery_needed", "confidence": 0.4}]
    tracker = make_tracker(
        report_terms=["foraminal_stenosis", "l4_l5"],
        intent={"name": "explain_report"},
        response_selector={"faq": {"response": {}, "ranking": ranking}},
    )
    ActionExplainReport().run(dispatcher, tracker, domain)
    topics = topic_payloads(dispatcher.messages[-1])
    assert topics[0] == faq_payload("when_is_surgery_needed")


def test_a_word_button_explains_that_word(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        entities=[{"entity": "term", "value": "effacement"}], intent={"name": "explain_report"}
    )
    ActionExplainReport().run(dispatcher, tracker, domain)
    assert "**effacement" in dispatcher.messages[0]["words"]
    assert report_term_payload("effacement") == '/explain_report{"term": "effacement"}'
