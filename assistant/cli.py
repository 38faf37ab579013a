"""The `callplan` command. Thin: parse, call the pipeline or a module, render, map errors."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Callable, Optional

import typer

from .errors import CallplanError
from .models import Hints

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def friendly(fn: Callable) -> Callable:
    """Map our errors to one line on stderr and their exit code (2 for user errors); no traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CallplanError as e:
            typer.secho(f"error: {e}", fg="red", err=True)
            raise typer.Exit(e.exit_code)
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing was written", err=True)
            raise typer.Exit(130)

    return wrapper


def write_output(text: str, out: Optional[Path]) -> None:
    """Write atomically (temp file + rename) so a failure never leaves a partial file."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    typer.echo(f"wrote {out}", err=True)


def parse_date(value: Optional[str]) -> Optional[dt.date]:
    from .errors import InputError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--call-date {value!r} is not a date; use YYYY-MM-DD")


def source_arg(file: str) -> Path:
    return Path(file)


class TranscriptFormat(str, Enum):
    txt = "txt"
    json = "json"
    vtt = "vtt"
    srt = "srt"


class DraftFormat(str, Enum):
    md = "md"
    json = "json"


VendorOpt = typer.Option(None, "--vendor", help="A vendor speaker's name (repeatable).")
CustomerOpt = typer.Option(None, "--customer", help="A customer speaker's name (repeatable).")


@app.command()
@friendly
def transcribe(
    file: Path = typer.Argument(..., help="Audio (wav mp3 m4a mp4 webm ogg flac) or a transcript file."),
    vendor: Optional[list[str]] = VendorOpt,
    customer: Optional[list[str]] = CustomerOpt,
    format: TranscriptFormat = typer.Option(TranscriptFormat.txt, "--format"),
    out: Optional[Path] = typer.Option(None, "--out", help="Write here instead of stdout."),
):
    """Transcribe a call, with timestamps, who spoke and each speaker's role."""
    from . import pipeline, transcripts
    from .progress import cli_progress

    hints = Hints(vendor=vendor or [], customer=customer or [])
    with cli_progress() as progress:
        t = pipeline.load_transcript(file, hints, progress)
    write_output(transcripts.write(t, format.value), out)


@app.command()
@friendly
def draft(
    file: Path = typer.Argument(..., help="Audio or transcript file; '-' reads pasted notes from stdin."),
    vendor: Optional[list[str]] = VendorOpt,
    customer: Optional[list[str]] = CustomerOpt,
    call_date: Optional[str] = typer.Option(None, "--call-date", help="YYYY-MM-DD; default today."),
    engine: Optional[str] = typer.Option(None, "--engine", help="embedded | llm (default: llm when configured)."),
    format: DraftFormat = typer.Option(DraftFormat.md, "--format"),
    out: Optional[Path] = typer.Option(None, "--out"),
):
    """Draft the one-page success plan from a call, in the customer's own words."""
    from . import render
    from .progress import cli_progress

    if engine not in (None, "embedded", "llm"):
        from .errors import InputError

        raise InputError(f"--engine {engine!r} is not an engine; use embedded or llm")
    hints = Hints(
        vendor=vendor or [],
        customer=customer or [],
        call_date=parse_date(call_date) or dt.date.today(),
        engine=engine,
    )
    from . import jobs

    source = sys.stdin.read() if str(file) == "-" else file
    with cli_progress() as progress:
        stored = jobs.run_draft(source, hints, origin="cli", progress=progress)
    d = stored.draft
    text = d.model_dump_json(indent=2) if format == DraftFormat.json else render.draft_markdown(d)
    write_output(text, out)
    typer.echo(f"saved as plan {stored.plan_id}; export with: callplan export {stored.plan_id} --format pdf", err=True)


# --- more commands register below (doctor, eval, bench, knowledge, bullseye, calls, plan, export, slack) ---

# calls, plans and exports: the store (assistant/store.py) and documents (assistant/export.py)
calls_app = typer.Typer(no_args_is_help=True, help="Stored calls.")
plan_app = typer.Typer(no_args_is_help=True, help="A stored plan and its versions.")
plans_app = typer.Typer(no_args_is_help=True, help="All stored plans.")
app.add_typer(calls_app, name="calls")
app.add_typer(plan_app, name="plan")
app.add_typer(plans_app, name="plans")


