"""The one-page plan in Markdown: the five sections first, then the evidence and next steps.

Pure function of a Draft, so the CLI, the web app, Slack and the exporters all show the
same page.
"""

from __future__ import annotations

from .models import Draft, Measure, Quote
from .plan import customer_name, quote_label

TOPIC_TITLES = {"goal": "Goal", "measures": "Measures", "impediments": "What could get in the way"}


def _quote(q: Quote) -> str:
    return f"> \"{' '.join(q.text.split())}\" — {quote_label(q)}"


def plan_title(d: Draft) -> str:
    """"Success plan — Harbor Freight Logistics (2026-11-20)": one title for every interface."""
    when = d.call_date.isoformat() if d.call_date else "undated call"
    return f"Success plan — {customer_name(d.transcript)} ({when})"


def measure_line(m: Measure) -> str:
    """The measure as the page shows it: its line, plus baseline → target when the line does not
    already say them (a hand-edited measure, or one the customer gave without numbers)."""
    said = [x for x in (m.baseline, m.target) if x]
    if not said or all(x.lower() in m.text.lower() for x in said):
        return m.text
    return f"{m.text} ({m.baseline or '?'} → {m.target or '?'})"


def draft_markdown(d: Draft) -> str:
    """One page a CSM can scan in under five minutes and send after light edits."""
    p, ex = d.plan, d.extraction
    lines: list[str] = [f"# {plan_title(d)}", ""]

    lines += ["## Goal", "", p.goal, ""]

    lines += ["## Measures", ""]
    if not p.measures:
        lines += ["_None stated yet — see “Ask next time”._", ""]
    for m in p.measures:
        lines.append(f"- **{measure_line(m)}**")
        if m.quote:
            lines.append(f"  > \"{' '.join(m.quote.text.split())}\" — {quote_label(m.quote)}")
    lines.append("")

    lines += ["## Milestones", ""]
    for ms in p.milestones:
        lines.append(f"- {ms.date.isoformat() if ms.date else 'date to agree'} — {ms.text}")
    lines.append("")

    lines += ["## Dependencies", ""]
    for owner, label in (("customer", "Customer"), ("vendor", "Vendor")):
        items = [x.text for x in p.dependencies if x.owner == owner]
        lines.append(f"**{label}**")
        lines += [f"- {t}" for t in items] or ["- _none yet_"]
        lines.append("")

    lines += ["## Review date", "", p.review_date.isoformat(), ""]

    lines += ["---", "", "## What the customer said", ""]
    for topic, title_ in TOPIC_TITLES.items():
        quotes = getattr(ex, topic)
        lines.append(f"**{title_}**")
        lines += [_quote(q) for q in quotes] or ["_not answered_"]
        lines.append("")

    if ex.unanswered:
        lines += ["## Ask next time", ""]
        lines += [f"- **{u.topic}**: {u.follow_up}" for u in ex.unanswered]
        lines.append("")

    if d.suggestions:
        lines += ["## Expertise to add", ""]
        for s in d.suggestions:
            lines.append(f"- **{s.title}** — {s.text}")
            lines.append(f"  _Why: {s.why}_")
        lines.append("")

    if d.critique:
        lines += ["## Critique", ""]
        lines += [f"- **{c.section}**: {c.problem} Fix: {c.suggestion}" for c in d.critique]
        lines.append("")

    if d.notes:
        lines += ["## Notes", ""]
        lines += [f"- {n}" for n in d.notes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
