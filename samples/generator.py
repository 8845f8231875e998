"""Generator of realistic Vietnamese administrative documents (Nghị định 30/2020 layout).

One `Spec` describes a document: its header, body, footer, and — next to the printed
text — what a careful reader must extract from it (references, tasks). From the same
spec this module builds

- `expected_record(spec)`   the CONTRACT record (../shared/eval/CONTRACT.md), right by construction;
- `build_docx(spec, path)`  a Word file in the ND30 layout (Times New Roman 13/14, borderless
                            two-column header table, bold issuer, italic date, centred kind name,
                            footer table Nơi nhận | signer);
- `build_txt(spec, path)`   a plain-text rendering (one printed line per line);
- `build_pdf_reportlab(spec, path)`  a born-digital PDF drawn with reportlab;

and converts / degrades files:

- `docx_to_pdf(src, dst)`, `docx_to_doc(src, dst)`  LibreOffice headless (own profile dir, timeout,
                            process group killed on timeout, profile removed);
- `render_page(pdf, index, dpi)`  a PDF page as a PIL image (pypdfium2);
- `den_stamp(...)`, `degrade(...)`  a red round `ĐẾN` incoming stamp; rotation, blur, noise;
- `images_to_pdf(images, dst)`, `scan_pdf(src_pdf, dst, ...)`  a "scanned" PDF of JPEG images.

Other tests (OCR, hostile inputs) reuse these functions; keep their signatures stable.
Everything is deterministic for a given seed.
"""
from __future__ import annotations

import calendar
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- spec


@dataclass
class Ref:
    """A document cited in the text by its số, ký hiệu (the text must contain `symbol`)."""
    symbol: str
    doc_type: str | None = None
    date: str | None = None
    issuer: str | None = None


@dataclass
class Para:
    """A body paragraph. `label` is a bold run printed before `text` (`Điều 1.`)."""
    text: str
    label: str = ""
    bold: bool = False
    italic: bool = False
    align: str = "justify"        # justify | center | left
    indent: bool = True           # first-line indent
    size: float | None = None


@dataclass
class Task:
    """An assignment of work, printed in the body and expected in `tasks`.

    Printed as: optional `heading` paragraph (`2. Sở Y tế:`), then the action paragraphs,
    the first one preceded by `prefix` on the same line (`a) Giao Sở Tài chính `).
    The expected `action` is the action paragraphs joined by a space.
    """
    assignees: list[str]
    action: str | list[str]
    heading: str | None = None
    prefix: str = ""
    label: str = ""               # bold run before the prefix (`Điều 2.`)
    lead: str | None = "auto"     # "auto": the single assignee, else None
    co: list[str] = field(default_factory=list)
    deadline: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [self.action] if isinstance(self.action, str) else list(self.action)

    def expected(self) -> dict:
        lead = self.lead
        if lead == "auto":
            lead = self.assignees[0] if len(self.assignees) == 1 else None
        return {"assignees": list(self.assignees), "lead": lead, "co": list(self.co),
                "action": " ".join(p.strip() for p in self.paragraphs), "deadline": self.deadline}


@dataclass
class BodyTable:
    """A table inside the body (a schedule). `tasks` are the rows that assign work."""
    header: list[str]
    rows: list[list[str]]
    tasks: list[Task] = field(default_factory=list)   # expected only; not printed separately
    ruled: bool = True                                 # False: no grid lines (columns by position only)


BodyItem = Para | Task | BodyTable | str