@calls_app.command("list")
@friendly
def calls_list(limit: int = typer.Option(50, "--limit", min=1, help="How many, newest first.")):
    """Stored calls, newest first, with their plan id, status and review date."""
    from .store import get_store

    rows = get_store().list_calls(limit)
    if not rows:
        typer.echo("no calls yet; draft one with `callplan draft FILE`")
    for r in rows:
        review = r.review_date.isoformat() if r.review_date else "-"
        version = f"v{r.version}" if r.version else ""
        typer.echo(f"{r.call_id}  {r.plan_id or '-':10} {version:4} {r.created_at:%Y-%m-%d %H:%M}  {r.status:11} review {review:10}  {r.title}")


@calls_app.command("resume")
@friendly
def calls_resume(
    call_id: str = typer.Argument(..., help="A pending or failed call id from `callplan calls list`."),
    format: DraftFormat = typer.Option(DraftFormat.md, "--format"),
    out: Optional[Path] = typer.Option(None, "--out"),
):
    """Finish a call whose draft was interrupted or failed, from its stored source (a stored transcript is reused)."""
    from . import jobs, render
    from .progress import cli_progress

    with cli_progress() as progress:
        stored = jobs.run_draft(None, origin="cli", progress=progress, call_id=call_id)
    d = stored.draft
    write_output(d.model_dump_json(indent=2) if format == DraftFormat.json else render.draft_markdown(d), out)
    typer.echo(f"saved as plan {stored.plan_id}; export with: callplan export {stored.plan_id} --format pdf", err=True)


@plan_app.command("show")
@friendly
def plan_show(
    plan_id: str = typer.Argument(..., help="A plan id (or its call id) from `callplan calls list`."),
    version: Optional[int] = typer.Option(None, "--version", help="Which version (default: the latest)."),
    format: DraftFormat = typer.Option(DraftFormat.md, "--format"),
):
    """Print a stored plan (any version) and list its versions on stderr."""
    from . import render
    from .store import get_store

    store = get_store()
    d = store.get_draft(plan_id, version)
    history = store.versions(plan_id)
    write_output(d.model_dump_json(indent=2) if format == DraftFormat.json else render.draft_markdown(d), None)
    shown = version or history[-1].version
    for v in history:
        mark = "*" if v.version == shown else " "
        note = f"  {v.note}" if v.note else ""
        typer.echo(f"{mark} v{v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.kind:6} by {v.author}{note}", err=True)


@plan_app.command("diff")
@friendly
def plan_diff(
    plan_id: str = typer.Argument(..., help="A plan id."),
    a: int = typer.Argument(..., help="The older version."),
    b: int = typer.Argument(..., help="The newer version."),
):
    """What changed between two versions of a plan ('-' old, '+' new)."""
    from .plan_ops import diff
    from .store import get_store

    store = get_store()
    typer.echo(diff(store.get_draft(plan_id, a).plan, store.get_draft(plan_id, b).plan))


@plan_app.command("review")
@friendly
def plan_review(
    plan_id: str = typer.Argument(..., help="A plan id."),
    next: Optional[str] = typer.Option(None, "--next", help="YYYY-MM-DD of the next review (default: the plan's cadence)."),
    author: str = typer.Option("cli", "--author", help="Who held the review."),
):
    """Record that the plan was reviewed today and set the next review date."""
    from .errors import InputError
    from .store import get_store

    when = None
    if next is not None:
        try:
            when = dt.date.fromisoformat(next)
        except ValueError:
            raise InputError(f"--next {next!r} is not a date; use YYYY-MM-DD")
    store = get_store()
    version = store.record_review(plan_id, author=author, next_review=when)
    d = store.get_draft(plan_id, version)
    typer.echo(f"recorded review as version {version}; next review {d.plan.review_date.isoformat()}")


