"""The plan as a document a customer can open: Markdown, Word (python-docx) or PDF (fpdf2).

Why three: Markdown pastes into email and Slack, Word is what a CSM edits before sending,
PDF is what a customer opens anywhere. All three show the same one page: a title with the
customer and call date, goal, measures (baseline -> target, with the customer's own words),
milestones, dependencies split by side, review date. The expertise suggestions, critique
and notes are for the vendor's team, so they appear only with `internal=True`.

The PDF uses DejaVu Sans bundled in assistant/data/fonts (see its LICENSE.md), so curly
quotes and dashes render with no system fonts installed.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Literal

from . import render
from .errors import InputError
from .models import Draft, Measure
from .plan import quote_label

Format = Literal["md", "docx", "pdf"]
FORMATS: tuple[str, ...] = ("md", "docx", "pdf")
SIDES = (("customer", "Customer"), ("vendor", "Vendor"))


def export(draft: Draft, fmt: Format, *, internal: bool = False) -> bytes:
    if fmt == "md":
        return _markdown(draft, internal).encode("utf-8")
    if fmt == "docx":
        return _docx(draft, internal)
    if fmt == "pdf":
        return _pdf(draft, internal)
    raise InputError(f"--format {fmt!r} is not an export format; use md, docx or pdf")


def export_to(draft: Draft, fmt: Format, out: Path, *, internal: bool = False) -> Path:
    """Write atomically (temp file + rename): `out` is the whole document or untouched."""
    from .store import write_atomically

    data = export(draft, fmt, internal=internal)
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out} is a directory; give a file name for --out")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent} does not exist; create it or choose another --out")
    try:
        write_atomically(out, data)
    except OSError as e:
        raise InputError(f"cannot write {out} ({e.strerror or e}); choose another --out") from None
    return out


# ---------------------------------------------------------------- shared wording


def title(draft: Draft) -> str:
    return render.plan_title(draft)


def measure_line(m: Measure) -> tuple[str, str]:
    """(what, 'baseline → target'); the second part empty when the line already says both."""
    return m.text, "" if render.measure_line(m) == m.text else f"{m.baseline or '?'} → {m.target or '?'}"


def quote_text(m: Measure) -> str:
    assert m.quote is not None
    return f"“{' '.join(m.quote.text.split())}” — {quote_label(m.quote)}"


def customer_copy(draft: Draft) -> Draft:
    """The draft without the vendor-internal parts."""
    return draft.model_copy(update={"suggestions": [], "critique": [], "notes": []})


def _markdown(draft: Draft, internal: bool) -> str:
    from .render import draft_markdown

    return draft_markdown(draft if internal else customer_copy(draft))


# ---------------------------------------------------------------- Word


def _docx(draft: Draft, internal: bool) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    p, doc = draft.plan, Document()
    doc.core_properties.title = title(draft)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    doc.add_heading(title(draft), level=1)

    doc.add_heading("Goal", level=2)
    doc.add_paragraph(p.goal)

    doc.add_heading("Measures", level=2)
    if not p.measures:
        doc.add_paragraph("None stated yet; to agree at the next conversation.")
    for m in p.measures:
        what, span = measure_line(m)
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(what).bold = True
        if span:
            para.add_run(f"  ({span})")
        if m.quote:
            q = doc.add_paragraph()
            q.paragraph_format.left_indent = Pt(18)
            run = q.add_run(quote_text(m))
            run.italic = True
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    doc.add_heading("Milestones", level=2)
    for ms in p.milestones:
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(ms.date.isoformat() if ms.date else "date to agree").bold = True
        para.add_run(f" — {ms.text}")
    if not p.milestones:
        doc.add_paragraph("To agree together.")

    doc.add_heading("Dependencies", level=2)
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for col, (owner, label) in enumerate(SIDES):
        table.cell(0, col).paragraphs[0].add_run(label).bold = True
        items = [d.text for d in p.dependencies if d.owner == owner] or ["none yet"]
        cell = table.cell(1, col)
        cell.paragraphs[0].text = f"• {items[0]}"
        for text in items[1:]:
            cell.add_paragraph(f"• {text}")

    doc.add_heading("Review date", level=2)
    doc.add_paragraph(p.review_date.strftime("%A %d %B %Y"))

    if internal:
        _docx_internal(doc, draft)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_internal(doc, draft: Draft) -> None:
    if draft.suggestions:
        doc.add_heading("Expertise to add (internal)", level=2)
        for s in draft.suggestions:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(s.title).bold = True
            para.add_run(f" — {s.text} Why: {s.why}")
    if draft.critique:
        doc.add_heading("Critique (internal)", level=2)
        for c in draft.critique:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(f"{c.section}: ").bold = True
            para.add_run(f"{c.problem} Fix: {c.suggestion}")
    if draft.notes:
        doc.add_heading("Notes (internal)", level=2)
        for n in draft.notes:
            doc.add_paragraph(n, style="List Bullet")


# ---------------------------------------------------------------- PDF

FONT = "DejaVu"
GREY = (90, 90, 90)
ACCENT = (20, 70, 130)


def font_dir() -> Path:
    return Path(str(resources.files("assistant") / "data" / "fonts"))


def _pdf(draft: Draft, internal: bool) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    p = draft.plan
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(font_dir() / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title(draft))
    pdf.set_creator("callplan")
    pdf.add_page()
    nl = dict(new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        pdf.ln(2.5)
        pdf.set_font(FONT, "B", 11.5)
        pdf.set_text_color(*ACCENT)
        pdf.cell(0, 6.5, text, **nl)
        pdf.set_draw_color(*ACCENT)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.2)
        pdf.set_text_color(0, 0, 0)

    def body(text: str, *, size: float = 10, style: str = "", color=(0, 0, 0), indent: float = 0, markdown: bool = False) -> None:
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.5, text, markdown=markdown, align="L", **nl)
        pdf.set_text_color(0, 0, 0)

    def bullet(text: str, *, markdown: bool = False) -> None:  # hanging indent: wrapped lines align with the text
        pdf.set_font(FONT, "", 10)
        pdf.set_x(pdf.l_margin)
        pdf.cell(5, 5, "•")
        pdf.multi_cell(0, 5, text, markdown=markdown, align="L", **nl)

    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, title(draft), **nl)
    body(f"Review date {p.review_date.isoformat()}  ·  quotes are the customer's own words", size=9, color=GREY)

    heading("Goal")
    body(p.goal, size=10.5)

    heading("Measures")
    if not p.measures:
        body("None stated yet; to agree at the next conversation.", color=GREY)
    for m in p.measures:
        what, span = measure_line(m)
        bullet(f"**{_md_escape(what)}**" + (f"  ({_md_escape(span)})" if span else ""), markdown=True)
        if m.quote:
            body(quote_text(m), size=9, color=GREY, indent=5)
        pdf.ln(0.8)

    heading("Milestones")
    for ms in p.milestones:
        bullet(f"**{ms.date.isoformat() if ms.date else 'date to agree'}** — {_md_escape(ms.text)}", markdown=True)
    if not p.milestones:
        body("To agree together.", color=GREY)

    heading("Dependencies")
    _pdf_two_columns(pdf, draft)

    heading("Review date")
    body(p.review_date.strftime("%A %d %B %Y"), size=10.5)

    if internal:
        if draft.suggestions:
            heading("Expertise to add (internal)")
            for s in draft.suggestions:
                bullet(f"**{_md_escape(s.title)}** — {_md_escape(s.text)}", markdown=True)
                body(f"Why: {s.why}", size=9, color=GREY, indent=5)
        if draft.critique:
            heading("Critique (internal)")
            for c in draft.critique:
                bullet(f"**{_md_escape(c.section)}:** {_md_escape(c.problem)} Fix: {_md_escape(c.suggestion)}", markdown=True)
        if draft.notes:
            heading("Notes (internal)")
            for n in draft.notes:
                bullet(n)
    return bytes(pdf.output())


def _pdf_two_columns(pdf, draft: Draft) -> None:
    """Customer's side on the left, vendor's on the right, each a bullet list."""
    from fpdf.enums import XPos, YPos

    gap = 6
    width = (pdf.w - pdf.l_margin - pdf.r_margin - gap) / 2
    top, bottom = pdf.get_y(), pdf.get_y()
    for col, (owner, label) in enumerate(SIDES):
        x = pdf.l_margin + col * (width + gap)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(width, 5.5, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9.5)
        items = [d.text for d in draft.plan.dependencies if d.owner == owner] or ["none yet"]
        for text in items:
            pdf.set_x(x)
            pdf.cell(4.5, 4.75, "•")
            pdf.multi_cell(width - 4.5, 4.75, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(x)
            pdf.ln(0.6)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom)


def _md_escape(text: str) -> str:
    """fpdf2's markdown treats **, __ and -- as markers; keep the customer's text literal."""
    for marker in ("**", "__", "--", "~~"):
        text = text.replace(marker, "\\" + marker)
    return text
