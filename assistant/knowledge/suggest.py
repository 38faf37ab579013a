"""Add Expertise: the practices of successful customers that answer what this customer said.

Every customer quote (goal, measures, impediments) is a query. A practice is shown only
if it clearly matches one of those quotes, and its `why` quotes the customer's exact
words. Maximal marginal relevance keeps near-duplicates out, so five suggestions say
five different things.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..config import Settings, get_settings
from ..embeddings import embed
from ..models import Extraction, Plan, Quote, Suggestion
from .index import Hit, doc_vectors, ensure_index, query

# Cosine similarity (MiniLM) a quote must reach against a practice's phrase or text to
# count as "clearly matches": paraphrases of one goal score ~0.6-0.85, loosely related
# business sentences ~0.3-0.45, unrelated ones ~0.
MIN_SIMILARITY = 0.5
MMR_LAMBDA = 0.7  # relevance vs. novelty
DUPLICATE = 0.75  # whole-practice cosine: paraphrased practices ~0.8, distinct ones in one segment ~0.45
PER_QUERY = 40  # nearest vectors fetched per quote

TOPIC_LABEL = {"goal": "goal", "measures": "measure", "impediments": "impediment"}


def _why(topic: str, quote: Quote, hit: Hit) -> str:
    segment = hit.segment.replace("-", " ") if hit.segment else "our"
    return (
        f"Matches your {TOPIC_LABEL[topic]}: \u201c{quote.text}\u201d \u2014 "
        f"what successful {segment} customers did: {hit.title}"
    )


def mmr(relevance: dict[str, float], vectors: dict[str, np.ndarray], k: int) -> list[str]:
    """Pick k ids, each time the most relevant one that is least like those already picked."""
    chosen: list[str] = []
    pool = sorted(relevance, key=lambda i: -relevance[i])
    while pool and len(chosen) < k:
        best, best_val = None, -np.inf
        for pid in pool:
            v = vectors.get(pid)
            overlap = max((float(v @ vectors[c]) for c in chosen if v is not None and c in vectors), default=0.0)
            if overlap >= DUPLICATE:
                continue
            val = MMR_LAMBDA * relevance[pid] - (1 - MMR_LAMBDA) * overlap
            if val > best_val:
                best, best_val = pid, val
        if best is None:
            break
        chosen.append(best)
        pool.remove(best)
    return chosen


def suggest(extraction: Extraction, plan: Plan, settings: Optional[Settings] = None, k: int = 5) -> list[Suggestion]:
    """Up to k practices, each answering a quote of this customer's; [] when nothing matches."""
    quotes = [(t, q) for t, q in extraction.quotes() if q.text.strip()]
    if not quotes or k <= 0:
        return []
    settings = settings or get_settings()
    col = ensure_index(settings)
    if col.count() == 0:
        return []
    # The plan goal widens the candidate pool; only customer quotes can justify a suggestion.
    texts = [q.text for _, q in quotes] + ([plan.goal] if plan.goal.strip() else [])
    per_query = query(col, embed(texts), n=PER_QUERY)

    best: dict[str, tuple[float, str, Quote, Hit]] = {}
    for (topic, q), hits in zip(quotes, per_query):
        for pid, hit in hits.items():
            if hit.score >= MIN_SIMILARITY and (pid not in best or hit.score > best[pid][0]):
                best[pid] = (hit.score, topic, q, hit)
    if not best:
        return []
    relevance = {pid: v[0] for pid, v in best.items()}
    picked = mmr(relevance, doc_vectors(col, list(best)), k)
    out = []
    for pid in picked:
        score, topic, q, hit = best[pid]
        out.append(
            Suggestion(practice_id=pid, title=hit.title, text=hit.text, why=_why(topic, q, hit), score=round(score, 3))
        )
    return out
