"""The callback form: consent first, then name, phone or e-mail, and a good time; a summary to confirm.

SAFETY.md section 6: no identifier is asked for before an explicit yes, and the user is told what
is stored and why. "Never mind" at any point stops the form and nothing typed for it is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from runtime.consent import AFFIRM, is_clear_yes
from runtime.parse_data import intent_name

CALLBACK_SLOTS = ("callback_consent", "callback_name", "callback_contact", "callback_time")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")
MAX_NAME, MAX_TIME = 80, 120
# Control characters and line or paragraph separators: no part of an answer, which is one line of
# the summary and of the ticket ("Jo\n- Contact: ..." would add a line of its own).
CONTROL_OR_LINE_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value: Any) -> str:
    """The typed answer as one trimmed line, runs of spaces as one. "" for what nobody types: None, a
    boolean, a list or an object (whose str() would pass for a name: "['Jo']"). Found by fuzzing
    (tests/unit/test_fuzz_callback_form.py)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return " ".join(CONTROL_OR_LINE_BREAK.sub(" ", str(value)).split())


def is_phone_number(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(PHONE_CHARACTERS.match(value)) and 7 <= len(digits) <= 15


def is_contact(value: str) -> bool:
    return bool(EMAIL.match(value)) or is_phone_number(value)


def is_name(value: str) -> bool:
    return 0 < len(value) <= MAX_NAME and any(c.isalpha() for c in value) and not value.startswith("/")


def cleared_callback_slots() -> list[EventType]:
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # Without consent nothing else is asked: the form ends and the summary says so.
        if tracker.get_slot("callback_consent") is False:
            return ["callback_consent"]
        return domain_slots

    @staticmethod
    def checked(
        slot: str,
        value: Any,
        is_valid: Callable[[str], bool],
        invalid_response: str,
        dispatcher: CollectingDispatcher,
    ) -> dict[str, Any]:
        """The answer as one line if it is valid; else the slot is asked again after `invalid_response`."""
        if value is None:
            # Not an answer: the slot was cleared when the request started (rasa_sdk validates
            # every slot set since the user's last message). Nothing to complain about.
            return {slot: None}
        text = one_line(value)
        if is_valid(text):
            return {slot: text}
        dispatcher.utter_message(response=invalid_response)
        return {slot: None}

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # "hmm not sure" reads as affirm: only a clear yes lets the form ask for details. A yes
        # given before (revalidated when the form starts again to correct an answer) stands.
        answered_now = intent_name(tracker.latest_message) == AFFIRM
        if value is True and answered_now and not is_clear_yes(tracker.latest_message):
            dispatcher.utter_message(response="utter_consent_unclear")
            return {"callback_consent": None}
        return {"callback_consent": value}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.checked("callback_name", value, is_name, "utter_invalid_callback_name", dispatcher)

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.checked(
            "callback_contact", value, is_contact, "utter_invalid_callback_contact", dispatcher
        )

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # cut to MAX_TIME, then trimmed again: the cut can end on a space
        return {"callback_time": one_line(value)[:MAX_TIME].rstrip() or None}


class ActionPrepareCallbackForm(Action):
    """A new request starts empty; "change the phone number" clears only that answer."""

    def name(self) -> str:
        return "action_prepare_callback_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        field = next(tracker.get_latest_entity_values("callback_field"), None)
        if field in CALLBACK_SLOTS:
            return [SlotSet(field, None), SlotSet("handoff_reason", "callback")]
        return [*cleared_callback_slots(), SlotSet("handoff_reason", "callback")]


class ActionCallbackSummary(Action):
    def name(self) -> str:
        return "action_callback_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(response="utter_callback_consent_refused")
            return [*cleared_callback_slots(), SlotSet("handoff_reason", None)]
        dispatcher.utter_message(response="utter_callback_summary")
        return []


class ActionCancelCallback(Action):
    def name(self) -> str:
        return "action_cancel_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_callback_cancelled")
        return [*cleared_callback_slots(), SlotSet("handoff_reason", None), SlotSet("requested_slot", None)]
