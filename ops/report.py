"""`make report`: what users ask, read from the conversation (tracker) store.

Reads the `events` table of Rasa's SQL tracker store and shows:

- conversations (sessions with at least one user message) and user messages per day;
- answers per FAQ topic: each `action_answer_faq`, its topic from the `last_faq_topic` slot it set
  (the topic actually answered, after context and buttons), else from the curated answer it sent,
  else from the preceding user message's ResponseSelector choice;
- what it could not answer: `nlu_fallback` and `out_of_scope` messages grouped by similarity
  (TF-IDF, agglomerative clustering), with how many people asked and example texts;
- the "Did you mean ...?" choices (the `/faq...` button payloads sent after `action_did_you_mean`);
- handoffs (`action_handoff_to_human` by reason, `action_safety_reply`) and the handoff rate;
- safety replies by tier and red flag (parse data `red_flags`).

Writes a terminal table, a self-contained HTML page (charts inline as base64 PNG) and the
unanswered questions as a Rasa NLU YAML draft (`unanswered_nlu_draft.yml`) to review and edit.
The report quotes patients' words (e-mail addresses and phone numbers masked): keep it as private
as the conversations themselves.

Usage: python -m ops.report [--db PATH | --url SQLALCHEMY_URL] [--out reports/report] [--timezone TZ]
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
import yaml

from actions.faq_catalog import load_catalog
from ops import settings

SAFETY_TIERS = ("emergency", "urgent", "crisis")
UNANSWERED_INTENTS = {"nlu_fallback": "fallback", "out_of_scope": "out of scope"}
CLUSTER_DISTANCE = 0.85  # cosine distance (average linkage) below which questions are grouped
MAX_EXAMPLES = 3
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"\+?\d[\d ()./-]{5,}\d")


def shown_text(text: str) -> str:
    """A user's message as the report shows it: one line, contact details masked."""
    return mask_contact_details(" ".join(text.split()))


def mask_contact_details(text: str) -> str:
    return PHONE.sub(
        lambda m: "<phone>" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(),
        EMAIL.sub("<e-mail>", text),
    )


# --- Reading the tracker store --------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    sender: str
    type: str
    timestamp: float
    intent: str | None
    action: str | None
    data: dict[str, Any]


def engine_url(db: Path | None, url: str | None) -> str:
    if url:
        return url
    path = db if db is not None else settings.path("TRACKER_DB")
    if not path.exists():
        raise FileNotFoundError(
            f"No tracker store at {path}: start the assistant (make run) first, or pass --db"
        )
    return f"sqlite:///{path}"


def read_events(url: str) -> Iterator[Event]:
    """Every event, grouped by sender, in the order they happened."""
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "ORDER BY sender_id, id"
    )
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return
            for sender, type_name, timestamp, intent, action, data in connection.execute(query):
                try:
                    parsed = json.loads(data) if data else {}
                except ValueError:
                    parsed = {}
                yield Event(sender, type_name, timestamp or 0.0, intent, action, parsed)
    finally:
        engine.dispose()


def by_sender(events: Iterable[Event]) -> Iterator[list[Event]]:
    current: list[Event] = []
    for event in events:
        if current and event.sender != current[0].sender:
            yield current
            current = []
        current.append(event)
    if current:
        yield current


# --- What happened in the conversations -----------------------------------------------------------


@dataclass(frozen=True)
class Unanswered:
    kind: str  # "fallback" or "out of scope"
    text: str
    sender: str


@dataclass
class Cluster:
    name: str  # TODO_<label>, the intent name in the NLU draft
    label: str  # what it is about, e.g. "sciatica"
    texts: list[str]
    people: int
    kinds: Counter[str]

    @property
    def examples(self) -> list[str]:
        counts = Counter(self.texts)
        return [text for text, _ in counts.most_common(MAX_EXAMPLES)]


@dataclass
class Report:
    timezone: str
    first: datetime | None = None
    last: datetime | None = None
    conversations_per_day: Counter[date] = field(default_factory=Counter)
    messages_per_day: Counter[date] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    not_answered_faq: int = 0  # action_answer_faq asked which procedure, or to rephrase
    unanswered: list[Unanswered] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    did_you_mean_offers: int = 0
    did_you_mean_with_buttons: int = 0  # offers that showed guesses (not the second-miss offer of a person)
    did_you_mean_choices: Counter[str] = field(default_factory=Counter)
    handoff_offers: int = 0
    handoffs: Counter[str] = field(default_factory=Counter)
    conversations_with_handoff: int = 0
    safety_tiers: Counter[str] = field(default_factory=Counter)
    safety_flags: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def conversations(self) -> int:
        return sum(self.conversations_per_day.values())

    @property
    def messages(self) -> int:
        return sum(self.messages_per_day.values())

    @property
    def handoff_rate(self) -> float:
        return self.conversations_with_handoff / self.conversations if self.conversations else 0.0


