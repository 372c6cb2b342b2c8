"""`make report`: what users ask, read from the conversation (tracker) store.

Reads the `events` table of Rasa's SQL tracker store and shows:

- conversations (sessions with at least one user message) and user messages per day;
- answers per FAQ topic: each `action_answer_faq`, its topic from the `last_faq_topic` slot it set
  (the topic actually answered, after context and buttons), else from the curated answer it sent,
  else from the preceding user message's ResponseSelector choice;
- what it could not answer: `nlu_fallback` and `out_of_scope` messages grouped by similarity
  (TF-IDF, agglomerative clustering), with how many people asked and example texts;
- the "Did you mean ...?" choices (the `/faq...` button payloads sent after `action_did_you_mean`);
- handoffs (`action_handoff_to_human` by reason, the safety replies `utter_emergency` and
  `utter_crisis`) and the handoff rate;
- safety replies by tier and red flag (parse data `red_flags`).

Writes a terminal table, a self-contained HTML page (charts inline as base64 PNG) and the
unanswered questions as a Rasa NLU YAML draft (`unanswered_nlu_draft.yml`) to review and edit.
The report quotes patients' words (e-mail addresses and phone numbers masked): keep it as private
as the conversations themselves.

Usage: python -m tools.report [--db PATH | --url SQLALCHEMY_URL] [--out reports/report] [--timezone TZ]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime import settings
from tools.report.conversations import Report, build_report, topic_titles
from tools.report.html import html_page
from tools.report.nlu_draft import nlu_draft
from tools.report.store import engine_url
from tools.report.terminal import terminal_table


def write_outputs(report: Report, out: Path, titles: dict[str, str]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    page, draft = out / "index.html", out / "unanswered_nlu_draft.yml"
    page.write_text(html_page(report, titles), encoding="utf-8")
    draft.write_text(nlu_draft(report), encoding="utf-8")
    return page, draft


def default_timezone() -> str:
    """The clinic's time zone (HANDOFF_TIMEZONE, the office hours' one), else UTC."""
    settings.load()
    name = os.environ.get("HANDOFF_TIMEZONE") or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", type=Path, help="SQLite tracker store (default: the TRACKER_DB setting)")
    source.add_argument("--url", help="SQLAlchemy URL of the tracker store, e.g. postgresql://user@host/rasa")
    parser.add_argument("--out", type=Path, default=settings.ROOT / "reports" / "report")
    parser.add_argument("--timezone", default=None, help="days are counted in it (default: HANDOFF_TIMEZONE)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings.load()
    try:
        url = engine_url(args.db, args.url)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    report = build_report(url, args.timezone or default_timezone())
    titles = topic_titles()
    print(terminal_table(report, titles))
    page, draft = write_outputs(report, args.out, titles)
    print(f"\nWrote {page} and {draft}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
