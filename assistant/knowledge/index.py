"""The practices index: chroma, built from the corpus files on first use and kept in step.

Each practice is stored as several vectors that share its id: the whole practice
(`<id>::doc`) and each applies_to phrase (`<id>::goals:0` ...). A customer's sentence
matches a short phrase in the customer's words far more sharply than a paragraph, and
the matched phrase says why a practice was chosen. Every vector carries the practice's
content hash, so a re-sync touches only what changed.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import numpy as np

from ..config import Settings, get_settings
from ..embeddings import ChromaEmbedding, embed
from ..errors import BackendError, ConfigError
from .corpus import Practice, corpus_root, fingerprint, load_corpus, parse_practice, practices_dir

COLLECTION = "practices"
# Bump when what is embedded changes (document text, acronyms): every entry is re-embedded.
INDEX_VERSION = "2"
_lock = threading.RLock()
_CACHE_SIZE = 10_000  # ~15 MB of vectors: phrases recur across practices and re-syncs
_vector_cache: dict[str, np.ndarray] = {}
LONG_TEXT = 160  # characters; ~40 tokens


# Business acronyms customers and practices use interchangeably with their spelled-out form;
# the embedding model does not know that "DSO" is "days sales outstanding".
ACRONYMS = {
    "DSO": "days sales outstanding", "AP": "accounts payable", "AR": "accounts receivable",
    "PO": "purchase order", "POs": "purchase orders", "POD": "proof of delivery", "PODs": "proofs of delivery",
    "SLA": "service level agreement", "SLAs": "service level agreements", "CSAT": "customer satisfaction",
    "NPS": "net promoter score", "FCR": "first contact resolution", "AHT": "average handle time",
    "MTTR": "mean time to repair", "MTBF": "mean time between failures", "OEE": "overall equipment effectiveness",
    "OTIF": "on time in full", "CAC": "customer acquisition cost", "CAB": "change advisory board",
    "SOC": "security operations center", "SDR": "sales development rep", "MQL": "marketing qualified lead",
    "ERP": "ERP system", "CRM": "CRM system", "HRIS": "HR system", "EHR": "electronic health record",
    "WISMO": "where is my order", "FNOL": "first notice of loss", "SIU": "special investigations unit",
    "NDA": "non-disclosure agreement", "NDAs": "non-disclosure agreements", "KPI": "key metric",
    "BI": "business intelligence", "FTE": "full-time staff", "CSM": "customer success manager",
}  # fmt: skip
_ACRONYM = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ACRONYMS), key=len, reverse=True)) + r")\b")


def expand(text: str) -> str:
    """"DSO" -> "DSO (days sales outstanding)", so either form matches the other."""
    return _ACRONYM.sub(lambda m: f"{m.group(1)} ({ACRONYMS[m.group(1)]})", text)


def _embed_small_batches(texts: list[str]) -> np.ndarray:
    """Long texts in batches of 8: with 128-token inputs a batch of 64 needs ~400 MB more
    memory in onnxruntime and is slower on 2 cores; short phrases go 64 at a time."""
    out, i = [], 0
    while i < len(texts):
        n = 8 if len(texts[i]) > LONG_TEXT else 64
        chunk = texts[i : i + n]
        if n == 64 and len(chunk[-1]) > LONG_TEXT:
            chunk = [t for t in chunk if len(t) <= LONG_TEXT]
        out.append(embed([expand(t) for t in chunk]))
        i += len(chunk)
    return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def embed_cached(texts: list[str]) -> np.ndarray:
    """embed(), reusing vectors for texts already embedded in this process."""
    missing = sorted(dict.fromkeys(t for t in texts if t not in _vector_cache), key=len)
    if missing:
        for t, v in zip(missing, _embed_small_batches(missing)):
            if len(_vector_cache) >= _CACHE_SIZE:
                _vector_cache.pop(next(iter(_vector_cache)))
            _vector_cache[t] = v
        if any(t not in _vector_cache for t in texts):  # evicted within this call: embed directly
            return _embed_small_batches(texts)
    return np.stack([_vector_cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    total: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed; "
            f"{self.total} practices indexed"
        )


@dataclass
class Hit:
    """One practice found for a query: its best similarity and what matched."""

    practice_id: str
    title: str
    text: str
    segment: str
    score: float  # cosine similarity of the best-matching vector
    matched: str  # the applies_to phrase (or "practice") that matched best
    topic: str  # goals | measures | impediments | practice


def client(settings: Optional[Settings] = None):
    """A chroma server when CALLPLAN_CHROMA_URL is set, else a persistent index in the data dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = settings or get_settings()
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        u = urlparse(settings.chroma_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ConfigError(f"CALLPLAN_CHROMA_URL {settings.chroma_url!r} is not a URL like http://host:8000")
        ssl = u.scheme == "https"
        try:
            return chromadb.HttpClient(
                host=u.hostname, port=u.port or (443 if ssl else 8000), ssl=ssl, settings=chroma_settings
            )
        except Exception as e:  # connection refused, bad TLS, ...
            raise BackendError(f"cannot reach the chroma server at {settings.chroma_url} ({e}); is it running?") from e
    path = settings.ensure_data_dir() / "chroma"
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def collection(settings: Optional[Settings] = None, name: str = COLLECTION):
    """The practices collection, always with our embedding function (chroma's default downloads)."""
    return client(settings).get_or_create_collection(
        name, embedding_function=ChromaEmbedding(), configuration={"hnsw": {"space": "cosine"}}
    )


def _vectors(p: Practice) -> list[tuple[str, str, str, str]]:
    """(vector id, text, topic, matched phrase) for one practice."""
    rows = [(f"{p.id}::doc", p.document(), "practice", p.title)]
    counts: dict[str, int] = {}
    for topic, phrase in p.applies_to.phrases():
        i = counts[topic] = counts.get(topic, -1) + 1
        rows.append((f"{p.id}::{topic}:{i}", phrase, topic, phrase))
    return rows


def _upsert(col, practices: list[Practice], batch: int = 4000) -> None:
    rows = []
    for p in practices:
        h = _entry_hash(p)
        for vid, text, topic, matched in _vectors(p):
            meta = {
                "practice_id": p.id, "hash": h, "topic": topic, "matched": matched,
                "title": p.title, "text": p.text, "segment": p.segment,
            }  # fmt: skip
            rows.append((vid, text, meta))
    rows.sort(key=lambda r: len(r[1]))  # similar lengths per batch: less padding, faster embedding
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        docs = [r[1] for r in chunk]
        col.upsert(
            ids=[r[0] for r in chunk], documents=docs, metadatas=[r[2] for r in chunk], embeddings=embed_cached(docs)
        )


def _entry_hash(p: Practice) -> str:
    return f"{p.content_hash()}-v{INDEX_VERSION}"


def _fingerprint(root: Path) -> str:
    return f"{fingerprint(root)}-v{INDEX_VERSION}"


def _existing(col) -> dict[str, tuple[str, list[str]]]:
    """practice id -> (hash, vector ids) currently in the index."""
    got = col.get(include=["metadatas"])
    out: dict[str, tuple[str, list[str]]] = {}
    for vid, meta in zip(got["ids"], got["metadatas"]):
        pid = meta.get("practice_id", vid)
        out.setdefault(pid, (meta.get("hash", ""), []))[1].append(vid)
    return out


def sync(root: Optional[Path] = None, settings: Optional[Settings] = None, pin: bool = False) -> SyncReport:
    """Make the index equal the corpus: add new, update edited, remove deleted practices.

    `pin`: remember this directory, so the automatic re-check follows it rather than the
    configured corpus (what `callplan knowledge sync DIR` means).
    """
    settings = settings or get_settings()
    root = Path(root) if root else corpus_root(settings)
    practices = load_corpus(root)  # validates everything before touching the index
    with _lock:
        col = collection(settings)
        have = _existing(col)
        report = SyncReport(total=len(practices))
        changed = []
        for p in practices:
            old = have.get(p.id)
            if old is None:
                report.added.append(p.id)
                changed.append(p)
            elif old[0] != _entry_hash(p):
                report.updated.append(p.id)
                changed.append(p)
        wanted = {p.id for p in practices}
        stale = [vid for pid, (_, vids) in have.items() if pid not in wanted for vid in vids]
        report.removed = sorted(pid for pid in have if pid not in wanted)
        # an edited practice may have fewer phrases now: drop its old vectors first
        stale += [vid for p in changed if p.id in have for vid in have[p.id][1]]
        if stale:
            col.delete(ids=stale)
        if changed:
            _upsert(col, changed)
        meta = dict(col.metadata or {})
        meta["fingerprint"] = _fingerprint(root)
        if pin:
            meta["pinned_dir"] = str(root.resolve())
        else:
            meta.pop("pinned_dir", None)
        col.modify(metadata=meta or None)
    return report


def ensure_index(settings: Optional[Settings] = None):
    """The collection, re-synced first if the corpus files changed (a cheap fingerprint check)."""
    settings = settings or get_settings()
    with _lock:
        col = collection(settings)
        meta = col.metadata or {}
        pinned = meta.get("pinned_dir")
        pin = bool(pinned) and Path(pinned).is_dir()
        root = Path(pinned) if pin else corpus_root(settings)
        if meta.get("fingerprint") != _fingerprint(root) or (pinned and not pin):
            sync(root, settings, pin=pin)
            col = collection(settings)
    return col


def query(col, vectors: np.ndarray, n: int) -> list[dict[str, Hit]]:
    """For each query vector: practice id -> best Hit among the nearest `n` vectors."""
    count = col.count()
    if count == 0 or len(vectors) == 0:
        return [{} for _ in range(len(vectors))]
    res = col.query(
        query_embeddings=[v for v in vectors], n_results=min(n, count), include=["metadatas", "distances"]
    )
    out = []
    for metas, dists in zip(res["metadatas"], res["distances"]):
        best: dict[str, Hit] = {}
        for meta, d in zip(metas, dists):
            pid = meta["practice_id"]
            sim = 1.0 - float(d)
            if pid not in best or sim > best[pid].score:
                best[pid] = Hit(
                    practice_id=pid, title=meta["title"], text=meta["text"], segment=meta["segment"],
                    score=sim, matched=meta["matched"], topic=meta["topic"],
                )  # fmt: skip
        out.append(best)
    return out


def search(text: str, k: int = 5, settings: Optional[Settings] = None) -> list[Hit]:
    """The k practices nearest a free-text query (one entry per practice)."""
    return search_in(ensure_index(settings), text, k)


def search_in(col, text: str, k: int = 5) -> list[Hit]:
    """Search one collection as it is (no corpus re-check); the benchmark calls this too."""
    hits = query(col, embed([expand(text)]), n=max(k * 8, 40))[0]
    return sorted(hits.values(), key=lambda h: -h.score)[:k]


def doc_vectors(col, practice_ids: list[str]) -> dict[str, np.ndarray]:
    """Whole-practice vectors, for telling near-duplicate practices apart."""
    if not practice_ids:
        return {}
    got = col.get(ids=[f"{pid}::doc" for pid in practice_ids], include=["embeddings", "metadatas"])
    return {m["practice_id"]: np.asarray(e, dtype=np.float32) for m, e in zip(got["metadatas"], got["embeddings"])}


def add(file: Path, settings: Optional[Settings] = None) -> tuple[Path, SyncReport]:
    """Validate a practice file, copy it into the corpus (practices/), and sync the index."""
    import shutil

    settings = settings or get_settings()
    practice = parse_practice(Path(file))  # InputError names the file and the problem
    root = corpus_root(settings)
    dest_dir = practices_dir(root)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{practice.id}.md"
    if Path(file).resolve() != dest.resolve():
        shutil.copyfile(file, dest)
    return dest, sync(root, settings)
