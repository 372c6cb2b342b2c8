"""What a user gets, per question: the split that shows the harm, not only the accuracy.

A catalog question is answered right, sent to "Did you mean ...?" (helpful only when the right
topic is its first button), answered with a wrong topic (the harm: a confident wrong answer), or
declined (out of scope, a personal-advice reply without an answer, another intent). An
out-of-scope question should be declined; a wrong topic is the harm there too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tools.eval.data import FALLBACK, OUT_OF_SCOPE, is_catalog
from tools.eval.metrics import Check, Prediction, Rate, Thresholds, at_least, at_most, recall

RIGHT = "right"
DID_YOU_MEAN_RIGHT_FIRST = "did you mean, right topic first"
DID_YOU_MEAN = "did you mean, other first"
WRONG = "wrong topic"
DECLINED = "declined"
CATALOG_OUTCOMES = (RIGHT, DID_YOU_MEAN_RIGHT_FIRST, DID_YOU_MEAN, WRONG, DECLINED)
DECLINING = {OUT_OF_SCOPE, "personal_advice"}
ALARMS = {"emergency", "crisis"}


def outcome(p: Prediction) -> str:
    """The outcome of a catalog question."""
    if p.predicted == p.expected:
        return RIGHT
    if p.predicted == FALLBACK:
        return DID_YOU_MEAN_RIGHT_FIRST if p.first_guess == p.expected else DID_YOU_MEAN
    return WRONG if is_catalog(p.predicted) else DECLINED


@dataclass(frozen=True)
class Split:
    counts: dict[str, int]
    n: int

    def rate(self, *outcomes: str) -> Rate:
        return Rate(sum(self.counts.get(o, 0) for o in outcomes), self.n)

    @property
    def right(self) -> Rate:
        return self.rate(RIGHT)

    @property
    def wrong(self) -> Rate:
        return self.rate(WRONG)

    @property
    def helpful(self) -> Rate:
        """Answered right, or "Did you mean" with the right topic as its first button."""
        return self.rate(RIGHT, DID_YOU_MEAN_RIGHT_FIRST)

    @property
    def did_you_mean(self) -> Rate:
        return self.rate(DID_YOU_MEAN_RIGHT_FIRST, DID_YOU_MEAN)


def catalog_split(predictions: Sequence[Prediction]) -> Split:
    catalog = [p for p in predictions if is_catalog(p.expected)]
    return Split(dict(Counter(outcome(p) for p in catalog)), len(catalog))


def out_of_scope_declined(predictions: Sequence[Prediction]) -> Rate:
    subset = [p for p in predictions if p.expected == OUT_OF_SCOPE]
    return Rate(sum(p.predicted in DECLINING for p in subset), len(subset))


def out_of_scope_answered(predictions: Sequence[Prediction]) -> Rate:
    """Out-of-scope questions given a spine answer: the harm on that side."""
    subset = [p for p in predictions if p.expected == OUT_OF_SCOPE]
    return Rate(sum(is_catalog(p.predicted) for p in subset), len(subset))


def false_alarms(predictions: Sequence[Prediction]) -> Rate:
    """Messages with no red flag and no crisis that get the emergency or crisis reply."""
    subset = [p for p in predictions if p.expected not in ALARMS]
    return Rate(sum(p.predicted in ALARMS for p in subset), len(subset))


def outcome_checks(
    heldout: Sequence[Prediction],
    dev: Sequence[Prediction],
    helper: Sequence[Prediction],
    named: Sequence[Prediction],
    posts: Sequence[Prediction],
    limits: Thresholds,
) -> list[Check]:
    """Gates on what users get: wrong answers on the held-out set, the dev sets of real questions
    and real posts (gated against regression at what the assistant reaches, see README), the
    helper-written questions (at the issue's targets for paraphrases, where the assistant reaches
    them) and those naming the catalog (against regression)."""
    split = catalog_split(dev)
    return [
        at_most("held-out wrong-topic answers", catalog_split(heldout).wrong, limits.heldout_wrong_max),
        at_least("real questions answered right", split.right, limits.dev_right_min),
        at_least("real questions right or right first", split.helpful, limits.dev_helpful_min),
        at_most("real questions wrong-topic answers", split.wrong, limits.dev_wrong_max),
        at_least(
            "real out-of-scope declined", out_of_scope_declined(dev), limits.dev_out_of_scope_declined_min
        ),
        at_least("real emergency recall", recall(dev, "emergency"), limits.dev_emergency_min),
        at_least("real crisis recall", recall(dev, "crisis"), limits.dev_crisis_min),
        at_most("real questions false alarms", false_alarms(dev), limits.dev_false_alarm_max),
        at_least("real posts emergency recall", recall(posts, "emergency"), limits.posts_emergency_min),
        at_least("real posts crisis recall", recall(posts, "crisis"), limits.posts_crisis_min),
        at_most("real posts false alarms", false_alarms(posts), limits.posts_false_alarm_max),
        *written_set_checks(
            "helper-written",
            helper,
            (limits.helper_right_min, limits.helper_wrong_max, limits.helper_out_of_scope_declined_min),
        ),
        *written_set_checks(
            "catalog-named",
            named,
            (limits.named_right_min, limits.named_wrong_max, limits.named_out_of_scope_declined_min),
        ),
        at_most("catalog-named false alarms", false_alarms(named), limits.named_false_alarm_max),
    ]


def written_set_checks(
    name: str, predictions: Sequence[Prediction], limits: tuple[float, float, float]
) -> list[Check]:
    """A helper-written set's gates: right at least, wrong at most, out of scope declined at least."""
    right_min, wrong_max, declined_min = limits
    split = catalog_split(predictions)
    return [
        at_least(f"{name} answered right", split.right, right_min),
        at_most(f"{name} wrong-topic answers", split.wrong, wrong_max),
        at_least(f"{name} out of scope declined", out_of_scope_declined(predictions), declined_min),
    ]


def split_rows(name: str, predictions: Sequence[Prediction]) -> list[str]:
    """One table row per set: the split in percent, and the out-of-scope and safety rates."""
    split = catalog_split(predictions)

    def pct(rate: Rate) -> str:
        return "n/a" if rate.value is None else f"{100 * rate.value:.1f}% ({rate.hits}/{rate.n})"

    return [
        name,
        pct(split.right),
        f"{pct(split.did_you_mean)}, {split.counts.get(DID_YOU_MEAN_RIGHT_FIRST, 0)} right first",
        pct(split.wrong),
        pct(split.rate(DECLINED)),
        pct(out_of_scope_declined(predictions)),
        pct(out_of_scope_answered(predictions)),
        pct(recall(predictions, "emergency")),
        pct(recall(predictions, "crisis")),
        pct(false_alarms(predictions)),
    ]


SPLIT_HEADER = [
    "set", "right", "did you mean", "wrong topic", "declined",
    "out of scope declined", "out of scope answered", "emergency recall", "crisis recall",
    "false alarms",
]  # fmt: skip


def split_table(rows: Sequence[Sequence[str]]) -> str:
    """Sets as columns, measures as rows: the sets side by side."""
    lines = []
    for i, label in enumerate(SPLIT_HEADER):
        lines.append(f"{label:<24}" + "".join(f"{row[i]:>36}" for row in rows))
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
