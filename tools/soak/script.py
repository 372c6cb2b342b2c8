"""The soak's conversations (data/soak/conversations.yml): scripts of turns with what each reply must
contain, and the name and phone number that make one conversation's replies its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from runtime import settings

SURNAME_SYLLABLES = 4


@dataclass(frozen=True)
class Identity:
    """The values a conversation types into the callback form; no other conversation has them."""

    name: str
    phone: str

    def fill(self, text: str) -> str:
        # str.replace, not str.format: a message may hold braces ('/request_callback{"...": ...}').
        return text.replace("{name}", self.name).replace("{phone}", self.phone)


@dataclass(frozen=True)
class Turn:
    say: str
    expect: tuple[str, ...]  # texts the reply must contain ({name}, {phone} filled in)
    buttons: tuple[str, ...] = ()  # payloads the reply's buttons must include
    reference: bool = False  # the reply carries the reference of the conversation's ticket


@dataclass(frozen=True)
class TicketExpectation:
    reason: str
    priority: str
    contact: bool  # the ticket holds the conversation's name and phone number


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]
    ticket: TicketExpectation | None = None


@dataclass(frozen=True)
class Identities:
    first_names: tuple[str, ...]
    syllables: tuple[str, ...]
    phone: str  # a format with {high} and {low}

    def of(self, number: int) -> Identity:
        """Conversation `number`'s name and phone: different numbers (below 16^4 and 10^7) get
        different ones, all of the same length, so none is the start of another."""
        digits = []
        rest = number
        for _ in range(SURNAME_SYLLABLES):
            rest, digit = divmod(rest, len(self.syllables))
            digits.append(self.syllables[digit])
        first = self.first_names[number % len(self.first_names)]
        surname = "".join(reversed(digits)).capitalize()
        high, low = divmod(number % 10**7, 10**4)
        return Identity(f"{first} {surname}", self.phone.format(high=high, low=low))


@dataclass(frozen=True)
class SoakData:
    scripts: tuple[Script, ...]
    identities: Identities


def turn_from(raw: Mapping[str, Any]) -> Turn:
    return Turn(
        say=str(raw["say"]),
        expect=tuple(str(text) for text in raw.get("expect") or ()),
        buttons=tuple(str(payload) for payload in raw.get("buttons") or ()),
        reference=bool(raw.get("reference", False)),
    )


def script_from(raw: Mapping[str, Any]) -> Script:
    ticket = raw.get("ticket")
    return Script(
        name=str(raw["name"]),
        turns=tuple(turn_from(turn) for turn in raw["turns"]),
        ticket=TicketExpectation(ticket["reason"], ticket["priority"], bool(ticket.get("contact")))
        if ticket
        else None,
    )


def parse(raw: Mapping[str, Any]) -> SoakData:
    identity = raw["identity"]
    scripts = tuple(script_from(script) for script in raw["scripts"])
    for script in scripts:
        if not script.turns or any(not turn.expect and not turn.buttons for turn in script.turns):
            raise ValueError(f"soak script {script.name!r}: every turn needs something to expect")
        if (script.ticket is None) != (not any(turn.reference for turn in script.turns)):
            raise ValueError(f"soak script {script.name!r}: a ticket goes with one `reference: true` turn")
    return SoakData(
        scripts,
        Identities(
            tuple(identity["first_names"]), tuple(identity["surname_syllables"]), str(identity["phone"])
        ),
    )


def load(path: Path | None = None) -> SoakData:
    path = path or settings.data_path("soak", "conversations.yml")
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