def faq_topic_of_payload(text: str) -> str | None:
    """'/faq{"faq_topic": "discectomy_risks"}' -> 'discectomy_risks'."""
    if not text.startswith("/faq{"):
        return None
    try:
        return json.loads(text[len("/faq") :]).get("faq_topic")
    except ValueError:
        return None


def selected_topic(parse_data: dict[str, Any]) -> str | None:
    """The ResponseSelector's choice (or a button's faq_topic) in a user message's parse data."""
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == "faq_topic":
            return entity.get("value")
    key = (
        parse_data.get("response_selector", {}).get("faq", {}).get("response", {}).get("intent_response_key")
    )
    return key.split("/", 1)[1] if key and "/" in key else None


def safety_tier(parse_data: dict[str, Any]) -> str:
    """The tier action_safety_reply answers with (actions/safety.py): crisis, urgent or emergency."""
    if parse_data.get("intent", {}).get("name") == "crisis":
        return "crisis"
    tiers = {f.get("tier") for f in parse_data.get("red_flags") or []}
    return "urgent" if tiers == {"urgent"} else "emergency"


def did_you_mean_choice(text: str, titles: dict[str, str]) -> str:
    topic = faq_topic_of_payload(text)
    if topic is not None:
        return titles.get(topic, topic)
    if text == "/deny":
        return "Something else"
    if text.startswith("/"):
        return f"{text[1:].split('{', 1)[0]} (button)"
    return "typed a new message"


class ConversationReader:
    """Walks one sender's events and adds what happened to the report."""

    def __init__(self, report: Report, zone: ZoneInfo, titles: dict[str, str]) -> None:
        self.report, self.zone, self.titles = report, zone, titles
        self.handoff_senders: set[tuple[str, int]] = set()

    def read(self, events: Sequence[Event]) -> None:
        report = self.report
        session, session_has_message = 0, False
        slots: dict[str, Any] = {}
        last_user: Event | None = None
        action_since_user: str | None = None  # the last action (not action_listen) since the user spoke
        answer: dict[str, Any] | None = None  # the action_answer_faq being read
        did_you_mean_buttons = False

        for event in events:
            if answer is not None and event.type in ("action", "user", "session_started"):
                self.finish_answer(answer)
                answer = None
            if event.type == "session_started":
                session, session_has_message = session + 1, False
                slots = {}
            elif event.type == "slot":
                slots[event.data.get("name") or event.action] = event.data.get("value")
                if answer is not None and event.data.get("name") == "last_faq_topic":
                    answer["slot"] = event.data.get("value")
            elif event.type == "bot":
                template = (event.data.get("metadata") or {}).get("utter_action") or ""
                if answer is not None and template:
                    answer["templates"].append(template)
                buttons = (event.data.get("data") or {}).get("buttons")
                if action_since_user == "action_did_you_mean" and buttons and not did_you_mean_buttons:
                    did_you_mean_buttons = True
                    report.did_you_mean_with_buttons += 1
            elif event.type == "user":
                text = event.data.get("text") or ""
                moment = datetime.fromtimestamp(event.timestamp, self.zone)
                report.first = min(report.first or moment, moment)
                report.last = max(report.last or moment, moment)
                report.messages_per_day[moment.date()] += 1
                if not session_has_message:
                    session_has_message = True
                    report.conversations_per_day[moment.date()] += 1
                if action_since_user == "action_did_you_mean" and did_you_mean_buttons:
                    report.did_you_mean_choices[did_you_mean_choice(text, self.titles)] += 1
                kind = UNANSWERED_INTENTS.get(event.intent or "")
                if kind and text and not text.startswith("/"):
                    report.unanswered.append(Unanswered(kind, shown_text(text), event.sender))
                last_user, action_since_user, did_you_mean_buttons = event, None, False
            elif event.type == "action" and event.action and event.action != "action_listen":
                action_since_user = event.action
                parse_data = (last_user.data.get("parse_data") or {}) if last_user else {}
                if event.action == "action_answer_faq":
                    answer = {"selected": selected_topic(parse_data), "slot": None, "templates": []}
                elif event.action == "action_did_you_mean":
                    report.did_you_mean_offers += 1
                elif event.action == "action_offer_handoff":
                    report.handoff_offers += 1
                elif event.action == "action_handoff_to_human":
                    report.handoffs[slots.get("handoff_reason") or "user_request"] += 1
                    self.handoff_senders.add((event.sender, session))
                elif event.action == "action_safety_reply":
                    tier = safety_tier(parse_data)
                    report.handoffs["crisis" if tier == "crisis" else "emergency"] += 1
                    self.handoff_senders.add((event.sender, session))
                    report.safety_tiers[tier] += 1
                    flags = {f.get("flag") for f in parse_data.get("red_flags") or [] if f.get("flag")}
                    for flag in sorted(flags) or ["(classifier only)"]:
                        report.safety_flags[(tier, flag)] += 1
        if answer is not None:
            self.finish_answer(answer)

    def finish_answer(self, answer: dict[str, Any]) -> None:
        """The topic answered: the slot the action set, else the curated answer it sent, else (a store
        without response names) the ResponseSelector's choice. None: it asked which one, or to rephrase."""
        uttered = [t.split("/", 1)[1] for t in answer["templates"] if t.startswith("utter_faq/")]
        topic = answer["slot"] or next(iter(uttered), None)
        if topic is None and not answer["templates"]:
            topic = answer["selected"]
        if topic:
            self.report.answers[topic] += 1
        else:
            self.report.not_answered_faq += 1


