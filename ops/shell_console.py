"""`rasa shell`'s terminal output, fixed where patients and staff would trip over it.

Rasa 3.6 puts an answer that has buttons into the title of its button menu, which does not
wrap: only the first screen line of each paragraph shows. It also labels each button with its
raw payload (`/faq{"faq_topic": ...}`), and Ctrl-D at the prompt or Ctrl-C in a menu end in a
traceback with the servers left running. `install()` swaps in functions that print the whole
answer (Markdown bold as terminal bold), then a numbered menu of the button titles (press the
number, or arrows and Enter), and treat Ctrl-D / Ctrl-C as leaving the chat. The console has
no extension point for this.
"""

from __future__ import annotations

from typing import Any

import questionary
import rasa.shared.utils.cli
from prompt_toolkit.styles import Style
from rasa.cli import utils as cli_utils
from rasa.core.channels import console
from rasa.shared.utils.io import bcolors

from channels.markdown import to_terminal

MENU_TITLE = "Choose a number (or arrow keys and Enter):"
MENU_STYLE = Style([("qmark", "#6d91d3"), ("", "#6d91d3"), ("answer", "#b373d6")])

_rasa_print_bot_output = console._print_bot_output
_rasa_get_user_input = console._get_user_input


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
    choices = [
        questionary.Choice(button.get("title", ""), value=button.get("payload", ""), shortcut_key=str(number))
        for number, button in enumerate(buttons, start=1)
    ]
    choices.append(
        questionary.Choice(cli_utils.FREE_TEXT_INPUT_PROMPT, value=cli_utils.FREE_TEXT_INPUT_PROMPT)
    )
    return questionary.select(MENU_TITLE, choices, style=MENU_STYLE, use_shortcuts=True)


async def payload_from_button_question(button_question: questionary.Question) -> str | None:
    """The chosen button's payload; None (leave the chat) when the menu is cancelled."""
    return await button_question.ask_async()


async def get_user_input(previous_response: dict[str, Any] | None) -> str | None:
    try:
        return await _rasa_get_user_input(previous_response)
    except EOFError:  # Ctrl-D: leave the chat as /stop does
        return None


def install() -> None:
    console._print_bot_output = print_bot_output
    console._get_user_input = get_user_input
    cli_utils.payload_from_button_question = payload_from_button_question
