"""Layouts pickled by an older `models.layout` (the dev-layout cache) still load and extract the same."""
import json
import pickle
from pathlib import Path

from extractors.pipeline import record_from_document
from models.layout import Document, HandwritingNote, OcrNote, PageTriage, PdfDates, ReaderNotes

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_layout_pickled_with_a_meta_dict_loads_with_typed_notes():
    # made by the 0.3.0 code: `Document.meta` was an untyped dict with string page keys
    doc = pickle.loads((FIXTURES / "layout-0.3.0.pkl").read_bytes())
    assert isinstance(doc, Document) and not hasattr(doc, "meta")
    notes = doc.notes
    assert notes.triage[1] == PageTriage("ocr", "no text layer", [])
    assert notes.ocr[1] == OcrNote(method="ocr", conf=0.91, rotation=0, skew=0.12, words=40)
    assert notes.handwriting == [HandwritingNote(slot="day", text="5", conf=0.97)]
    assert notes.pdf_dates == PdfDates(created=["2024-03-05"], signed=[])
    assert notes.legacy_encoding == {1: "tcvn3"} and notes.pdfplumber_pages == [2]
    assert notes.ocr_pages == len(doc.pages) and notes.page_count == len(doc.pages) and notes.images == 0
    assert not notes.image_only and notes.converted_with is None
    # the record the current code extracts from the same layout (the fixture is regenerated when a rule
    # changes that record: here the date flagged, a day read after the file was made)
    expected = json.loads((FIXTURES / "layout-0.3.0.record.json").read_text(encoding="utf-8"))
    assert json.loads(record_from_document("old", doc).contract_line()) == expected


def test_a_new_layout_round_trips():
    doc = Document(path="x.pdf", format="pdf", notes=ReaderNotes(page_count=3, pdf_dates=PdfDates(signed=["2024-01-02"])))
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and again.notes.pdf_dates.signed == ["2024-01-02"]


def test_an_old_layout_without_notes_gets_empty_ones():
    doc = Document.__new__(Document)
    doc.__setstate__({"path": "a.txt", "format": "txt", "pages": [], "warnings": []})
    assert doc.notes == ReaderNotes()
