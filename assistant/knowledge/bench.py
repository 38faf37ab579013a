"""Numbers for the knowledge index: search latency, index build time, memory.

`run()` builds the real corpus into a fresh local index, and a synthetic corpus of
n practices (deterministic, written like the real ones) into another, then times
searches after a warm-up. The synthetic index is kept under the data dir
(bench/synthetic-<n>-<generator>-<index version>) so later runs measure search without paying the build again;
its first build time is stored with it and reported as such.
"""

from __future__ import annotations

import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from ..config import Settings, get_settings
from ..models import Extraction, Plan, Quote
from .corpus import AppliesTo, Practice, corpus_root, load_corpus
from .index import INDEX_VERSION, _upsert, _vector_cache, client, search_in

GENERATOR_VERSION = "v1"

# What customers say on discovery calls, across functions: the search workload.
QUERIES = [
    "nobody owns the invoice exceptions so they sit for weeks",
    "we want to close the books in five days instead of twelve",
    "our DSO is 52 days and we want it under 40",
    "new hires wait a week for a laptop and accounts",
    "tickets bounce between tier one and tier two",
    "first contact resolution is stuck at sixty percent",
    "sales managers wait on the BI team for pipeline reports",
    "reps spend Friday afternoons updating the CRM",
    "marketing leads go cold before sales calls them",
    "we cannot tell which campaigns produce pipeline",
    "critical vulnerabilities stay open for months",
    "business owners will not give us downtime for patches",
    "shipments leave late because pick lists arrive after noon",
    "drivers re-key delivery notes at the depot",
    "teachers spend hours on grading paperwork",
    "student attendance data reaches counsellors too late",
    "claims denials come back weeks after the visit",
    "nurses chart twice, on paper and in the system",
    "password reset tickets are a third of our queue",
    "nobody knows who approves access requests",
    "contracts wait in legal for three weeks",
    "purchase orders are raised after the invoice arrives",
    "machine downtime is logged on whiteboards",
    "customers renew late because nobody reviews value before renewal",
    "our executive sponsor left and the new one does not know the plan",
    "we want churn under five percent this year",
    "hiring managers take ten days to give interview feedback",
    "the month end close depends on one spreadsheet only Maria understands",
    "claims handlers chase the same documents three times",
    "permits take ninety days to approve",
]

ROLES = ["AP lead", "controller", "support manager", "sales manager", "HR business partner", "security lead",
         "warehouse supervisor", "head of IT", "clinic manager", "procurement lead", "plant manager",
         "claims team lead", "marketing ops manager", "principal", "legal ops lead", "CS manager"]  # fmt: skip
THINGS = ["invoice exceptions", "support tickets", "purchase orders", "access requests", "new-hire checklists",
          "contract reviews", "pick lists", "patch approvals", "pipeline reports", "claim files",
          "maintenance work orders", "student referrals", "denied claims", "vendor records", "renewal reviews",
          "campaign leads", "close tasks", "shipment exceptions", "policy endorsements", "permit applications"]  # fmt: skip
ACTS = ["owns and clears", "reviews the oldest", "triages", "signs off", "reassigns", "closes out",
        "checks the causes of", "publishes a list of"]  # fmt: skip
CADENCES = ["every morning", "before noon each day", "every Monday", "each Friday", "twice a week",
            "at each shift handover", "within one business day", "before month end"]  # fmt: skip
OUTCOMES = ["nothing ages past a week", "the backlog stops growing", "the same error is fixed once at the source",
            "customers get an answer the same day", "the team stops chasing by email",
            "leaders see the top causes each week", "cycle time falls by a third", "audits find no gaps"]  # fmt: skip
METRICS = ["cycle time", "backlog age", "first contact resolution", "days sales outstanding", "error rate",
           "time to productivity", "on-time shipments", "mean time to patch", "renewal rate", "denial rate"]  # fmt: skip
FUNCTIONS = ["finance-ops", "support", "hr", "security", "logistics", "sales", "marketing", "it", "healthcare",
             "education", "legal", "procurement", "manufacturing", "insurance", "customer-success", "operations"]  # fmt: skip