@dataclass
class Spec:
    id: str
    doc_type: str                          # full Vietnamese kind name, sentence case
    issuer: str                            # sentence case; printed in capitals
    code: str                              # ký hiệu after the last "/"
    place: str
    year: int
    month: int | None
    day: int | None                        # None: a blank day on a draft
    subject: str
    number: str | None = None              # None: a blank number on a draft
    year_in_symbol: bool = False           # legal documents: 12/2024/QĐ-UBND
    issuer_lines: list[str] | None = None  # how the issuer is broken over printed lines
    issuer_parent: str | None = None
    kind_title: str | None = None          # printed kind name (default: doc_type upper)
    subject_prefix: str = ""               # "Về việc " printed before the subject
    subject_lines: list[str] | None = None # how the subject is broken over printed lines
    mark: str | None = None                # HỎA TỐC, KHẨN …
    recipients: list[str] = field(default_factory=list)
    recipients_inline: bool = False        # "Kính gửi: X." on one line
    addressee_line: str | None = None      # công điện: "CHỦ TỊCH … điện:" before the list
    preamble: list[BodyItem] = field(default_factory=list)  # before Kính gửi (e.g. QĐ authority line)
    body: list[BodyItem] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)  # "\n" inside = printed over lines
    authority: list[str] = field(default_factory=list)      # ["TM. Ủy ban nhân dân", "KT. Chủ tịch"]
    title: str = ""
    signer: str = ""
    references: list[Ref] = field(default_factory=list)
    header_rows: int = 2                   # 2: Số | date in a second table row; 1: single row
    note: str = ""                         # what the sample exercises (README)

    # ------------------------------------------------------------ derived values
    @property
    def symbol(self) -> str:
        middle = f"{self.year}/" if self.year_in_symbol else ""
        return f"{self.number or ''}/{middle}{self.code}"

    @property
    def printed_number(self) -> str:
        """The `Số:` line as printed (blank number: spaces)."""
        if self.number is None:
            return "Số:      /" + (f"{self.year}/" if self.year_in_symbol else "") + self.code
        return "Số: " + self.symbol

    @property
    def iso_date(self) -> str | None:
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def printed_date(self) -> str:
        day = f"{self.day:02d}" if self.day is not None else "    "
        month = f"{self.month:02d}" if self.month and self.month <= 2 else str(self.month)
        return f"{self.place}, ngày {day} tháng {month} năm {self.year}"

    @property
    def is_cong_van(self) -> bool:
        return self.doc_type == "Công văn"

    @property
    def tasks(self) -> list[Task]:
        out: list[Task] = []
        for item in self.body:
            if isinstance(item, Task):
                out.append(item)
            elif isinstance(item, BodyTable):
                out.extend(item.tasks)
        return out


def upper(text: str) -> str:
    return text.upper()


def _entry(text: str) -> str:
    """A printed list entry broken over lines is one entry."""
    return re.sub(r"\s+", " ", text.replace("\n", " ")).strip()


def expected_record(spec: Spec) -> dict:
    """The CONTRACT record of the document the spec prints."""
    return {
        "id": spec.id,
        "doc_type": spec.doc_type,
        "number": spec.number,
        "symbol": spec.symbol,
        "code": spec.code,
        "date": spec.iso_date,
        "place": spec.place,
        "issuer": spec.issuer,
        "issuer_parent": spec.issuer_parent,
        "subject": _entry(spec.subject),
        "recipients": [_entry(r) for r in spec.recipients],
        "distribution": [_entry(d) for d in spec.distribution],
        "signer": {"name": spec.signer, "title": spec.title,
                   "authority": "; ".join(spec.authority) if spec.authority else None},
        "references": [{"symbol": r.symbol, "doc_type": r.doc_type, "date": r.date, "issuer": r.issuer}
                       for r in spec.references],
        "tasks": [t.expected() for t in spec.tasks],
    }


# ------------------------------------------------------------- printed lines
# A neutral, format-independent rendering: a list of (role, text) blocks. Each builder
# (docx, txt, reportlab) lays them out its own way.


def _subject_lines(spec: Spec) -> list[str]:
    lines = spec.subject_lines or [spec.subject]
    if spec.is_cong_van:
        return ["V/v " + lines[0]] + lines[1:]
    return [spec.subject_prefix + lines[0]] + lines[1:]


def _issuer_lines(spec: Spec) -> list[str]:
    return [upper(x) for x in (spec.issuer_lines or [spec.issuer])]


def _authority_lines(spec: Spec) -> list[str]:
    out = []
    for a in spec.authority:
        mark, _, rest = a.partition(" ")
        out.append(f"{mark} {upper(rest)}")
    return out