def topic_titles() -> dict[str, str]:
    return {topic.id: topic.title for topic in load_catalog().topics.values()}


def build_report(url: str, timezone: str) -> Report:
    zone = ZoneInfo(timezone)
    report = Report(timezone)
    reader = ConversationReader(report, zone, topic_titles())
    for events in by_sender(read_events(url)):
        reader.read(events)
    report.conversations_with_handoff = len(reader.handoff_senders)
    report.clusters = cluster_unanswered(report.unanswered)
    return report


# --- Grouping what could not be answered ----------------------------------------------------------


def cluster_unanswered(messages: Sequence[Unanswered], distance: float = CLUSTER_DISTANCE) -> list[Cluster]:
    """Similar questions together: word (1-2 gram, no stop words) and character (2-4 gram)
    TF-IDF, cosine distance, average-linkage agglomerative clustering with a distance threshold."""
    if not messages:
        return []
    texts = [m.text for m in messages]
    unique = sorted({t.lower() for t in texts})
    labels, vocabulary, word_matrix = group_texts(unique, distance)
    cluster_of = {text: label for text, label in zip(unique, labels, strict=True)}
    row_of = {text: row for row, text in enumerate(unique)}

    members: dict[int, list[Unanswered]] = defaultdict(list)
    for message in messages:
        members[cluster_of[message.text.lower()]].append(message)
    clusters = []
    used_names: set[str] = set()
    for group in members.values():
        rows = [row_of[t] for t in sorted({m.text.lower() for m in group})]
        about = cluster_label(rows, vocabulary, word_matrix, [m.text for m in group])
        clusters.append(
            Cluster(
                name=unique_name(f"TODO_{slug(about)}", used_names),
                label=about,
                texts=[m.text for m in group],
                people=len({m.sender for m in group}),
                kinds=Counter(m.kind for m in group),
            )
        )
    clusters.sort(key=lambda c: (-len(c.texts), -c.people, c.label))
    return clusters


def group_texts(texts: Sequence[str], distance: float) -> tuple[list[int], list[str], Any]:
    from scipy.sparse import hstack
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances
    from sklearn.preprocessing import normalize

    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words="english", sublinear_tf=True)
    try:
        word_matrix = words.fit_transform(texts)
        vocabulary = list(words.get_feature_names_out())
    except ValueError:  # only stop words
        word_matrix, vocabulary = None, []
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    char_matrix = characters.fit_transform(texts)
    parts = (
        [normalize(char_matrix)] if word_matrix is None else [normalize(word_matrix), normalize(char_matrix)]
    )
    features = normalize(hstack(parts).tocsr())
    if len(texts) == 1:
        return [0], vocabulary, word_matrix
    clustering = AgglomerativeClustering(
        n_clusters=None, affinity="precomputed", linkage="average", distance_threshold=distance
    )
    labels = clustering.fit_predict(cosine_distances(features))
    return [int(label) for label in labels], vocabulary, word_matrix


