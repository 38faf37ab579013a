"""Plan edits as validated operations: the only way a chat (embedded or LLM), the web UI or
the CLI changes a plan.

Operations and plans are pure values: `apply` returns a new Plan and never mutates the old
one, so undo is "keep the previous plan". The one-page limits (goal <= 3 sentences,
<= 4 measures, <= 5 milestones) are enforced here with a message that says what to do.
`AddSuggestion` turns an "expertise to add" practice into a *customer dependency*: a
practice is something the customer commits to doing differently, which is an obligation
on their side, not a dated event (a milestone needs a date the customer gave).
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from typing import Annotated, Literal, Optional, Union

from pydantic import Field, TypeAdapter, field_validator

from .errors import InputError
from .extract.grounding import sentence_spans
from .models import Dependency, Draft, Measure, Milestone, Plan, Strict

MAX_GOAL_SENTENCES = 3
MAX_MEASURES = 4
MAX_MILESTONES = 5
MAX_DEPENDENCIES = 8  # still one page
SHORT_GOAL_WORDS = 25


class _Op(Strict):
    def describe(self) -> str:  # pragma: no cover - each op overrides
        return self.op  # type: ignore[attr-defined]


def _text(v: str) -> str:
    v = " ".join(str(v).split())
    if not v:
        raise ValueError("text must not be empty")
    return v


class SetGoal(_Op):
    op: Literal["set_goal"] = "set_goal"
    text: str
    _t = field_validator("text")(_text)

    def describe(self) -> str:
        return "set the goal"


class ShortenGoal(_Op):
    """Keep the goal's first sentence(s) up to `max_words` words: deterministic, words unchanged."""

    op: Literal["shorten_goal"] = "shorten_goal"
    max_words: int = Field(default=SHORT_GOAL_WORDS, ge=5, le=100)

    def describe(self) -> str:
        return "shortened the goal"


class AddMeasure(_Op):
    op: Literal["add_measure"] = "add_measure"
    text: str
    baseline: Optional[str] = None
    target: Optional[str] = None
    _t = field_validator("text")(_text)

    def describe(self) -> str:
        return f"added measure: {self.text}"


class EditMeasure(_Op):
    op: Literal["edit_measure"] = "edit_measure"
    index: int = Field(ge=1)  # 1-based, as the plan shows them
    text: Optional[str] = None
    baseline: Optional[str] = None
    target: Optional[str] = None

    def describe(self) -> str:
        return f"edited measure {self.index}"


class RemoveMeasure(_Op):
    op: Literal["remove_measure"] = "remove_measure"
    index: int = Field(ge=1)

    def describe(self) -> str:
        return f"removed measure {self.index}"


class AddMilestone(_Op):
    op: Literal["add_milestone"] = "add_milestone"
    text: str
    date: Optional[dt.date] = None
    _t = field_validator("text")(_text)

    def describe(self) -> str:
        return f"added milestone: {self.text}" + (f" ({self.date.isoformat()})" if self.date else "")


class RemoveMilestone(_Op):
    op: Literal["remove_milestone"] = "remove_milestone"
    index: int = Field(ge=1)

    def describe(self) -> str:
        return f"removed milestone {self.index}"


class AddDependency(_Op):
    op: Literal["add_dependency"] = "add_dependency"
    owner: Literal["customer", "vendor"]
    text: str
    _t = field_validator("text")(_text)

    def describe(self) -> str:
        return f"added {self.owner} dependency: {self.text}"


class RemoveDependency(_Op):
    op: Literal["remove_dependency"] = "remove_dependency"
    index: int = Field(ge=1)

    def describe(self) -> str:
        return f"removed dependency {self.index}"


class SetReviewDate(_Op):
    op: Literal["set_review_date"] = "set_review_date"
    date: dt.date

    def describe(self) -> str:
        return f"set the review date to {self.date.isoformat()}"


class SetReviewCadence(_Op):
    """Review `cadence` after the call date (or today when the draft has none)."""

    op: Literal["set_review_cadence"] = "set_review_cadence"
    cadence: Union[Literal["weekly", "monthly", "quarterly"], Annotated[int, Field(ge=1, le=730)]]

    def describe(self) -> str:
        c = self.cadence
        return f"moved the review to {c}" if isinstance(c, str) else f"moved the review to {c} days after the call"


