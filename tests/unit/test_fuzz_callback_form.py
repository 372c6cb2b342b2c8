"""Fuzzing the callback form's validation (issue #11): whatever a slot holds (typed text of any
kind, or any JSON a tracker can carry), a validator never raises and sets its slot to None or to
a value the form accepts: one trimmed line, a name with letters, a phone number or e-mail address,
a time of at most MAX_TIME characters. The clinic's staff read these values in the summary and
in the ticket.

The validators are called directly and through rasa_sdk's FormValidationAction.run on a real
Tracker, as the action server calls them.
"""

from __future__ import annotations

import asyncio
import copy
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from support.strategies import slot_values, texts

from actions.callback_form import MAX_NAME, MAX_TIME, ValidateCallbackForm, is_contact, is_name
from runtime.settings import ROOT

FORM = ValidateCallbackForm()
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
TRACKER_BASE = json.loads((ROOT / "tests" / "data" / "tracker_base.json").read_text())
FORM_SLOTS = ["callback_name", "callback_contact", "callback_time"]
RE_ASK = {
    "callback_name": "utter_invalid_callback_name",
    "callback_contact": "utter_invalid_callback_contact",
}


def is_one_trimmed_line(value: Any) -> bool:
    """Non-empty text without surrounding space, control characters or line breaks: what fits the
    summary's "- Name: ..." line and a ticket field."""
    return (
        isinstance(value, str)
        and bool(value)
        and value == value.strip()
        and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)
    )


ACCEPTED: dict[str, Callable[[str], bool]] = {
    "callback_name": lambda v: is_one_trimmed_line(v) and is_name(v) and len(v) <= MAX_NAME,
    "callback_contact": lambda v: is_one_trimmed_line(v) and is_contact(v),
    "callback_time": lambda v: is_one_trimmed_line(v) and len(v) <= MAX_TIME,
}

# What a user types when asked, weighted towards near misses of a name or a phone number.
answers = st.one_of(
    texts(),
    st.from_regex(r"\s*\+?[0-9 ()./-]{5,25}\s*", fullmatch=True),
    st.from_regex(r"\s*[^@\s]{1,10}@[^@\s]{1,10}\.[A-Za-z]{1,4}\s*", fullmatch=True),
    st.builds(lambda a, b: f"{a}\n{b}", st.sampled_from(["Jo", "555 010 0199", "jo@example.com"]), texts()),
)
values = st.one_of(answers, slot_values())


def tracker_with(slots: dict[str, Any], requested: str) -> Tracker:
    """The tracker as the form leaves it for validation: the answers as the last SlotSet events."""
    state = copy.deepcopy(TRACKER_BASE)
    state["slots"].update({"requested_slot": requested, **slots})
    state["active_loop"] = {"name": "callback_form"}
    state["events"] = [
        {"event": "user", "text": "", "parse_data": state["latest_message"]},
        *({"event": "slot", "name": name, "value": value} for name, value in slots.items()),
    ]
    return Tracker.from_dict(state)


def validate(slot: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    method = getattr(FORM, f"validate_{slot}")
    return method(value, dispatcher, tracker_with({slot: value}, slot), DOMAIN)


@given(st.sampled_from(FORM_SLOTS), values)
def test_a_validator_sets_its_slot_to_none_or_an_accepted_value(slot: str, value: Any) -> None:
    dispatcher = CollectingDispatcher()
    result = validate(slot, value, dispatcher)
    assert list(result) == [slot]
    answer = result[slot]
    assert answer is None or ACCEPTED[slot](answer), answer
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        assert answer is None  # a list, an object, a boolean or a number is nothing anyone typed
    if answer is None and slot in RE_ASK:  # the re-ask says what is wrong
        assert [m["response"] for m in dispatcher.messages] == [RE_ASK[slot]]
    if answer is not None:
        assert dispatcher.messages == []
        # an accepted answer stays as it is when validated again
        assert validate(slot, answer, CollectingDispatcher()) == {slot: answer}


def visible(text: str) -> str:
    """The text without its spaces, line breaks and control characters."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc")


@given(st.sampled_from(FORM_SLOTS), answers)
def test_an_accepted_answer_is_what_was_typed(slot: str, typed: str) -> None:
    """Nothing is made up or reordered: the answer is the typed text (a time may be cut short)."""
    answer = validate(slot, typed, CollectingDispatcher())[slot]
    if answer is not None:
        assert visible(typed).startswith(visible(answer))


@given(
    st.sampled_from([True, False, None]),
    st.dictionaries(st.sampled_from(FORM_SLOTS), values, min_size=1),
    st.sampled_from(["callback_consent", *FORM_SLOTS]),
)
def test_the_form_validation_action_returns_only_accepted_values(
    consent: bool | None, answers: dict[str, Any], requested: str
) -> None:
    """The action server's path: FormValidationAction.run on the tracker the form sends."""
    dispatcher = CollectingDispatcher()
    tracker = tracker_with({"callback_consent": consent, **answers}, requested)
    events = asyncio.run(FORM.run(dispatcher, tracker, DOMAIN))
    for event in events:
        assert event["event"] == "slot"
        if event["name"] in ACCEPTED:
            assert event["value"] is None or ACCEPTED[event["name"]](event["value"]), event
    if consent is False:  # without consent nothing typed for the form is kept
        assert not any(event["value"] is not None for event in events if event["name"] in ACCEPTED)
