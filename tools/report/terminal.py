"""The report as a terminal table."""

from __future__ import annotations

from collections import Counter

from tools.report.clustering import Cluster
from tools.report.conversations import SAFETY_TIERS, Report

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
