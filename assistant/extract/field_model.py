"""MiniLM fine-tuned on the dev calls: P(goal | measures | impediments | none) of one customer sentence.

Frozen MiniLM vectors put "every tech on a tablet" and "techs fix it on the first visit"
close together; the fine-tuned encoder learned what separates an activity from an
outcome, a rejected metric from a kept one. It reads the sentence alone; where the
sentence sits in the call (which question it answers, what the vendor pitched) stays
with the classifier that takes these probabilities as features (features.py).

Trained by `python -m eval.finetune_extractor` (PyTorch, training only); shipped as
int8 ONNX in `assistant/data/field_model.onnx` and run with onnxruntime, like MiniLM.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from ..embeddings import run, session, tokenize  # noqa: F401 - tokenize: the trainer must tokenise exactly as this does
from ..errors import ConfigError

MODEL_FILE = "field_model.onnx"
CLASSES = ("goal", "measures", "impediments", "none")


def shipped_path() -> Path:
    return Path(str(resources.files("assistant") / "data" / MODEL_FILE))


class FieldModel:
    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ConfigError(f"field model missing ({path}); run: python -m eval.finetune_extractor")
        self.session = session(str(path))

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 4) probabilities."""
        if not texts:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        return run(self.session, texts, "logits", _softmax).astype(np.float32)


def _softmax(logits: np.ndarray, _mask: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def shipped() -> FieldModel:
    """Loaded once per process."""
    return FieldModel(shipped_path())
