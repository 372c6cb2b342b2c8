"""MRI report words through the real servers (issue #16): every report-style message gets what its
words mean (the most important explained, the rest as buttons), never an interpretation; a red
flag described beside the report still gets its safety reply (emergency or same day) first."""

from __future__ import annotations

import itertools
import re

import pytest
import yaml

from runtime.mri_glossary import load_glossary
from runtime.parse_data import faq_payload
from runtime.settings import ROOT

MESSAGES = yaml.safe_load((ROOT / "tests" / "mri_report_messages.yml").read_text())["messages"]
GLOSSARY = load_glossary()
INTERPRETING = re.compile(r"\byou have\b|\byou need\b|this is serious|nothing to worry about", re.IGNORECASE)
SAFETY_REPLIES = (
    "Call 911 now or go to the nearest emergency department",  # emergency tier
    "Please contact your doctor or an urgent care clinic today, the same day",  # urgent tier
)
senders = (f"mri-{n}" for n in itertools.count())


def conversation(chat, text: str) -> list[dict]:
    sender = next(senders)
    chat(sender, "hello")
    return chat(sender, text)


@pytest.mark.parametrize("message", [m for m in MESSAGES if not m["red_flag"]], ids=lambda m: m["text"][:40])
def test_report_words_are_explained_or_offered_and_never_interpreted(chat, message):
    replies = conversation(chat, message["text"])
    text = " ".join(r.get("text", "") for r in replies)
    payloads = " ".join(b["payload"] for r in replies for b in r.get("buttons") or [])
    assert not INTERPRETING.search(text), text
    assert text.startswith("Here is what these words mean"), text
    missing = [
        t
        for t in message["expect_terms"]
        if f"**{GLOSSARY.terms[t].term}**" not in text and f'"{t}"' not in payloads
    ]
    assert missing == []
    assert "can't say what a finding means for you" in text


@pytest.mark.parametrize("message", [m for m in MESSAGES if m["red_flag"]], ids=lambda m: m["text"][:40])
def test_a_red_flag_beside_a_report_gets_the_safety_reply_first(chat, message):
    [first, *_] = conversation(chat, message["text"])
    assert any(reply in first["text"] for reply in SAFETY_REPLIES), first["text"]


def test_a_word_button_explains_that_word(chat):
    """The buttons offered for the words not explained yet: pressing one explains it."""
    report = next(m["text"] for m in MESSAGES if len(m["expect_terms"]) >= 12)
    sender = f"mri-button-{len(report)}"
    offered = [b["payload"] for r in chat(sender, report) for b in r.get("buttons", [])]
    payload = next(p for p in offered if p.startswith("/explain_report"))
    term = re.search(r'"term": "([^"]+)"', payload).group(1)
    replies = chat(sender, payload)
    assert f"**{GLOSSARY.terms[term].term}**" in replies[0]["text"]


def test_the_share_of_report_messages_answered_with_their_words(chat):
    """Issue #16: at least 90 % of the words that appear are explained."""
    expected = explained = 0
    for message in (m for m in MESSAGES if not m["red_flag"]):
        replies = conversation(chat, message["text"])
        text = " ".join(r.get("text", "") for r in replies)
        payloads = " ".join(b["payload"] for r in replies for b in r.get("buttons") or [])
        for term in message["expect_terms"]:
            expected += 1
            explained += f"**{GLOSSARY.terms[term].term}**" in text or f'"{term}"' in payloads
    print(f"\nreport words explained or offered: {explained}/{expected}")
    assert explained >= 0.9 * expected


def test_a_topic_question_that_mentions_a_report_gets_the_topic_answer(chat):
    """A patient's story naming a finding or two is asking the catalog question, not pasting a
    report: the answer, not the words."""
    replies = conversation(
        chat,
        "I'm 36 and my back has hurt since spring. My scan shows an extrusion at L4-L5 contacting"
        " the nerve root. What is the usual treatment for a disc extrusion?",
    )
    text = " ".join(r.get("text", "") for r in replies)
    assert "is usually treated with conservative care first" in text
    assert not text.startswith("Here is what these words mean")


def test_a_pasted_report_with_a_question_offers_the_question_topic_first(chat):
    """The words are explained, never what they mean for this person, and the question asked
    beside the report is offered as the first topic to read."""
    replies = conversation(
        chat, "L4-L5: broad-based disc bulge with mild bilateral foraminal narrowing. Is surgery needed?"
    )
    text = " ".join(r.get("text", "") for r in replies)
    assert text.startswith("Here is what these words mean"), text
    assert not INTERPRETING.search(text), text
    topics = [
        b["payload"] for r in replies for b in r.get("buttons") or [] if b["payload"].startswith("/faq")
    ]
    assert topics[0] == faq_payload("when_is_surgery_needed"), topics


def test_pasted_lines_then_a_catalog_question_of_its_own_get_its_general_answer(chat):
    """The question after the pasted lines asks the catalog: its general answer, then that a
    specialist can say what fits their case; never what the report means for them."""
    replies = conversation(
        chat,
        'MRI says: "L5-S1: broad-based disc protrusion with mild narrowing of the left lateral recess,'
        ' abutting the traversing left S1 nerve root." What is the usual treatment for a disc protrusion?',
    )
    text = " ".join(r.get("text", "") for r in replies)
    assert not text.startswith("Here is what these words mean"), text
    assert not INTERPRETING.search(text), text
    assert "A **disc protrusion** (bulging disc) is usually treated with conservative care first" in text
    assert "a spine specialist who knows your case can tell you what fits" in text