class AddSuggestion(_Op):
    op: Literal["add_suggestion"] = "add_suggestion"
    practice_id: str

    def describe(self) -> str:
        return f"added practice {self.practice_id} as a customer dependency"


PlanOp = Annotated[
    Union[
        SetGoal,
        ShortenGoal,
        AddMeasure,
        EditMeasure,
        RemoveMeasure,
        AddMilestone,
        RemoveMilestone,
        AddDependency,
        RemoveDependency,
        SetReviewDate,
        SetReviewCadence,
        AddSuggestion,
    ],
    Field(discriminator="op"),
]
op_adapter: TypeAdapter = TypeAdapter(PlanOp)


def parse_op(data: dict) -> PlanOp:
    """A dict (e.g. from JSON) -> a validated op; raises pydantic's ValidationError."""
    return op_adapter.validate_python(data)


# ---------------------------------------------------------------- helpers


def sentences(text: str) -> list[str]:
    """The same sentence boundaries the composer and the critic use, so the goal limit means one thing."""
    return [text[a:b] for a, b in sentence_spans(text)]


def shorten(text: str, max_words: int = SHORT_GOAL_WORDS) -> str:
    """Shorter, in the same words: whole first sentences while they fit in max_words (at least
    one sentence fewer than before); a single sentence over max_words is cut at a word."""
    sents = sentences(text)
    out: list[str] = []
    words = 0
    for s in sents:
        n = len(s.split())
        if out and words + n > max_words:
            break
        if not out and n > max_words:
            return " ".join(s.split()[:max_words]).rstrip(",;:-") + "…"
        out.append(s)
        words += n
    if len(out) == len(sents) and len(sents) > 1:
        out = out[:-1]  # it already fit: shorter means one sentence fewer
    return " ".join(out)


def add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def review_after(base: dt.date, cadence: Union[str, int]) -> dt.date:
    if cadence == "weekly":
        return base + dt.timedelta(days=7)
    if cadence == "monthly":
        return add_months(base, 1)
    if cadence == "quarterly":
        return add_months(base, 3)
    return base + dt.timedelta(days=int(cadence))


def _at(items: list, index: int, what: str) -> None:
    if not 1 <= index <= len(items):
        have = f"{len(items)} {what}s" if len(items) != 1 else f"1 {what}"
        raise InputError(f"there is no {what} {index}; the plan has {have}" if items else f"the plan has no {what}s")