def _body_paragraphs(spec: Spec, items: list[BodyItem]) -> list:
    """Flatten body items to Para / BodyTable objects in print order."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Para(item))
        elif isinstance(item, Para):
            out.append(item)
        elif isinstance(item, Task):
            if item.heading:
                out.append(Para(item.heading, bold=True))
            paras = item.paragraphs
            out.append(Para(item.prefix + paras[0], label=item.label))
            out.extend(Para(p) for p in paras[1:])
        elif isinstance(item, BodyTable):
            out.append(item)
    return out


def printed_text(spec: Spec) -> str:
    """The whole document as plain text, one printed line (or paragraph) per line."""
    lines: list[str] = []
    if spec.issuer_parent:
        lines.append(upper(spec.issuer_parent))
    lines += _issuer_lines(spec)
    lines.append("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    lines.append("Độc lập - Tự do - Hạnh phúc")
    lines.append("")
    lines.append(spec.printed_number)
    lines.append(spec.printed_date)
    if spec.is_cong_van:
        lines += _subject_lines(spec)
    lines.append("")
    if spec.mark:
        lines += [spec.mark, ""]
    if not spec.is_cong_van:
        lines.append(spec.kind_title or upper(spec.doc_type))
        lines += _subject_lines(spec)
        lines.append("")
    for p in _body_paragraphs(spec, spec.preamble):
        lines += _para_text(p) + [""]
    if spec.addressee_line:
        lines += [spec.addressee_line, ""]
    if spec.recipients:
        if spec.recipients_inline:
            lines += [f"Kính gửi: {spec.recipients[0]}.", ""]
        else:
            lines += ["Kính gửi:", ""]
            last = len(spec.recipients) - 1
            lines += [f"- {_entry(r)}{'.' if i == last else ';'}" for i, r in enumerate(spec.recipients)]
            lines.append("")
    for p in _body_paragraphs(spec, spec.body):
        lines += _para_text(p) + [""]
    lines.append("Nơi nhận:")
    last = len(spec.distribution) - 1
    for i, d in enumerate(spec.distribution):
        lines += f"- {d}{'.' if i == last else ';'}".split("\n")
    lines.append("")
    lines += _authority_lines(spec)
    lines.append(upper(spec.title))
    lines.append("")
    lines.append(spec.signer)
    return "\n".join(lines).rstrip() + "\n"


def _para_text(p) -> list[str]:
    if isinstance(p, BodyTable):
        return [" | ".join(p.header)] + [" | ".join(r) for r in p.rows]
    return [(p.label + " " if p.label else "") + p.text]


def build_txt(spec: Spec, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(printed_text(spec), encoding="utf-8")
    return path


def check_spec(spec: Spec) -> None:
    """Sanity checks that keep the expected record honest: every reference symbol and
    every task action is printed in the document."""
    text = re.sub(r"\s+", " ", printed_text(spec).replace("\n", " "))
    for ref in spec.references:
        if ref.symbol not in text:
            raise ValueError(f"{spec.id}: reference {ref.symbol} not printed")
    for task in spec.tasks:
        for p in task.paragraphs:
            for cell in p.split(" | "):
                if cell.strip() and cell.strip() not in text:
                    raise ValueError(f"{spec.id}: task text not printed: {cell[:60]}")
        for a in task.assignees:
            if a.lower() not in text.lower():
                raise ValueError(f"{spec.id}: assignee not printed: {a}")


# ------------------------------------------------------------------ DOCX

FONT = "Times New Roman"


def _set_table_borders(table, val: str) -> None:
    """All borders of a table: `nil` (the borderless header/footer tables) or `single`."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _keep_rows_whole(table) -> None:
    """A row is never split over two pages (the signer block stays with Nơi nhận)."""
    from docx.oxml import OxmlElement

    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))


def _set_widths(table, widths) -> None:
    """Fixed column widths that Word and LibreOffice both honour (grid + cells)."""
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _run(paragraph, text: str, size: float = 14, bold=False, italic=False, underline=False):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        fonts.set(qn("w:eastAsia"), FONT)
        fonts.set(qn("w:cs"), FONT)
    return run


