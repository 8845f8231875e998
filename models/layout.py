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
class Document:
    path: str
    format: InputFormat        # a plain string is converted (an unknown one raises ValueError)
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

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
