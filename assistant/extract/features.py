"""What the sentence classifier sees: one row of numbers per customer sentence.

Three groups, each chosen because it says something about *meaning or structure*, not
about one call's phrasing:
- context: which discovery question the sentence answers (the vendor question's
  similarity to paraphrased prototype questions, decayed over the turns since it was
  asked), where it sits in its turn and in the call;
- shape: numbers, percentages, money, durations, time expressions, baseline/target
  wording, negation, hedging, length;
- meaning: what MiniLM fine-tuned on the dev calls makes of the sentence alone
  (field_model.py), and the method's cue phrases.

The frozen MiniLM vector of the sentence, its similarity to prototype answers and to its
nearest labelled sentences were features too; once the fine-tuned probabilities were in,
they added nothing (out-of-fold average precision on 109 dev calls: goal .887 without
them, .882 with; measures .944 / .947; impediments .890 / .887) and cost a second
MiniLM pass over every sentence.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .embedded import Sentence

TOPICS = ("goal", "measures", "impediments")

_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", re.I)
_MONEY = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|mm|million|thousand|dollars|euros|pounds)\b", re.I)
_DIGIT = re.compile(r"\d")
_DURATION = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|a couple of|a few)"
    r"[\s-]+(?:business |working |calendar )?(?:days?|hours?|minutes?|weeks?|months?|quarters?|years?)\b",
    re.I,
)
_COMPARE = re.compile(r"\bfrom\b.{1,40}\bto\b|\b(?:under|below|above|over|at least|less than|more than|fewer than|down to|up to|in half|by half|double|halve|cut)\b", re.I)
_NEGATION = re.compile(r"\w+n'?t\b|\bnot\b|\bnever\b|\bno\b|\bnothing\b|\bnobody\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i|we|our|my|us|me|i'm|we're|i'd|we'd|i'll|we'll)\b", re.I)
_YOU = re.compile(r"\b(?:you|your|you're|you'll)\b", re.I)
_HEDGE = re.compile(r"\b(?:could|might|may|would|if|unless|until|risk\w*|worr\w+|concern\w*|afraid|scared|nervous)\b", re.I)
_WANT = re.compile(r"\b(?:want|need|like|hope|wish|goal|aim|target|success\w*|win|dream|ideally|should)\b", re.I)
_PAST = re.compile(r"\b(?:was|were|had|did|last (?:year|month|week|quarter|cycle|time))\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|though|although|instead|rather)\b", re.I)


def text_features(plain: str) -> list[float]:
    """Shape features of one sentence (curly quotes already straightened)."""
    from .embedded import BASELINE, NO_METRIC, NUMBER, NUMBERISH, SMALL_TALK, TARGET, TIME

    n_words = len(plain.split())
    number = bool(NUMBER.search(plain) or NUMBERISH.search(plain))
    baseline, target = bool(BASELINE.search(plain)), bool(TARGET.search(plain))
    return [
        float(number),
        float(bool(_DIGIT.search(plain))),
        float(bool(_PERCENT.search(plain))),
        float(bool(_MONEY.search(plain))),
        float(bool(_DURATION.search(plain))),
        float(bool(TIME.search(plain))),
        float(baseline),
        float(target),
        float(number and baseline and target),
        float(bool(_COMPARE.search(plain))),
        float(bool(NO_METRIC.search(plain))),
        float(bool(_NEGATION.search(plain))),
        float(bool(_FIRST_PERSON.search(plain))),
        float(bool(_YOU.search(plain))),
        float(bool(_HEDGE.search(plain))),
        float(bool(_WANT.search(plain))),
        float(bool(_PAST.search(plain))),
        float(bool(_CONTRAST.search(plain))),
        float(bool(SMALL_TALK.search(plain))),
        math.log(1 + n_words),
        float(n_words < 7),
        float(n_words >= 18),
    ]


TEXT_NAMES = [
    "number", "digit", "percent", "money", "duration", "time", "baseline", "target", "baseline_target",
    "compare", "no_metric", "negation", "first_person", "you", "hedge", "want", "past", "contrast",
    "small_talk", "log_words", "short", "long",
]  # fmt: skip


def context_features(s: "Sentence") -> list[float]:
    """Where the sentence sits: the question it answers, its turn, the call."""
    return [
        *(s.adjacency.get(k, 0.0) for k in TOPICS),
        *(s.qsim.get(k, 0.0) for k in (*TOPICS, "other")),
        *(s.qprob.get(k, 0.0) for k in (*TOPICS, "none")),
        s.decay,
        min(s.customer_since, 6) / 6.0,
        float(s.turn_pos == 0),
        min(s.turn_pos, 5) / 5.0,
        s.call_pos,
        float(s.after_adoption_pitch),
        float(s.first_answer),
    ]


CONTEXT_NAMES = [
    *(f"adj_{k}" for k in TOPICS), *(f"qsim_{k}" for k in (*TOPICS, "other")), *(f"qprob_{k}" for k in (*TOPICS, "none")),
    "decay", "customer_since", "turn_first", "turn_pos", "call_pos", "after_pitch", "first_answer",
]  # fmt: skip


def matrix(sentences: Sequence["Sentence"], cue: dict[str, np.ndarray], fine: np.ndarray) -> np.ndarray:
    """The feature matrix: shape and context, cue scores, and the fine-tuned log-probabilities."""
    if len(sentences) == 0:
        return np.zeros((0, len(NAMES)))
    generic = np.array([text_features(s.plain) + context_features(s) for s in sentences], dtype=np.float64)
    cues = np.stack([cue[k] for k in TOPICS], axis=1)
    return np.hstack([generic, cues, np.log(fine + 1e-4)])


NAMES = TEXT_NAMES + CONTEXT_NAMES + [f"cue_{k}" for k in TOPICS] + [f"fine_{k}" for k in (*TOPICS, "none")]
