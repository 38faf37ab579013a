"""Add Expertise: the practices of successful customers that answer what this customer said.

Every customer quote (goal, measures, impediments) is a query. A practice is shown only
if it clearly matches one of those quotes (cosine >= MIN_SIMILARITY against one of its
phrases or its text), and its `why` quotes the customer's exact words. Ranking mixes that
match with how well the whole practice fits everything the customer said, so a lone
word in common ("sales", "two weeks") does not outrank the practices of the customer's
own field. Maximal marginal relevance keeps near-duplicates out, so five suggestions
say five different things. `score` is the match similarity.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..config import Settings, get_settings
from ..embeddings import embed
from ..extract.grounding import clause_spans, sentence_spans
from ..models import Extraction, Plan, Quote, Suggestion
from .index import Hit, ensure_index, expand, query

# Cosine similarity (MiniLM) a quote must reach against a practice's phrase or text to
# count as "clearly matches": paraphrases of one goal score ~0.6-0.85, loosely related
# business sentences ~0.3-0.45, unrelated ones ~0.
MIN_SIMILARITY = 0.5
MMR_LAMBDA = 0.7  # relevance vs. novelty
DUPLICATE = 0.75  # whole-practice cosine: paraphrased practices ~0.8, distinct ones in one segment ~0.45
PER_QUERY = 40  # nearest vectors fetched per quote
CANDIDATE = 0.45  # a looser bar for gathering candidates; MIN_SIMILARITY decides
MAX_CANDIDATES = 25  # re-scored exactly; bounds the vectors fetched back from the index
CONTEXT_WEIGHT = 0.5  # share of the ranking from the whole practice vs. all the customer's quotes

MIN_EXCERPT_WORDS = 6  # a clause shorter than this ("which I want below 2%") means little alone
TOPIC_LABEL = {"goal": "goal", "measures": "measure", "impediments": "impediment"}


def _excerpts(text: str) -> list[str]:
    """A quote's sentences and their longer clauses: each an exact span of the customer's words."""
    out = []
    for a, b in sentence_spans(text):
        out.append(text[a:b])
        out += [text[x:y] for x, y in clause_spans(text, a, b) if (x, y) != (a, b) and len(text[x:y].split()) >= MIN_EXCERPT_WORDS]
    return out or [text]


def _why(topic: str, excerpt: str, hit: Hit) -> str:
    """The customer's words it answers: the part of the quote nearest the practice, not the whole
    quote, so five suggestions from one long goal each say which part they answer."""
    segment = hit.segment.replace("-", " ") if hit.segment else "our"
    return f"Matches your {TOPIC_LABEL[topic]}: \u201c{excerpt}\u201d \u2014 what successful {segment} customers did"


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
    # Every quote (and the plan goal) finds candidates; then each candidate's relevance to
    # each customer quote is computed exactly over all its vectors. Only customer quotes
    # can justify a suggestion: the plan goal only widens the pool.
    texts = [q.text for _, q in quotes] + ([plan.goal] if plan.goal.strip() else [])
    vecs = embed([expand(t) for t in texts])
    found: dict[str, float] = {}
    for hits in query(col, vecs, n=PER_QUERY):
        for pid, h in hits.items():
            if h.score >= CANDIDATE:
                found[pid] = max(h.score, found.get(pid, 0.0))
    candidates = sorted(found, key=lambda pid: -found[pid])[:MAX_CANDIDATES]
    if not candidates:
        return []
    got = col.get(where={"practice_id": {"$in": candidates}}, include=["embeddings", "metadatas"])
    qv = vecs[: len(quotes)]
    centroid = qv.mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    best: dict[str, tuple[float, str, Quote, Hit, np.ndarray]] = {}  # match, topic, quote, practice, matched vector
    doc: dict[str, np.ndarray] = {}
    for meta, emb in zip(got["metadatas"], got["embeddings"]):
        v = np.asarray(emb, dtype=np.float32)
        pid = meta["practice_id"]
        if meta["topic"] == "practice":
            doc[pid] = v
        sims = qv @ v
        i = int(np.argmax(sims))
        if sims[i] >= MIN_SIMILARITY and (pid not in best or sims[i] > best[pid][0]):
            hit = Hit(
                practice_id=pid, title=meta["title"], text=meta["text"], segment=meta["segment"],
                score=float(sims[i]), matched=meta["matched"], topic=meta["topic"],
            )  # fmt: skip
            best[pid] = (float(sims[i]), quotes[i][0], quotes[i][1], hit, v)
    if not best:
        return []
    # rank by the match, nudged by how well the whole practice fits the whole call
    relevance = {
        pid: (1 - CONTEXT_WEIGHT) * v[0] + CONTEXT_WEIGHT * float(centroid @ doc[pid]) if pid in doc else v[0]
        for pid, v in best.items()
    }
    picked = mmr(relevance, doc, k)
    parts = {pid: _excerpts(best[pid][2].text) for pid in picked}
    needed = sorted({x for p in parts.values() for x in p})
    part_vecs = dict(zip(needed, embed(needed)))
    out = []
    for pid in picked:
        score, topic, q, hit, v = best[pid]
        excerpt = max(parts[pid], key=lambda x: float(part_vecs[x] @ v))
        out.append(
            Suggestion(practice_id=pid, title=hit.title, text=hit.text, why=_why(topic, excerpt, hit), score=round(score, 3))
        )
    return out
