"""A task's source carries where it was read: a box of page fractions like a field's provenance."""
from __future__ import annotations

from layout_builders import H, W, cong_van

from extractors.pipeline import record_from_document


def _with_request(source: str = "text"):
    doc = cong_van(source=source)
    page = doc.pages[0]
    ask = next(ln for ln in page.lines if ln.text.startswith("Theo đề nghị"))   # the body's last line
    ask.text = "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ rà soát kinh phí, báo cáo trước ngày 30/6/2025."
    ask.x0 = 113.0
    return doc, ask


def test_task_source_box_is_a_page_fraction_around_its_lines():
    doc, ask = _with_request()
    record = record_from_document("cv", doc)
    task = next(t for t in record.tasks if t.lead == "Sở Tài chính")
    x0, top, x1, bottom = task.source.box
    assert 0 <= x0 < x1 <= 1 and 0 <= top < bottom <= 1
    assert x0 <= ask.x0 / W + 1e-3 and x1 >= ask.x1 / W - 1e-3
    assert top <= ask.top / H + 1e-3 and bottom >= ask.bottom / H - 1e-3
    assert bottom - top < 0.2            # the request's paragraph, not the whole body


def test_task_source_has_no_box_on_synthetic_coordinates():
    doc, _ = _with_request()
    doc.pages[0].method = "docx"         # DOCX/TXT coordinates are synthetic: no box
    record = record_from_document("cv", doc)
    assert record.tasks and all(t.source.box is None for t in record.tasks)

