"""New training questions too close to an evaluation message, by meaning.

Training data written after an evaluation set exists can come near its wording without anyone
copying it, and a set the model was trained on by paraphrase no longer measures what it did.
Before training data joins `data/nlu/`, this lists each of its examples whose all-MiniLM-L6-v2
embedding (the encoder the pipeline uses, offline) is within `--threshold` cosine of any message
of the evaluation sets under `tests/`, with that message; the examples listed are left out.

    python -m tools.overlap data/nlu/new_batch.yml [--threshold 0.85] [--keep-to kept.yml]

Exits 1 when any example is listed, unless `--keep-to` wrote the others to a new NLU file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from runtime.nlu.sentence_encoder import configured_model_dir, load_encoder
from tools.eval.data import Example, example_texts, load_examples, yaml_files

ROOT = Path(__file__).resolve().parent.parent
EVALUATION_SETS = ROOT / "tests"
# Keys whose values label or describe a message, never a message itself.
NOT_MESSAGES = frozenset(
    {"source", "label", "note", "flag", "flags", "main", "others", "secondary", "purpose", "matching"}
    | {"expect_terms", "intent", "version", "count", "red_flag_count", "topic", "expected"}
)


@dataclass(frozen=True)
class Overlap:
    text: str
    nearest: str
    similarity: float


def messages_in(content: object, key: str | None = None) -> Iterator[str]:
    """Every message of a parsed evaluation file: `examples` blocks line by line, and each other
    string of more than one word that is no label or description."""
    if key in NOT_MESSAGES:
        return
    if isinstance(content, dict):
        for child_key, value in content.items():
            yield from messages_in(value, str(child_key))
    elif isinstance(content, list):
        for item in content:
            yield from messages_in(item)
    elif isinstance(content, str):
        texts = example_texts(content) if key == "examples" else [content.strip()]
        yield from (text for text in texts if len(text.split()) > 1)


def evaluation_messages(folder: Path = EVALUATION_SETS) -> list[str]:
    """The messages of every YAML file under `folder`, each once."""
    found: dict[str, None] = {}
    for file in yaml_files(folder):
        found.update(dict.fromkeys(messages_in(yaml.safe_load(file.read_text(encoding="utf-8")))))
    return list(found)


def overlaps(
    candidates: Iterable[str],
    references: list[str],
    threshold: float,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> list[Overlap]:
    """The candidates within `threshold` cosine of a reference, each with its nearest one."""
    encode = encode or load_encoder(str(configured_model_dir(None))).encode_all
    texts = list(candidates)
    if not texts or not references:
        return []
    similarity = encode(texts) @ encode(references).T  # unit vectors: cosine
    nearest = similarity.argmax(axis=1)
    return [
        Overlap(text, references[int(index)], float(similarity[row, index]))
        for row, (text, index) in enumerate(zip(texts, nearest, strict=True))
        if similarity[row, index] >= threshold
    ]


def write_kept(examples: list[Example], left_out: set[str], path: Path) -> int:
    """The examples not left out, as a Rasa NLU file grouped by intent in their order; how many."""
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        if example.text not in left_out:
            by_intent.setdefault(example.label, []).append(example.text)
    blocks = [
        f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {text}\n" for text in texts)
        for intent, texts in by_intent.items()
    ]
    path.write_text('version: "3.1"\nnlu:\n' + "".join(blocks), encoding="utf-8")
    return sum(map(len, by_intent.values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="NLU YAML files of new training data")
    parser.add_argument("--threshold", type=float, default=0.85, help="cosine (default 0.85)")
    parser.add_argument("--keep-to", type=Path, help="write the examples not listed to this NLU file")
    args = parser.parse_args(argv)
    examples = load_examples(*args.files)
    found = overlaps([example.text for example in examples], evaluation_messages(), args.threshold)
    for overlap in found:
        print(f"{overlap.similarity:.3f}  {overlap.text}\n       nearest: {overlap.nearest}")
    print(f"{len(found)} of {len(examples)} examples within {args.threshold} of an evaluation message.")
    if args.keep_to:
        kept = write_kept(examples, {overlap.text for overlap in found}, args.keep_to)
        print(f"{kept} kept in {args.keep_to}.")
        return 0
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
