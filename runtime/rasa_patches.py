"""Every patch of Rasa internals, in one place, each behind a check of the Rasa version.

Rasa 3.6 has no extension point for five behaviours this project must change:

1. Action-result validation. `RemoteAction._validate_action_result` calls one-shot
   `jsonschema.validate()`, which checks the schema against its meta-schema and re-resolves
   every $ref on each call: under load that was about 43% of the Rasa server's CPU (py-spy,
   see `make bench`). `install_action_result_validation()` swaps in a method that checks with
   a validator compiled once, as the jsonschema docs advise. Invalid results still go through
   Rasa's own method, so the error users see is unchanged.
2. `rasa shell`'s terminal output. Rasa 3.6 puts an answer that has buttons into the title of
   its button menu, which does not wrap: only the first screen line of each paragraph shows.
   It also labels each button with its raw payload (`/faq{"faq_topic": ...}`), and Ctrl-D at
   the prompt or Ctrl-C in a menu end in a traceback with the servers left running.
   `install_shell_console()` swaps in functions that print the whole answer (Markdown bold as
   terminal bold), then a numbered menu of the button titles (press the number, or arrows and
   Enter), and treat Ctrl-D / Ctrl-C as leaving the chat. The console also shows, above the
   prompt, what reaches its conversation through the HTTP API (a staff member's claim, reply
   and hand-back, runtime/handoff/relay.py): Rasa returns those in the API's response only.
3. A custom action that cannot run. When the action server is down or does not answer
   (Rasa waits up to 300 s), Rasa logs a traceback and the user gets an empty reply, even
   after "I can't feel my legs". `install_action_server_fallback()` wraps `RemoteAction.run`
   with a timeout (ACTION_SERVER_TIMEOUT_SECONDS) and, on a failure, logs one line and logs
   the events of runtime/degraded.py instead: a reply with the clinic's contact and the
   emergency number, or the disclaimer for a new session. A form's rejection is left to Rasa.

4. A tracker store that cannot be reached. Rasa wraps every tracker store in a
   `FailSafeTrackerStore` that then reads an empty conversation and writes to memory: with
   several Rasa servers that silently forgets the context and loses the turn from the shared
   database. `install_tracker_store_without_fallback()` makes the error go up instead, so the
   message is not processed and the channel says so (runtime/channels/inbound.py).
5. Loading a model. `RasaModel.load` sizes the weights of DIET and the ResponseSelector by
   fitting each on one example, with Keras compiling that training step into a TF graph
   first: tracing it was half of a Rasa server's start (py-spy). The graph is used once, and the
   weights are then overwritten by the trained ones. `install_eager_weight_building()` runs that
   one step eagerly instead; the trained weights, and the prediction graph traced at load, are
   as before, so every prediction is unchanged (tests/unit/test_rasa_patches.py).

All replace private functions, so they are installed only on the Rasa version they were
written against (`PATCHED_RASA_VERSION`); on any other the patch is skipped with a warning
and Rasa behaves as it ships. tests/unit/test_rasa_patches.py fails on a new Rasa so that
whoever upgrades re-checks these.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import quote

import aiohttp
import questionary
import rasa
import rasa.shared.utils.cli
from jsonschema.validators import validator_for
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.styles import Style
from questionary.prompts.common import InquirerControl
from rasa.cli import utils as cli_utils
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels import console
from rasa.core.channels.channel import OutputChannel
from rasa.core.constants import DEFAULT_SERVER_URL
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.constants import EXTERNAL_MESSAGE_PREFIX, IS_EXTERNAL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.utils.io import bcolors
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

from runtime import degraded, settings
from runtime.channels.markdown import to_terminal
from runtime.shared_secrets import shared_secret

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"


def rasa_version_is_patched() -> bool:
    """True on the Rasa these patches were written for; otherwise one warning per patch."""
    return rasa.__version__ == PATCHED_RASA_VERSION


def _skip(name: str) -> bool:
    if rasa_version_is_patched():
        return False
    logger.warning(
        "Rasa %s is not %s: the %s patch is not installed (re-check runtime/rasa_patches.py).",
        rasa.__version__,
        PATCHED_RASA_VERSION,
        name,
    )
    return True


# --- 1. action-result validation ------------------------------------------------------------

_rasa_validate = RemoteAction._validate_action_result


def _compiled_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install_action_result_validation() -> None:
    if getattr(RemoteAction._validate_action_result, "compiled_once", False) or _skip("validation"):
        return
    validator = _compiled_validator()

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return _rasa_validate(self, result)  # raises Rasa's ValidationError with its hint

    validate_action_result.compiled_once = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


# --- 2. rasa shell's console ----------------------------------------------------------------

MENU_TITLE = "Choose a number (or arrow keys and Enter):"
MAX_NUMBER_KEY = 9
MENU_STYLE = Style([("qmark", "#6d91d3"), ("", "#6d91d3"), ("answer", "#b373d6")])

_rasa_print_bot_output = console._print_bot_output
_rasa_get_user_input = console._get_user_input
_rasa_record_messages = console.record_messages


def numbered(buttons: list[dict[str, Any]]) -> str:
    """The menu as questionary shows it, for answers that are not the latest."""
    return "\n".join(
        f"  {number}) {button.get('title', '')}" for number, button in enumerate(buttons, start=1)
    )


def print_bot_output(
    message: dict[str, Any], is_latest_message: bool = False, color: str = bcolors.OKBLUE
) -> questionary.Question | None:
    if message.get("text"):
        message = {**message, "text": to_terminal(message["text"])}
    if not message.get("buttons"):
        return _rasa_print_bot_output(message, is_latest_message, color)
    if message.get("text"):
        rasa.shared.utils.cli.print_color(message["text"], color=color)
    buttons = message["buttons"]
    if not is_latest_message:
        rasa.shared.utils.cli.print_color(numbered(buttons), color=color)
        return None
    # Keys 1-9 for the first nine; questionary gives the rest the next free keys (0, a, b, ...):
    # a shortcut must be one character, and an MRI report's words can make more than nine.
    choices = [
        questionary.Choice(
            button.get("title", ""),
            value=button.get("payload", ""),
            shortcut_key=str(number) if number <= MAX_NUMBER_KEY else True,
        )
        for number, button in enumerate(buttons, start=1)
    ]
    choices.append(
        questionary.Choice(cli_utils.FREE_TEXT_INPUT_PROMPT, value=cli_utils.FREE_TEXT_INPUT_PROMPT)
    )
    # questionary refuses a menu with more choices than it has shortcut keys: then arrows only.
    shortcuts = len(choices) <= len(InquirerControl.SHORTCUT_KEYS)
    return questionary.select(MENU_TITLE, choices, style=MENU_STYLE, use_shortcuts=shortcuts)


async def payload_from_button_question(button_question: questionary.Question) -> str | None:
    """The chosen button's payload; None (leave the chat) when the menu is cancelled."""
    return await button_question.ask_async()


