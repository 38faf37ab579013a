"""A memory of labelled sentences: how close a customer sentence sits to ones people labelled.

The classifier's weights over the MiniLM vector are one direction per field, and a goal can
be said in more ways than one direction covers ("keep the account and grow it", "the lines
choose to stay with us"). So each sentence is also compared with labelled sentences: the dev
calls' customer sentences and a bank of written examples (`answer_bank.tsv`, none taken
from a call). The mean similarity of its K nearest per class is a feature, next to the rest.
The trainer builds each dev call's features from a memory of the *other* calls, so a call
never finds its own labels; the shipped memory holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

CLASSES = ("goal", "measures", "impediments", "none", "trap")  # trap: a must-not line, an activity, a rejected metric, a denied obstacle
K = 5
BANK_TEXT = "answer_bank.tsv"  # label TAB customer sentence, written by people for training
BANK_LABELS = {"goal": "goal", "measures": "measures", "impediments": "impediments", "none": "none",
               "activity": "trap", "adoption": "trap", "denied": "trap"}  # fmt: skip


@dataclass
class Memory:
    vecs: np.ndarray  # (n, 384) unit vectors
    labels: np.ndarray  # (n,) index into CLASSES

    def near(self, vecs: np.ndarray) -> np.ndarray:
        """(len(vecs), len(CLASSES)): mean cosine of the K most similar sentences of each class."""
        out = np.zeros((len(vecs), len(CLASSES)))
        if len(vecs) == 0 or len(self.vecs) == 0:
            return out
        sims = np.asarray(vecs, dtype=np.float32) @ np.asarray(self.vecs, dtype=np.float32).T
        for k in range(len(CLASSES)):
            s = sims[:, self.labels == k]
            if s.shape[1]:
                kk = min(K, s.shape[1])
                out[:, k] = np.partition(s, s.shape[1] - kk, axis=1)[:, -kk:].mean(axis=1)
        return out

    @classmethod
    def join(cls, parts: list["Memory"]) -> "Memory":
        return cls(np.vstack([p.vecs for p in parts]).astype(np.float32), np.concatenate([p.labels for p in parts]).astype(np.int8))


def read_bank() -> list[tuple[str, str]]:
    """(class, sentence) rows of the written bank, classes as in CLASSES."""
    text = (resources.files("assistant") / "data" / BANK_TEXT).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip()]
    return [(BANK_LABELS[label], sentence) for label, sentence in rows]


def features(near: np.ndarray) -> np.ndarray:
    """The similarities, and each field's margin over plain and over trap sentences."""
    if len(near) == 0:
        return np.zeros((0, len(NAMES)))
    return np.hstack([near, near[:, :3] - near[:, 3:4], near[:, :3] - near[:, 4:5]])


NAMES = [f"near_{k}" for k in CLASSES] + [f"near_{k}_vs_none" for k in CLASSES[:3]] + [f"near_{k}_vs_trap" for k in CLASSES[:3]]
