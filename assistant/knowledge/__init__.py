"""The Bullseye knowledge base: practices of successful customers, indexed and suggested.

corpus.py  files -> validated Practice objects
index.py   Practice -> chroma (built on first use, re-synced when files change) -> search
suggest.py the practices that answer this customer's quotes, diverse, each with why
bench.py   search latency, build time and memory, for `callplan bench`
"""

from .corpus import Practice, corpus_root, load_corpus, parse_practice
from .index import Hit, SyncReport, add, ensure_index, search, sync
from .suggest import suggest


def bench(n_synthetic: int = 10_000, **kwargs) -> dict:
    """Numbers for `callplan bench` (see bench.py); imported lazily, it is not needed at run time."""
    from .bench import run

    return run(n_synthetic=n_synthetic, **kwargs)


__all__ = [
    "Hit", "Practice", "SyncReport", "add", "bench", "corpus_root", "ensure_index", "load_corpus",
    "parse_practice", "search", "suggest", "sync",
]  # fmt: skip
