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
    from . import pipeline, render
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
    source = sys.stdin.read() if str(file) == "-" else file
    with cli_progress() as progress:
        d = pipeline.draft(source, hints, progress)
    text = d.model_dump_json(indent=2) if format == DraftFormat.json else render.draft_markdown(d)
    write_output(text, out)


# --- more commands register below (doctor, eval, bench, knowledge, bullseye, calls, plan, export, slack) ---

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


def main() -> None:  # pragma: no cover
    app()
