"""What the Rasa server says by itself when a custom action cannot run (action server down,
crashed or too slow): never an empty reply, and the disclaimer still opens every session.

Used by the action-server fallback of runtime/rasa_patches.py.
"""

from __future__ import annotations

from rasa.core.actions.action import ActionBotResponse, ActionSessionStart
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_RESPONSE = "utter_service_unavailable"
# After a safety reply the user already has the numbers: only say no one was alerted.
RESPONSE_INSTEAD_OF = {"action_urgent_ticket": "utter_offer_person_urgent"}
# A handoff that timed out may still be saved by the slow action server: unconfirmed, not lost.
RESPONSE_AFTER_TIMEOUT = {"action_handoff_to_human": "utter_handoff_unconfirmed"}
SESSION_OPENING = "utter_disclaimer"  # SAFETY.md 1: every session starts with it


async def events_without_action_server(
    action_name: str,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
    *,
    timed_out: bool = False,
) -> list[Event]:
    """The events to log instead of the failed action's: its stand-in reply, and for the session
    start, the disclaimer then Rasa's own session start. `timed_out`: the action server did not
    answer in time (it may still have run the action), rather than could not be reached."""
    if action_name == ACTION_SESSION_START_NAME:
        opening = await ActionBotResponse(SESSION_OPENING).run(output_channel, nlg, tracker, domain)
        return [*opening, *await ActionSessionStart().run(output_channel, nlg, tracker, domain)]
    response = (timed_out and RESPONSE_AFTER_TIMEOUT.get(action_name)) or RESPONSE_INSTEAD_OF.get(
        action_name, DEFAULT_RESPONSE
    )
    return await ActionBotResponse(response).run(output_channel, nlg, tracker, domain)
