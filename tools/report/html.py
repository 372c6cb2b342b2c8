"""The report as one self-contained HTML page (charts embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from runtime import settings
from tools.report.conversations import Report
from tools.report.terminal import amount, percent, times


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
