"""Handing the conversation to a person: consent, the ticket, what the user is told, staff replies.

The ticket is written to the handoff store (in a worker thread, with a short lock timeout)
before the user is answered, or kept in the durable spool when the store cannot take it now
(runtime/handoff/intake.py). Notifications go through the store's outbox and the action
server's background worker, so a notifier that is down never delays or breaks the reply.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_form import cleared_callback_slots
from runtime.consent import is_clear_yes
from runtime.handoff import intake
from runtime.handoff import settings as handoff_settings
from runtime.handoff.intake import Intake
from runtime.handoff.notifiers import configured_notifiers
from runtime.handoff.office_hours import OfficeHours
from runtime.handoff.outbox import start_background_worker
from runtime.handoff.spool import TicketRequest
from runtime.wording import wording


def transcript(tracker: Tracker) -> list[dict[str, str]]:
    """User and bot texts with their times: nothing else from the tracker."""
    entries = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            when = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
            who = "user" if event["event"] == "user" else "bot"
            entries.append({"who": who, "text": event["text"], "time": when.isoformat()})
    return entries


def callback_contact(tracker: Tracker) -> dict[str, str] | None:
    """Contact details only with the user's explicit yes."""
    if tracker.get_slot("callback_consent") is not True:
        return None
    return {
        "name": tracker.get_slot("callback_name"),
        "contact": tracker.get_slot("callback_contact"),
        "preferred_time": tracker.get_slot("callback_time"),
    }


def ticket_request(tracker: Tracker, reason: str, priority: str) -> TicketRequest:
    return TicketRequest(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        reason=reason,
        priority=priority,
        transcript=transcript(tracker),
        contact=callback_contact(tracker) if reason == "callback" else None,
        notifier_names=tuple(configured_notifiers()),
    )


async def save_ticket(tracker: Tracker, reason: str, priority: str) -> Intake:
    """Stores (or updates) the conversation's ticket, or spools it, without blocking other
    conversations; the outbox worker sends its notifications and replays the spool."""
    start_background_worker()
    source = (tracker.latest_message.get("metadata") or {}).get("source")
    return await intake.take(ticket_request(tracker, reason, priority), source)


def who_and_when(reason: str, now: datetime | None = None) -> str:
    config = handoff_settings.load()
    hours = OfficeHours.parse(config["HANDOFF_OFFICE_HOURS"], config["HANDOFF_TIMEZONE"])
    words = wording("handoff")
    how = words["how"]["callback" if reason == "callback" else "chat"]
    response_time = config["HANDOFF_RESPONSE_TIME"]
    if hours.is_open(now or datetime.now(timezone.utc)):
        return words["when_open"].format(how=how, response_time=response_time)
    return words["when_closed"].format(how=how, response_time=response_time, hours=hours.describe())


class ActionOfferHandoff(Action):
    """Says what would be shared and asks; an open ticket is simply updated."""

    def name(self) -> str:
        return "action_offer_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if await intake.open_ticket(tracker.sender_id) is not None:
            return await share_conversation(dispatcher, tracker)
        dispatcher.utter_message(response="utter_offer_handoff")
        return [SlotSet("handoff_reason", tracker.get_slot("handoff_reason") or "user_request")]


def tell_outcome(dispatcher: CollectingDispatcher, outcome: Intake, reason: str) -> None:
    """What the patient is told: the reference, that the request waits to be passed on, or,
    when it could not be kept at all, to call the clinic."""
    if outcome.ticket is not None:
        response = "utter_handoff_created" if outcome.created else "utter_handoff_existing"
        dispatcher.utter_message(
            response=response, reference=outcome.ticket.reference, who_and_when=who_and_when(reason)
        )
    elif outcome.spooled:
        dispatcher.utter_message(response="utter_handoff_spooled", who_and_when=who_and_when(reason))
    elif outcome.limited:
        dispatcher.utter_message(response="utter_handoff_limited")
    else:
        dispatcher.utter_message(response="utter_handoff_lost")


# The questions that ask for consent to share, and the action that asks each again.
CONSENT_QUESTIONS = {
    "utter_offer_handoff": "action_offer_handoff",
    "utter_callback_summary": "action_callback_summary",
}


def question_answered(tracker: Tracker) -> str | None:
    """The response the bot ended on just before the user's latest message, if any."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_message:
                return None
            seen_latest_message = True
        elif event.get("event") == "bot" and seen_latest_message:
            return (event.get("metadata") or {}).get("utter_action")
    return None


def consent_question_answered(tracker: Tracker) -> str | None:
    """The action that asks the consent question the latest message answers, if it answers one."""
    return CONSENT_QUESTIONS.get(question_answered(tracker) or "")


def ask_again(dispatcher: CollectingDispatcher, asking_action: str) -> list[EventType]:
    """Says "Just to be sure ...", then the same consent question again, buttons included."""
    dispatcher.utter_message(response="utter_consent_unclear")
    return [FollowupAction(asking_action)]


async def share_conversation(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    reason = tracker.get_slot("handoff_reason") or "user_request"
    tell_outcome(dispatcher, await save_ticket(tracker, reason, priority="normal"), reason)
    return [*cleared_callback_slots(), SlotSet("handoff_reason", None), SlotSet("fallback_count", 0.0)]


class ActionHandoffToHuman(Action):
    """Shares the conversation on a clear yes to a consent question, and only then."""

    def name(self) -> str:
        return "action_handoff_to_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asking_action = consent_question_answered(tracker)
        if asking_action is None:
            # a yes to something else, such as a "Did you mean": nothing was asked to share
            dispatcher.utter_message(response="utter_what_else")
            return []
        if not is_clear_yes(tracker.latest_message):
            return ask_again(dispatcher, asking_action)
        return await share_conversation(dispatcher, tracker)


class ActionRelayAgentMessage(Action):
    """Shows a staff member's message, sent with `python -m tools.staff send`."""

    def name(self) -> str:
        return "action_relay_agent_message"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = next(tracker.get_latest_entity_values("agent_message"), None)
        if text:
            dispatcher.utter_message(response="utter_agent_message", agent_message=text)
        return []
