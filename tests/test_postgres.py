"""CALLPLAN_DATABASE_URL -> PostgreSQL: a real server started here (see postgres_server.py).

The store behaviours themselves run on both backends in test_store.py; this file covers
what only a team setup meets: configuration by URL, the CLI and jobs over it, several
processes migrating one new database at once, a newer schema, and a server that is down.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import postgres_server
from assistant.cli import app
from assistant.config import reload_settings
from assistant.errors import BackendError, ConfigError
from assistant.models import Hints
from assistant.store import SCHEMA_VERSION, Store, get_store
from plan_fixtures import typical_draft

from conftest import REPO

runner = CliRunner()


@pytest.fixture
def pg_url(pg, monkeypatch):
    url = pg.create_database("cp" + uuid.uuid4().hex[:12])
    monkeypatch.setenv("CALLPLAN_DATABASE_URL", url)
    reload_settings()
    return url


def test_database_url_sends_the_cli_to_postgres(pg_url, isolated_data_dir):
    store = get_store()
    assert store.url == pg_url and not store.sqlite
    call_id = store.save_call(source=None, text="notes", hints=Hints(), origin="test")
    plan_id, _ = store.save_draft(call_id, typical_draft(), author="test")

    listed = runner.invoke(app, ["calls", "list"])
    assert listed.exit_code == 0 and plan_id in listed.stdout
    r = runner.invoke(app, ["plan", "review", plan_id, "--next", "2031-02-03"])
    assert r.exit_code == 0, r.output
    assert store.get_draft(plan_id).plan.review_date == dt.date(2031, 2, 3)
    assert not (isolated_data_dir / "callplan.db").exists()  # nothing went to SQLite
    with sa.create_engine(pg_url).connect() as c:
        assert c.execute(sa.text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION
        assert c.execute(sa.text("SELECT count(*) FROM plan_versions")).scalar() == 2


def test_run_draft_over_postgres(pg_url):
    from assistant import jobs

    from conftest import SAMPLES

    stored = jobs.run_draft((SAMPLES / "discovery_call.txt").read_text(), Hints(call_date=dt.date(2025, 10, 6)), origin="slack")
    store = get_store()
    assert store.get_call(stored.call_id).status == "drafted"
    assert store.get_draft(stored.plan_id) == stored.draft


def test_processes_migrating_one_new_database_at_once(pg):
    url = pg.create_database("cp" + uuid.uuid4().hex[:12])
    code = f"from assistant.store import Store; Store({url!r}).close(); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e for _, e in outs]
    with sa.create_engine(url).connect() as c:
        assert c.execute(sa.text("SELECT count(*), max(version) FROM schema_version")).one() == (1, SCHEMA_VERSION)


def test_a_newer_postgres_schema_is_refused_untouched(pg):
    url = pg.create_database("cp" + uuid.uuid4().hex[:12])
    Store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("UPDATE schema_version SET version = :v"), {"v": SCHEMA_VERSION + 1})
    with pytest.raises(ConfigError, match="newer than this callplan knows"):
        Store(url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION + 1
    engine.dispose()


def test_a_server_that_is_down_is_one_clear_line(monkeypatch):
    port = postgres_server.free_port()
    monkeypatch.setenv("CALLPLAN_DATABASE_URL", f"postgresql+psycopg://callplan:s3cret@127.0.0.1:{port}/callplan")
    reload_settings()
    with pytest.raises(BackendError) as e:
        Store(f"postgresql+psycopg://callplan:s3cret@127.0.0.1:{port}/callplan", busy_timeout=2)
    assert f"127.0.0.1:{port}" in str(e.value) and "s3cret" not in str(e.value)
    r = runner.invoke(app, ["calls", "list"])
    assert r.exit_code == 4 and r.output.count("\n") == 1 and r.output.startswith("error: cannot use the database")
    assert "s3cret" not in r.output
