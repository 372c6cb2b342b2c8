"""No log line carries what a patient typed, their slots or their tracker (issue #11).

Installed by the entry points of both servers before anything logs, as a log-record factory,
so it covers every logger and handler, Rasa's and its libraries' included:

- In messages and tracebacks of INFO and above, quoted text, {...} and [...] are replaced by
  a placeholder: Rasa and its libraries quote user text, dump trackers and slot dicts as JSON
  or Python literals, and an exception's text can hold a request body. Traceback file paths
  are kept.
- Below INFO, libraries log unquoted slot values and whole states: their debug lines keep only
  the logger's name. The project's own modules never log message text at any level.
- Uncaught exceptions in any thread go through logging too, so they are redacted the same way.

LOG_REDACTION=off switches this off for debugging on made-up data only.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

PLACEHOLDER = "<redacted>"
OWN_PACKAGES = ("runtime", "actions", "tools")
# A traceback's File "..." (kept), or quoted text on one line (redacted).
QUOTED = re.compile(r"""(?P<path>File "[^"\n]*")|(?P<q>['"])(?:\\.|(?!(?P=q))[^\n])*(?P=q)""")
BRACED = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]", re.DOTALL)
MAX_NESTING = 20


def _keep_paths(match: re.Match[str]) -> str:
    return match.group("path") or PLACEHOLDER


def redact(text: str) -> str:
    text = QUOTED.sub(_keep_paths, text)
    for _ in range(MAX_NESTING):  # innermost brackets first, until none are left
        text, count = BRACED.subn(PLACEHOLDER, text)
        if not count:
            break
    return text


def is_own(logger_name: str) -> bool:
    return logger_name.split(".")[0] in OWN_PACKAGES


def message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # wrong arguments for the format: logging must never raise at the caller
        return str(record.msg)


def redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    if record.levelno < logging.INFO and not is_own(record.name):
        record.msg, record.args = f"({record.name} debug details withheld)", None
    else:
        record.msg, record.args = redact(message_of(record)), None
    if record.exc_info:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def log_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    logging.getLogger("uncaught").error("Uncaught exception", exc_info=(kind, error, trace))


def install() -> None:
    if os.environ.get("LOG_REDACTION", "on").lower() == "off":
        return
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "redacts", False):
        return

    def make_redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redacted_record(make_record(*args, **kwargs))

    make_redacted_record.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_redacted_record)
    sys.excepthook = log_uncaught
    threading.excepthook = lambda hook: log_uncaught(hook.exc_type, hook.exc_value, hook.exc_traceback)
