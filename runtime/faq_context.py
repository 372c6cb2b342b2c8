"""Follow-up questions without a topic: answered for the subject in context, or asked about.

After an answer about discectomy, "how long is recovery?" means discectomy recovery even
when the classifier picked minimally invasive surgery; with nothing in context the user
is asked which subject they mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runtime.catalog import Catalog, Topic


@dataclass(frozen=True)
class Resolution:
    topic_id: str | None  # the topic to answer, or None when the user must choose
    choices: list[Topic] = field(default_factory=list)


def resolve_topic(
    catalog: Catalog, predicted: str, names_a_subject: bool, context_topic: str | None
) -> Resolution:
    family = catalog.family(predicted)
    if names_a_subject or len(family) < 2:
        return Resolution(predicted)
    context = catalog.topics.get(context_topic) if context_topic else None
    if context is not None and context.subject in family:
        return Resolution(family[context.subject].id)
    return Resolution(None, choices=list(family.values()))
