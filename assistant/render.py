"""The one-page plan in Markdown: the five sections first, then the evidence and next steps.

Pure function of a Draft, so the CLI, the web app, Slack and the exporters all show the
same page.
"""

from __future__ import annotations

from .models import Draft, Quote
from .plan import quote_label

TOPIC_TITLES = {"goal": "Goal", "measures": "Measures", "impediments": "What could get in the way"}


def _quote(q: Quote) -> str:
    return f"> \"{' '.join(q.text.split())}\" — {quote_label(q)}"


def draft_markdown(d: Draft) -> str:
    """One page a CSM can scan in under five minutes and send after light edits."""
    p, ex = d.plan, d.extraction
    customers = [s.name for s in d.transcript.speakers if s.role == "customer"]
    when = d.call_date.isoformat() if d.call_date else "undated call"
    title = f"# Success plan — {', '.join(customers) or 'customer'} ({when})"
    lines: list[str] = [title, ""]

    lines += ["## Goal", "", p.goal, ""]

    lines += ["## Measures", ""]
    if not p.measures:
        lines += ["_None stated yet — see “Ask next time”._", ""]
    for m in p.measures:
        span = f"{m.baseline or '?'} → {m.target or '?'}"
        lines.append(f"- **{m.text}** ({span})")
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
