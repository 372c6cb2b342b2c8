"""Grouping what could not be answered by similarity (TF-IDF, agglomerative clustering)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CLUSTER_DISTANCE = 0.85  # cosine distance (average linkage) below which questions are grouped
MAX_EXAMPLES = 3


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
