"""Shared fixtures. Every test gets its own data dir, so nothing touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session", autouse=True)
def session_data_dir(tmp_path_factory):
    """Module- and session-scoped fixtures run before the per-test one below; they get this
    dir (and no database/LLM/chroma URL), never the user's data dir."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CALLPLAN_DATA_DIR", str(tmp_path_factory.mktemp("callplan-session-data")))
    for var in ("OPENAI_API_KEY", "CALLPLAN_LLM_BASE_URL", "CALLPLAN_CHROMA_URL", "CALLPLAN_DATABASE_URL"):
        mp.delenv(var, raising=False)
    from assistant.config import reload_settings

    reload_settings()
    yield
    mp.undo()
    reload_settings()


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("callplan-data")
    monkeypatch.setenv("CALLPLAN_DATA_DIR", str(data))
    for var in ("OPENAI_API_KEY", "CALLPLAN_LLM_BASE_URL", "CALLPLAN_CHROMA_URL", "CALLPLAN_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    from assistant.config import reload_settings

    reload_settings()
    yield data
    reload_settings()


@pytest.fixture(scope="session")
def pg():
    """One real PostgreSQL server per run (tests/postgres_server.py); skipped, with the reason, if it cannot start."""
    import postgres_server

    server, why = postgres_server.start()
    if server is None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    yield server
    server.stop()