def cluster_label(
    rows: Sequence[int], vocabulary: Sequence[str], word_matrix: Any, texts: Sequence[str]
) -> str:
    """What a group is about: the word its questions share most (with its neighbour when the
    pair is shared as often: "neck pain"); a lone question is its own label."""
    distinct = sorted({" ".join(t.split()) for t in texts}, key=len)
    if len(rows) > 1 and word_matrix is not None and vocabulary:
        block = word_matrix[list(rows)]
        shared = (block > 0).sum(axis=0).A1
        weight = block.sum(axis=0).A1
        ranked = sorted(
            (i for i in range(len(vocabulary)) if shared[i]), key=lambda i: (-shared[i], -weight[i])
        )
        unigram = next((i for i in ranked if " " not in vocabulary[i]), None)
        if unigram is not None:
            bigram = next(
                (
                    i
                    for i in ranked
                    if " " in vocabulary[i]
                    and vocabulary[unigram] in vocabulary[i].split()
                    and shared[i] == shared[unigram]
                ),
                None,
            )
            return vocabulary[bigram if bigram is not None else unigram]
    words = distinct[0].split() if distinct else []
    return " ".join(words[:8]) + (" ..." if len(words) > 8 else "") or "other"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "other"


def unique_name(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name}_{number}", number + 1
    used.add(candidate)
    return candidate


# --- Output ---------------------------------------------------------------------------------------


def did_you_mean_left(report: Report) -> list[tuple[str, int]]:
    left = report.did_you_mean_with_buttons - sum(report.did_you_mean_choices.values())
    return [("left without answering", left)] if left > 0 else []


def amount(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def cluster_headline(cluster: Cluster) -> str:
    people = "1 person" if cluster.people == 1 else f"{cluster.people} people"
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(cluster.kinds.items()))
    messages = "1 message" if len(cluster.texts) == 1 else f"{len(cluster.texts)} messages"
    if len({t.lower() for t in cluster.texts}) == 1:
        return f'{people} asked "{cluster.examples[0]}" ({messages}: {kinds})'
    return f"{people} asked about {cluster.label} ({messages}: {kinds})"


def terminal_table(report: Report, titles: dict[str, str]) -> str:
    if report.first is None:
        return "No user messages in the tracker store yet."
    period = f"{report.first:%Y-%m-%d} .. {report.last:%Y-%m-%d} ({report.timezone})"
    rows = [
        f"Conversation report, {period}: {amount(report.conversations, 'conversation')}, "
        f"{amount(report.messages, 'user message')}",
        "",
        f"  {'Day':<12}{'conversations':>14}{'messages':>10}",
    ]
    for day in sorted(report.messages_per_day):
        conversations, messages = report.conversations_per_day[day], report.messages_per_day[day]
        rows.append(f"  {day.isoformat():<12}{conversations:>14}{messages:>10}")
    answered = sum(report.answers.values())
    rows += ["", f"Answers per topic ({amount(answered, 'answer')})"]
    for topic, count in report.answers.most_common():
        rows.append(f"  {count:>5}  {titles.get(topic, topic)}  [{topic}]")
    if report.not_answered_faq:
        rows.append(
            f"  {report.not_answered_faq:>5}  (asked which procedure, or to rephrase, instead of answering)"
        )
    kinds = Counter(m.kind for m in report.unanswered)
    rows += [
        "",
        f"Not answered: {amount(len(report.unanswered), 'message')} ({kinds['fallback']} fallback, "
        f"{kinds['out of scope']} out of scope) in {amount(len(report.clusters), 'group')}",
    ]
    for cluster in report.clusters[:15]:
        rows.append(f"  {cluster_headline(cluster)}")
        rows.append("      " + " | ".join(f'"{text}"' for text in cluster.examples))
    if len(report.clusters) > 15:
        rows.append(f"  ... {len(report.clusters) - 15} more groups in the HTML report")
    next_step = "; what users did next:" if report.did_you_mean_offers else ""
    rows += ["", f'"Did you mean ...?" offered {times(report.did_you_mean_offers)}{next_step}']
    for choice, count in [*report.did_you_mean_choices.most_common(), *did_you_mean_left(report)]:
        rows.append(f"  {count:>5}  {choice}")
    rows += [
        "",
        f"Handoffs: {report.conversations_with_handoff} of {report.conversations} conversations "
        f"({percent(report.conversations_with_handoff, report.conversations)}); a person offered "
        f"{times(report.handoff_offers)}",
    ]
    for reason, count in report.handoffs.most_common():
        rows.append(f"  {count:>5}  {reason}")
    tiers = ", ".join(
        f"{tier} {report.safety_tiers[tier]}" for tier in SAFETY_TIERS if report.safety_tiers[tier]
    )
    rows += ["", f"Safety replies: {sum(report.safety_tiers.values())}" + (f" ({tiers})" if tiers else "")]
    for (tier, flag), count in sorted(report.safety_flags.items(), key=lambda item: (-item[1], item[0])):
        rows.append(f"  {count:>5}  {tier:<10} {flag}")
    return "\n".join(rows)


