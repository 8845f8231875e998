"""DOCX through python-docx: paragraphs, tables and text boxes in document order.

Word templates put the header and the footer in borderless two-column tables; each
cell's lines get the x-range of its column on a synthetic page 1000 units wide, so
the header/footer column logic is the same as for PDF.

Text boxes (`w:txbxContent`, VML `v:textbox` or DrawingML `wps:txbx`, the latter usually
inside `mc:AlternateContent` with a VML copy as fallback: only the first branch is read)
are read where they are anchored, at the x-range of their position on the page; boxes
anchored in one paragraph are laid out side by side by their vertical offsets. The Word
header part shown on a section's first page (where OCR conversions and some templates keep
the agency header, `Số` and date) is read before that section's body; footer parts give
only their text boxes, after the section. Page numbers of those parts are dropped. All
parts come from python-docx's parse (lxml without entity resolution, after the pre-flight
checks of `extractors.safety`).
"""
from __future__ import annotations

import re
from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.normalize import normalize_text
from models.enums import InputFormat
from models.layout import Document, Line, Page

WIDTH = 1000.0
LINE_HEIGHT = 10.0


class _Cursor:
    def __init__(self) -> None:
        self.y = 0.0
        self.lines: list[Line] = []
        self.tables = [0]               # running table id (cell=(table,row,col))
        self.depth = 0                  # text boxes inside text boxes (hostile nesting is cut)
        self.geometry: tuple[float, float, float] | None = None  # page width, left, right margin (pt)

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
        return cached if isinstance(cached, str) else None
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
    from extractors.lang.encodings import decode_font_text, font_encoding

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


# --------------------------------------------------------------------------- text boxes

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU_PER_PT = 12700
MAX_BOX_DEPTH = 3                      # Word nests no text box in another; a file that does is cut
_PT_TO_Y = LINE_HEIGHT / 14.0          # a printed line is about 14 pt high
_UNITS_PT = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "pc": 12.0, "": 0.75}


def _text_boxes(element) -> list:
    """The `w:txbxContent` elements anchored in `element` (a paragraph), outermost only and
    without the VML fallback copy of a DrawingML box."""
    out = []
    for box in element.iter(f"{_W}txbxContent"):
        node, keep = box.getparent(), True
        while node is not None and node is not element:
            if node.tag == _MC_FALLBACK or node.tag == f"{_W}txbxContent":
                keep = False
                break
            node = node.getparent()
        if keep:
            out.append(box)
    return out


def _length_pt(value: str | None) -> float | None:
    m = re.fullmatch(r"\s*(-?[\d.]+(?:e-?\d+)?)\s*([a-z]*)\s*", value or "")
    if not m or m.group(2) not in _UNITS_PT:
        return None
    try:
        return float(m.group(1)) * _UNITS_PT[m.group(2)]
    except ValueError:
        return None


def _box_geometry(box) -> tuple[float | None, float | None, float | None, str]:
    """(left, top, width) in points and what `left` is measured from (`page` or `margin`),
    from the VML shape style or the DrawingML anchor holding the text box."""
    node = box.getparent()
    while node is not None:
        tag = node.tag.rsplit("}", 1)[-1]
        style = node.get("style") if tag not in ("textbox",) else None
        if style and ("margin-left" in style or "left:" in style or "width" in style):
            props = {k.strip(): v.strip() for k, _, v in (p.partition(":") for p in style.split(";")) if k.strip()}
            left = _length_pt(props.get("margin-left") or props.get("left"))
            top = _length_pt(props.get("margin-top") or props.get("top"))
            width = _length_pt(props.get("width"))
            rel = props.get("mso-position-horizontal-relative", "margin")
            return left, top, width, "page" if rel == "page" else "margin"
        if node.tag in (f"{_WP}anchor", f"{_WP}inline"):
            extent = node.find(f"{_WP}extent")
            width = int(extent.get("cx", "0")) / _EMU_PER_PT if extent is not None else None
            left = top = None
            rel = "margin"
            pos_h, pos_v = node.find(f"{_WP}positionH"), node.find(f"{_WP}positionV")
            if pos_h is not None:
                rel = "page" if pos_h.get("relativeFrom") == "page" else "margin"
                offset = pos_h.find(f"{_WP}posOffset")
                if offset is not None and (offset.text or "").strip().lstrip("-").isdigit():
                    left = int(offset.text) / _EMU_PER_PT
                elif pos_h.find(f"{_WP}align") is not None:
                    rel = "align:" + (pos_h.find(f"{_WP}align").text or "").strip()
            if pos_v is not None:
                offset = pos_v.find(f"{_WP}posOffset")
                if offset is not None and (offset.text or "").strip().lstrip("-").isdigit():
                    top = int(offset.text) / _EMU_PER_PT
            return left, top, width, rel
        node = node.getparent()
    return None, None, None, "margin"


