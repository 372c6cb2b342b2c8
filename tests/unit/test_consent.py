"""A reply to a consent question is a yes only when it is clear (runtime/consent.py)."""

from __future__ import annotations

import pytest

from runtime.consent import is_clear_yes


def parse(text: str, intent: str = "affirm", confidence: float = 0.99) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence}}


@pytest.mark.parametrize(
    "message",
    [
        parse("/affirm", confidence=1.0),
        parse("yes please"),
        parse("ok go ahead", confidence=0.8),
        parse("whatever helps, send it"),  # "what" inside a word is no question
        parse("I have nothing against it"),  # nor is "not" inside "nothing"
    ],
)
def test_a_button_or_a_confident_yes_without_doubt_is_clear(message):
    assert is_clear_yes(message)


@pytest.mark.parametrize(
    "message",
    [
        parse("hmm not sure", confidence=0.80),  # how the model read it
        parse("not sure", confidence=0.63),
        parse("let me think about it", confidence=0.42),
        parse("Yes, but don't share my name"),
        parse("ok as long as my employer won't see it"),
        parse("yes... actually wait"),
        parse("uhhh ok"),
        parse("Hmmmm yes"),
        parse("who will see it?"),
        parse("yes?"),
        parse("ok", confidence=0.45),  # the NLU itself is torn: the other intents together are more probable
        parse("no", intent="deny"),
        parse("what is a discectomy", intent="faq"),
        {"text": "", "intent": {}},
        {},
    ],
)
def test_an_unsure_conditional_questioning_or_other_reply_is_not_a_yes(message):
    assert not is_clear_yes(message)
