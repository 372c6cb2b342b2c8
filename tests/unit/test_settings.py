"""runtime.settings and the Python 3.10 check: defaults, precedence, one clear line when 3.10 is missing."""

from __future__ import annotations

import os
import subprocess

from runtime import settings
from runtime.settings import ROOT


def test_env_file_lines_are_parsed(tmp_path):
    env_file = tmp_path / "x.env"
    env_file.write_text("# comment\nA=1\n\nB = 'two words'\nnot a setting\n")
    assert settings.read_env_file(env_file) == {"A": "1", "B": "two words"}


def test_real_environment_wins_over_defaults(monkeypatch):
    monkeypatch.setenv("CLINIC_NAME", "Set By Environment")
    settings.load()
    assert os.environ["CLINIC_NAME"] == "Set By Environment"


def test_defaults_fill_what_is_missing(monkeypatch):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    settings.load()
    assert settings.path("TRACKER_DB") == ROOT / "var" / "tracker.db"


def test_missing_python_310_is_one_clear_line(tmp_path):
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "find_python310.sh")],
        env={"PATH": str(tmp_path), "PYTHON": "/nonexistent/python"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: Python 3.10 is required (Rasa 3.6 does not run on 3.11+)")


def test_make_stops_with_that_line_when_python_310_is_missing(tmp_path):
    result = subprocess.run(
        ["/usr/bin/make", "--always-make", "--dry-run", "install"],
        cwd=ROOT,
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    [line] = result.stderr.splitlines()
    assert "*** error: Python 3.10 is required" in line and "pyenv install 3.10" in line


def test_env_example_documents_every_handoff_and_inbox_setting_with_its_default():
    from runtime.handoff.settings import env_example_lines
    from runtime.inbox.settings import DEFAULTS as INBOX_DEFAULTS

    documented = (ROOT / ".env.example").read_text().splitlines()
    missing = [
        line for line in env_example_lines() + env_example_lines(INBOX_DEFAULTS) if line not in documented
    ]
    assert missing == []
