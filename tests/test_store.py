"""The store on a real SQLite file and on a real PostgreSQL server: calls, plan versions,
chat, reviews, event claims, and the bad cases (missing ids, locked or newer databases)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
import uuid

import pytest

from assistant.errors import BackendError, ConfigError, InputError
from assistant.models import Hints, Quote
from assistant.plan_ops import diff
from assistant.store import SCHEMA_VERSION, Store, get_store, next_review_date

from plan_fixtures import CALL_DATE, full_draft, typical_draft

from conftest import SAMPLES


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, isolated_data_dir):
    if request.param == "sqlite":
        s = Store(data_dir=isolated_data_dir)
    else:
        server = request.getfixturevalue("pg")
        s = Store(server.create_database("t" + uuid.uuid4().hex[:12]), data_dir=isolated_data_dir)
    yield s
    s.close()


def stored_plan(store: Store, draft=None) -> tuple[str, str]:
    call_id = store.save_call(source=None, text="pasted", hints=Hints(call_date=CALL_DATE), origin="test")
    plan_id, version = store.save_draft(call_id, draft or typical_draft(), author="tester")
    assert version == 1
    return call_id, plan_id


def test_call_lifecycle_and_source_copy(store, tmp_path):
    src = tmp_path / "call.vtt"
    src.write_bytes((SAMPLES / "discovery_call.txt").read_bytes())
    call_id = store.save_call(source=src, text=None, hints=Hints(customer=["Zoë Müller"]), origin="web")
    rec = store.get_call(call_id)
    assert rec.status == "pending" and rec.origin == "web" and rec.transcript is None and rec.plan_id is None
    assert rec.source_path is not None and rec.source_path.parent.parent == store.data_dir / "calls"
    assert rec.source_path.read_bytes() == src.read_bytes() and rec.source_name == "call.vtt"
    assert rec.hints.customer == ["Zoë Müller"]

    d = typical_draft()
    store.save_transcript(call_id, d.transcript)
    assert store.get_call(call_id).status == "transcribed"
    assert store.get_call(call_id).transcript == d.transcript

    plan_id, version = store.save_draft(call_id, d, author="web")
    assert version == 1 and store.get_call(call_id).status == "drafted"
    assert store.get_call(call_id).plan_id == plan_id
    assert store.get_draft(plan_id) == d
    assert store.get_draft(call_id) == d  # a call id finds its plan too

    store.set_status(call_id, "failed", "boom")
    assert (store.get_call(call_id).status, store.get_call(call_id).error) == ("failed", "boom")


def test_versions_keep_every_plan(store):
    _, plan_id = stored_plan(store)
    d1 = store.get_draft(plan_id)
    edited = d1.plan.model_copy(update={"goal": "Close in four days."})
    assert store.add_version(plan_id, edited, kind="edit", author="ana", note="shorter goal") == 2
    assert store.add_version(plan_id, d1.plan, kind="undo", author="ana") == 3
    assert store.get_draft(plan_id, 1).plan.goal == d1.plan.goal
    assert store.get_draft(plan_id, 2).plan.goal == "Close in four days."
    assert store.get_draft(plan_id).plan == d1.plan
    assert store.get_draft(plan_id, 2).transcript == d1.transcript  # the evidence stays with every version
    info = store.versions(plan_id)
    assert [(v.version, v.kind, v.author) for v in info] == [(1, "draft", "tester"), (2, "edit", "ana"), (3, "undo", "ana")]
    assert info[1].note == "shorter goal" and info[0].created_at.tzinfo is not None
    assert diff(store.get_draft(plan_id, 1).plan, store.get_draft(plan_id, 2).plan).splitlines() == [
        f"- Goal: {d1.plan.goal}", "+ Goal: Close in four days."]


def test_redraft_is_a_new_version_of_the_same_plan(store):
    call_id, plan_id = stored_plan(store)
    d = typical_draft()
    t2 = d.transcript.model_copy(update={"speakers": [s.model_copy(update={"basis": "hint"}) for s in d.transcript.speakers]})
    v = store.update_draft(plan_id, d.model_copy(update={"transcript": t2}), author="ana", note="role fixed")
    assert v == 2
    assert store.get_draft(plan_id, 1).transcript.speakers[0].basis == "inferred"
    assert store.get_draft(plan_id, 2).transcript.speakers[0].basis == "hint"
    assert store.get_call(call_id).transcript == t2
    assert store.save_draft(call_id, d, author="cli") == (plan_id, 3)  # saving a call's draft again: still one plan


def test_missing_ids_and_versions_are_clear_input_errors(store):
    _, plan_id = stored_plan(store)
    with pytest.raises(InputError, match="no plan 'p404'.*calls list"):
        store.get_draft("p404")
    with pytest.raises(InputError, match=f"plan {plan_id} has no version 5; it has versions 1 to 1"):
        store.get_draft(plan_id, 5)
    with pytest.raises(InputError, match="no version 0"):
        store.get_draft(plan_id, 0)
    with pytest.raises(InputError, match="no call 'c404'"):
        store.get_call("c404")
    with pytest.raises(InputError, match="no plan"):
        store.add_chat("p404", "user", "hello")
    with pytest.raises(InputError, match="no call"):
        store.save_draft("c404", typical_draft(), author="x")
    assert [v.version for v in store.versions(plan_id)] == [1]


def test_chat_history_in_order_with_quotes(store):
    _, plan_id = stored_plan(store)
    q = Quote(text="IT is stretched", speaker="Zoë Müller", start=50.0, end=64.0)
    store.add_chat(plan_id, "user", "What could get in the way?")
    store.add_chat(plan_id, "assistant", "IT capacity — “IT is stretched”.", [q])
    h = store.chat_history(plan_id)
    assert [(m.role, m.text) for m in h] == [("user", "What could get in the way?"), ("assistant", "IT capacity — “IT is stretched”.")]
    assert h[0].quotes == [] and h[1].quotes == [q]


def test_review_moves_the_date_by_the_plans_cadence(store):
    _, quarterly = stored_plan(store, typical_draft(review_date=dt.date(2025, 6, 3)))  # call 2025-03-03: 3 months
    v = store.record_review(quarterly, author="ana", today=dt.date(2025, 6, 10))
    assert v == 2 and store.get_draft(quarterly).plan.review_date == dt.date(2025, 9, 10)
    info = store.versions(quarterly)[-1]
    assert info.kind == "review" and "2025-06-10" in info.note and "2025-09-10" in info.note
    # the next review keeps the cadence from the date of the last review
    store.record_review(quarterly, author="ana", today=dt.date(2025, 9, 12))
    assert store.get_draft(quarterly).plan.review_date == dt.date(2025, 12, 12)

    _, six_weeks = stored_plan(store, typical_draft(review_date=CALL_DATE + dt.timedelta(days=42)))
    store.record_review(six_weeks, author="ana", today=dt.date(2025, 4, 20))
    assert store.get_draft(six_weeks).plan.review_date == dt.date(2025, 6, 1)

    _, chosen = stored_plan(store)
    store.record_review(chosen, author="ana", next_review=dt.date(2026, 1, 5), today=dt.date(2025, 6, 1))
    assert store.get_draft(chosen).plan.review_date == dt.date(2026, 1, 5)
    with pytest.raises(InputError, match="not after today"):
        store.record_review(chosen, author="ana", next_review=dt.date(2025, 5, 1), today=dt.date(2025, 6, 1))


def test_next_review_without_a_cadence_is_90_days():
    d = typical_draft()
    assert next_review_date(d.plan, None, dt.date(2025, 1, 1)) == dt.date(2025, 4, 1)


def test_plans_due_and_calls_list(store):
    _, soon = stored_plan(store, typical_draft(review_date=dt.date(2025, 6, 10)))
    _, late = stored_plan(store, typical_draft(review_date=dt.date(2025, 9, 1)))
    _, overdue = stored_plan(store, typical_draft(review_date=dt.date(2025, 5, 20)))
    pending = store.save_call(source=None, text="notes", hints=Hints(), origin="slack")
    today = dt.date(2025, 6, 1)
    assert [r.plan_id for r in store.plans_due(14, today)] == [overdue, soon]
    assert [r.plan_id for r in store.plans_due(120, today)] == [overdue, soon, late]
    assert store.plans_due(0, dt.date(2025, 1, 1)) == []
    rows = store.list_calls()
    assert rows[0].call_id == pending and rows[0].plan_id is None and rows[0].status == "pending"
    assert rows[0].title == "pasted notes"
    assert {r.plan_id for r in rows[1:]} == {soon, late, overdue}
    assert all(r.title == "Zoë Müller (2025-03-03)" and r.status == "drafted" for r in rows[1:])
    assert len(store.list_calls(limit=2)) == 2


def test_claim_event_is_true_once_even_under_concurrency(store):
    assert store.claim_event("Ev1") is True
    assert store.claim_event("Ev1") is False
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(store.claim_event("Ev2"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_concurrent_edits_get_distinct_version_numbers(store):
    _, plan_id = stored_plan(store)
    plan = store.get_draft(plan_id).plan
    got: list[int] = []
    errors: list[Exception] = []

    def edit(i: int) -> None:
        try:
            got.append(store.add_version(plan_id, plan.model_copy(update={"goal": f"goal {i}"}), kind="edit", author=f"u{i}"))
        except Exception as e:  # pragma: no cover - the assertion below shows it
            errors.append(e)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(got) == [2, 3, 4, 5, 6, 7]
    assert [v.version for v in store.versions(plan_id)] == list(range(1, 8))


def test_big_plan_round_trips(store):
    d = full_draft()
    _, plan_id = stored_plan(store, d)
    assert store.get_draft(plan_id) == d


# ---------------------------------------------------------------- SQLite specifics


def test_sqlite_file_is_wal_full_sync_with_foreign_keys(isolated_data_dir):
    s = get_store()
    assert s is get_store() and s.where == str(isolated_data_dir / "callplan.db")
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert s.schema_version() == SCHEMA_VERSION


def test_a_newer_database_is_refused_and_left_untouched(isolated_data_dir):
    Store(data_dir=isolated_data_dir).close()
    db = isolated_data_dir / "callplan.db"
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 5,))
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(ConfigError, match=rf"schema version {SCHEMA_VERSION + 5}, newer than this callplan knows \({SCHEMA_VERSION}\); upgrade"):
        Store(data_dir=isolated_data_dir)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_locked_database_is_a_clear_error_and_nothing_is_lost(isolated_data_dir):
    s = Store(data_dir=isolated_data_dir, busy_timeout=0.3)
    _, plan_id = stored_plan(s)
    other = sqlite3.connect(isolated_data_dir / "callplan.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(BackendError, match="is locked by another process .waited 0.3 s.; .*retry"):
            s.add_version(plan_id, s.get_draft(plan_id).plan, kind="edit", author="x")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [v.version for v in s.versions(plan_id)] == [1]
    assert s.add_version(plan_id, s.get_draft(plan_id).plan, kind="edit", author="x") == 2
    with sqlite3.connect(isolated_data_dir / "callplan.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_unwritable_data_dir_is_a_config_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be")
    with pytest.raises(ConfigError, match=r"data dir .*not-a-dir/callplan is not writable.*CALLPLAN_DATA_DIR"):
        Store(data_dir=blocker / "callplan")


def test_a_file_that_is_not_a_database_is_a_clear_error(isolated_data_dir):
    (isolated_data_dir / "callplan.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BackendError, match="not a readable callplan database"):
        Store(data_dir=isolated_data_dir)


def test_a_slack_retry_that_loses_the_event_id_leaves_the_message_to_the_first_delivery(store):
    """The retry arrives between the first delivery's two claims: the first delivery must still draft."""
    from assistant.slack.bot import Bot

    bot = Bot(client=None, store=store)
    assert store.claim_event("slack:event:Ev9")  # the first delivery took the event_id ...
    assert not bot.claim("slack:event:Ev9", "slack:msg:D1:1.0")  # ... the retry loses it and stops there
    assert store.claim_event("slack:msg:D1:1.0")  # so the first delivery can still take the message
