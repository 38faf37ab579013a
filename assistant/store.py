"""Where calls, plans, every plan version and chat live: SQLite by default, PostgreSQL for a team.

Why this shape: a success plan is a living document, so nothing is overwritten. A plan is a
row; each change (draft, edit, chat, review, undo) is a new numbered version holding the
whole plan as JSON, pointing at the Draft (transcript, extraction, suggestions) it was made
from. Pydantic objects are stored as JSON text so the same schema runs on both databases.

Every method is one transaction: a kill at any moment leaves the previous state intact.
SQLite runs in WAL mode with synchronous=FULL and foreign keys on; writers take the lock
up front (BEGIN IMMEDIATE) and wait `busy_timeout` seconds for another writer before
failing with a clear error. The schema carries a version number; migrations run by number,
and a database from a newer callplan is refused without touching it.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from .config import Settings, get_settings
from .errors import BackendError, ConfigError, InputError
from .models import Draft, Hints, Plan, Quote, Transcript

STATUSES = ("pending", "transcribed", "drafted", "failed")
VERSION_KINDS = ("draft", "edit", "chat", "review", "undo")
DEFAULT_REVIEW_DAYS = 90


# ---------------------------------------------------------------- records returned to callers


class CallRecord(BaseModel):
    id: str
    created_at: dt.datetime
    origin: str
    source_name: str  # the file's name, or "pasted notes"
    source_path: Optional[Path] = None  # the copy in data_dir/calls/<id>/; None for pasted text
    text: Optional[str] = None  # pasted notes
    status: str
    hints: Hints
    transcript: Optional[Transcript] = None
    error: Optional[str] = None
    plan_id: Optional[str] = None


class VersionInfo(BaseModel):
    version: int
    kind: str
    author: str
    note: str = ""
    created_at: dt.datetime


class CallSummary(BaseModel):
    call_id: str
    plan_id: Optional[str] = None
    title: str
    created_at: dt.datetime
    status: str
    review_date: Optional[dt.date] = None
    version: Optional[int] = None  # the plan's current version
    origin: str = ""


class ChatMessage(BaseModel):
    role: str
    text: str
    quotes: list[Quote] = Field(default_factory=list)
    created_at: dt.datetime


class StoredDraft(BaseModel):
    call_id: str
    plan_id: str
    version: int
    draft: Draft


# ---------------------------------------------------------------- schema and migrations


def _schema_v1(meta: sa.MetaData) -> dict[str, sa.Table]:
    """The tables as of schema version 1. A later schema change adds _schema_v2 (a copy with
    the change) and a migration with explicit DDL, so migration 1 keeps creating v1."""
    ts = sa.DateTime(timezone=True)
    calls = sa.Table(
        "calls", meta,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.Column("origin", sa.String(32), nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_path", sa.Text),  # relative to the data dir
        sa.Column("text", sa.Text),
        sa.Column("hints", sa.Text, nullable=False),
        sa.Column("transcript", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
    )
    plans = sa.Table(
        "plans", meta,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("call_id", sa.String(32), sa.ForeignKey("calls.id"), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("review_date", sa.Date, nullable=False, index=True),
    )
    drafts = sa.Table(
        "drafts", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("draft", sa.Text, nullable=False),
        sa.Column("created_at", ts, nullable=False),
    )
    versions = sa.Table(
        "plan_versions", meta,
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("reviewed_on", sa.Date),  # set on `review` versions: the cadence counts from it
        sa.Column("created_at", ts, nullable=False),
    )
    chat = sa.Table(
        "chat_messages", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("quotes", sa.Text, nullable=False),
        sa.Column("created_at", ts, nullable=False),
    )
    events = sa.Table(
        "events", meta,
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("created_at", ts, nullable=False),
    )
    return {t.name: t for t in (calls, plans, drafts, versions, chat, events)}


def _migrate_to_1(conn: Connection) -> None:
    meta = sa.MetaData()
    _schema_v1(meta)
    meta.create_all(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _migrate_to_1}
SCHEMA_VERSION = max(MIGRATIONS)

_meta = sa.MetaData()
T = _schema_v1(_meta)  # the current tables, for queries
schema_version = sa.Table("schema_version", _meta, sa.Column("version", sa.Integer, nullable=False))
calls_t, plans_t, drafts_t, versions_t, chat_t, events_t = (
    T["calls"], T["plans"], T["drafts"], T["plan_versions"], T["chat_messages"], T["events"]
)


# ---------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(4)


def plan_title(draft: Draft) -> str:
    customers = [s.name for s in draft.transcript.speakers if s.role == "customer"]
    who = ", ".join(customers) or (draft.transcript.source or "customer")
    return f"{who} ({draft.call_date.isoformat()})" if draft.call_date else who


def copy_atomically(src: Path, dest: Path) -> None:
    """Copy to a temp file beside `dest`, fsync, then rename: `dest` is whole or absent."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    with open(src, "rb") as fin, open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1024 * 1024)
        fout.flush()
        os.fsync(fout.fileno())
    os.replace(tmp, dest)