@plans_app.command("due")
@friendly
def plans_due(days: int = typer.Option(14, "--days", min=0, help="Look this many days ahead.")):
    """Plans whose review is due in the next N days (overdue ones first)."""
    from .store import get_store

    today = dt.date.today()
    rows = get_store().plans_due(days, today)
    if not rows:
        typer.echo(f"no reviews due in the next {days} days")
    for r in rows:
        assert r.review_date is not None
        left = (r.review_date - today).days
        when = f"overdue by {-left} d" if left < 0 else ("today" if left == 0 else f"in {left} d")
        typer.echo(f"{r.review_date.isoformat()}  {when:15} {r.plan_id}  {r.title}")


class ExportFormat(str, Enum):
    md = "md"
    docx = "docx"
    pdf = "pdf"


@app.command("export")
@friendly
def export_cmd(
    plan_id: str = typer.Argument(..., help="A plan id from `callplan calls list`."),
    format: ExportFormat = typer.Option(ExportFormat.pdf, "--format", help="md | docx | pdf"),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: plan-ID.FORMAT; md prints)."),
    version: Optional[int] = typer.Option(None, "--version", help="Which version (default: the latest)."),
    internal: bool = typer.Option(False, "--internal", help="Add the expertise suggestions and critique (for your team)."),
):
    """The one-page plan as a document the customer can open."""
    from . import export as exporter
    from .store import get_store

    store = get_store()
    d = store.get_draft(plan_id, version)
    if out is None and format == ExportFormat.md:
        write_output(exporter.export(d, "md", internal=internal).decode("utf-8"), None)
        return
    out = out or Path(f"plan-{store.plan_id_for(plan_id)}.{format.value}")
    exporter.export_to(d, format.value, out, internal=internal)
    typer.echo(f"wrote {out}", err=True)


# knowledge: the Bullseye practices index (assistant/knowledge/)
knowledge_app = typer.Typer(no_args_is_help=True, help="The practices of successful customers that plans draw on.")
app.add_typer(knowledge_app, name="knowledge")


@knowledge_app.command("sync")
@friendly
def knowledge_sync(
    directory: Optional[Path] = typer.Argument(None, help="A knowledge/ dir (or a dir of practice files); default: the configured corpus."),
):
    """Bring the index in step with the corpus files (only changed practices are re-embedded)."""
    from . import knowledge

    report = knowledge.sync(directory, pin=directory is not None)
    for label, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
        for pid in ids:
            typer.echo(f"  {label:8} {pid}")
    typer.echo(report.summary())


@knowledge_app.command("search")
@friendly
def knowledge_search(
    text: str = typer.Argument(..., help="What the customer said, or any query."),
    k: int = typer.Option(5, "-k", "--k", min=1, max=50, help="How many practices."),
):
    """The practices nearest a query, best first."""
    from . import knowledge

    hits = knowledge.search(text, k=k)
    if not hits:
        typer.echo("no practices indexed; add some with `callplan knowledge add FILE`")
    for h in hits:
        typer.echo(f"{h.score:.2f}  {h.practice_id}  {h.title}\n      matched: {h.matched}")


@knowledge_app.command("add")
@friendly
def knowledge_add(file: Path = typer.Argument(..., help="A practice file (Markdown with YAML front matter).")):
    """Validate a practice file, copy it into the corpus and update the index."""
    from . import knowledge

    dest, report = knowledge.add(file)
    typer.echo(f"added {dest}\n{report.summary()}")


@app.command()
@friendly
def bullseye(
    files: list[Path] = typer.Argument(..., help="Recordings or transcripts of success interviews."),
    interviewer: Optional[list[str]] = typer.Option(None, "--interviewer", help="The interviewer's name (repeatable)."),
    customer: Optional[list[str]] = CustomerOpt,
    segment: Optional[str] = typer.Option(None, "--segment", help="Bullseye segment, e.g. finance-ops (default: inferred)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Knowledge dir to write proposed/ into (default: the corpus)."),
):
    """Propose practices and a Bullseye update from success interviews, for review (never merged)."""
    from . import bullseye as bullseye_mod

    hints = Hints(vendor=interviewer or [], customer=customer or [])
    proposals = bullseye_mod.run(files, hints, segment=segment, out_root=out)
    for p in proposals:
        typer.echo(p.summary())
        for problem in p.invalid:
            typer.echo(f"  needs rewriting: {problem}")
    typer.echo(
        "next: review the drafts, move accepted practices into knowledge/practices/ (and the Bullseye lines "
        "into knowledge/bullseyes/), then run `callplan knowledge sync`"
    )