def chart(kind: str, labels: Sequence[str], series: dict[str, Sequence[float]], title: str) -> str:
    """A matplotlib chart as a data: URI (PNG, base64), so the page needs no other file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = max(2.4, 0.32 * len(labels) + 1.2) if kind == "barh" else 3.2
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    if kind == "barh":
        values = next(iter(series.values()))
        positions = range(len(labels))
        ax.barh(list(positions), values, color="#3b7dd8")
        ax.set_yticks(list(positions), [label[:60] for label in labels])
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        width = 0.8 / len(series)
        for number, (name, values) in enumerate(series.items()):
            ax.bar([i + number * width for i in range(len(labels))], values, width, label=name)
        step = max(1, -(-len(labels) // 30))  # at most ~30 day labels
        centres = [i + width * (len(series) - 1) / 2 for i in range(len(labels))]
        ax.set_xticks(centres[::step], labels[::step], rotation=45, ha="right")
        ax.set_xlim(-0.6, max(len(labels), 7) - 0.4)  # a few days do not become a wall of colour
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend()
    ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{html.escape(alt)}">'


def bar_chart(title: str, series: str, counts: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars of (label, count) pairs, as an image titled and described by `title`."""
    return image(
        chart("barh", [label for label, _ in counts], {series: [n for _, n in counts]}, title), title
    )


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d232b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d5dbe3}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .7rem;border-bottom:1px solid #e4e8ee;
text-align:left;vertical-align:top}th{background:#f3f5f8}img{max-width:100%}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem .8rem}.muted{color:#5c6670}
"""


def html_page(report: Report, titles: dict[str, str]) -> str:
    clinic = settings.get("CLINIC_NAME")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>What users ask: {html.escape(clinic)}</title><style>{STYLE}</style></head><body>",
        f"<h1>What users ask: {html.escape(clinic)}'s spine FAQ assistant</h1>",
        '<p class="note">This page quotes patients\' own words (e-mail addresses and phone numbers are '
        "masked). Keep it as private as the conversations, and delete it when they are purged.</p>",
    ]
    if report.first is None:
        parts += ["<p>No user messages in the tracker store yet.</p>", "</body></html>"]
        return "\n".join(parts)

    parts.append(
        f'<p class="muted">{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d} '
        f"({html.escape(report.timezone)}): "
        f"{amount(report.conversations, 'conversation')}, {amount(report.messages, 'user message')}. "
        f"Generated {datetime.now(ZoneInfo(report.timezone)):%Y-%m-%d %H:%M}.</p>"
    )

    days = sorted(report.messages_per_day)
    parts.append("<h2>Conversations and messages per day</h2>")
    parts.append(
        image(
            chart(
                "bar",
                [d.isoformat() for d in days],
                {
                    "conversations": [report.conversations_per_day[d] for d in days],
                    "user messages": [report.messages_per_day[d] for d in days],
                },
                "Per day",
            ),
            "Conversations and user messages per day",
        )
    )
    parts.append(
        html_table(
            ("Day", "Conversations", "User messages"),
            ((d.isoformat(), report.conversations_per_day[d], report.messages_per_day[d]) for d in days),
        )
    )

    parts.append(f"<h2>Answers per topic ({sum(report.answers.values())})</h2>")
    if report.answers:
        top = report.answers.most_common()
        parts.append(bar_chart("Answers per topic", "answers", [(titles.get(t, t), n) for t, n in top[:25]]))
        parts.append(html_table(("Topic", "Id", "Answers"), ((titles.get(t, t), t, n) for t, n in top)))
    else:
        parts.append("<p>No FAQ answers yet.</p>")
    if report.not_answered_faq:
        parts.append(
            f"<p>{report.not_answered_faq} times the assistant asked which procedure was meant, "
            "or asked to rephrase, instead of answering.</p>"
        )

    kinds = Counter(m.kind for m in report.unanswered)
    parts.append(f"<h2>What it could not answer ({amount(len(report.unanswered), 'message')})</h2>")
    parts.append(
        f"<p>{kinds['fallback']} not understood (fallback), {kinds['out of scope']} out of scope, grouped by "
        f"similarity into {amount(len(report.clusters), 'group')}. <code>unanswered_nlu_draft.yml</code> "
        "next to this page holds them as a Rasa NLU draft: give each group a real intent or FAQ topic, "
        "or delete it.</p>"
    )
    if report.clusters:
        shown = report.clusters[:20]
        parts.append(
            bar_chart("Unanswered questions by group", "messages", [(c.label, len(c.texts)) for c in shown])
        )
        parts.append(
            html_table(
                ("Group", "People", "Messages", "Fallback / out of scope", "Examples", "Draft intent"),
                (
                    (
                        c.label,
                        c.people,
                        len(c.texts),
                        f"{c.kinds['fallback']} / {c.kinds['out of scope']}",
                        " | ".join(c.examples),
                        c.name,
                    )
                    for c in report.clusters
                ),
            )
        )

    parts.append(f'<h2>"Did you mean ...?" ({report.did_you_mean_offers} offered)</h2>')
    if report.did_you_mean_with_buttons or report.did_you_mean_choices:
        parts.append(
            html_table(("What the user did next", "Times"), report.did_you_mean_choices.most_common())
        )
    else:
        parts.append("<p>No choices recorded.</p>")

    parts.append("<h2>Handoffs to a person</h2>")
    parts.append(
        f"<p>{report.conversations_with_handoff} of {report.conversations} conversations "
        f"({percent(report.conversations_with_handoff, report.conversations)}) "
        "were handed to the clinic team; "
        f"a person was offered {times(report.handoff_offers)}. Emergency and crisis replies alert the team "
        "at once.</p>"
    )
    if report.handoffs:
        reasons = report.handoffs.most_common()
        parts.append(bar_chart("Handoffs by reason", "handoffs", reasons))
        parts.append(html_table(("Reason", "Handoffs"), reasons))

    parts.append(f"<h2>Safety replies ({sum(report.safety_tiers.values())})</h2>")
    if report.safety_flags:
        flags = sorted(report.safety_flags.items(), key=lambda item: (-item[1], item[0]))
        labelled = [(f"{tier}: {flag}", n) for (tier, flag), n in flags]
        parts.append(bar_chart("Safety replies by tier and red flag", "messages", labelled))
        parts.append(html_table(("Tier", "Red flag", "Messages"), ((t, f, n) for (t, f), n in flags)))
    else:
        parts.append("<p>No emergency, urgent or crisis messages.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


class LiteralDumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks (`examples: |`), as Rasa's own files write them."""


LiteralDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def nlu_example(text: str) -> str:
    """One line, and no [text](entity) markup that Rasa would read as an annotation."""
    return " ".join(text.split()).replace("[", "(").replace("]", ")")


def nlu_draft(report: Report) -> str:
    lines = [
        "# Questions the assistant could not answer (nlu_fallback and out_of_scope), grouped by similarity:",
        "# a DRAFT made by `make report`. For each group: rename TODO_... to an existing intent or FAQ topic",
        "# (faq/<topic>), or a new one with an answer and a rule, or delete the group. Check every line for",
        "# personal details before it goes into data/nlu/.",
        'version: "3.1"',
    ]
    if not report.clusters:
        return "\n".join([*lines, "nlu: []", ""])
    lines.append("nlu:")
    for cluster in report.clusters:
        examples = list(dict.fromkeys(nlu_example(t) for t in cluster.texts if nlu_example(t)))
        block = [{"intent": cluster.name, "examples": "".join(f"- {e}\n" for e in examples)}]
        lines.append("# " + " ".join(cluster_headline(cluster).split()))
        lines.append(
            yaml.dump(block, Dumper=LiteralDumper, sort_keys=False, allow_unicode=True, width=1000).rstrip()
        )
    return "\n".join(lines) + "\n"


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
