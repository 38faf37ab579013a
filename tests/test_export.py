"""Exports a customer can open: Markdown, Word and a one-page PDF (counted with pdfinfo,
read back with pdftotext, rendered with pdftoppm).

Regenerate the README's picture of the page with:  .venv/bin/python tests/test_export.py
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.export import export, export_to
from assistant.models import Hints
from assistant.render import draft_markdown

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_fixtures import full_draft, typical_draft  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DOCS_PAGE = REPO / "docs" / "plan-page.png"
runner = CliRunner()
needs_poppler = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils (pdfinfo/pdftotext/pdftoppm) not installed")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def render_page(pdf: Path, png: Path, dpi: int = 80) -> Path:
    """Page 1 of `pdf` as a PNG (pdftoppm), written to `png`."""
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
    return png


def test_markdown_is_the_one_page_renderer_without_internal_parts():
    d = typical_draft()
    md = export(d, "md").decode()
    assert md == draft_markdown(d.model_copy(update={"suggestions": [], "critique": [], "notes": []}))
    assert "Close checklist in one place" not in md and "## Critique" not in md
    internal = export(d, "md", internal=True).decode()
    assert internal == draft_markdown(d) and "Close checklist in one place" in internal


def test_docx_has_title_sections_measures_dependencies_and_review():
    from docx import Document

    d = typical_draft()
    doc = Document(io.BytesIO(export(d, "docx")))
    paras = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Success plan — Zoë Müller (2025-03-03)", "Goal", "Measures", "Milestones", "Dependencies", "Review date"]
    assert doc.core_properties.title == headings[0]
    assert "Close the books in five days instead of twelve." in paras
    assert "Days to close the month  (12 working days → 5 by end of Q3)" in paras
    assert "“Close takes twelve working days today; I want it at five by the end of Q3.” — Zoë Müller [00:26]" in paras
    assert "2025-04-15 — Reconciliations automated for the two largest entities" in paras
    assert "date to agree — First five-day close" in paras
    assert "Tuesday 03 June 2025" in paras
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["Customer", "Vendor"]
    customer, vendor = table.rows[1].cells
    assert "Name an IT contact for the ERP connector before April." in customer.text and "ERP connector" not in vendor.text
    assert "Configure the connector around the June ERP upgrade." in vendor.text
    assert not any("internal" in h for h in headings)

    internal = Document(io.BytesIO(export(d, "docx", internal=True)))
    text = "\n".join(p.text for p in internal.paragraphs)
    assert "Expertise to add (internal)" in text and "Close checklist in one place" in text
    assert "Critique (internal)" in text and "The first five-day close has no date." in text


@needs_poppler
@pytest.mark.parametrize("make", [typical_draft, full_draft], ids=["typical", "every-section-full"])
def test_pdf_is_one_page_with_unicode_quotes(make, tmp_path):
    pdf = export_to(make(), "pdf", tmp_path / "plan.pdf")
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "Success plan — Zoë Müller (2025-03-03)" in text
    for heading in ("Goal", "Measures", "Milestones", "Dependencies", "Review date"):
        assert re.search(rf"^\s*{heading}\s*$", text, re.M), heading
    assert "12 working days → 5 by end of Q3" in text
    assert "“Close takes twelve working days today; I want it at five by the end of Q3.” — Zoë Müller [00:26]" in " ".join(text.split())
    assert re.search(r"Customer\s+Vendor", text)  # side by side
    assert "Tuesday 03 June 2025" in text
    assert "Close checklist" not in text


@needs_poppler
def test_internal_pdf_adds_suggestions_and_critique(tmp_path):
    pdf = export_to(typical_draft(), "pdf", tmp_path / "plan.pdf", internal=True)
    text = " ".join(pdf_text(pdf).split())
    assert "Expertise to add (internal)" in text and "Close checklist in one place" in text
    assert "Why: She named close days as the measure." in text
    assert "Critique (internal)" in text and "Agree a month for it." in text


def test_pdf_text_with_markdown_markers_stays_literal(tmp_path):
    d = typical_draft()
    plan = d.plan.model_copy(update={"milestones": [d.plan.milestones[0].model_copy(update={"text": "Go--live for __all__ **sites**"})]})
    pdf = export_to(d.model_copy(update={"plan": plan}), "pdf", tmp_path / "p.pdf")
    if shutil.which("pdftotext"):
        assert "Go--live for __all__ **sites**" in pdf_text(pdf)


@needs_poppler
def test_pdf_renders_to_a_png_page(tmp_path):
    pdf = export_to(typical_draft(), "pdf", tmp_path / "plan.pdf")
    png = render_page(pdf, tmp_path / "page.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width - 661) <= 1 and abs(height - 935) <= 1  # A4 (210 x 297 mm) at 80 dpi
    assert DOCS_PAGE.is_file(), "docs/plan-page.png is missing; run .venv/bin/python tests/test_export.py"


def test_export_to_is_atomic_and_refuses_bad_targets(tmp_path):
    from assistant.errors import InputError

    out = tmp_path / "plan.docx"
    out.write_bytes(b"old")
    export_to(typical_draft(), "docx", out)
    assert out.read_bytes()[:2] == b"PK" and not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(InputError, match="does not exist"):
        export_to(typical_draft(), "pdf", tmp_path / "missing" / "plan.pdf")
    with pytest.raises(InputError, match="is a directory"):
        export_to(typical_draft(), "pdf", tmp_path)


def test_cli_export_each_format(tmp_path, monkeypatch):
    from assistant.store import get_store

    store = get_store()
    call_id = store.save_call(source=None, text="notes", hints=Hints(), origin="test")
    plan_id, _ = store.save_draft(call_id, typical_draft(), author="test")

    md = runner.invoke(app, ["export", plan_id, "--format", "md"])
    assert md.exit_code == 0 and md.stdout.startswith("# Success plan — Zoë Müller (2025-03-03)")
    out = tmp_path / "plan.docx"
    r = runner.invoke(app, ["export", plan_id, "--format", "docx", "--out", str(out)])
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK" and f"wrote {out}" in r.stderr
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["export", plan_id, "--format", "pdf", "--internal"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / f"plan-{plan_id}.pdf").read_bytes()[:5] == b"%PDF-"
    r = runner.invoke(app, ["export", plan_id, "--format", "odt"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["export", plan_id, "--format", "pdf", "--out", str(tmp_path / "no" / "x.pdf")])
    assert r.exit_code == 2 and r.output.strip().startswith("error: ") and "does not exist" in r.output


def regenerate_docs_page() -> Path:
    """docs/plan-page.png from the sample call's stored draft (the real pipeline)."""
    import datetime as dt
    import tempfile

    from assistant.pipeline import draft

    d = draft(REPO / "samples" / "discovery_call.txt", Hints(call_date=dt.date(2025, 10, 6)))
    with tempfile.TemporaryDirectory() as tmp:
        pdf = export_to(d, "pdf", Path(tmp) / "plan.pdf")
        assert pdf_pages(pdf) == 1
        DOCS_PAGE.parent.mkdir(exist_ok=True)
        return render_page(pdf, DOCS_PAGE, dpi=80)


if __name__ == "__main__":
    print(regenerate_docs_page())