@app.command()
@friendly
def doctor():
    """Print the configuration and whether each model and store is found offline (exit 1 if not)."""
    from . import doctor as checks
    from .config import get_settings

    settings = get_settings()
    for name, value in checks.configuration(settings):
        typer.echo(f"{name + ':':<26} {value}")
    typer.echo("")
    results = checks.run(settings)
    for c in results:
        typer.echo(f"{'ok' if c.ok else 'FAIL':<5} {c.name:<18} {c.detail}")
    if not all(c.ok for c in results):
        raise typer.Exit(1)


# eval and bench: how good and how fast the drafts are (eval/score.py, eval/bench.py)
@app.command("eval")
@friendly
def eval_cmd(
    dirs: Optional[list[Path]] = typer.Argument(None, help="Dirs searched recursively for gold.json; default eval/calls."),
    engine: Optional[str] = typer.Option(None, "--engine", help="embedded | llm (default: llm when configured)."),
    hints: bool = typer.Option(False, "--hints", help="Pass gold's vendor names as --vendor hints."),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
):
    """Score drafts against the labelled calls: per-field recall/precision, faithfulness, must-not hits."""
    from .config import REPO_ROOT
    from .errors import InputError

    if engine not in (None, "embedded", "llm"):
        raise InputError(f"--engine {engine!r} is not an engine; use embedded or llm")
    if not dirs:
        dirs = [Path("eval/calls") if Path("eval/calls").is_dir() else REPO_ROOT / "eval" / "calls"]
    for d in dirs:
        if not d.is_dir():
            raise InputError(f"{d} is not a directory; give a folder holding labelled calls (gold.json)")
    from eval.score import evaluate, table

    def said(s) -> None:
        state = f"ERROR {s.error}" if s.error else f"{s.seconds:.1f} s"
        typer.echo(f"  {s.split}/{s.call}{' [audio]' if s.source == 'audio' else ''}: {state}", err=True)

    report = evaluate(dirs, engine=engine, hints=hints, on_call=said)
    if not report.calls:
        raise InputError(f"no gold.json found under {', '.join(map(str, dirs))}")
    write_output(report.model_dump_json(indent=2) if json_out else table(report), None)


@app.command()
@friendly
def bench(
    stage: Optional[list[str]] = typer.Option(None, "--stage", help="transcribe | extract | knowledge | draft (repeatable; default all)."),
    minutes: float = typer.Option(10.0, "--minutes", help="Length of the recording for the transcription speed."),
    json_out: bool = typer.Option(False, "--json"),
):
    """Measure speed and peak memory of each stage on this machine (each stage in its own process)."""
    import json

    from eval import bench as b

    from .errors import InputError

    for s in stage or []:
        if s not in b.STAGES:
            raise InputError(f"--stage {s!r} is not a stage; use one of {', '.join(b.STAGES)}")
    r = b.run(list(stage or b.STAGES), minutes, log=lambda m: typer.echo(m, err=True))
    write_output(json.dumps(r, indent=2) if json_out else b.report(r), None)


# slack: the Slack bot (assistant/slack/)
@app.command()
@friendly
def slack(
    port: int = typer.Option(3000, "--port", help="HTTP mode: the port Slack's requests reach (via your proxy or tunnel)."),
    host: str = typer.Option("127.0.0.1", "--host", help="HTTP mode: the interface to listen on (0.0.0.0 for all)."),
):
    """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on --port with SLACK_SIGNING_SECRET."""
    import logging

    from .slack.serve import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(host=host, port=port, say=lambda m: typer.echo(m, err=True))


# web: the gradio app (assistant/web/); the same code path as `python app.py`
@app.command()
@friendly
def web(
    host: Optional[str] = typer.Option(None, "--host", help="Interface to listen on (default CALLPLAN_HOST or 127.0.0.1; 0.0.0.0 for all)."),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="Port (default CALLPLAN_PORT or 7860)."),
):
    """Serve the web app: upload a call, edit the plan, chat about it, export it (like `python app.py`)."""
    from .web.ui import main as serve

    serve(host=host, port=port)


def main() -> None:  # pragma: no cover
    app()
