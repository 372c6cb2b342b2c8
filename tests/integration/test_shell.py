"""`make shell` as a person at a terminal uses it, driven through a pseudo-terminal.

What a user would notice if this breaks: the chat never shows its `Your input ->` prompt,
the disclaimer or a curated answer is missing or cut short, the follow-up buttons cannot be
picked by number or with the arrow keys, an emergency message does not get the call-911
reply, library warnings or tracebacks clutter the conversation, or leaving the chat (/stop,
Ctrl-C, Ctrl-D) leaves servers running.

The test plays the terminal: it answers prompt_toolkit's cursor-position requests as a real
terminal does (unanswered, prompt_toolkit prints a WARNING and redraws badly) and reads the
screen output with the ANSI escape codes stripped.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import pty
import re
import secrets
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import requests
from support.http import free_port, port_is_open, wait_for

from runtime.handoff.store import HandoffStore
from runtime.settings import QUIET_ENVIRONMENT, ROOT

MODEL = ROOT / "models" / "spine-assistant.tar.gz"
MODEL_WAIT_SECONDS = 480  # a training run started elsewhere may still be writing it
STARTUP_TIMEOUT = 120  # action server + model load before the first prompt
REPLY_TIMEOUT = 60
KEY_TIMEOUT = 10
EXIT_TIMEOUT = 30

ROWS, COLUMNS = 24, 80  # a default terminal window
PROMPT = "Your input ->"
FREE_TEXT_CHOICE = "Type out your own message..."  # the last entry of every button menu
POINTER = "» "  # questionary marks the highlighted menu entry with it
DOWN, ENTER, CTRL_C, CTRL_D = b"\x1b[B", b"\r", b"\x03", b"\x04"
CURSOR_POSITION_REQUEST = "\x1b[6n"
CURSOR_POSITION_REPLY = b"\x1b[1;1R"

API_TOKEN = secrets.token_urlsafe(24)  # the shell's HTTP API token, for the staff CLI too

ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NOISE = re.compile(r"Warning|WARNING|Traceback")


def screen_text(raw: str) -> str:
    """What the terminal shows, roughly: escape codes dropped, carriage returns as line breaks."""
    text = ANSI_ESCAPE.sub("", raw)
    text = re.sub(r"\r+\n", "\n", text).replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def tail(text: str, size: int = 4000) -> str:
    """The end of the output for a failure message, without the blank rows of prompt redraws."""
    lines = [line.rstrip() for line in text.splitlines()]
    compact = "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))
    return compact[-size:] if compact.strip() else "(nothing)"


def missing_in_order(shown: str, phrases: tuple[str, ...]) -> list[str]:
    """The phrases not found on screen one after the other, from the first one missing."""
    position = 0
    for i, phrase in enumerate(phrases):
        found = shown.find(phrase, position)
        if found < 0:
            return list(phrases[i:])
        position = found + len(phrase)
    return []


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class TerminalChat:
    """`python -m tools.shell` on its own pseudo-terminal, as its controlling terminal."""

    def __init__(self, env: dict[str, str]) -> None:
        self.log_dir = Path(env["LOG_DIR"])
        self.ports = (int(env["ACTION_SERVER_PORT"]), int(env["RASA_SHELL_PORT"]))
        self.raw = ""
        self.exit_status: int | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._cursor_requests_answered = 0
        self._eof = False
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes `make shell` in an 80x24 terminal
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
                os.chdir(ROOT)
                os.execve(sys.executable, [sys.executable, "-m", "tools.shell"], env)
            finally:
                os._exit(127)

    # --- reading ---

    def _pump(self, timeout: float) -> None:
        """Reads what is there within timeout; answers cursor-position requests like a terminal."""
        if self._eof:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: every process holding the terminal has gone
            data = b""
        if not data:
            self._eof = True
            return
        self.raw += self._decoder.decode(data)
        pending = self.raw.count(CURSOR_POSITION_REQUEST) - self._cursor_requests_answered
        if pending > 0:
            os.write(self.fd, CURSOR_POSITION_REPLY * pending)
            self._cursor_requests_answered += pending

    def mark(self) -> int:
        return len(self.raw)

    def since(self, mark: int) -> str:
        return screen_text(self.raw[mark:])

    @property
    def text(self) -> str:
        return screen_text(self.raw)

    def fail(self, reason: str) -> NoReturn:
        log = self.log_dir / "actions.log"
        actions = log.read_text(errors="replace") if log.exists() else ""
        pytest.fail(
            f"{reason}\n--- terminal (end) ---\n{tail(self.text)}\n--- actions.log (end) ---\n"
            f"{tail(actions, 2000)}",
            pytrace=False,
        )

    def expect(self, *phrases: str, since: int = 0, timeout: float = REPLY_TIMEOUT) -> str:
        """Waits until the phrases are on screen after `since`, in this order; fails with the
        screen's end if they do not come within timeout."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.since(since)
            missing = missing_in_order(shown, phrases)
            if not missing:
                return shown
            if self._eof or time.monotonic() > deadline:
                why = "the chat ended" if self._eof else f"nothing after {timeout:.0f}s"
                self.fail(f"{why}: expected {missing!r} on screen")
            self._pump(0.1)

    # --- typing ---

    def type(self, data: bytes) -> int:
        mark = self.mark()
        os.write(self.fd, data)
        return mark

    def say(self, message: str) -> int:
        """Types a message at the `Your input ->` prompt and presses Enter."""
        return self.type(message.encode() + ENTER)

    def pick(self, choice: str, max_presses: int = 10) -> int:
        """Moves the menu's highlight down to the choice with the arrow key, then presses Enter."""
        for _ in range(max_presses):
            shown = self.expect(POINTER, since=self.type(DOWN), timeout=KEY_TIMEOUT)
            if re.search(re.escape(POINTER) + r"(\d\) )?" + re.escape(choice), shown):
                return self.type(ENTER)
        self.fail(f"{choice!r} was never highlighted after {max_presses} presses of the down arrow")

    # --- leaving ---

    def wait_for_exit(self, timeout: float = EXIT_TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.exit_status is None and time.monotonic() < deadline:
            self._pump(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        while not self._eof and select.select([self.fd], [], [], 0)[0]:
            self._pump(0)
        if self.exit_status is None:
            self.fail(f"`make shell` still running {timeout:.0f}s after it was asked to quit")
        return self.exit_status

    def close(self) -> None:
        """Stops whatever is left of the shell and its servers (the whole process group)."""
        if self.exit_status is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            if not wait_for(lambda: os.waitpid(self.pid, os.WNOHANG)[0] != 0, timeout=20):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.exit_status = -1
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # servers orphaned by a crash
        os.close(self.fd)


@pytest.fixture(scope="module")
def trained_model() -> Path:
    """The trained model; waits while a training run elsewhere is still writing it."""
    deadline = time.monotonic() + MODEL_WAIT_SECONDS
    last_size = -1
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            stat = MODEL.stat()
            written_a_while_ago = time.time() - stat.st_mtime > 5
            if stat.st_size > 0 and (written_a_while_ago or stat.st_size == last_size):
                return MODEL
            last_size = stat.st_size
        time.sleep(2)
    pytest.fail(f"no trained model at {MODEL} after {MODEL_WAIT_SECONDS}s: run `make train`")


@pytest.fixture
def start_chat(trained_model: Path, tmp_path: Path, handoff_db: str) -> Iterator[Callable[[], TerminalChat]]:
    """Starts `make shell` on free ports, with its logs, conversations and tickets under tmp_path."""
    chats: list[TerminalChat] = []

    def start() -> TerminalChat:
        inherited = {k: v for k, v in os.environ.items() if k not in QUIET_ENVIRONMENT}
        env = {
            **inherited,  # minus PYTHONWARNINGS & co: the project's quiet defaults are under test
            "TERM": "xterm-256color",
            "ACTION_SERVER_PORT": str(free_port()),
            "RASA_SHELL_PORT": str(free_port()),
            "LOG_DIR": str(tmp_path / "log"),
            "TRACKER_DB": str(tmp_path / "tracker.db"),
            "HANDOFF_DB_URL": handoff_db,
            "RASA_AUTH_TOKEN": API_TOKEN,
            "ASSISTANT_LOCALE": "US",
            # A developer's .env must not make the emergency step notify real staff.
            "HANDOFF_SLACK_WEBHOOK_URL": "",
            "HANDOFF_WEBHOOK_URL": "",
            "HANDOFF_SMTP_HOST": "",
        }
        chat = TerminalChat(env)
        chats.append(chat)
        return chat

    yield start
    for chat in chats:
        chat.close()


def assert_left_cleanly(chat: TerminalChat) -> None:
    assert chat.wait_for_exit() == 0, tail(chat.text)
    assert wait_for(lambda: not process_group_alive(chat.pid), timeout=15), "a server is still running"
    open_ports = [port for port in chat.ports if port_is_open(port)]
    assert open_ports == [], f"still listening on {open_ports}"
    noise = [line for line in chat.text.splitlines() if NOISE.search(line)]
    assert noise == [], "warnings or tracebacks in the chat:\n" + "\n".join(noise)


def test_terminal_chat_answers_offers_follow_ups_and_sends_emergencies_to_911(start_chat, handoff_db) -> None:
    chat = start_chat()
    chat.expect(PROMPT, timeout=STARTUP_TIMEOUT)

    # A question gets the disclaimer first (new session), then the whole curated answer with
    # its source, then the follow-up questions as a numbered menu, the first one highlighted.
    chat.expect(
        "automated assistant, not a person",
        "In an emergency, call 911.",
        "A discectomy is an operation that removes the part of a herniated or damaged disc",
        "A spine specialist can tell you what fits your situation.",  # the end of the answer
        "Sources: Discectomy (procedure overview); Disc Extrusion vs. Protrusion",
        POINTER + "1) What happens during a discectomy?",
        "2) How long is recovery after a discectomy?",
        "3) What are the risks of a discectomy?",
        FREE_TEXT_CHOICE,
        since=chat.say("What is a discectomy?"),
    )
    assert "faq_topic" not in chat.text  # button labels are titles, not payloads
    assert "**" not in chat.text  # Markdown bold is shown as bold, not as asterisks

    # Pressing a choice's number and Enter picks it; its answer comes with a new menu.
    chat.expect(POINTER + "2) How long is recovery", since=chat.type(b"2"), timeout=KEY_TIMEOUT)
    chat.expect(
        "Recovery after a discectomy is different for each person.",
        "Your surgeon can give you a recovery plan and timeline that fits your own operation.",
        "Source: Discectomy (procedure overview)",
        FREE_TEXT_CHOICE,
        since=chat.type(ENTER),
    )

    # To type again, the user picks the menu's last entry and gets the prompt back.
    chat.expect(PROMPT, since=chat.pick(FREE_TEXT_CHOICE), timeout=KEY_TIMEOUT)

    # Asking for a person: the consent question's buttons, then the ticket's reference.
    chat.expect(
        "I'd share what you've written here and my replies, nothing else. Is that OK?",
        POINTER + "1) Yes, share it",
        since=chat.say("can I talk to a real person please"),
    )
    shown = chat.expect("your reference is", PROMPT, since=chat.pick("Yes, share it"))
    reference = re.search(r"SP-[A-Z0-9]+", shown).group(0)
    [ticket] = [t for t in HandoffStore(handoff_db).list_tickets() if t.reference == reference]
    assert ticket.channel == "cmdline" and ticket.reason == "user_request"

    # An emergency comes first, whatever else is going on.
    shown = chat.expect(
        "This could be an emergency. Call 911 now or go to the nearest emergency department.",
        PROMPT,
        since=chat.say("I suddenly can't control my bladder and my groin is numb"),
    )
    assert "automated assistant" not in shown  # the disclaimer comes once per session

    chat.say("/stop")
    assert_left_cleanly(chat)


def staff(chat: TerminalChat, handoff_db: str, *args: str) -> None:
    """`python -m tools.staff` as a staff member runs it, on the shell's tickets."""
    env = {
        **os.environ,
        "HANDOFF_DB_URL": handoff_db,
        "RASA_SHELL_PORT": str(chat.ports[1]),
        "RASA_AUTH_TOKEN": API_TOKEN,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tools.staff", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def tracker_events(chat: TerminalChat, sender: str) -> list[dict[str, Any]]:
    url = f"http://127.0.0.1:{chat.ports[1]}/conversations/{sender}/tracker"
    return requests.get(url, params={"token": API_TOKEN}, timeout=30).json()["events"]


def wait_until_handled(chat: TerminalChat, sender: str, text: str) -> list[dict[str, Any]]:
    """What the bot did after the user's message `text`, once it is done with it."""
    found: list[dict[str, Any]] = []

    def done() -> bool:
        chat._pump(0.1)
        events = tracker_events(chat, sender)
        users = [i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text]
        if not users:
            return False
        found[:] = events[users[-1] + 1 :]
        return bool(found) and found[-1]["event"] == "action" and found[-1]["name"] == "action_listen"

    if not wait_for(done, timeout=REPLY_TIMEOUT):
        chat.fail(f"the bot never finished with {text!r}")
    return found


def test_staff_take_the_terminal_chat_over_until_they_close_the_ticket(start_chat, handoff_db) -> None:
    """Live takeover in `make shell`: staff claim, write and close through the staff CLI (the
    shell's own Rasa server's HTTP API); the terminal shows it at the prompt."""
    chat = start_chat()
    chat.expect(PROMPT, timeout=STARTUP_TIMEOUT)
    chat.expect(POINTER + "1) Yes, share it", since=chat.say("can I talk to a real person please"))
    shown = chat.expect("your reference is", PROMPT, since=chat.pick("Yes, share it"))
    reference = re.search(r"SP-[A-Z0-9]+", shown).group(0)
    ticket = HandoffStore(handoff_db).get(reference)
    assert ticket.channel == "cmdline"

    # The claim and the staff member's message appear while the user sits at the prompt.
    mark = chat.mark()
    staff(chat, handoff_db, "claim", reference, "--agent", "Nurse Sam")
    chat.expect("A member of the clinic team is now with you in this chat.", "In an emergency, call 911.",
                since=mark)  # fmt: skip
    mark = chat.mark()
    staff(chat, handoff_db, "send", reference, "Hello, this is Sam from the clinic.")
    chat.expect("Clinic team: Hello, this is Sam from the clinic.", since=mark)

    # An ordinary question goes to the ticket; the bot does not answer it itself.
    question = "What is a discectomy?"
    mark = chat.say(question)
    after = wait_until_handled(chat, ticket.conversation_id, question)
    assert [e["name"] for e in after if e["event"] == "action"] == [
        "action_forward_to_staff",
        "action_listen",
    ]
    transcript = HandoffStore(handoff_db).get(reference).transcript
    assert question in [line["text"] for line in transcript if line["who"] == "user"]
    chat._pump(2)  # a watch round later: still nothing from the bot
    assert "A discectomy is an operation" not in chat.since(mark)

    # An emergency still gets the emergency reply at once.
    chat.expect(
        "This could be an emergency. Call 911 now or go to the nearest emergency department.",
        since=chat.say("I suddenly can't control my bladder and my groin is numb"),
    )

    # Closing hands the chat back: the user is told, and the bot answers again.
    mark = chat.mark()
    staff(chat, handoff_db, "close", reference)
    chat.expect("The clinic team has closed your request. You're back with the automated assistant",
                since=mark)  # fmt: skip
    chat.expect("A discectomy is an operation that removes the part of a herniated", FREE_TEXT_CHOICE,
                since=chat.say(question))  # fmt: skip
    chat.type(CTRL_C)
    assert_left_cleanly(chat)
    # Each staff notice is shown once.
    assert chat.text.count("A member of the clinic team is now with you") == 1
    assert chat.text.count("Hello, this is Sam from the clinic.") == 1


def test_ctrl_c_in_a_button_menu_leaves_the_chat_and_stops_both_servers(start_chat) -> None:
    chat = start_chat()
    chat.expect(PROMPT, timeout=STARTUP_TIMEOUT)
    chat.expect(FREE_TEXT_CHOICE, since=chat.say("What is a discectomy?"))
    chat.type(CTRL_C)
    assert_left_cleanly(chat)
    assert "Cancelled by user" in chat.text


def test_ctrl_d_at_the_prompt_leaves_the_chat_and_stops_both_servers(start_chat) -> None:
    chat = start_chat()
    chat.expect(PROMPT, timeout=STARTUP_TIMEOUT)
    chat.type(CTRL_D)
    assert_left_cleanly(chat)


def test_a_pasted_report_reads_in_the_terminal_with_every_word_as_a_choice(start_chat) -> None:
    """MRI report words (issue #16) in the shell: the words in terminal bold, what the report
    cannot tell, then every other word and topic as a numbered choice; picking one explains it."""
    chat = start_chat()
    chat.expect(PROMPT, timeout=STARTUP_TIMEOUT)
    report = (
        "L4-L5: broad-based disc bulge with a superimposed left paracentral protrusion, mild bilateral "
        "foraminal narrowing, facet arthropathy, ligamentum flavum thickening, desiccation and a small "
        "annular fissure, effacement of the thecal sac. What does this mean?"
    )
    shown = chat.expect(
        "Here is what these words mean:",
        "disc bulge",
        "These explain the words only.",
        "Your text has more report words.",
        POINTER + "1) ",
        FREE_TEXT_CHOICE,
        since=chat.say(report),
    )
    assert "**" not in shown and "explain_report" not in shown
    choices = re.findall(r"\d+\) ([^\n]+)", shown.split("Your text has more report words.")[-1])
    assert len(choices) > 5  # every word and topic, not the first five only
    first = choices[0]
    chat.expect(f"Here is what these words mean:\n- {first}", PROMPT, since=chat.type(ENTER))
    chat.say("/stop")
    assert_left_cleanly(chat)
