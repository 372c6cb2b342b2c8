"""`make report` names a "Did you mean" choice as the patient saw its button."""

from __future__ import annotations

import pytest

from runtime.parse_data import faq_payload
from tools.report.conversations import did_you_mean_choice

OFFERED = {
    faq_payload("what_is_discectomy"): "What is a discectomy?",
    "/goodbye": "End the conversation",
    "/deny": "Something else",
}


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        (faq_payload("what_is_discectomy"), "What is a discectomy?"),
        ("/goodbye", "End the conversation"),
        ("/deny", "Something else"),
        ("/request_callback", "request_callback (button)"),  # not among the buttons offered
        ("the disc one", "typed a new message"),
    ],
)
def test_a_did_you_mean_choice_is_named_by_its_button(typed, named):
    assert did_you_mean_choice(typed, OFFERED) == named
