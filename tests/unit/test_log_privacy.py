"""No log line carries what a patient typed (runtime/log_privacy.py), whoever logs it."""

from __future__ import annotations

import logging

import pytest

from runtime import log_privacy


@pytest.fixture
def redacting():
    before = logging.getLogRecordFactory()
    log_privacy.install()
    yield
    logging.setLogRecordFactory(before)


def record(logger: str, level: int, message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.getLogger(logger).makeRecord(logger, level, "f.py", 1, message, args, exc_info)


def test_quoted_text_and_dumped_structures_are_redacted(redacting):
    line = record(
        "rasa.core.processor", logging.INFO, "Received user message '%s' with %s", "I am Jo", {"slots": 1}
    )
    assert line.getMessage() == "Received user message <redacted> with <redacted>"


def test_library_debug_lines_keep_only_their_logger_name(redacting):
    line = record("rasa.core.processor", logging.DEBUG, "Current slot values: \n\tcallback_name: Jo Example")
    assert "Jo Example" not in line.getMessage() and "rasa.core.processor" in line.getMessage()


def test_tracebacks_are_redacted_but_keep_their_file_paths(redacting):
    try:
        raise ValueError('body=\'{"sender": "x", "text": "my phone is 555 0100"}\'')
    except ValueError as error:
        line = record("rasa", logging.ERROR, "failed", exc_info=(type(error), error, error.__traceback__))
    formatted = logging.Formatter().format(line)
    assert "555 0100" not in formatted
    assert 'File "' in formatted and "test_log_privacy.py" in formatted


def test_a_bad_format_never_raises_at_the_caller(redacting):
    assert record("x", logging.INFO, "%s %s", "only one").getMessage() == "%s %s"
