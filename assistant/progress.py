"""Progress on the terminal: a bar with elapsed audio time, then the later stages by name.

Why: transcribing an hour of audio takes minutes on a laptop; the user should see it
moving. The pipeline only knows the `Progress` callback (models.py); this module is the
CLI's rendering of it. When stderr is not a terminal (CI, pipes) the bar is skipped but
one final line still says what was done and how long it took.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator, Optional

from rich.console import Console
from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeElapsedColumn

from .models import Progress

LABELS = {
    "transcribe": "transcribing",
    "extract": "finding the customer's words",
    "plan": "composing the plan",
    "suggest": "matching practices",
    "done": "done",
}


def clock(seconds: Optional[float]) -> str:
    """mm:ss (or h:mm:ss) for audio time."""
    if seconds is None:
        return "--:--"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    return f"{h}:{rem // 60:02d}:{rem % 60:02d}" if h else f"{rem // 60:02d}:{rem % 60:02d}"


class Tracker:
    """Remembers what happened, so a final line can be printed with or without a bar."""

    def __init__(self, bar: Optional[Bar]) -> None:
        self.bar = bar
        self.task = bar.add_task("starting", total=None, clock="") if bar else None
        self.started = time.monotonic()
        self.stages: list[str] = []
        self.audio: Optional[float] = None

    def __call__(self, stage: str, done: float, total: Optional[float]) -> None:
        if not self.stages or self.stages[-1] != stage:
            self.stages.append(stage)
        if stage == "transcribe":
            self.audio = total
        if self.bar is None or self.task is None:
            return
        label = LABELS.get(stage, stage)
        if stage == "transcribe":
            self.bar.update(self.task, description=label, completed=done, total=total, clock=f"{clock(done)} / {clock(total)}")
        else:
            self.bar.update(self.task, description=label, completed=done, total=total or None, clock="")

    def summary(self) -> str:
        wall = time.monotonic() - self.started
        parts = []
        if self.audio is not None:
            parts.append(f"transcribed {clock(self.audio)} of audio")
        later = [LABELS.get(s, s) for s in self.stages if s not in ("transcribe", "done")]
        if later:
            parts.append(", ".join(later))
        return f"{'; '.join(parts) or 'done'} in {wall:.1f} s"


@contextmanager
def cli_progress(console: Optional[Console] = None) -> Iterator[Progress]:
    """Yield a Progress callback that draws on stderr; print one summary line at the end."""
    console = console or Console(stderr=True)
    live = console.is_terminal
    bar = (
        Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[clock]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        if live
        else None
    )
    tracker = Tracker(bar)
    if bar:
        bar.start()
    try:
        yield tracker
    finally:
        if bar:
            bar.stop()
    # only on success: a failed run prints its one error line instead
    console.print(tracker.summary(), highlight=False, soft_wrap=True)
