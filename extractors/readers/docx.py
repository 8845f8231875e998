"""DOCX through python-docx: paragraphs and tables in document order.

Word templates put the header and the footer in borderless two-column tables; each
cell's lines get the x-range of its column on a synthetic page 1000 units wide, so
the header/footer column logic is the same as for PDF.
"""
from __future__ import annotations

import re
from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.normalize import normalize_text
from models.layout import Document, Line, Page

WIDTH = 1000.0
LINE_HEIGHT = 10.0


class _Cursor:
    def __init__(self) -> None:
        self.y = 0.0
        self.lines: list[Line] = []

    def add(self, text: str, x0: float, x1: float, bold: bool, italic: bool, cell=None) -> None:
        for part in text.split("\n"):          # soft line breaks inside a paragraph
            part = normalize_text(part)
            if not part:
                continue
            self.lines.append(Line(text=part, page=1, x0=x0, top=self.y, x1=x1,
                                   bottom=self.y + LINE_HEIGHT, bold=bold, italic=italic,
                                   cell=cell, source="docx"))
            self.y += LINE_HEIGHT


def _style_flag(paragraph, attr: str) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    total = sum(len(r.text) for r in runs)
    flagged = 0
    for run in runs:
        value = getattr(run, attr)
        if value is None:
            value = getattr(run.style.font, attr, None) if run.style is not None else None
        if value is None and paragraph.style is not None:
            value = getattr(paragraph.style.font, attr, None)
        if value:
            flagged += len(run.text)
    return flagged * 2 > total


def _style_font(style) -> str | None:
    while style is not None:
        name = style.font.name
        if name:
            return name
        style = style.base_style
    return None


def _default_font(part) -> str | None:
    """The document default (docDefaults) ASCII font name."""
    cached = getattr(part, "_congvan_default_font", False)
    if cached is not False:
        return cached
    name = None
    try:
        from docx.oxml.ns import qn

        fonts = part.document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" +
                                                  qn("w:rPr") + "/" + qn("w:rFonts"))
        name = fonts.get(qn("w:ascii")) if fonts is not None else None
    except Exception:
        name = None
    try:
        part._congvan_default_font = name
    except Exception:
        pass
    return name


def _run_text(run) -> str:
    """A run's text keeping soft hyphens (TCVN3 writes `ư` as one, `w:softHyphen` in DOCX)."""
    parts = []
    for child in run._r.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "softHyphen":
            parts.append("\u00ad")
        elif tag in ("tab", "ptab"):
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _paragraph_text(paragraph) -> str:
    """Paragraph text; runs in legacy Vietnamese fonts (.VnTime, VNI-Times) decoded to Unicode."""
    from extractors.encodings import decode_font_text, font_encoding

    runs = paragraph.runs
    base = None
    fonts = []
    for run in runs:
        font = run.font.name or (_style_font(run.style) if run.style is not None else None)
        if not font:
            if base is None:
                base = _style_font(paragraph.style) or _default_font(paragraph.part) or ""
            font = base
        fonts.append(font)
    if not any(font_encoding(font)[0] for font in fonts):
        return paragraph.text
    return "".join(decode_font_text(_run_text(run), font) for run, font in zip(runs, fonts))


def _paragraph(cursor: _Cursor, paragraph, x0: float, x1: float, cell=None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text = _paragraph_text(paragraph)
    if not text.strip():
        return
    if cell is None:
        text = re.sub(r"(?<=\S) {6,}(?=\S)", "\t", text)   # columns laid out with runs of spaces
    if cell is None and "\t" in text.strip():
        # Two columns laid out with a tab stop (`Số: 09/CT-UBND<TAB>Thủ Dầu Một, ngày …`):
        # the part before the tab is the left column, the rest the right one.
        left, _, right = text.strip().partition("\t")
        mid = (x0 + x1) / 2
        y = cursor.y
        if left.strip():
            cursor.add(left, x0, mid, _style_flag(paragraph, "bold"), _style_flag(paragraph, "italic"))
        if right.strip():
            cursor.y = y
            cursor.add(right.replace("\t", " "), mid, x1, _style_flag(paragraph, "bold"),
                       _style_flag(paragraph, "italic"))
        cursor.y = max(cursor.y, y + LINE_HEIGHT)
        return
    if cell is None:
        try:
            align = paragraph.alignment
        except ValueError:             # values python-docx has no mapping for ('start', 'end')
            align = None
        if align == WD_ALIGN_PARAGRAPH.CENTER:
            x0, x1 = WIDTH * 0.2, WIDTH * 0.8
        elif align == WD_ALIGN_PARAGRAPH.RIGHT:
            x0 = WIDTH * 0.5
    cursor.add(text, x0, x1, _style_flag(paragraph, "bold"), _style_flag(paragraph, "italic"), cell)


def _table(cursor: _Cursor, table, x0: float, x1: float, index: list[int]) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    index[0] += 1
    table_id = index[0]
    for r, row in enumerate(table.rows):
        cells = []
        seen = set()
        for cell in row.cells:                 # merged cells repeat: keep each once
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell)
        if not cells:
            continue
        row_top = cursor.y
        row_bottom = row_top
        step = (x1 - x0) / len(cells)
        for c, cell in enumerate(cells):
            cursor.y = row_top
            cx0, cx1 = x0 + c * step, x0 + (c + 1) * step
            for child in cell._tc.iterchildren():
                tag = child.tag.rsplit("}", 1)[-1]
                if tag == "p":
                    _paragraph(cursor, Paragraph(child, cell), cx0, cx1, (table_id, r, c))
                elif tag == "tbl":
                    _table(cursor, Table(child, cell), cx0, cx1, index)
            row_bottom = max(row_bottom, cursor.y)
        cursor.y = row_bottom + LINE_HEIGHT / 2
    # keep reading order: rows already appended cell by cell, sort each row block by (top, x0)


def read_docx(path: Path, limits: Limits) -> Document:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise DocumentError("corrupt", f"the Word file cannot be opened ({type(exc).__name__})") from exc
    cursor = _Cursor()
    index = [0]
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _paragraph(cursor, Paragraph(child, document), 0.0, WIDTH)
        elif tag == "tbl":
            _table(cursor, Table(child, document), 0.0, WIDTH, index)
    lines = sorted(cursor.lines, key=lambda l: (l.top, l.x0))
    doc = Document(path=str(path), format="docx")
    doc.pages.append(Page(number=1, width=WIDTH, height=max(cursor.y, LINE_HEIGHT), lines=lines,
                          method="docx" if lines else "empty"))
    doc.meta["images"] = sum(1 for rel in document.part.rels.values() if "image" in rel.reltype)
    return doc
