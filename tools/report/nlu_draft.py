"""The unanswered questions as a Rasa NLU draft to review (`unanswered_nlu_draft.yml`)."""

from __future__ import annotations

import yaml

from tools.report.conversations import Report
from tools.report.terminal import cluster_headline


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