_prompts = {"asked": 0}  # how often the console has asked for input


async def get_user_input(previous_response: dict[str, Any] | None) -> str | None:
    _prompts["asked"] += 1
    try:
        return await _rasa_get_user_input(previous_response)
    except EOFError:  # Ctrl-D: leave the chat as /stop does
        return None


# Messages that reach the console's conversation from elsewhere: a staff member's claim, reply
# or hand-back comes through the HTTP API (POST .../trigger_intent, runtime/handoff/relay.py)
# and its answer goes back in that HTTP response, never to the console. So while the chat runs,
# the console reads its conversation's tracker about once a second and shows the bot messages
# that answer such an external event, above the prompt; what was typed here it shows itself.

WATCH_INTERVAL_SECONDS = 1.0
WATCH_TIMEOUT_SECONDS = 5.0


def external_bot_messages(events: list[dict[str, Any]], after_external: bool) -> tuple[list[dict], bool]:
    """The bot messages among `events` that answer an external event, and whether the last
    user event of them was external (for the next events of the same conversation)."""
    messages = []
    for event in events:
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            text = event.get("text") or ""
            after_external = bool(metadata.get(IS_EXTERNAL)) or text.startswith(EXTERNAL_MESSAGE_PREFIX)
        elif event.get("event") == "bot" and after_external:
            data = event.get("data") or {}
            message = {"text": event.get("text") or ""}
            if data.get("buttons"):
                message["buttons"] = data["buttons"]
            messages.append(message)
    return messages, after_external


