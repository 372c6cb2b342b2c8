"""OutsideCatalogGuard: a question about another joint, organ or illness with nothing of the spine
in it, a spine condition no topic covers, or billing, is declined instead of answered with the
nearest spine topic."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.outside_catalog_guard import OutsideCatalogGuard


def parsed(nlp, text: str, intent: str) -> Message:
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "intent_ranking": []}
    )
    message.set(SPACY_DOCS["text"], nlp(text.lower()))
    return message


def intent_after(nlp, text: str, intent: str) -> str:
    [processed] = OutsideCatalogGuard().process([parsed(nlp, text, intent)])
    return processed.get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("How long is recovery after a knee replacement?", "faq"),
        ("is scoliosis hereditary", "faq"),
        ("What are the billing codes for this?", "nlu_fallback"),
        ("should I take something for my migraine", "personal_advice"),
        # a spine condition or procedure no topic covers, although the spine is named
        ("Are most spinal cord tumours benign or cancerous?", "nlu_fallback"),
        # another body part or illness beside the spine, with none of the catalog's conditions
        ("What does having a bone cyst on my spine mean?", "nlu_fallback"),
        ("Will lipomas in my lower back affect an epidural before a c-section?", "faq"),
        ("hunched upper back from kyphosis, can exercises correct it", "faq"),
        ("is kyphoplasty the same as vertebroplasty for a spine fracture", "faq"),
        # what the clinic's staff answer, whatever else is named
        ("whats the CPT code for a lumbar microdiscectomy", "faq"),
        ("does medicare cover artificial disc replacement", "faq"),
        # an aspect the catalog never speaks of (a blind helper's words)
        ("how much does it cost to have a microdiscectomy done privately", "faq"),
        ("can my GP give me a fit note for sciatica", "nlu_fallback"),
        ("do I have to tell the DVLA about my spinal stenosis", "faq"),
        ("who is the best surgeon for minimally invasive spine surgery", "faq"),
        ("did any celebrity have an artificial disc replacement", "faq"),
    ],
)
def test_a_question_outside_the_catalog_is_declined(nlp, text, intent):
    assert intent_after(nlp, text, intent) == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    [
        "my knee hurts and I have a herniated disc in my lower back, what is a discectomy",
        "can a slipped disc cause pain down to my ankle",
        "how long is recovery after a microdiscectomy",
        # an uncovered condition beside one of the catalog's own
        "can scoliosis or arthritis lead to back ache",
        "I have scoliosis and a herniated disc at L4-L5, what are the treatments for the disc?",
        # another illness beside one of the catalog's operations or back pain said otherwise
        "I'm 63 and have diabetes, what are the risks of minimally invasive spine surgery?",
        "had chest pain in march, cardiologist said my heart is fine, now my back is stiff",
        "can back problems cause erectile dysfunction",
        # an aspect as the context of a catalog question, not its subject
        "Everyone says avoid surgery at all costs. Is surgery ever the right call for a slipped disc?",
        "I'm on the waiting list for a discectomy, what can I do for the sciatica in the meantime?",
        "I'm on sick leave with a herniated disc, how long does it usually take to heal?",
        "I'm a lawyer and sit all day, could that have caused my disc extrusion?",
    ],
)
def test_a_spine_question_that_names_another_body_part_is_answered(nlp, text):
    assert intent_after(nlp, text, "faq") == "faq"


@pytest.mark.parametrize("intent", ["emergency", "crisis", "greet"])
def test_other_intents_are_left_alone(nlp, intent):
    assert intent_after(nlp, "my knee gave way and I can't feel my legs", intent) == intent
