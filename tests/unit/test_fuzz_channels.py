"""Fuzzing the channels' input handling (issue #11): for any body and any text, the checks never
raise, a body they pass is one Rasa's REST channel can take, and the text they pass on has no
lone surrogate and never reaches Rasa as a payload the bot did not offer."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from support.strategies import json_values, texts

from runtime.channels.inbound import PAYLOAD_PREFIX, as_plain_text, readable
from runtime.channels.rest import body_problem

bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda value: json.dumps(value).encode(), json_values),
    st.builds(
        lambda sender, message, extra: json.dumps({"sender": sender, "message": message, **extra}).encode(),
        json_values | st.text(max_size=300),
        json_values | texts(),
        st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    ),
)


@given(bodies)
def test_a_body_is_either_refused_with_one_line_or_fit_for_rasa(body: bytes) -> None:
    problem = body_problem(body)
    if problem is not None:
        assert isinstance(problem, str) and problem and "\n" not in problem
        return
    data: Any = json.loads(body)
    assert isinstance(data["sender"], str) and data["sender"].strip() and data["sender"].isprintable()
    assert isinstance(data["message"], str)


@given(texts())
def test_what_is_passed_on_can_be_encoded_and_is_never_taken_for_a_payload(text: str) -> None:
    cleaned = readable(text)
    cleaned.encode("utf-8")  # no lone surrogate left: spaCy would raise
    assert not as_plain_text(cleaned).startswith(PAYLOAD_PREFIX)
