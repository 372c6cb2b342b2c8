"""`make report` names a "Did you mean" choice as the patient saw its button."""

from __future__ import annotations

import pytest

from runtime.catalog import load_catalog
from runtime.parse_data import faq_payload
from tools.report.conversations import did_you_mean_choice, topic_titles


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        (faq_payload("what_is_discectomy"), load_catalog().topics["what_is_discectomy"].title),
        ("/goodbye", "End the conversation"),
        ("/request_callback", "Ask the clinic to call me back"),
        ("/deny", "Something else"),
        ("/unheard_of", "unheard_of (button)"),
        ("the disc one", "typed a new message"),
    ],
)
def test_a_did_you_mean_choice_is_named_by_its_button(typed, named):
    assert did_you_mean_choice(typed, topic_titles()) == named
