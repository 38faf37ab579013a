"""Benchmarks: how fast and how big each stage is on this machine. Numbers, not tests.

    python -m eval.bench [--stage transcribe|extract|knowledge|draft|all] [--minutes 10] [--json]
    callplan bench ...   (the same)

Each stage runs in its own subprocess, so its peak RSS (ru_maxrss) is that stage's alone:
- transcribe: a >= 10-minute mono recording (the bundled sample call looped, built once
  into the user cache dir) through the bundled speech model; audio seconds per wall second;
- extract: extraction + plan + critique (embedded engine, grounding included) on the
  longest dev transcript, per 1,000 words, and on that call repeated to 6,000 words;
- knowledge: building the practices index from scratch, then search p50/p95 over the
  labelled calls' gold quotes as queries;
- draft: the whole pipeline end to end on the longest dev transcript.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

STAGES = ("transcribe", "extract", "knowledge", "draft")
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "discovery_call.wav"
CALLS = Path(__file__).resolve().parent / "calls"
DEV = CALLS / "dev"  # timing inputs come from dev; held-out calls are for scoring only


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


# ------------------------------------------------------------------ inputs


def long_recording(minutes: float = 10.0) -> Path:
    """The bundled sample call looped to >= `minutes`, mixed to mono 16-bit PCM; built once, cached."""
    import wave

    import numpy as np
    import platformdirs
    from faster_whisper.audio import decode_audio

    out = Path(platformdirs.user_cache_dir("callplan", appauthor=False)) / "bench" / f"call_{minutes:g}min.wav"
    if out.is_file():
        return out
    if not SAMPLE.is_file():
        raise SystemExit(f"the bundled sample {SAMPLE} is missing; run scripts/make_sample.py first")
    left, right = decode_audio(str(SAMPLE), sampling_rate=16000, split_stereo=True)
    mono = (left + right) / 2
    loops = int(np.ceil(minutes * 60 / (len(mono) / 16000)))
    pcm = (np.clip(np.tile(mono, loops), -1, 1) * 32767).astype("<i2")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    tmp.replace(out)
    return out


def longest_call():
    """(Call, Gold, word count) of the longest dev transcript (held-out calls are for scoring only)."""
    from assistant.transcripts import read_file

    from .score import find_calls, load_gold

    best = None
    for call in find_calls([DEV]):
        n = read_file(call.transcript).word_count()
        if best is None or n > best[2]:
            best = (call, load_gold(call), n)
    if best is None:
        raise SystemExit(f"no labelled calls under {DEV}")
    return best


# ------------------------------------------------------------------ stages (each in a child process)


def stage_transcribe(minutes: float) -> dict:
    from assistant import speech
    from assistant.config import get_settings

    path = long_recording(minutes)
    settings = get_settings()
    t0 = time.perf_counter()
    speech.load_model(speech.model_location(settings), settings.whisper_compute_type, settings.whisper_threads)
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    t = speech.transcribe(path, settings=settings)
    wall = time.perf_counter() - t1
    return {
        "audio_s": t.duration,
        "wall_s": round(wall, 2),
        "model_load_s": round(load, 2),
        "speed_x": round((t.duration or 0) / wall, 2),
        "threads": settings.whisper_threads,
        "model": settings.whisper_model or "bundled tiny.en",
        "words": t.word_count(),
    }


def _timed_extract_plan(transcript, hints, settings) -> float:
    from assistant import critic, plan
    from assistant.extract import extract

    t0 = time.perf_counter()
    ex, _, _ = extract(transcript, hints, settings)
    p = plan.compose(ex, transcript, hints.call_date)
    critic.review(p, ex)
    return time.perf_counter() - t0


def stage_extract(repeats: int = 3) -> dict:
    from assistant.config import get_settings
    from assistant.models import Hints
    from assistant.roles import assign_roles
    from assistant.transcripts import read_file

    call, gold, words = longest_call()
    hints = Hints(vendor=gold.vendor_speakers, call_date=gold.call_date, engine="embedded")
    settings = get_settings()
    t = assign_roles(read_file(call.transcript), hints)
    cold = _timed_extract_plan(t, hints, settings)
    warm = min(_timed_extract_plan(t, hints, settings) for _ in range(repeats))
    # the same call repeated until it reaches 6,000 words: the size for "a long call"
    segs, n = [], 0
    while n < 6000:
        for s in t.segments:
            if n >= 6000:
                break
            segs.append(s)
            n += len(s.text.split())
    big = t.model_copy(update={"segments": segs})
    big_s = min(_timed_extract_plan(big, hints, settings) for _ in range(repeats))
    return {
        "call": call.label,
        "words": words,
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "per_1000_words_s": round(warm / words * 1000, 3),
        "words_6000": n,
        "warm_6000_s": round(big_s, 3),
    }


def stage_knowledge(queries: int = 200) -> dict:
    try:
        from assistant import knowledge
    except ImportError as e:  # the knowledge module is optional for the other stages
        return {"skipped": f"assistant.knowledge is not available ({e})"}
    from assistant.config import reload_settings

    from .score import FIELDS, find_calls, load_gold

    texts = [q for c in find_calls([CALLS]) for f in FIELDS for q in getattr(load_gold(c), f)]
    texts = (texts * (queries // max(1, len(texts)) + 1))[:queries] if texts else ["reduce invoicing delays"] * queries
    with tempfile.TemporaryDirectory() as data:
        os.environ["CALLPLAN_DATA_DIR"] = data  # a fresh index: the build time is a first run's
        settings = reload_settings()
        t0 = time.perf_counter()
        col = knowledge.ensure_index(settings)
        build = time.perf_counter() - t0
        knowledge.search(texts[0], settings=settings)  # warm
        lat = []
        for q in texts:
            t1 = time.perf_counter()
            knowledge.search(q, settings=settings)
            lat.append((time.perf_counter() - t1) * 1000)
        lat.sort()
        return {
            "vectors": col.count(),
            "build_s": round(build, 2),
            "queries": len(lat),
            "p50_ms": round(statistics.median(lat), 1),
            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1),
        }


def stage_draft() -> dict:
    from assistant.models import Hints
    from assistant.pipeline import draft

    call, gold, words = longest_call()
    hints = Hints(vendor=gold.vendor_speakers, call_date=gold.call_date, engine="embedded")
    t0 = time.perf_counter()
    draft(call.transcript, hints)  # first run: loads the models, builds the index if needed
    first = time.perf_counter() - t0
    t1 = time.perf_counter()
    d = draft(call.transcript, hints)
    return {
        "call": call.label, "words": words, "first_s": round(first, 2),
        "wall_s": round(time.perf_counter() - t1, 2), "suggestions": len(d.suggestions),
    }  # fmt: skip


def run_child(stage: str, minutes: float) -> dict:
    fn = {
        "transcribe": lambda: stage_transcribe(minutes),
        "extract": stage_extract,
        "knowledge": stage_knowledge,
        "draft": stage_draft,
    }[stage]
    out = fn()
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


# ------------------------------------------------------------------ the parent: one subprocess per stage


def run(stages: list[str], minutes: float = 10.0, log=lambda msg: None) -> dict:
    """{'machine': ..., stage: numbers | {'error': ...}} with each stage measured in a fresh process."""
    result: dict = {"date": dt.date.today().isoformat(), "machine": machine()}
    root = Path(__file__).resolve().parent.parent
    for stage in stages:
        log(f"bench: {stage} ...")
        proc = subprocess.run(
            [sys.executable, "-m", "eval.bench", "--child", stage, "--minutes", str(minutes)],
            cwd=root,
            capture_output=True,
            text=True,
        )
        lines = proc.stdout.strip().splitlines()
        try:
            result[stage] = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            result[stage] = {"error": f"exit {proc.returncode}: {err}"}
    return result


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(r: dict) -> str:
    lines = [f"callplan bench  {r['date']}  ({r['machine']})", ""]
    for stage in STAGES:
        if stage not in r:
            continue
        x = r[stage]
        if "error" in x or "skipped" in x:
            lines.append(f"{stage:<11} {x.get('error') or 'skipped: ' + x['skipped']}")
            continue
        rss = f"peak RSS {x['peak_rss_mb']:.0f} MB"
        if stage == "transcribe":
            lines.append(
                f"transcribe  {x['audio_s'] / 60:.1f} min of mono audio in {x['wall_s']:.1f} s: "
                f"{x['speed_x']:.1f} audio s per wall s ({x['model']}, {x['threads']} threads; "
                f"model load {x['model_load_s']:.1f} s); {rss}"
            )
        elif stage == "extract":
            lines.append(
                f"extract     extraction + plan, embedded engine, {x['call']} ({x['words']:,} words): "
                f"{x['warm_s']:.2f} s warm = {x['per_1000_words_s']:.3f} s per 1,000 words "
                f"(first run with model load {x['cold_s']:.2f} s); {x['words_6000']:,} words: {x['warm_6000_s']:.2f} s; {rss}"
            )
        elif stage == "knowledge":
            lines.append(
                f"knowledge   index build {x['build_s']:.1f} s ({x['vectors']} vectors); search p50 {x['p50_ms']:.1f} ms, "
                f"p95 {x['p95_ms']:.1f} ms over {x['queries']} queries; {rss}"
            )
        elif stage == "draft":
            lines.append(
                f"draft       whole pipeline on {x['call']} ({x['words']:,} words): {x['wall_s']:.2f} s warm "
                f"(first run {x['first_s']:.1f} s, models and index loading); {rss}"
            )
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=(*STAGES, "all"), action="append", help="repeatable; default: all")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the transcription recording")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(run_child(a.child, a.minutes)))
        return 0
    chosen = [s for s in (a.stage or []) if s != "all"] or list(STAGES)
    r = run(chosen, a.minutes, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(r, indent=2) if a.json else report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
