"""The one normalised layout model every format reader returns.

A document is pages of positioned lines. Coordinates are in the page's own units
(PDF points; synthetic units for DOCX/TXT), origin top-left. A `Line` is a run of
words on one baseline with no wide gap inside, so the two columns of the header
(issuer | national motto) and of the footer (Nơi nhận | signer) are separate lines
with different `x0`. DOCX table cells get the x-range of their column, so the same
column logic serves every format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.enums import InputFormat

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0          # 0..1; OCR word confidence, 1.0 for a text layer
    bold: bool = False
    italic: bool = False
    size: float | None = None  # font size in points where known


@dataclass
class Line:
    text: str
    page: int                  # 1-based
    x0: float
    top: float
    x1: float
    bottom: float
    words: list[Word] = field(default_factory=list)
    conf: float = 1.0
    bold: bool = False
    italic: bool = False
    size: float | None = None
    cell: tuple[int, int, int] | None = None  # (table, row, column) for DOCX table cells
    source: str = "text"       # text | ocr | docx | txt

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Page:
    number: int                # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    method: str = "text"       # text | ocr | docx | txt | empty
    ocr_conf: float | None = None


@dataclass
class PageTriage:
    """The PDF reader's verdict on one page's text layer (`extractors.readers.triage`)."""
    method: str                # text | ocr | hybrid
    reason: str = ""
    regions: list[Box] = field(default_factory=list)   # image regions to OCR (hybrid), page units


@dataclass
class OcrNote:
    """How the OCR reader read one page."""
    method: str                # ocr | hybrid
    conf: float | None = None
    rotation: int = 0
    skew: float = 0.0
    words: int = 0


@dataclass
class HandwritingNote:
    """The handwriting recogniser's reading of a header slot (`number`, `day`, `month`)."""
    slot: str
    text: str
    conf: float


@dataclass
class PdfDates:
    """The PDF file's own dates (ISO days): creation date and signing times of its signatures."""
    created: list[str] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)


@dataclass
class ReaderNotes:
    """What the readers found out about the file besides its lines, for the extractors and for
    diagnosis. Page keys are 1-based page numbers."""
    triage: dict[int, PageTriage] = field(default_factory=dict)       # PDF: per page
    ocr: dict[int, OcrNote] = field(default_factory=dict)             # OCR'd pages
    handwriting: list[HandwritingNote] = field(default_factory=list)  # header slots read by hand
    ocr_pages: int | None = None          # pages the OCR reader read (None: no OCR ran)
    image_only: bool = False              # a Word file holding only page images, OCR'd
    images: int | None = None             # DOCX: pictures in the file
    converted_with: str | None = None     # legacy .doc: the converter
    page_count: int | None = None         # PDF: pages in the file (may exceed those read)
    pdf_dates: PdfDates | None = None     # PDF: the file's own dates
    legacy_encoding: dict[int, str] = field(default_factory=dict)   # PDF: pages decoded from TCVN3/VNI
    pdfplumber_pages: list[int] = field(default_factory=list)     # PDF: pages pdfium could not load

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> ReaderNotes:
        """The notes of a `Document` pickled before 0.3.1, when they were an untyped `meta` dict."""
        notes = cls(
            triage={int(k): PageTriage(v.get("method", "text"), v.get("reason", ""),
                                       [tuple(box) for box in v.get("regions", [])])
                    for k, v in (meta.get("triage") or {}).items()},
            ocr={int(k): OcrNote(**v) for k, v in (meta.get("ocr") or {}).items()},
            handwriting=[HandwritingNote(**h) for h in meta.get("handwriting") or []],
            ocr_pages=meta.get("ocr_pages"), image_only=bool(meta.get("image_only")), images=meta.get("images"),
            converted_with=meta.get("converted_with"), page_count=meta.get("page_count"),
            legacy_encoding={int(k): v for k, v in (meta.get("legacy_encoding") or {}).items()},
            pdfplumber_pages=list(meta.get("pdfplumber_pages") or []))
        dates = meta.get("pdf_dates")
        if dates is not None:
            notes.pdf_dates = PdfDates(list(dates.get("created") or []), list(dates.get("signed") or []))
        return notes


@dataclass
class Document:
    path: str
    format: InputFormat        # a plain string is converted (an unknown one raises ValueError)
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: ReaderNotes = field(default_factory=ReaderNotes)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle; a layout pickled before 0.3.1 carries its notes as a `meta` dict."""
        state = dict(state)
        meta = state.pop("meta", None)
        if "notes" not in state:
            state["notes"] = ReaderNotes.from_meta(meta or {})
        self.__dict__.update(state)

    def __post_init__(self) -> None:
        self.format = InputFormat(self.format)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def ocr_pages(self) -> int:
        return sum(1 for page in self.pages if page.method == "ocr")