def synthetic_practices(n: int, seed: int = 0) -> list[Practice]:
    """n practices written from templates: unique bodies, phrases drawn from a shared pool."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        role, thing, act = rnd.choice(ROLES), rnd.choice(THINGS), rnd.choice(ACTS)
        cadence, outcome, metric = rnd.choice(CADENCES), rnd.choice(OUTCOMES), rnd.choice(METRICS)
        other = rnd.choice(ROLES)
        fn = rnd.choice(FUNCTIONS)
        text = (
            f"The {role} {act} {thing} {cadence}, with the {other} as the single escalation point. "
            f"Each item gets a named owner and a due date in the shared queue, so {outcome}. "
            f"Once a month the {role} and the {other} review {metric} together and retire one recurring cause "
            f"(practice {i})."
        )
        out.append(
            Practice(
                id=f"synthetic-{i:05d}",
                title=f"The {role} {act} {thing} {cadence}",
                functions=[fn],
                industries=["any"],
                applies_to=AppliesTo(
                    goals=[f"improve {metric}", f"get {thing} under control"],
                    measures=[metric, f"{thing} per week"],
                    impediments=[f"nobody owns {thing}", f"{thing} wait for the {other}"],
                ),
                bullseye=fn,
                bullseye_fields=["key_processes"],
                source="method",
                text=text,
            )
        )
    return out


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], object], n: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "n": n,
    }


def _fresh_collection(path: Path, name: str):
    from ..embeddings import ChromaEmbedding

    settings = Settings(data_dir=path)
    return client(settings).get_or_create_collection(
        name, embedding_function=ChromaEmbedding(), configuration={"hnsw": {"space": "cosine"}}
    )


def _latency(col, rounds: int) -> dict:
    queries = iter(QUERIES * (rounds + 2))
    return _timed(lambda: search_in(col, next(queries), k=5), n=len(QUERIES) * rounds)


def run(
    n_synthetic: int = 10_000,
    rounds: int = 3,
    settings: Optional[Settings] = None,
    echo: Callable[[str], None] = print,
) -> dict:
    """Measure and print; returns the numbers as a dict (for `callplan bench`)."""
    from ..embeddings import get_model
    from .suggest import suggest

    settings = settings or get_settings()
    results: dict = {"rss_start_mb": round(_rss_mb(), 1)}
    t = time.perf_counter()
    get_model()
    results["model_load_s"] = round(time.perf_counter() - t, 2)

    # the real corpus, built from scratch into a throwaway index
    practices = load_corpus(corpus_root(settings))
    with tempfile.TemporaryDirectory(prefix="callplan-bench-") as tmp:
        col = _fresh_collection(Path(tmp), "practices")
        _vector_cache.clear()
        t = time.perf_counter()
        _upsert(col, practices)
        results["real"] = {
            "practices": len(practices),
            "vectors": col.count(),
            "build_s": round(time.perf_counter() - t, 2),
            "search": _latency(col, rounds),
        }
        echo(
            f"real corpus: {len(practices)} practices ({col.count()} vectors) built in {results['real']['build_s']} s; "
            f"search p50 {results['real']['search']['p50_ms']} ms, p95 {results['real']['search']['p95_ms']} ms"
        )

    # suggestions for a typical call, end to end (query embedding, search, MMR), on the real corpus
    extraction = Extraction(
        goal=[Quote(text=QUERIES[1], speaker="c"), Quote(text=QUERIES[2], speaker="c")],
        measures=[Quote(text="we track days sales outstanding every month", speaker="c")],
        impediments=[Quote(text=QUERIES[0], speaker="c"), Quote(text=QUERIES[27], speaker="c")],
    )
    import datetime as dt

    plan = Plan(goal=QUERIES[2], review_date=dt.date.today())
    with tempfile.TemporaryDirectory(prefix="callplan-bench-") as tmp:
        s = Settings(data_dir=Path(tmp), knowledge_dir=corpus_root(settings))
        _vector_cache.clear()
        t = time.perf_counter()
        suggest(extraction, plan, settings=s)
        results["suggest_first_use_s"] = round(time.perf_counter() - t, 2)  # includes building the index
        results["suggest"] = _timed(lambda: suggest(extraction, plan, settings=s), n=20, warmup=2)
    echo(
        f"suggest (5 quotes, real corpus): first use {results['suggest_first_use_s']} s incl. index build; "
        f"then p50 {results['suggest']['p50_ms']} ms, p95 {results['suggest']['p95_ms']} ms"
    )

    if n_synthetic:
        path = settings.ensure_data_dir() / "bench" / f"synthetic-{n_synthetic}-{GENERATOR_VERSION}-i{INDEX_VERSION}"
        col = _fresh_collection(path, "practices")
        meta = col.metadata or {}
        if meta.get("complete") and col.count() > 0:
            build_s, cached = float(meta["build_s"]), True
        else:
            synth = synthetic_practices(n_synthetic)
            _vector_cache.clear()
            echo(f"building {n_synthetic} synthetic practices (once; kept in {path}) ...")
            t = time.perf_counter()
            _upsert(col, synth)
            build_s, cached = round(time.perf_counter() - t, 1), False
            col.modify(metadata={"complete": True, "build_s": build_s})
        results["synthetic"] = {
            "practices": n_synthetic,
            "vectors": col.count(),
            "build_s": build_s,
            "build_cached": cached,
            "search": _latency(col, rounds),
        }
        sy = results["synthetic"]
        echo(
            f"synthetic: {n_synthetic} practices ({sy['vectors']} vectors) built in {build_s} s"
            f"{' (measured on first run)' if cached else ''}; "
            f"search p50 {sy['search']['p50_ms']} ms, p95 {sy['search']['p95_ms']} ms"
        )
    results["rss_mb"] = round(_rss_mb(), 1)
    results["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    echo(f"memory: RSS {results['rss_mb']} MB now, peak {results['peak_rss_mb']} MB")
    return results


if __name__ == "__main__":  # python -m assistant.knowledge.bench [N]
    import sys

    run(n_synthetic=int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