def show_above_prompt(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        print_bot_output(message, is_latest_message=False)


async def watch_conversation(server_url: str, sender_id: str, token: str) -> None:
    """Shows external events' answers until cancelled. It starts after the first message was
    answered: reading the tracker of a conversation that has none would start its session
    (and the disclaimer) here, out of the user's sight."""
    url = f"{server_url}/conversations/{quote(sender_id, safe='')}/tracker"
    seen, after_external = 0, False
    timeout = aiohttp.ClientTimeout(total=WATCH_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
            if _prompts["asked"] < 2:
                continue
            try:
                async with session.get(url, params={"token": token}, raise_for_status=True) as response:
                    tracker = await response.json()
                events = tracker.get("events") if isinstance(tracker, dict) else None
                if not isinstance(events, list):
                    raise ValueError("no events")
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                # Not the error's text: it holds the URL with the token.
                logger.debug("The conversation could not be read (%s).", type(error).__name__)
                continue
            if len(events) < seen:  # a restart: the tracker starts again
                seen, after_external = 0, False
            messages, after_external = external_bot_messages(events[seen:], after_external)
            seen = len(events)
            if messages:
                await run_in_terminal(lambda shown=messages: show_above_prompt(shown))


async def record_messages(
    sender_id: str, server_url: str = DEFAULT_SERVER_URL, *args: Any, **kwargs: Any
) -> int:
    token, _ = shared_secret("RASA_AUTH_TOKEN")
    watch = asyncio.ensure_future(watch_conversation(server_url, sender_id, token))
    try:
        return await _rasa_record_messages(sender_id, server_url, *args, **kwargs)
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch


def install_shell_console() -> None:
    if _skip("shell console"):
        return
    console._print_bot_output = print_bot_output
    console._get_user_input = get_user_input
    console.record_messages = record_messages
    cli_utils.payload_from_button_question = payload_from_button_question


# --- 3. a custom action that cannot run -----------------------------------------------------

_rasa_remote_run = RemoteAction.run


def install_action_server_fallback() -> None:
    if getattr(RemoteAction.run, "falls_back", False) or _skip("action server fallback"):
        return
    timeout = float(settings.get("ACTION_SERVER_TIMEOUT_SECONDS"))

    async def run_or_fall_back(
        self: RemoteAction,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> list[Event]:
        try:
            return await asyncio.wait_for(
                _rasa_remote_run(self, output_channel, nlg, tracker, domain), timeout
            )
        except ActionExecutionRejection:
            raise  # a form's "this slot is not filled": Rasa's own handling
        except (RasaException, asyncio.TimeoutError) as error:
            # One line, no tracker: the exception text can hold the request body.
            logger.error(
                "Action %s could not run (%s): answered without the action server",
                self.name(),
                type(error).__name__,
            )
            return await degraded.events_without_action_server(
                self.name(),
                output_channel,
                nlg,
                tracker,
                domain,
                timed_out=isinstance(error, asyncio.TimeoutError),
            )

    run_or_fall_back.falls_back = True  # type: ignore[attr-defined]
    RemoteAction.run = run_or_fall_back  # type: ignore[method-assign]


# --- 4. a tracker store that cannot be reached ------------------------------------------------


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read or written; nothing was processed from memory."""


def raise_unavailable(self: FailSafeTrackerStore, error: Exception) -> None:
    raise TrackerStoreUnavailable(f"Tracker store unavailable ({type(error).__name__})") from error


def install_tracker_store_without_fallback() -> None:
    if getattr(FailSafeTrackerStore.on_tracker_store_error, "no_fallback", False) or _skip(
        "tracker store without fallback"
    ):
        return
    raise_unavailable.no_fallback = True  # type: ignore[attr-defined]
    FailSafeTrackerStore.on_tracker_store_error = raise_unavailable  # type: ignore[method-assign]
    FailSafeTrackerStore.on_tracker_store_retrieve_error = raise_unavailable  # type: ignore[method-assign]


# --- 5. loading a model -----------------------------------------------------------------------

_rasa_model_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_building_weights_eagerly(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """Rasa's load with its one weight-sizing training step run eagerly, then the prediction
    graph traced as Rasa traces it. Fine-tuning, and a model configured to run eagerly, are
    left to Rasa's own load."""
    config = kwargs.get("config", {})
    if finetune_mode or config.get(RUN_EAGERLY):
        return _rasa_model_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    eager = {**kwargs, "config": {**config, RUN_EAGERLY: True}}
    model = _rasa_model_load(cls, model_file_name, model_data_example, None, finetune_mode, *args, **eager)
    model.run_eagerly = False
    model.config[RUN_EAGERLY] = config.get(RUN_EAGERLY, False)
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


def install_eager_weight_building() -> None:
    if _skip("install_eager_weight_building") or getattr(RasaModel.load, "eager_weights", False):
        return
    load_building_weights_eagerly.eager_weights = True  # type: ignore[attr-defined]
    RasaModel.load = classmethod(load_building_weights_eagerly)  # type: ignore[method-assign,assignment]
