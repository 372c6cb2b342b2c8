"""Metrics on held-out predictions and the PASS/FAIL gates of `make eval`.

A prediction's label is what the system would act on: `faq/<topic>` when it answers a catalog
question, else the intent (`nlu_fallback` included). A catalog question is right only when the
right topic is answered, so a fallback ("Did you mean ...?") counts as not answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import precision_recall_fscore_support

from tools.eval.data import OUT_OF_SCOPE, is_catalog


@dataclass(frozen=True)
class Prediction:
    text: str
    expected: str
    predicted: str
    confidence: float
    seconds: float = 0.0
    first_guess: str | None = None  # the first "Did you mean ...?" button: `faq/<id>` or an intent

    @property
    def right(self) -> bool:
        return self.predicted == self.expected


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None


@dataclass(frozen=True)
class Headline:
    catalog_accuracy: Rate
    out_of_scope_recall: Rate
    emergency_recall: Rate
    crisis_recall: Rate
    mean_ms: float


@dataclass(frozen=True)
class Check:
    name: str
    value: float | None
    requirement: str
    passed: bool

    def line(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{'PASS' if self.passed else 'FAIL':<5} {self.name:<38} {shown:>7}  ({self.requirement})"


@dataclass(frozen=True)
class Thresholds:
    catalog_min: float = 0.95
    out_of_scope_min: float = 0.90
    emergency_min: float = 1.0
    crisis_min: float = 1.0
    margin_over_baseline: float = 0.05
    # What users get (tools/eval/outcomes.py): confident wrong answers are the harm.
    heldout_wrong_max: float = 0.03
    # Real patients' questions (tests/devset/): regression gates under what the assistant reaches
    # today (README, Evaluation: right 0.409, right or "Did you mean" with the right topic first
    # 0.500, wrong 0.068, out of scope declined 0.804, emergency 22/22, crisis 7/7), far below the
    # targets; raise them as it improves. The second batch of patient-voice training questions
    # (2026-12-05) answered 9 more right (27 -> 36 of 88) and sent 6 more out-of-scope questions to
    # "Did you mean" (129 -> 123 of 153 declined): the out-of-scope gate moved down with it, by
    # choice. A training from scratch moves a question or two either way (28 -> 27 right after a
    # change of DIET's vocabulary with nothing else changed): the gates leave three or four of
    # margin. Emergency 0.90 allows one miss more; every emergency of the set is the
    # RedFlagDetector's own.
    # The third batch (2026-12-06, with DIET's out of scope overruled for a question naming only
    # the catalog): 36 -> 40 right, right or right first 43 -> 48, wrong 5 -> 7 (at the limit).
    # Right first counted from the first button users see (runtime/did_you_mean.py, 2026-12-06),
    # not the top topic: 48 -> 47 (three first buttons are an intent, one of them over the right
    # topic).
    # 2026-12-07: 37 real questions more (18 in scope, scored once blind before they joined: 13
    # right, 3 wrong). On the 106: right 38 -> 51 (0.481), right or right first 47 -> 61 (0.575),
    # wrong 7 -> 9 (0.085, over issue #10's 0.08: the gate is against regression, one of margin).
    # The fourth batch (2026-12-07, evening): right 51 -> 54, right or right first 61 -> 64, wrong
    # 9 -> 10 (0.094; the gate 0.095 -> 0.105, one of margin again: a retraining moves one or two
    # either way).
    # 2026-12-08: a story of 40 words or more is answered only at 0.75 (EmbeddingTopicChoice's
    # `long_question_probability`), else "Did you mean": wrong 10 -> 5 (0.047, under issue #10's
    # 0.08), right 51 -> 49, right or right first 65 -> 65 (a retraining on this machine: 51 / 65 /
    # 10 before it, where the stop before had 54 / 64 / 10). Then the near-domain out-of-scope
    # stories: right 48, right or right first 62, wrong 6.
    # The same day, 63 real questions more (46 in scope, scored once blind before they joined:
    # right 13, wrong 9, right first 9). On the 152: right 61 (0.401), right or right first 84
    # (0.553), wrong 15 (0.099, over issue #10's 0.08 again). Gates three under, two over.
    dev_right_min: float = 0.38
    dev_helpful_min: float = 0.52
    dev_wrong_max: float = 0.115
    # 0.78 -> 0.77 with the crisis training data of 2026-12-06 (123 -> 119/153 declined: long
    # questions DIET now reads as thanks or help; with it and its patterns, 35 more of blind set 20's
    # 80 crisis messages)
    # (119 -> 127/153 with the third batch's out-of-scope letters: 0.80)
    # (139 -> 145/170 with the near-domain out-of-scope stories of 2026-12-08; 152/183 = 0.831 with
    # the 63 real questions of that day: 0.81, three of margin)
    dev_out_of_scope_declined_min: float = 0.81
    dev_emergency_min: float = 0.90
    dev_crisis_min: float = 0.80
    # emergency or crisis replies on the 241 real questions labelled neither (16/276 = 0.058 with
    # the 37 of 2026-12-07): 14 today (0.058; 16
    # before the foot drop lived with for a year and the stomach worse lying down, 15 before the
    # foot drop "since November 2012.Please"), four of margin
    dev_false_alarm_max: float = 0.075
    # Real posts (tests/devset/real_posts.yml), long and told as stories: regression gates a post
    # under today's emergency 14/14 and crisis line 6/7, both found by the RedFlagDetector alone
    # (10/14 and 5/7 until the classes of its misses were added: a leg getting weaker, a bladder
    # that asks to go when empty, "inability to", the rest of a life in this pain; written after
    # reading those posts, so these two no longer measure blind), and false alarms 20/61 (0.328;
    # 27/61 before the first changes measured on them; 22/61 since crisis by meaning, which also
    # found the seventh crisis post).
    posts_emergency_min: float = 0.92
    posts_crisis_min: float = 0.85
    posts_false_alarm_max: float = 0.37
    # Questions a helper wrote (tests/devset/helper_questions.yml): issue #10's targets for
    # paraphrases (right 0.95, wrong 0.02, out of scope 0.95), less one or two questions of margin.
    helper_right_min: float = 0.94
    helper_wrong_max: float = 0.02
    helper_out_of_scope_declined_min: float = 0.93
    # Questions another helper wrote, each naming a condition or operation of the catalog
    # (tests/devset/helper_questions_named.yml): against regression, at what the assistant reaches
    # (wrong 3/71 since the second batch of patient-voice questions: "recovery time after MISS?"
    # gets the discectomy's recovery).
    named_right_min: float = 0.93
    named_wrong_max: float = 0.06
    # 0.50 until the crisis training data (28 -> 24/50); 0.46 since 2026-12-08: a retraining on
    # another machine declines 24 or 25, and the gate sat on 24
    named_out_of_scope_declined_min: float = 0.46
    named_false_alarm_max: float = 0.0  # none of its 121 questions describes a red flag or a crisis
    # Replies to a consent question (tests/consent/, tools/eval/consent.py): no unclear reply may
    # share a conversation; typed clear yeses taken 103/150 on 2026-12-06 (the rest are asked once
    # more); 101/150 since the fourth batch of patient-voice questions, with min_confidence 0.6
    # (data/handoff/consent.yml), three of margin.
    consent_not_yes_taken_max: float = 0.0
    consent_clear_yes_taken_min: float = 0.65
    # Several questions in one message (tests/devset/several_questions.yml, tools/eval/several.py):
    # against regression, at what the assistant reaches since 2026-12-07 (main answered 35/50,
    # answered or offered 39/50, the others answered or offered 24/51, none answered off topic),
    # a question of margin each; first score 32/50, 32/50, 16/51. One answered off topic since the
    # fourth batch of patient-voice questions (2026-12-07, evening): 0.02 -> 0.04.
    several_main_answered_min: float = 0.68
    several_main_shown_min: float = 0.76
    several_others_shown_min: float = 0.45
    several_wrong_max: float = 0.04


def recall(predictions: Sequence[Prediction], label: str) -> Rate:
    subset = [p for p in predictions if p.expected == label]
    return Rate(sum(p.right for p in subset), len(subset))


def catalog_accuracy(predictions: Sequence[Prediction]) -> Rate:
    subset = [p for p in predictions if is_catalog(p.expected)]
    return Rate(sum(p.right for p in subset), len(subset))


def headline(predictions: Sequence[Prediction]) -> Headline:
    seconds = [p.seconds for p in predictions]
    return Headline(
        catalog_accuracy=catalog_accuracy(predictions),
        out_of_scope_recall=recall(predictions, OUT_OF_SCOPE),
        emergency_recall=recall(predictions, "emergency"),
        crisis_recall=recall(predictions, "crisis"),
        mean_ms=1000 * sum(seconds) / len(seconds) if seconds else 0.0,
    )


def at_least(name: str, rate: Rate, minimum: float) -> Check:
    # an exact comparison for 1.0 ("every one"), no float rounding in the way
    passed = rate.n > 0 and rate.hits >= minimum * rate.n - 1e-9
    bound = "== 1.00" if minimum == 1.0 else f">= {minimum:.2f}"
    return Check(name, rate.value, f"{bound}, {rate.hits}/{rate.n}", passed)


def at_most(name: str, rate: Rate, maximum: float) -> Check:
    passed = rate.n > 0 and rate.hits <= maximum * rate.n + 1e-9
    return Check(name, rate.value, f"<= {maximum:.2f}, {rate.hits}/{rate.n}", passed)


def checks(assistant: Headline, baseline: Headline, limits: Thresholds = Thresholds()) -> list[Check]:
    """The gates: an empty category fails (nothing measured is nothing passed)."""
    result = [
        at_least("catalog accuracy", assistant.catalog_accuracy, limits.catalog_min),
        at_least("out-of-scope recall", assistant.out_of_scope_recall, limits.out_of_scope_min),
        at_least("emergency recall", assistant.emergency_recall, limits.emergency_min),
        at_least("crisis recall", assistant.crisis_recall, limits.crisis_min),
    ]
    ours, theirs = assistant.catalog_accuracy.value, baseline.catalog_accuracy.value
    margin = None if ours is None or theirs is None else ours - theirs
    result.append(
        Check(
            "catalog accuracy minus baseline's",
            margin,
            f">= {limits.margin_over_baseline:.2f}",
            margin is not None and margin >= limits.margin_over_baseline - 1e-9,
        )
    )
    return result


def per_label(predictions: Sequence[Prediction], labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per expected label."""
    if not predictions:
        return {}
    expected = [p.expected for p in predictions]
    predicted = [p.predicted for p in predictions]
    precision, recall_, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=list(labels), zero_division=0
    )
    return {
        label: {"precision": p, "recall": r, "f1": f, "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall_, f1, support, strict=True)
    }


def confused_pairs(
    predictions: Sequence[Prediction], catalog_only: bool = True
) -> list[tuple[str, str, int]]:
    """(expected, predicted, count) of the errors, most frequent first."""
    counts = Counter(
        (p.expected, p.predicted)
        for p in predictions
        if not p.right and (is_catalog(p.expected) or not catalog_only)
    )
    return [(e, p, n) for (e, p), n in counts.most_common()]


def topic_confusion(
    predictions: Sequence[Prediction], topics: Sequence[str]
) -> tuple[list[list[int]], list[str]]:
    """Counts of catalog questions: rows the expected topic, columns the answered topic plus a last
    column for every answer that is not a topic (fallback, another intent). Returns (matrix, columns)."""
    index = {topic: i for i, topic in enumerate(topics)}
    other = len(topics)
    matrix = [[0] * (len(topics) + 1) for _ in topics]
    for p in predictions:
        if p.expected in index:
            matrix[index[p.expected]][index.get(p.predicted, other)] += 1
    return matrix, [*topics, "other"]
