"""The callback form's validation and its actions: consent first, valid contact, a clean stop."""

from __future__ import annotations

import asyncio

import pytest

from actions.callback_form import (
    ActionCallbackSummary,
    ActionCancelCallback,
    ActionPrepareCallbackForm,
    ValidateCallbackForm,
    is_contact,
)

FORM = ValidateCallbackForm()


@pytest.mark.parametrize("value", ["555 010 0199", "+44 20 7946 0958", "(555) 010-0199", "jo@example.com"])
def test_phone_numbers_and_email_addresses_are_accepted(value):
    assert is_contact(value)


@pytest.mark.parametrize("value", ["call me", "12345", "jo@example", "555-CALL-NOW", "", "1" * 20])
def test_anything_else_is_not_a_contact(value):
    assert not is_contact(value)


def test_invalid_contact_gets_a_re_ask_that_says_what_is_wrong(dispatcher, make_tracker, domain):
    result = FORM.validate_callback_contact("tomorrow", dispatcher, make_tracker(), domain)
    assert result == {"callback_contact": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_callback_contact"
    assert (
        "phone number with at least 7 digits"
        in domain["responses"]["utter_invalid_callback_contact"][0]["text"]
    )


def test_valid_contact_is_kept_trimmed(dispatcher, make_tracker, domain):
    assert FORM.validate_callback_contact("  jo@example.com ", dispatcher, make_tracker(), domain) == {
        "callback_contact": "jo@example.com"
    }
    assert dispatcher.messages == []


def test_a_name_needs_letters(dispatcher, make_tracker, domain):
    assert FORM.validate_callback_name("1234", dispatcher, make_tracker(), domain) == {"callback_name": None}
    assert FORM.validate_callback_name("Jo Example", dispatcher, make_tracker(), domain) == {
        "callback_name": "Jo Example"
    }


def test_consent_to_the_form_needs_a_clear_yes(dispatcher, make_tracker, domain):
    unsure = make_tracker(text="hmm not sure", intent={"name": "affirm", "confidence": 0.80})
    assert FORM.validate_callback_consent(True, dispatcher, unsure, domain) == {"callback_consent": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_consent_unclear"]

    dispatcher.messages.clear()
    pressed = make_tracker(text="/affirm", intent={"name": "affirm", "confidence": 1.0})
    refused = make_tracker(text="no thanks", intent={"name": "deny", "confidence": 0.98})
    assert FORM.validate_callback_consent(True, dispatcher, pressed, domain) == {"callback_consent": True}
    assert FORM.validate_callback_consent(False, dispatcher, refused, domain) == {"callback_consent": False}
    assert FORM.validate_callback_consent(None, dispatcher, refused, domain) == {"callback_consent": None}
    # a yes given earlier, revalidated when the form starts again to change the phone number
    correcting = make_tracker(
        text='/request_callback{"callback_field": "callback_contact"}',
        intent={"name": "request_callback", "confidence": 1.0},
    )
    assert FORM.validate_callback_consent(True, dispatcher, correcting, domain) == {"callback_consent": True}
    assert dispatcher.messages == []


def test_without_consent_nothing_else_is_asked(dispatcher, make_tracker, domain):
    slots = ["callback_consent", "callback_name", "callback_contact", "callback_time"]
    refused = make_tracker(slots={"callback_consent": False})
    agreed = make_tracker(slots={"callback_consent": True})
    assert asyncio.run(FORM.required_slots(slots, dispatcher, refused, domain)) == ["callback_consent"]
    assert asyncio.run(FORM.required_slots(slots, dispatcher, agreed, domain)) == slots


def test_slots_cleared_at_the_start_of_a_request_are_not_complained_about(dispatcher, make_tracker, domain):
    """rasa_sdk validates every slot set since the user's last message, the cleared ones too:
    "call me back" used to answer with two validation errors before the consent question."""
    tracker = make_tracker()
    assert FORM.validate_callback_name(None, dispatcher, tracker, domain) == {"callback_name": None}
    assert FORM.validate_callback_contact(None, dispatcher, tracker, domain) == {"callback_contact": None}
    assert dispatcher.messages == []


def test_correction_clears_only_the_chosen_answer(dispatcher, make_tracker, domain):
    tracker = make_tracker(entities=[{"entity": "callback_field", "value": "callback_contact"}])
    events = ActionPrepareCallbackForm().run(dispatcher, tracker, domain)
    assert [(e["name"], e["value"]) for e in events] == [
        ("callback_contact", None),
        ("handoff_reason", "callback"),
    ]


def test_a_new_request_starts_empty(dispatcher, make_tracker, domain):
    events = ActionPrepareCallbackForm().run(dispatcher, make_tracker(), domain)
    assert {e["name"] for e in events if e["value"] is None} == {
        "callback_consent", "callback_name", "callback_contact", "callback_time"
    }  # fmt: skip


def test_summary_needs_consent(dispatcher, make_tracker, domain):
    ActionCallbackSummary().run(dispatcher, make_tracker(slots={"callback_consent": False}), domain)
    assert dispatcher.messages[0]["response"] == "utter_callback_consent_refused"


def test_summary_lists_the_answers_for_confirmation(dispatcher, make_tracker, domain):
    ActionCallbackSummary().run(dispatcher, make_tracker(slots={"callback_consent": True}), domain)
    assert dispatcher.messages[0]["response"] == "utter_callback_summary"
    template = domain["responses"]["utter_callback_summary"][0]
    assert "{callback_contact}" in template["text"]
    assert [b["payload"] for b in template["buttons"]] == ["/affirm", "/deny", "/stop"]


def test_cancel_keeps_nothing(dispatcher, make_tracker, domain):
    events = ActionCancelCallback().run(dispatcher, make_tracker(), domain)
    assert dispatcher.messages[0]["response"] == "utter_callback_cancelled"
    assert all(e["value"] is None for e in events if e["name"].startswith("callback_"))


def test_an_answer_is_one_line(dispatcher, make_tracker, domain):
    """A line break would add a line of its own to the summary and the ticket."""
    result = FORM.validate_callback_name(
        "Jo\n- Contact: 555 000 1111\x00", dispatcher, make_tracker(), domain
    )
    assert result == {"callback_name": "Jo - Contact: 555 000 1111"}


@pytest.mark.parametrize("value", [["Jo"], {"name": "Jo"}, True, None])
def test_what_nobody_types_is_no_answer(dispatcher, make_tracker, domain, value):
    assert FORM.validate_callback_name(value, dispatcher, make_tracker(), domain) == {"callback_name": None}
    assert FORM.validate_callback_time(value, dispatcher, make_tracker(), domain) == {"callback_time": None}


def test_a_long_time_is_cut_and_trimmed(dispatcher, make_tracker, domain):
    when = FORM.validate_callback_time("x" * 119 + " after lunch", dispatcher, make_tracker(), domain)
    assert when == {"callback_time": "x" * 119}