def _par(container, text: str = "", size: float = 14, bold=False, italic=False, align="center",
         space_after: float = 0, indent: bool = False, label: str = "", underline=False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1.0)
    if label:
        _run(paragraph, label + " ", size, bold=True)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = _run(paragraph, line, size, bold=bold, italic=italic, underline=underline)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _first_par(cell, text, **kw):
    """Use the cell's initial empty paragraph for the first line."""
    paragraph = cell.paragraphs[0]
    if paragraph.text == "" and not paragraph.runs and not getattr(cell, "_used", False):
        cell._used = True
        p = _par(cell, text, **kw)
        paragraph._element.getparent().remove(paragraph._element)
        return p
    return _par(cell, text, **kw)


def build_docx(spec: Spec, path: str | Path) -> Path:
    """Write the spec as a Word file in the ND30 layout."""
    import docx
    from docx.shared import Cm, Pt

    check_spec(spec)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    # core properties carry no author (privacy) and a fixed date (deterministic output)
    import datetime as _dt
    props = document.core_properties
    props.author = "congvan samples"
    props.last_modified_by = "congvan samples"
    props.created = props.modified = _dt.datetime(2024, 1, 1)
    props.revision = 1

    # ---- header: borderless two-column table
    rows = spec.header_rows
    table = document.add_table(rows=rows, cols=2)
    _set_table_borders(table, "nil")
    _set_widths(table, (Cm(6.8), Cm(9.7)))
    left, right = table.rows[0].cells
    if spec.issuer_parent:
        _first_par(left, upper(spec.issuer_parent), size=13)
    for line in _issuer_lines(spec):
        _first_par(left, line, size=13, bold=True)
    _first_par(left, "_______", size=13, bold=True)
    _first_par(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _first_par(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True)
    _first_par(right, "_______________________", size=13, bold=True)
    if rows == 2:
        left, right = table.rows[1].cells
    _first_par(left, spec.printed_number, size=13)
    if spec.is_cong_van:
        _first_par(left, "\n".join(_subject_lines(spec)), size=12)
    _first_par(right, spec.printed_date, size=14, italic=True)

    _par(document, "", size=8)
    if spec.mark:
        _par(document, spec.mark, size=14, bold=True, align="left")
    if not spec.is_cong_van:
        _par(document, spec.kind_title or upper(spec.doc_type), size=14, bold=True, space_after=0)
        _par(document, "\n".join(_subject_lines(spec)), size=14, bold=True, space_after=6)
        _par(document, "_____________", size=10, bold=True, space_after=6)
    _write_body(document, spec, spec.preamble)
    if spec.addressee_line:
        _par(document, spec.addressee_line, size=14, bold=True, align="center", space_after=6)
    if spec.recipients:
        if spec.recipients_inline:
            _par(document, f"Kính gửi: {spec.recipients[0]}.", size=14, align="center", space_after=6)
        elif spec.addressee_line:
            last = len(spec.recipients) - 1
            for i, r in enumerate(spec.recipients):
                _par(document, f"- {r}{'.' if i == last else ';'}", size=14, align="justify", indent=True)
            _par(document, "", size=6)
        else:
            _par(document, "Kính gửi:", size=14, align="center")
            last = len(spec.recipients) - 1
            for i, r in enumerate(spec.recipients):
                p = _par(document, f"- {r}{'.' if i == last else ';'}", size=14, align="left")
                p.paragraph_format.left_indent = Cm(3.5)
            _par(document, "", size=6)
    _write_body(document, spec, spec.body)

    # ---- footer: Nơi nhận | signer
    _par(document, "", size=6)
    table = document.add_table(rows=1, cols=2)
    _set_table_borders(table, "nil")
    _set_widths(table, (Cm(8.0), Cm(8.5)))
    _keep_rows_whole(table)
    left, right = table.rows[0].cells
    if spec.distribution:
        _first_par(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
        last = len(spec.distribution) - 1
        for i, d in enumerate(spec.distribution):
            _first_par(left, f"- {d}{'.' if i == last else ';'}", size=11, align="left")
    for line in _authority_lines(spec):
        _first_par(right, line, size=14, bold=True)
    _first_par(right, upper(spec.title), size=14, bold=True)
    for _ in range(3):
        _first_par(right, "", size=14)
    _first_par(right, spec.signer, size=14, bold=True)
    path = Path(path)
    document.save(str(path))
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """Rewrite a DOCX with fixed member timestamps so the same spec gives the same bytes."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            dst.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buffer.getvalue())


def _write_body(document, spec: Spec, items: list[BodyItem]) -> None:
    from docx.shared import Cm

    for p in _body_paragraphs(spec, items):
        if isinstance(p, BodyTable):
            table = document.add_table(rows=1 + len(p.rows), cols=len(p.header))
            _set_table_borders(table, "single" if p.ruled else "nil")
            for c, text in enumerate(p.header):
                _first_par(table.rows[0].cells[c], text, size=12, bold=True)
            for r, row in enumerate(p.rows, start=1):
                for c, text in enumerate(row):
                    _first_par(table.rows[r].cells[c], text, size=12, align="left")
            _par(document, "", size=6)
            continue
        para = _par(document, p.text, size=p.size or 14, bold=p.bold, italic=p.italic,
                    align=p.align, indent=p.indent and p.align == "justify", label=p.label, space_after=6)
        if p.align == "justify":
            para.paragraph_format.first_line_indent = Cm(1.0) if p.indent else None


# ------------------------------------------------------------- reportlab PDF

def _rl_fonts() -> tuple[str, str, str, str]:
    """Register a Times-metric Unicode serif (Liberation Serif, else DejaVu Serif)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [
        ("/usr/share/fonts/truetype/liberation2", "LiberationSerif"),
        ("/usr/share/fonts/truetype/liberation", "LiberationSerif"),
        ("/usr/share/fonts/truetype/dejavu", "DejaVuSerif"),
    ]
    for folder, stem in candidates:
        files = {"": f"{stem}-Regular.ttf", "B": f"{stem}-Bold.ttf", "I": f"{stem}-Italic.ttf",
                 "BI": f"{stem}-BoldItalic.ttf"}
        if stem == "DejaVuSerif":
            files = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf",
                     "BI": "DejaVuSerif-BoldItalic.ttf"}
        if all(os.path.exists(os.path.join(folder, f)) for f in files.values()):
            names = []
            for suffix, f in files.items():
                name = f"CV-Serif{suffix}"
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, os.path.join(folder, f)))
                names.append(name)
            from reportlab.pdfbase.pdfmetrics import registerFontFamily
            registerFontFamily("CV-Serif", normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
            return tuple(names)  # type: ignore[return-value]
    raise RuntimeError("no Unicode serif font (Liberation Serif / DejaVu Serif) found")


def _rl_markup(text: str) -> str:
    """reportlab paragraph markup: escaped, line breaks kept, runs of spaces kept (blank number/day)."""
    from xml.sax.saxutils import escape

    out = escape(text).replace("\n", "<br/>")
    return re.sub(r" {2,}", lambda m: "&nbsp;" * len(m.group(0)), out)


def build_pdf_reportlab(spec: Spec, path: str | Path) -> Path:
    """A born-digital PDF of the spec drawn with reportlab (A4, ND30 margins)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    check_spec(spec)
    regular, bold, italic, bold_italic = _rl_fonts()

    def style(size=14, font=regular, align=TA_CENTER, indent=0, leading=None, space=0):
        return ParagraphStyle("s", fontName=font, fontSize=size, leading=leading or size * 1.2,
                              alignment=align, firstLineIndent=indent, spaceAfter=space)

    def P(text, **kw):
        return Paragraph(_rl_markup(text), style(**kw))

    left = []
    if spec.issuer_parent:
        left.append(P(upper(spec.issuer_parent), size=13))
    left += [P(x, size=13, font=bold) for x in _issuer_lines(spec)]
    left.append(P("_______", size=13, font=bold))
    right = [P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, font=bold),
             P("Độc lập - Tự do - Hạnh phúc", size=13, font=bold),
             P("_______________________", size=13, font=bold)]
    left2 = [P(spec.printed_number, size=13)]
    if spec.is_cong_van:
        left2.append(P("\n".join(_subject_lines(spec)), size=12))
    right2 = [P(spec.printed_date, size=13, font=italic)]
    header = Table([[left, right], [left2, right2]], colWidths=[6.8 * cm, 9.7 * cm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    story = [header, Spacer(1, 8)]
    if spec.mark:
        story.append(P(spec.mark, font=bold, align=TA_LEFT))
    if not spec.is_cong_van:
        story.append(P(spec.kind_title or upper(spec.doc_type), font=bold))
        story.append(P("\n".join(_subject_lines(spec)), font=bold, space=4))
        story.append(P("_____________", size=10, font=bold, space=6))

    def body(items):
        for p in _body_paragraphs(spec, items):
            if isinstance(p, BodyTable):
                data = [[P(c, size=12, font=bold) for c in p.header]]
                data += [[P(c, size=12, align=TA_LEFT) for c in row] for row in p.rows]
                t = Table(data)
                t.setStyle(TableStyle(([("GRID", (0, 0), (-1, -1), 0.5, "black")] if p.ruled else []) +
                                      [("VALIGN", (0, 0), (-1, -1), "TOP")]))
                story.extend([t, Spacer(1, 6)])
                continue
            font = bold if p.bold else italic if p.italic else regular
            align = {"center": TA_CENTER, "left": TA_LEFT, "justify": TA_JUSTIFY}[p.align]
            text = _rl_markup(p.text)
            if p.label:
                text = f"<font name='{bold}'>{escape(p.label)}</font> " + text
            st = style(size=p.size or 14, font=font, align=align,
                       indent=1.0 * cm if (p.indent and p.align == "justify") else 0, space=6)
            story.append(Paragraph(text, st))

    body(spec.preamble)
    if spec.addressee_line:
        story.append(P(spec.addressee_line, font=bold, space=6))
    if spec.recipients:
        if spec.recipients_inline:
            story.append(P(f"Kính gửi: {spec.recipients[0]}.", space=6))
        else:
            story.append(P("Kính gửi:"))
            last = len(spec.recipients) - 1
            for i, r in enumerate(spec.recipients):
                story.append(Paragraph(escape(f"- {r}{'.' if i == last else ';'}"),
                                       ParagraphStyle("r", fontName=regular, fontSize=14, leading=17,
                                                      leftIndent=3.5 * cm)))
            story.append(Spacer(1, 6))
    body(spec.body)
    story.append(Spacer(1, 6))
    nn = []
    if spec.distribution:
        nn.append(P("Nơi nhận:", size=12, font=bold_italic, align=TA_LEFT))
        last = len(spec.distribution) - 1
        nn += [P(f"- {d}{'.' if i == last else ';'}", size=11, align=TA_LEFT)
               for i, d in enumerate(spec.distribution)]
    sig = [P(x, font=bold) for x in _authority_lines(spec)] + [P(upper(spec.title), font=bold),
                                                               Spacer(1, 50), P(spec.signer, font=bold)]
    footer = Table([[nn, sig]], colWidths=[8.0 * cm, 8.5 * cm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(footer)
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=2 * cm, bottomMargin=2 * cm,
                            leftMargin=3 * cm, rightMargin=1.5 * cm, title=spec.id, author="congvan samples",
                            invariant=1)
    doc.build(story)
    return path


# ------------------------------------------------------------- LibreOffice

def soffice_convert(src: str | Path, target: str, outdir: str | Path, timeout: float = 120) -> Path:
    """Convert `src` with LibreOffice headless (`target`: "pdf", "doc", "docx", or a full
    filter spec like "doc:MS Word 97"). Own temporary profile dir; on timeout the whole
    process group is killed; the profile is always removed. Returns the output path."""
    src = Path(src).resolve()
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    profile = tempfile.mkdtemp(prefix="congvan-lo-")
    ext = target.split(":", 1)[0]
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
           "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(outdir), str(src)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "HOME": profile})
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            raise TimeoutError(f"LibreOffice took more than {timeout} s converting {src.name}") from None
        result = outdir / f"{src.stem}.{ext}"
        if proc.returncode != 0 or not result.exists():
            raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {err.decode(errors='replace')[-300:]}")
        return result
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _convert_to(src: str | Path, dst: str | Path, target: str, timeout: float) -> Path:
    dst = Path(dst)
    with tempfile.TemporaryDirectory(prefix="congvan-conv-") as tmp:
        out = soffice_convert(src, target, tmp, timeout=timeout)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(dst))
    return dst


def docx_to_pdf(src: str | Path, dst: str | Path, timeout: float = 120) -> Path:
    """DOCX → PDF with LibreOffice headless."""
    return _convert_to(src, dst, "pdf", timeout)


def docx_to_doc(src: str | Path, dst: str | Path, timeout: float = 120) -> Path:
    """DOCX → old Word 97-2003 `.doc` with LibreOffice headless."""
    return _convert_to(src, dst, "doc:MS Word 97", timeout)


# ------------------------------------------------------------------ scans

def render_page(pdf: str | Path, index: int = 0, dpi: int = 200):
    """Page `index` (0-based) of a PDF as an RGB PIL image at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[index]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
        return image
    finally:
        document.close()


def page_count(pdf: str | Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def _font(size: int, bold: bool = True):
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" if bold else
                 "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"):
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def den_stamp(agency: str, number: str, date: str, dpi: int = 200, seed: int = 0,
              color=(205, 30, 40)):
    """A red round incoming stamp `ĐẾN` (agency around the top, Số / Ngày inside) as an RGBA image."""
    import math
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    d = int(28 / 25.4 * dpi)                       # 28 mm across
    img = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    ink = color + (235,)
    w = max(2, d // 70)
    draw.ellipse((w, w, d - w, d - w), outline=ink, width=w)
    draw.ellipse((d * 0.13, d * 0.13, d * 0.87, d * 0.87), outline=ink, width=max(1, w // 2))
    # agency name around the top arc
    font_small = _font(max(8, d // 15))
    text = upper(agency)
    radius = d * 0.42
    span = min(200.0, 8.5 * len(text))
    for i, ch in enumerate(text):
        angle = math.radians(-90 - span / 2 + span * (i + 0.5) / len(text))
        x = d / 2 + radius * math.cos(angle)
        y = d / 2 + radius * math.sin(angle)
        glyph = Image.new("RGBA", (d // 10, d // 10), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((d // 20, d // 20), ch, font=font_small, fill=ink, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(x - d // 20), int(y - d // 20)))
    draw.text((d / 2, d * 0.40), "ĐẾN", font=_font(d // 6), fill=ink, anchor="mm")
    small = _font(max(8, d // 14), bold=False)
    draw.text((d * 0.22, d * 0.56), f"Số: {number}", font=small, fill=ink, anchor="lm")
    draw.text((d * 0.22, d * 0.69), f"Ngày: {date}", font=small, fill=ink, anchor="lm")
    return img.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC, expand=True)


def stamp_box_above(pdf: str | Path, page_dpi: int, stamp_size: tuple[int, int]) -> tuple[int, int]:
    """Top-left pixel position for a stamp in the page's top-left area whose bottom stays
    above the `Số` line (found with pdfplumber) and left of the header text's middle."""
    import pdfplumber

    scale = page_dpi / 72
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        so = next((w for w in words if w["text"].startswith("Số")), None)
    sw, sh = stamp_size
    so_top = (so["top"] if so else 110) * scale
    top = max(int(4 / 25.4 * page_dpi), int(so_top - sh - 2 / 25.4 * page_dpi))
    left = int(3 / 25.4 * page_dpi)
    return left, top


def degrade(image, seed: int = 0, angle: float | None = None, blur: float = 0.7, noise: float = 9.0,
            stamp=None, stamp_at: tuple[int, int] | None = None, grayscale: bool = False):
    """Make a clean page image look scanned: lay `stamp` (RGBA, multiplied like ink) at
    `stamp_at`, rotate slightly, blur, add sensor noise and a few specks."""
    import random

    import numpy as np
    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(seed)
    page = image.convert("RGB")
    if stamp is not None:
        at = stamp_at or (int(page.width * 0.04), int(page.height * 0.02))
        layer = Image.new("RGB", page.size, (255, 255, 255))
        white = Image.new("RGB", stamp.size, (255, 255, 255))
        white.paste(stamp, (0, 0), stamp)
        layer.paste(white, at)
        page = ImageChops.multiply(page, layer)
    if angle is None:
        angle = rng.uniform(-1.2, 1.2)
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(page).astype(np.float32)
    gen = np.random.default_rng(seed)
    arr += gen.normal(0, noise, size=arr.shape[:2])[..., None]
    arr *= gen.uniform(0.93, 0.97)                      # paper is not pure white
    arr += 6
    specks = gen.integers(0, arr.shape[0] * arr.shape[1], size=arr.shape[0] * arr.shape[1] // 4000)
    ys, xs = np.unravel_index(specks, arr.shape[:2])
    arr[ys, xs] = gen.uniform(40, 140, size=(len(ys), 1))
    page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return page.convert("L") if grayscale else page


def images_to_pdf(images: list, dst: str | Path, dpi: int = 200, quality: int = 60) -> Path:
    """A PDF of JPEG-compressed page images (no text layer), like a scanner makes."""
    dst = Path(dst)
    first, rest = images[0], images[1:]
    import time

    fixed = time.gmtime(1704067200)                 # 2024-01-01: same bytes on every run
    first.save(str(dst), "PDF", resolution=float(dpi), save_all=True, append_images=rest, quality=quality,
               creationDate=fixed, modDate=fixed, producer="congvan samples")
    return dst


def scan_pdf(src_pdf: str | Path, dst: str | Path, dpi: int = 180, seed: int = 0, stamp: dict | None = None,
             grayscale: bool = False, quality: int = 55, max_pages: int | None = None,
             quarter_turns: int = 0) -> Path:
    """Rasterise every page of `src_pdf`, degrade it, and write an image-only PDF.

    `stamp`: {"agency": ..., "number": ..., "date": ...} puts a red `ĐẾN` stamp on page 1
    (top-left, above the Số line). `quarter_turns`: store the pages turned by k × 90°
    counter-clockwise (a page fed sideways into the scanner)."""
    n = page_count(src_pdf)
    if max_pages:
        n = min(n, max_pages)
    pages = []
    for i in range(n):
        img = render_page(src_pdf, i, dpi)
        st = at = None
        if stamp and i == 0:
            st = den_stamp(stamp["agency"], stamp["number"], stamp["date"], dpi=dpi, seed=seed)
            at = stamp_box_above(src_pdf, dpi, st.size)
        page = degrade(img, seed=seed + i, stamp=st, stamp_at=at, grayscale=grayscale)
        if quarter_turns % 4:
            page = page.rotate(90 * (quarter_turns % 4), expand=True)
        pages.append(page)
    return images_to_pdf(pages, dst, dpi=dpi, quality=quality)


def scan_png(src_pdf: str | Path, dst: str | Path, dpi: int = 150, seed: int = 0, stamp: dict | None = None,
             grayscale: bool = True, noise: float = 5.0, bits: int = 4) -> Path:
    """Page 1 of `src_pdf` as a degraded scan saved as a PNG image (grey levels reduced to
    `bits` bits so the file stays small)."""
    from PIL import ImageOps

    img = render_page(src_pdf, 0, dpi)
    st = at = None
    if stamp:
        st = den_stamp(stamp["agency"], stamp["number"], stamp["date"], dpi=dpi, seed=seed)
        at = stamp_box_above(src_pdf, dpi, st.size)
    page = degrade(img, seed=seed, stamp=st, stamp_at=at, grayscale=grayscale, noise=noise)
    if bits < 8:
        page = ImageOps.posterize(page, bits)
    dst = Path(dst)
    page.save(str(dst), "PNG", optimize=True, dpi=(dpi, dpi))
    return dst


# ------------------------------------------------------------- deadlines

def month_end(year: int, month: int) -> str:
    """`trong tháng 12/2017` → 2017-12-31."""
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def quarter_end(year: int, quarter: int) -> str:
    """`quý III/2023` → 2023-09-30."""
    return month_end(year, quarter * 3)
