"""The baseline a user might pick instead of Rasa: TF-IDF nearest neighbour over the training questions.

A question gets the label of the most similar training question (cosine similarity of TF-IDF
vectors: word 1-2 grams + char_wb 2-4 grams); below a similarity threshold it is out of scope.
The threshold is chosen on the training data only, by leave-one-out: each training question
is classified by its nearest *other* training question, and the threshold with the best
accuracy wins (the middle one when several tie).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from tools.eval.data import OUT_OF_SCOPE

THRESHOLD_GRID = np.round(np.arange(0.0, 1.0, 0.01), 2)


def make_vectorizer() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
        ]
    )


@dataclass
class NearestNeighbourBaseline:
    threshold: float | None = None  # None: chosen by leave-one-out in fit()
    fallback_label: str = OUT_OF_SCOPE
    vectorizer: FeatureUnion = field(default_factory=make_vectorizer)
    labels: np.ndarray = field(default_factory=lambda: np.array([]))
    matrix: sparse.csr_matrix | None = None
    leave_one_out_accuracy: float | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> NearestNeighbourBaseline:
        self.matrix = self._embed(texts, fit=True)
        self.labels = np.asarray(labels, dtype=object)
        if self.threshold is None:
            self.threshold, self.leave_one_out_accuracy = self._choose_threshold()
        return self

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(label, similarity of the nearest training question) per text."""
        similarities = (self._embed(texts) @ self.matrix.T).toarray()
        nearest = similarities.argmax(axis=1)
        best = similarities[np.arange(len(texts)), nearest]
        return [
            (self.labels[i] if s >= self.threshold else self.fallback_label, float(s))
            for i, s in zip(nearest, best, strict=True)
        ]

    def _embed(self, texts: Sequence[str], fit: bool = False) -> sparse.csr_matrix:
        features = self.vectorizer.fit_transform(texts) if fit else self.vectorizer.transform(texts)
        return normalize(sparse.csr_matrix(features))

    def _choose_threshold(self) -> tuple[float, float]:
        similarities = (self.matrix @ self.matrix.T).toarray()
        np.fill_diagonal(similarities, -1.0)
        nearest = similarities.argmax(axis=1)
        best = similarities[np.arange(len(nearest)), nearest]
        neighbour_right = self.labels[nearest] == self.labels
        is_fallback = self.labels == self.fallback_label
        # below the threshold the answer is the fallback label: right only for out-of-scope questions
        accuracies = np.array(
            [np.where(best >= t, neighbour_right, is_fallback).mean() for t in THRESHOLD_GRID]
        )
        tied = np.flatnonzero(accuracies == accuracies.max())
        chosen = tied[len(tied) // 2]
        return float(THRESHOLD_GRID[chosen]), float(accuracies[chosen])