def write_atomically(dest: Path, data: bytes) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dest)


def next_review_date(plan: Plan, base: Optional[dt.date], today: dt.date) -> dt.date:
    """Keep the plan's cadence: the interval from `base` (the call or the last review) to the
    plan's review date, counted in months when it is a whole number of months; else 90 days."""
    from .plan_ops import add_months

    if base is None or plan.review_date <= base:
        return today + dt.timedelta(days=DEFAULT_REVIEW_DAYS)
    for months in range(1, 25):
        if add_months(base, months) == plan.review_date:
            return add_months(today, months)
    return today + (plan.review_date - base)


# ---------------------------------------------------------------- the store


class Store:
    """One database. Methods are small transactions; records come back as pydantic models."""

    def __init__(self, url: Optional[str] = None, *, data_dir: Optional[Path] = None, busy_timeout: float = 10.0):
        settings = get_settings()
        self.data_dir = Path(data_dir or settings.data_dir)
        self.busy_timeout = busy_timeout
        self.sqlite = url is None or url.startswith("sqlite")
        if url is None:
            self._ensure_dir(self.data_dir)
            url = f"sqlite:///{self.data_dir / 'callplan.db'}"
        self.url = url
        try:
            safe = make_url(url).render_as_string(hide_password=True)
        except Exception:
            raise ConfigError(f"CALLPLAN_DATABASE_URL {url.split('@')[-1]!r} is not a database URL; use e.g. postgresql+psycopg://user:pw@host/db")
        self.where = (make_url(url).database or safe) if self.sqlite else safe
        self.engine = self._engine(url)
        self._migrate()

    # -------------------------------------------------------- connection plumbing

    def _ensure_dir(self, path: Path) -> None:
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise ConfigError(
                f"the data dir {path} is not writable ({e.strerror or e}); set CALLPLAN_DATA_DIR to a writable directory"
            ) from None

    def _engine(self, url: str) -> Engine:
        if not self.sqlite:
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            try:
                return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": int(max(self.busy_timeout, 1))})
            except ModuleNotFoundError as e:
                raise ConfigError(f"PostgreSQL needs the psycopg driver ({e.name} is missing); pip install 'callplan[postgres]'") from None
        engine = sa.create_engine(url, connect_args={"timeout": self.busy_timeout})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # writers lock up front, so they wait for the busy timeout, not fail mid-way
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction, with database failures turned into one clear line."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn = conn.execution_options(write=True)
                with conn.begin():
                    yield conn
        except IntegrityError as e:
            raise BackendError(f"the database {self.where} refused a write ({_first_line(e)})") from None
        except DBAPIError as e:
            raise self._explain(e) from None

    def _explain(self, e: DBAPIError) -> Exception:
        msg = _first_line(e)
        low = msg.lower()
        if "locked" in low or "busy" in low:
            return BackendError(
                f"the database {self.where} is locked by another process (waited {self.busy_timeout:g} s); "
                "let the other callplan finish, or close it, and retry"
            )
        if "readonly" in low or "read-only" in low or "unable to open" in low:
            return ConfigError(f"cannot write the database {self.where} ({msg}); set CALLPLAN_DATA_DIR to a writable directory")
        if "malformed" in low or "not a database" in low:
            return BackendError(f"{self.where} is not a readable callplan database ({msg}); move it aside to start afresh")
        return BackendError(f"cannot use the database {self.where}: {msg}")

    def _migrate(self) -> None:
        with self._tx(write=True) as conn:
            if not self.sqlite:  # two processes starting at once must not both migrate
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(73510001)"))
            has = sa.inspect(conn).has_table("schema_version")
            current = (conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0) if has else 0
            if current > SCHEMA_VERSION:
                raise ConfigError(
                    f"the database {self.where} has schema version {current}, newer than this callplan knows "
                    f"({SCHEMA_VERSION}); upgrade callplan, or point CALLPLAN_DATA_DIR / CALLPLAN_DATABASE_URL elsewhere"
                )
            if current == SCHEMA_VERSION:
                return
            if not has:
                schema_version.create(conn)
            for v in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[v](conn)
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))

    def schema_version(self) -> int:
        with self._tx() as conn:
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    def close(self) -> None:
        self.engine.dispose()

    # -------------------------------------------------------- calls

    def save_call(self, *, source: Optional[Path], text: Optional[str], hints: Hints, origin: str) -> str:
        """A new call (status pending). The source file is copied into data_dir/calls/<id>/ first,
        atomically, so a stored call always has its whole source."""
        if (source is None) == (text is None):
            raise InputError("give either a source file or pasted text")
        call_id = _new_id("c")
        rel: Optional[str] = None
        name = "pasted notes"
        if source is not None:
            source = Path(source)
            if not source.exists():
                raise InputError(f"{source} does not exist; check the path and try again")
            if not source.is_file():
                raise InputError(f"{source} is a directory; give the path of a recording or transcript file")
            name = source.name
            folder = self.data_dir / "calls" / call_id
            self._ensure_dir(folder)
            try:
                copy_atomically(source, folder / name)
            except OSError as e:
                shutil.rmtree(folder, ignore_errors=True)
                raise ConfigError(f"cannot copy {source} into {folder} ({e.strerror or e}); check free space and permissions") from None
            rel = f"calls/{call_id}/{name}"
        now = _now()
        try:
            with self._tx(write=True) as conn:
                conn.execute(calls_t.insert().values(
                    id=call_id, created_at=now, updated_at=now, origin=origin, source_name=name, source_path=rel,
                    text=text, hints=hints.model_dump_json(), transcript=None, status="pending", error=None,
                ))
        except Exception:
            if rel:
                shutil.rmtree(self.data_dir / "calls" / call_id, ignore_errors=True)
            raise
        return call_id

    def get_call(self, call_id: str) -> CallRecord:
        with self._tx() as conn:
            row = conn.execute(sa.select(calls_t).where(calls_t.c.id == call_id)).mappings().first()
            if row is None:
                raise InputError(f"no call {call_id!r}; see `callplan calls list`")
            plan_id = conn.execute(
                sa.select(plans_t.c.id).where(plans_t.c.call_id == call_id).order_by(plans_t.c.created_at.desc())
            ).scalar()
        return CallRecord(
            id=row["id"], created_at=_utc(row["created_at"]), origin=row["origin"], source_name=row["source_name"],
            source_path=(self.data_dir / row["source_path"]) if row["source_path"] else None, text=row["text"],
            status=row["status"], hints=Hints.model_validate_json(row["hints"]),
            transcript=Transcript.model_validate_json(row["transcript"]) if row["transcript"] else None,
            error=row["error"], plan_id=plan_id,
        )

    def save_transcript(self, call_id: str, transcript: Transcript) -> None:
        """Store the transcript and mark the call transcribed, in one transaction."""
        with self._tx(write=True) as conn:
            self._require_call(conn, call_id)
            conn.execute(calls_t.update().where(calls_t.c.id == call_id).values(
                transcript=transcript.model_dump_json(), status="transcribed", error=None, updated_at=_now()))

    def set_status(self, call_id: str, status: str, error: Optional[str] = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"status {status!r} is not one of {STATUSES}")
        with self._tx(write=True) as conn:
            self._require_call(conn, call_id)
            conn.execute(calls_t.update().where(calls_t.c.id == call_id).values(status=status, error=error, updated_at=_now()))

    def _require_call(self, conn: Connection, call_id: str) -> None:
        if conn.execute(sa.select(calls_t.c.id).where(calls_t.c.id == call_id)).first() is None:
            raise InputError(f"no call {call_id!r}; see `callplan calls list`")

    # -------------------------------------------------------- plans and versions

    def save_draft(self, call_id: str, draft: Draft, *, author: str, kind: str = "draft") -> tuple[str, int]:
        """The call's plan (created on first save; later saves add a version), its draft and
        version, and the call marked drafted: one transaction, so a plan is never half-written."""
        with self._tx(write=True) as conn:
            self._require_call(conn, call_id)
            plan_id = conn.execute(sa.select(plans_t.c.id).where(plans_t.c.call_id == call_id)).scalar()
            now = _now()
            if plan_id is None:
                plan_id = _new_id("p")
                conn.execute(plans_t.insert().values(
                    id=plan_id, call_id=call_id, title=plan_title(draft), created_at=now, current_version=0,
                    review_date=draft.plan.review_date))
            version = self._insert_version(conn, plan_id, draft.plan, kind=kind, author=author, note="",
                                           draft_id=self._insert_draft(conn, plan_id, draft))
            conn.execute(calls_t.update().where(calls_t.c.id == call_id).values(
                transcript=draft.transcript.model_dump_json(), status="drafted", error=None, updated_at=now))
        return plan_id, version

    def update_draft(self, plan_id: str, draft: Draft, *, author: str, kind: str = "draft", note: str = "") -> int:
        """A new Draft for an existing plan (e.g. redrafted after a role fix): new version, same plan id."""
        with self._tx(write=True) as conn:
            plan_id, call_id = self._plan_row(conn, plan_id)
            version = self._insert_version(conn, plan_id, draft.plan, kind=kind, author=author, note=note,
                                           draft_id=self._insert_draft(conn, plan_id, draft))
            conn.execute(plans_t.update().where(plans_t.c.id == plan_id).values(title=plan_title(draft)))
            conn.execute(calls_t.update().where(calls_t.c.id == call_id).values(
                transcript=draft.transcript.model_dump_json(), status="drafted", error=None, updated_at=_now()))
        return version

    def add_version(self, plan_id: str, plan: Plan, *, kind: str, author: str, note: str = "",
                    reviewed_on: Optional[dt.date] = None) -> int:
        """A changed plan on the same draft: the next version number."""
        with self._tx(write=True) as conn:
            plan_id, _ = self._plan_row(conn, plan_id)
            draft_id = conn.execute(
                sa.select(versions_t.c.draft_id).where(versions_t.c.plan_id == plan_id)
                .order_by(versions_t.c.version.desc()).limit(1)
            ).scalar()
            return self._insert_version(conn, plan_id, plan, kind=kind, author=author, note=note, draft_id=draft_id,
                                        reviewed_on=reviewed_on)

    def _insert_draft(self, conn: Connection, plan_id: str, draft: Draft) -> int:
        res = conn.execute(drafts_t.insert().values(plan_id=plan_id, draft=draft.model_dump_json(), created_at=_now()))
        return int(res.inserted_primary_key[0])

    def _insert_version(self, conn: Connection, plan_id: str, plan: Plan, *, kind: str, author: str, note: str,
                        draft_id: int, reviewed_on: Optional[dt.date] = None) -> int:
        if kind not in VERSION_KINDS:
            raise ValueError(f"version kind {kind!r} is not one of {VERSION_KINDS}")
        # bumping the counter first takes the row lock, so concurrent writers get distinct numbers
        conn.execute(plans_t.update().where(plans_t.c.id == plan_id).values(
            current_version=plans_t.c.current_version + 1, review_date=plan.review_date))
        version = conn.execute(sa.select(plans_t.c.current_version).where(plans_t.c.id == plan_id)).scalar_one()
        conn.execute(versions_t.insert().values(
            plan_id=plan_id, version=version, draft_id=draft_id, kind=kind, author=author, note=note,
            plan=plan.model_dump_json(), reviewed_on=reviewed_on, created_at=_now()))
        return version

    def _plan_row(self, conn: Connection, plan_id: str) -> tuple[str, str]:
        """(plan id, call id); a call id is accepted for its plan, since users see both."""
        row = conn.execute(sa.select(plans_t.c.id, plans_t.c.call_id).where(plans_t.c.id == plan_id)).first()
        if row is None:
            row = conn.execute(
                sa.select(plans_t.c.id, plans_t.c.call_id).where(plans_t.c.call_id == plan_id)
                .order_by(plans_t.c.created_at.desc()).limit(1)
            ).first()
        if row is None:
            call = conn.execute(sa.select(calls_t.c.status, calls_t.c.error).where(calls_t.c.id == plan_id)).first()
            if call is not None:
                why = f" ({call[1]})" if call[1] else ""
                raise InputError(f"call {plan_id} has no plan yet: it is {call[0]}{why}; finish it with `callplan calls resume {plan_id}`")
            raise InputError(f"no plan {plan_id!r}; see `callplan calls list` for plan ids")
        return row[0], row[1]

    def plan_id_for(self, plan_or_call_id: str) -> str:
        with self._tx() as conn:
            return self._plan_row(conn, plan_or_call_id)[0]

    def call_id_for(self, plan_id: str) -> str:
        with self._tx() as conn:
            return self._plan_row(conn, plan_id)[1]

    def get_draft(self, plan_id: str, version: Optional[int] = None) -> Draft:
        """The stored Draft with that version's plan (default: the latest)."""
        with self._tx() as conn:
            plan_id, _ = self._plan_row(conn, plan_id)
            latest = conn.execute(sa.select(plans_t.c.current_version).where(plans_t.c.id == plan_id)).scalar_one()
            if version is None:
                version = latest
            if not 1 <= version <= latest:
                raise InputError(f"plan {plan_id} has no version {version}; it has versions 1 to {latest}")
            row = conn.execute(
                sa.select(versions_t.c.plan, drafts_t.c.draft)
                .join(drafts_t, drafts_t.c.id == versions_t.c.draft_id)
                .where(versions_t.c.plan_id == plan_id, versions_t.c.version == version)
            ).first()
        if row is None:  # pragma: no cover - the counter and the rows are written together
            raise BackendError(f"plan {plan_id} version {version} is missing from {self.where}")
        return Draft.model_validate_json(row[1]).model_copy(update={"plan": Plan.model_validate_json(row[0])})

    def versions(self, plan_id: str) -> list[VersionInfo]:
        with self._tx() as conn:
            plan_id, _ = self._plan_row(conn, plan_id)
            rows = conn.execute(
                sa.select(versions_t.c.version, versions_t.c.kind, versions_t.c.author, versions_t.c.note, versions_t.c.created_at)
                .where(versions_t.c.plan_id == plan_id).order_by(versions_t.c.version)
            ).mappings().all()
        return [VersionInfo(**{**r, "created_at": _utc(r["created_at"])}) for r in rows]

    def list_calls(self, limit: int = 50) -> list[CallSummary]:
        """Newest first; calls without a plan yet (pending, failed) are listed too."""
        q = (
            sa.select(calls_t.c.id, calls_t.c.created_at, calls_t.c.status, calls_t.c.source_name, calls_t.c.origin,
                      plans_t.c.id.label("plan_id"), plans_t.c.title, plans_t.c.review_date, plans_t.c.current_version)
            .select_from(calls_t.outerjoin(plans_t, plans_t.c.call_id == calls_t.c.id))
            .order_by(calls_t.c.created_at.desc()).limit(limit)
        )
        with self._tx() as conn:
            rows = conn.execute(q).mappings().all()
        return [self._summary(r) for r in rows]

    def plans_due(self, days: int = 14, today: Optional[dt.date] = None) -> list[CallSummary]:
        """Plans whose review date is at most `days` away (overdue ones included), soonest first."""
        until = (today or dt.date.today()) + dt.timedelta(days=days)
        q = (
            sa.select(calls_t.c.id, calls_t.c.created_at, calls_t.c.status, calls_t.c.source_name, calls_t.c.origin,
                      plans_t.c.id.label("plan_id"), plans_t.c.title, plans_t.c.review_date, plans_t.c.current_version)
            .select_from(plans_t.join(calls_t, plans_t.c.call_id == calls_t.c.id))
            .where(plans_t.c.review_date <= until).order_by(plans_t.c.review_date, plans_t.c.id)
        )
        with self._tx() as conn:
            rows = conn.execute(q).mappings().all()
        return [self._summary(r) for r in rows]

    @staticmethod
    def _summary(r) -> CallSummary:
        return CallSummary(
            call_id=r["id"], plan_id=r["plan_id"], title=r["title"] or r["source_name"], created_at=_utc(r["created_at"]),
            status=r["status"], review_date=r["review_date"], version=r["current_version"], origin=r["origin"],
        )

    def record_review(self, plan_id: str, *, author: str, next_review: Optional[dt.date] = None,
                      today: Optional[dt.date] = None) -> int:
        """A review happened: a `review` version whose review date moves on by the plan's cadence
        (the interval from the call, or the last review, to the current review date), or to `next_review`."""
        today = today or dt.date.today()
        draft = self.get_draft(plan_id)
        plan_id = self.plan_id_for(plan_id)
        if next_review is None:
            with self._tx() as conn:
                last = conn.execute(
                    sa.select(sa.func.max(versions_t.c.reviewed_on)).where(versions_t.c.plan_id == plan_id)
                ).scalar()
            base = last or draft.call_date
            next_review = next_review_date(draft.plan, base, today)
        elif next_review <= today:
            raise InputError(f"the next review {next_review.isoformat()} is not after today ({today.isoformat()}); give a later date")
        plan = draft.plan.model_copy(update={"review_date": next_review})
        note = f"reviewed on {today.isoformat()}; next review {next_review.isoformat()}"
        return self.add_version(plan_id, plan, kind="review", author=author, note=note, reviewed_on=today)

    # -------------------------------------------------------- chat and events

    def add_chat(self, plan_id: str, role: str, text: str, quotes: list[Quote] = []) -> None:
        with self._tx(write=True) as conn:
            plan_id, _ = self._plan_row(conn, plan_id)
            conn.execute(chat_t.insert().values(
                plan_id=plan_id, role=role, text=text,
                quotes="[" + ",".join(q.model_dump_json() for q in quotes) + "]", created_at=_now()))

    def chat_history(self, plan_id: str) -> list[ChatMessage]:
        with self._tx() as conn:
            plan_id, _ = self._plan_row(conn, plan_id)
            rows = conn.execute(
                sa.select(chat_t).where(chat_t.c.plan_id == plan_id).order_by(chat_t.c.id)
            ).mappings().all()
        from pydantic import TypeAdapter

        quotes = TypeAdapter(list[Quote])
        return [
            ChatMessage(role=r["role"], text=r["text"], quotes=quotes.validate_json(r["quotes"]), created_at=_utc(r["created_at"]))
            for r in rows
        ]

    def claim_event(self, key: str) -> bool:
        """True the first time `key` is seen (Slack retries the same event_id); the unique key makes it atomic."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(write=True)
                with conn.begin():
                    conn.execute(events_t.insert().values(key=key, created_at=_now()))
            return True
        except IntegrityError:
            return False
        except DBAPIError as e:
            raise self._explain(e) from None


def _first_line(e: Exception) -> str:
    orig = getattr(e, "orig", None) or e
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


_stores: dict[str, Store] = {}
_lock = threading.Lock()


def get_store(settings: Optional[Settings] = None) -> Store:
    """One Store per database URL per process (the engine holds the connection pool)."""
    settings = settings or get_settings()
    key = settings.database_url or f"sqlite:///{settings.data_dir / 'callplan.db'}"
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = Store(settings.database_url, data_dir=settings.data_dir)
            _stores[key] = store
        return store
