"""A small multinomial logistic regression in numpy: sentence features -> P(goal, measures, impediments, none).

Why numpy and not scikit-learn: the model is a few hundred weights trained on a few
thousand sentences, fitting it is twenty lines of full-batch gradient descent, and the
product then needs no new dependency. Training is deterministic (zero init, fixed
steps), so `python -m eval.train_extractor` reproduces the shipped weights bit for bit
on the same machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

import numpy as np

CLASSES = ("goal", "measures", "impediments", "none")
WEIGHTS_FILE = "extractor.npz"


@dataclass
class SoftmaxModel:
    W: np.ndarray  # (features, classes)
    b: np.ndarray  # (classes,)
    mean: np.ndarray  # feature standardisation, learned on the training set
    std: np.ndarray
    meta: dict[str, float]  # selection thresholds and the settings it was trained with
    question: Optional["SoftmaxModel"] = None  # vendor question vector -> P(topic it asks about), learned from the dev calls

    def proba(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros((0, len(CLASSES)))
        z = ((X - self.mean) / self.std) @ self.W + self.b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        keys = sorted(self.meta)
        q = self.question
        extra = {} if q is None else {"q_W": q.W.astype(np.float32), "q_b": q.b.astype(np.float32)}
        np.savez_compressed(
            path,
            **extra,
            W=self.W.astype(np.float32),
            b=self.b.astype(np.float32),
            mean=self.mean.astype(np.float32),
            std=self.std.astype(np.float32),
            meta_keys=np.array(keys),
            meta_values=np.array([self.meta[k] for k in keys], dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Path) -> "SoftmaxModel":
        with np.load(path, allow_pickle=False) as z:
            meta = dict(zip((str(k) for k in z["meta_keys"]), (float(v) for v in z["meta_values"])))
            question = None
            if "q_W" in z:  # raw vectors in, so no standardisation to store
                d = z["q_W"].shape[0]
                question = cls(z["q_W"].astype(np.float64), z["q_b"].astype(np.float64), np.zeros(d), np.ones(d), {})
            return cls(z["W"].astype(np.float64), z["b"].astype(np.float64), z["mean"].astype(np.float64), z["std"].astype(np.float64), meta, question)


def fit(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray] = None,
    l2: float = 1.0,
    steps: int = 400,
    lr: float = 0.5,
    meta: Optional[dict[str, float]] = None,
    standardise: Optional[int] = None,
) -> SoftmaxModel:
    """Full-batch gradient descent with Nesterov momentum on the weighted, L2-penalised log loss.

    `y` holds class indices into CLASSES. The first `standardise` columns (all when None)
    are standardised, so one `l2` suits them; the rest (embedding vectors) keep the scale
    the caller gave them, which is how a group is regularised harder or softer.
    """
    n, d = X.shape
    k = len(CLASSES)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std < 1e-6] = 1.0
    if standardise is not None:
        mean[standardise:], std[standardise:] = 0.0, 1.0
    Z = (X - mean) / std
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    w = np.ones(n) if sample_weight is None else sample_weight.astype(np.float64)
    w = w / w.sum()
    W = np.zeros((d, k))
    b = np.zeros(k)
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    mom = 0.9
    for _ in range(steps):
        Wl, bl = W + mom * vW, b + mom * vb  # look-ahead
        z = Z @ Wl + bl
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - Y) * w[:, None]
        gW = Z.T @ g + l2 * Wl / n
        gb = g.sum(axis=0)
        vW = mom * vW - lr * gW
        vb = mom * vb - lr * gb
        W, b = W + vW, b + vb
    return SoftmaxModel(W, b, mean, std, dict(meta or {}))


def shipped_path() -> Path:
    return Path(str(resources.files("assistant") / "data" / WEIGHTS_FILE))


_MODEL: Optional[SoftmaxModel] = None


def shipped() -> SoftmaxModel:
    """The weights `python -m eval.train_extractor` wrote, loaded once per process."""
    global _MODEL
    if _MODEL is None:
        from ..errors import ConfigError

        path = shipped_path()
        if not path.is_file():
            raise ConfigError(f"extractor weights missing ({path}); run: python -m eval.train_extractor")
        _MODEL = SoftmaxModel.load(path)
    return _MODEL
