"""The evaluation's pictures. Figures are built without pyplot (no global state, no display needed)
and saved separately, so a test can read a figure's labels back before it is written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

NOT_A_TOPIC = "(no topic: fallback or another intent)"


def confusion_figure(
    matrix: Sequence[Sequence[int]], row_labels: Sequence[str], column_labels: Sequence[str], title: str
) -> Figure:
    """Rows: the expected topic; columns: the answered one. Counts are written in non-empty cells."""
    counts = np.asarray(matrix)
    rows, columns = counts.shape
    fig = Figure(figsize=(max(12, 0.5 * columns + 9), max(10, 0.45 * rows + 8)))
    ax = fig.add_subplot()
    image = ax.imshow(counts, cmap="Blues", aspect="auto")
    ax.set_xticks(range(columns))
    ax.set_xticklabels(column_labels, rotation=60, ha="right", rotation_mode="anchor", fontsize=9)
    ax.set_yticks(range(rows))
    ax.set_yticklabels(row_labels, fontsize=9)
    ax.set_xlabel("answered topic", fontsize=11)
    ax.set_ylabel("expected topic", fontsize=11)
    ax.set_title(title, fontsize=13)
    dark = counts.max() / 2 if counts.size else 0
    for (i, j), value in np.ndenumerate(counts):
        if value:
            color = "white" if value > dark else "black"
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color=color)
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    fig.tight_layout()
    return fig


def confidence_figure(
    right: Sequence[float], wrong: Sequence[float], title: str, threshold: float | None = None
) -> Figure:
    """Histogram of confidences of right and wrong predictions, with the fallback threshold."""
    fig = Figure(figsize=(10, 6))
    ax = fig.add_subplot()
    bins = np.linspace(0.0, 1.0, 21)
    ax.hist(right, bins=bins, alpha=0.7, color="tab:green", label=f"right ({len(right)})")
    ax.hist(wrong, bins=bins, alpha=0.7, color="tab:red", label=f"wrong ({len(wrong)})")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"fallback threshold {threshold:g}")
    ax.set_yscale("log")
    ax.set_xlabel("confidence", fontsize=11)
    ax.set_ylabel("questions (log scale)", fontsize=11)
    ax.set_title(title, fontsize=13)
    ax.legend()
    fig.tight_layout()
    return fig


def save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path
