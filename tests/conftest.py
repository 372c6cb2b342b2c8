"""Fixtures of every layer: trackers for action tests, the domain, the spaCy pipeline, a private
handoff store per test and a local webhook receiver. The real servers: integration/conftest.py."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from support.http import Receiver

from runtime.settings import ROOT

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline, built from data/ as `make nlp` builds it."""
    from tools.build_spacy_pipeline import build_pipeline

    return build_pipeline(
        ROOT / "data" / "spacy" / "spine_terms.yml",
        ROOT / "data" / "safety" / "red_flags.yml",
        ROOT / "data" / "mri" / "glossary.yml",
        ROOT / "data" / "spacy" / "scope_terms.yml",
        ROOT / "data" / "spacy" / "spellings.yml",
    )


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture(autouse=True)
def handoff_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test gets its own handoff store and spool: nothing is written under var/."""
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DB_URL", url)
    monkeypatch.setenv("HANDOFF_SPOOL_DIR", str(tmp_path / "spool"))
    return url


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """A tracker from tests/data/tracker_base.json with the latest message and slots replaced."""
    base = json.loads((DATA / "tracker_base.json").read_text())

    def build(slots: dict[str, Any] | None = None, **latest_message: Any) -> Tracker:
        state = copy.deepcopy(base)
        state["slots"].update(slots or {})
        state["latest_message"].update(latest_message)
        return Tracker.from_dict(state)

    return build


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()