def _box_x_range(cursor: _Cursor, box, x0: float, x1: float) -> tuple[float, float, float | None]:
    """The x-range (1000-unit text width) of a text box, and its top offset in points."""
    left, top, width, rel = _box_geometry(box)
    if cursor.geometry is None or width is None or width <= 0:
        return x0, x1, top
    page_w, margin_l, margin_r = cursor.geometry
    text_w = max(page_w - margin_l - margin_r, 1.0)
    if rel.startswith("align:"):
        align = rel.split(":", 1)[1]
        left = {"left": 0.0, "center": (text_w - width) / 2, "right": text_w - width}.get(align)
        rel = "margin"
    if left is None:
        return x0, x1, top
    if rel == "page":
        left -= margin_l
    bx0 = max(0.0, min(WIDTH, left / text_w * WIDTH))
    bx1 = max(bx0 + 1.0, min(WIDTH, (left + width) / text_w * WIDTH))
    return bx0, bx1, top


def _story(cursor: _Cursor, container, parent, x0: float, x1: float) -> None:
    """Paragraphs and tables of a story (body, header part, text box, cell) in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, parent)
            _paragraph(cursor, paragraph, x0, x1)
            _boxes(cursor, child, parent, x0, x1)
        elif tag == "tbl":
            _table(cursor, Table(child, parent), x0, x1, cursor.tables)
        elif tag == "sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _story(cursor, content, parent, x0, x1)


def _boxes(cursor: _Cursor, element, parent, x0: float, x1: float) -> None:
    """The text boxes anchored in a paragraph, side by side by their vertical offsets."""
    boxes = _text_boxes(element)
    if not boxes or cursor.depth >= MAX_BOX_DEPTH:
        return
    placed = [(box, *_box_x_range(cursor, box, x0, x1)) for box in boxes]
    tops = [t for *_, t in placed if t is not None]
    first = min(tops) if tops else 0.0
    base = cursor.y
    end = base
    for box, bx0, bx1, top in sorted(placed, key=lambda b: ((b[3] if b[3] is not None else first), b[1])):
        cursor.y = base + max(0.0, ((top if top is not None else first) - first) * _PT_TO_Y)
        cursor.depth += 1
        try:
            _story(cursor, box, parent, bx0, bx1)
        finally:
            cursor.depth -= 1
        end = max(end, cursor.y)
    cursor.y = end


_PAGE_NUMBER = re.compile(r"^[\W\d_]*$|^(?:trang|page)\s+\d+(?:\s*(?:/|of|trên)\s*\d+)?$|^(?-i:[IVXLC]+|[ivxlc]+)\.?$", re.I)


def _part(cursor: _Cursor, hdr, boxes_only: bool) -> None:
    """A header/footer part: its content (or only its text boxes), page numbers dropped."""
    if hdr is None:
        return
    start = len(cursor.lines)
    element = hdr._element
    if boxes_only:
        for child in element.iterchildren():
            _boxes(cursor, child, hdr, 0.0, WIDTH)
    else:
        _story(cursor, element, hdr, 0.0, WIDTH)
    kept = [l for l in cursor.lines[start:] if not _PAGE_NUMBER.match(l.text.strip())]
    cursor.lines[start:] = kept


def _section_parts(section):
    """The header and footer Word shows on a section's first page; None when the section
    defines none of its own (linked to the previous section's)."""
    try:
        title_page = section.different_first_page_header_footer
        header = section.first_page_header if title_page else section.header
        footer = section.first_page_footer if title_page else section.footer
        header = None if header.is_linked_to_previous else header
        footer = None if footer.is_linked_to_previous else footer
    except Exception:                  # a broken sectPr or a missing part: the body alone
        return None, None
    return header, footer


def _geometry(section) -> tuple[float, float, float] | None:
    try:
        width = section.page_width
        if not width:
            return None
        left, right = section.left_margin, section.right_margin
        return width.pt, left.pt if left else 0.0, right.pt if right else 0.0
    except Exception:
        return None


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
                    _boxes(cursor, child, cell, cx0, cx1)
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
    body = document.element.body
    try:
        sections = list(document.sections)
    except Exception:
        sections = []
    # the header Word prints on page 1 comes first; later sections' running headers are not
    # read (they repeat the letterhead over annex pages); the last page's footer boxes come last
    if sections:
        cursor.geometry = _geometry(sections[0])
        _part(cursor, _section_parts(sections[0])[0], boxes_only=False)
    current = 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _paragraph(cursor, Paragraph(child, document), 0.0, WIDTH)
            _boxes(cursor, child, document, 0.0, WIDTH)
            if child.find(f"{_W}pPr/{_W}sectPr") is not None and current + 1 < len(sections):
                current += 1                    # the next section's page size and margins
                cursor.geometry = _geometry(sections[current])
        elif tag == "tbl":
            _table(cursor, Table(child, document), 0.0, WIDTH, cursor.tables)
        elif tag == "sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _story(cursor, content, document, 0.0, WIDTH)
    if sections:
        cursor.geometry = _geometry(sections[-1])
        footers = [_section_parts(section)[1] for section in reversed(sections)]
        _part(cursor, next((f for f in footers if f is not None), None), boxes_only=True)
    lines = sorted(cursor.lines, key=lambda l: (l.top, l.x0))
    doc = Document(path=str(path), format=InputFormat.DOCX)
    doc.pages.append(Page(number=1, width=WIDTH, height=max(cursor.y, LINE_HEIGHT), lines=lines,
                          method="docx" if lines else "empty"))
    doc.notes.images = sum(1 for rel in document.part.rels.values() if "image" in rel.reltype)
    return doc