def _plural(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- apply


def apply(plan: Plan, op: PlanOp, *, draft: Optional[Draft] = None, today: Optional[dt.date] = None) -> Plan:
    """A new plan with `op` applied; InputError (one clear line) when the op breaks a limit."""
    if isinstance(op, SetGoal):
        n = len(sentences(op.text))
        if n > MAX_GOAL_SENTENCES:
            raise InputError(f"that goal has {n} sentences; the plan keeps the goal to at most {MAX_GOAL_SENTENCES}")
        return plan.model_copy(update={"goal": op.text})
    if isinstance(op, ShortenGoal):
        short = shorten(plan.goal, op.max_words)
        if short == plan.goal:
            raise InputError('the goal is already one short sentence; to change it, say "set the goal to: ..."')
        return plan.model_copy(update={"goal": short})
    if isinstance(op, AddMeasure):
        if len(plan.measures) >= MAX_MEASURES:
            raise InputError(f"the plan already has {_plural(len(plan.measures), 'measure')}; remove one first")
        m = Measure(text=op.text, baseline=op.baseline, target=op.target)
        return plan.model_copy(update={"measures": [*plan.measures, m]})
    if isinstance(op, EditMeasure):
        _at(plan.measures, op.index, "measure")
        old = plan.measures[op.index - 1]
        changes = {k: v for k, v in (("text", op.text), ("baseline", op.baseline), ("target", op.target)) if v is not None}
        if "text" in changes:
            changes["text"] = _text(changes["text"])
        new = old.model_copy(update=changes)
        return plan.model_copy(update={"measures": [new if i == op.index - 1 else m for i, m in enumerate(plan.measures)]})
    if isinstance(op, RemoveMeasure):
        _at(plan.measures, op.index, "measure")
        return plan.model_copy(update={"measures": [m for i, m in enumerate(plan.measures) if i != op.index - 1]})
    if isinstance(op, AddMilestone):
        if len(plan.milestones) >= MAX_MILESTONES:
            raise InputError(f"the plan already has {_plural(len(plan.milestones), 'milestone')}; remove one first")
        items = [*plan.milestones, Milestone(text=op.text, date=op.date)]
        items.sort(key=lambda m: (m.date is None, m.date or dt.date.max))  # stable: undated keep their order
        return plan.model_copy(update={"milestones": items})
    if isinstance(op, RemoveMilestone):
        _at(plan.milestones, op.index, "milestone")
        return plan.model_copy(update={"milestones": [m for i, m in enumerate(plan.milestones) if i != op.index - 1]})
    if isinstance(op, (AddDependency, AddSuggestion)):
        dep = _dependency_for(op, draft)
        if any(d.owner == dep.owner and d.text.casefold() == dep.text.casefold() for d in plan.dependencies):
            raise InputError(f"the plan already has that {dep.owner} dependency")
        if len(plan.dependencies) >= MAX_DEPENDENCIES:
            raise InputError(f"the plan already has {_plural(len(plan.dependencies), 'dependency')}; remove one first")
        return plan.model_copy(update={"dependencies": [*plan.dependencies, dep]})
    if isinstance(op, RemoveDependency):
        _at(plan.dependencies, op.index, "dependency")
        return plan.model_copy(update={"dependencies": [d for i, d in enumerate(plan.dependencies) if i != op.index - 1]})
    if isinstance(op, SetReviewDate):
        return plan.model_copy(update={"review_date": op.date})
    if isinstance(op, SetReviewCadence):
        base = (draft.call_date if draft else None) or today or dt.date.today()
        return plan.model_copy(update={"review_date": review_after(base, op.cadence)})
    raise InputError(f"unknown plan operation {getattr(op, 'op', op)!r}")  # pragma: no cover


def _dependency_for(op: Union[AddDependency, AddSuggestion], draft: Optional[Draft]) -> Dependency:
    if isinstance(op, AddDependency):
        return Dependency(owner=op.owner, text=op.text)
    if draft is None:
        raise InputError("adding a suggestion needs the draft it came from")
    for s in draft.suggestions:
        if s.practice_id == op.practice_id:
            return Dependency(owner="customer", text=_text(s.title))
    known = ", ".join(s.practice_id for s in draft.suggestions) or "none"
    raise InputError(f"no suggestion {op.practice_id!r} in this draft (suggestions: {known})")


def apply_all(plan: Plan, ops: list, *, draft: Optional[Draft] = None, today: Optional[dt.date] = None) -> Plan:
    """All ops or none: the first one that fails raises and the caller keeps the old plan."""
    for op in ops:
        plan = apply(plan, op, draft=draft, today=today)
    return plan


# ---------------------------------------------------------------- diff


def plan_lines(plan: Plan, numbered: bool = True) -> list[str]:
    """The plan as one line per item, so a diff reads as "this goal / this measure changed"."""

    def n(i: int) -> str:
        return f" {i}" if numbered else ""

    lines = [f"Goal: {plan.goal}"]
    for i, m in enumerate(plan.measures, 1):
        extra = ", ".join(x for x in (f"baseline {m.baseline}" if m.baseline else "", f"target {m.target}" if m.target else "") if x)
        lines.append(f"Measure{n(i)}: {m.text}" + (f" ({extra})" if extra else ""))
    for i, ms in enumerate(plan.milestones, 1):
        lines.append(f"Milestone{n(i)}: " + (f"{ms.date.isoformat()} " if ms.date else "(no date) ") + ms.text)
    for i, d in enumerate(plan.dependencies, 1):
        lines.append(f"Dependency{n(i)} ({d.owner}): {d.text}")
    lines.append(f"Review date: {plan.review_date.isoformat()}")
    return lines


def diff(old: Plan, new: Plan) -> str:
    """Changed lines only: '- ' for the old version, '+ ' for the new; '(no changes)' if none.
    Items are unnumbered here so removing measure 2 shows one line, not a renumbering."""
    out = [
        line
        for line in difflib.ndiff(plan_lines(old, numbered=False), plan_lines(new, numbered=False))
        if line.startswith(("- ", "+ "))
    ]
    return "\n".join(out) if out else "(no changes)"
