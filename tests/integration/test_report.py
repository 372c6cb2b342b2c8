"""`make report` over a tracker store filled by a real conversation with the real servers."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.report.clustering import Cluster, Unanswered, cluster_unanswered
from tools.report.conversations import Report, build_report, topic_titles
from tools.report.nlu_draft import nlu_draft
from tools.report.privacy import shown_text
from tools.report.run import main as report_main
from tools.report.terminal import terminal_table

OUT_OF_SCOPE = ("what's the best pizza place in town", "where can I get a good pizza")
GIBBERISH = "the disc one"  # nlu_fallback: "Did you mean ...?"
EMERGENCY = "since this morning I can't feel anything down there and I can't pee"


@pytest.fixture(scope="session")
def tracker_db(assistant_dir: Path) -> Path:
    """Where the session's servers keep their conversations (TRACKER_DB of the `assistant` fixture)."""
    return assistant_dir / "tracker.db"


@pytest.fixture(scope="module")
def conversation(chat) -> dict[str, Any]:
    """One patient's conversation and another's emergency, over the REST channel."""
    patient, other = f"report-{uuid.uuid4().hex[:8]}", f"report-{uuid.uuid4().hex[:8]}"
    chat(patient, "hello")
    chat(patient, "what is a discectomy")
    chat(patient, "what is spinal stenosis")
    for text in OUT_OF_SCOPE:
        assert chat(patient, text)[-1]["text"].startswith("Sorry, I can only help with general questions")
    did_you_mean = chat(patient, GIBBERISH)[-1]
    assert did_you_mean["text"] == "Sorry, I'm not sure I understood. Did you mean:"
    choice = did_you_mean["buttons"][0]
    chat(patient, choice["payload"])
    emergency = chat(other, EMERGENCY)
    assert any("Call 911 now" in message.get("text", "") for message in emergency)
    return {"choice": choice}


@pytest.fixture(scope="module")
def result(conversation, tracker_db: Path, tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    assert report_main(["--db", str(tracker_db), "--out", str(out), "--timezone", "UTC"]) == 0
    return {"report": build_report(f"sqlite:///{tracker_db}", "UTC"), "out": out}


def cluster_with(report: Report, text: str) -> Cluster:
    return next(c for c in report.clusters if text in c.texts)


def test_topics_answered_are_counted(result, conversation):
    report = result["report"]
    assert report.conversations >= 2 and report.messages >= 8
    assert report.answers["what_is_discectomy"] >= 1
    assert report.answers["what_is_spinal_stenosis"] >= 1
    chosen_title = conversation["choice"]["title"]
    assert report.did_you_mean_offers >= 1
    assert report.did_you_mean_choices[chosen_title] >= 1


def test_unanswered_questions_are_grouped_with_examples(result):
    report = result["report"]
    pizza = cluster_with(report, OUT_OF_SCOPE[0])
    assert pizza.kinds["out of scope"] >= 1 and pizza.people >= 1
    assert cluster_with(report, GIBBERISH).kinds["fallback"] >= 1
    table = terminal_table(report, topic_titles())
    assert OUT_OF_SCOPE[0] in table and GIBBERISH in table


def test_emergency_is_counted_by_tier_and_flag_and_as_a_handoff(result):
    report = result["report"]
    assert report.safety_tiers["emergency"] >= 1
    assert report.safety_flags[("emergency", "saddle_numbness")] >= 1
    assert report.safety_flags[("emergency", "bladder_bowel")] >= 1
    assert report.handoffs["emergency"] >= 1
    assert 0 < report.handoff_rate < 1


def test_html_page_is_self_contained(result):
    page = (result["out"] / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|iframe)\b", page)
    sources = re.findall(r'src="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "what&#x27;s the best pizza place in town" in page  # escaped, not raw markup
    assert "What is a discectomy?" in page


def test_nlu_draft_holds_the_unanswered_questions(result):
    draft_text = (result["out"] / "unanswered_nlu_draft.yml").read_text(encoding="utf-8")
    draft = yaml.safe_load(draft_text)
    assert draft["version"] == "3.1"
    blocks = {block["intent"]: block["examples"] for block in draft["nlu"]}
    assert all(name.startswith("TODO_") for name in blocks)
    examples = {line[2:] for text in blocks.values() for line in text.splitlines()}
    assert {*OUT_OF_SCOPE, GIBBERISH} <= examples
    assert EMERGENCY not in examples


def test_nlu_draft_escapes_awkward_texts_so_rasa_reads_them_back():
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    awkward = [
        'is "MISS" covered: yes or no?',
        "# what about my [neck](body) pain",
        "two\nlines  with   spaces ",
        "- starts with a dash",
        "email me at jane@example.org or 555 123 4567",
    ]
    report = Report("UTC")
    report.clusters = cluster_unanswered([Unanswered("fallback", shown_text(t), "s") for t in awkward])
    data = RasaYAMLReader().reads(nlu_draft(report))
    texts = {message.get("text") for message in data.intent_examples}
    assert 'is "MISS" covered: yes or no?' in texts
    assert "# what about my (neck)(body) pain" in texts
    assert "two lines with spaces" in texts
    assert "- starts with a dash" in texts
    assert "email me at <e-mail> or <phone>" in texts


def test_missing_store_is_one_line_and_status_1(tmp_path, capsys):
    assert report_main(["--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "out")]) == 1
    assert "No tracker store at" in capsys.readouterr().err
