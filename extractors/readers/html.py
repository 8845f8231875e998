"""HTML, as Word's "web page" format (`.doc`/`.htm` saved by Word or an e-office system): one line per
paragraph, table cells laid side by side like the DOCX reader's.

Only the standard library's `html.parser`: no DTD, no entity definitions (only the fixed HTML
character references are decoded), no script, no style, nothing fetched (links and images are
ignored). The file's size, its number of lines and the nesting of tables are capped.
"""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.normalize import normalize_text
from models.enums import InputFormat
from models.layout import Document, Line, Page

WIDTH = 1000.0
LINE_HEIGHT = 10.0
MAX_TABLE_DEPTH = 20
_SKIP = {"script", "style", "head", "title", "xml", "template", "noscript", "object", "iframe", "svg", "math"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section",
          "article", "header", "footer", "address", "dt", "dd", "hr", "center"}
_BOLD = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"}
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{2,40})", re.I)
# Word's web page: its namespace or its generator tag
WORD_MARKERS = (b"urn:schemas-microsoft-com:office:word", b"Word.Document")


def looks_like_html(head: bytes) -> bool:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def is_word_web_page(head: bytes) -> bool:
    return any(m.lower() in head.lower() for m in WORD_MARKERS)


def decode_html(data: bytes) -> str:
    """The page's text in its declared charset (a known codec only), else UTF-8, else Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            codec = codecs.lookup(m.group(1).decode("ascii"))
            if codec.name not in ("utf-7",):
                return data.decode(codec.name, errors="replace")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


class _Paragraph:
    __slots__ = ("chars", "bold_chars", "align")

    def __init__(self, align: str | None) -> None:
        self.chars: list[str] = []
        self.bold_chars = 0
        self.align = align


class _Builder(HTMLParser):
    """Paragraphs in reading order; a table row's cells side by side, each over its share of the width."""

    def __init__(self, max_lines: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_lines = max_lines
        self.lines: list[Line] = []
        self.y = 0.0
        self.skip = 0
        self.bold = 0
        self.align: list[str | None] = [None]
        self.para: _Paragraph | None = None
        self.tables: list[dict] = []        # open tables: {"id", "row", "cells", "cell"}
        self.table_count = 0
        self.too_many = False

    # ---- structure
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        attr = {k: (v or "") for k, v in attrs}
        if tag in _BLOCK or tag in ("td", "th", "tr", "table"):
            self.flush()
        if tag == "table":
            if len(self.tables) >= MAX_TABLE_DEPTH:
                raise DocumentError("unsafe_content", "the web page nests tables too deeply")
            self.table_count += 1
            self.tables.append({"id": self.table_count, "row": -1, "cells": [], "cell": None})
        elif tag == "tr" and self.tables:
            self._end_row()
            self.tables[-1]["row"] += 1
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            if t["row"] < 0:
                t["row"] = 0
            t["cell"] = []
            t["cells"].append(t["cell"])
        if tag in _BOLD or "bold" in attr.get("style", "").replace(" ", "").lower():
            self.bold += 1
        if tag in _BLOCK or tag in ("td", "th"):
            self.align.append(_alignment(attr) or self.align[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BLOCK or tag in ("td", "th", "tr", "table"):
            self.flush()
        if tag in _BOLD and self.bold:
            self.bold -= 1
        if (tag in _BLOCK or tag in ("td", "th")) and len(self.align) > 1:
            self.align.pop()
        if tag in ("td", "th") and self.tables:
            self.tables[-1]["cell"] = None
        elif tag == "tr" and self.tables:
            self._end_row()
        elif tag == "table" and self.tables:
            self._end_row()
            self.tables.pop()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in ("br", "hr") and not self.skip:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.para is None:
            self.para = _Paragraph(self.align[-1])
        self.para.chars.append(data)
        if self.bold:
            self.para.bold_chars += len(data.strip())

    # ---- output
    def flush(self) -> None:
        para, self.para = self.para, None
        if para is None:
            return
        text = normalize_text(" ".join("".join(para.chars).split()))
        if not text:
            return
        item = (text, para.bold_chars >= 0.5 * len(text.replace(" ", "")), para.align)
        if self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"].append(item)
        else:
            x0, x1 = _x_range(para.align, 0.0, WIDTH)
            self._add(text, x0, x1, item[1], None)

    def _end_row(self) -> None:
        """Lay the finished row's cells side by side (nested tables go into their outer cell)."""
        t = self.tables[-1]
        cells = [c for c in t["cells"] if c]
        if not cells:
            t["cells"] = []
            return
        outer = self.tables[-2]["cell"] if len(self.tables) > 1 else None
        if outer is not None:
            for cell in cells:
                outer.extend(cell)
            t["cells"] = []
            return
        top = self.y
        bottom = top
        step = WIDTH / len(t["cells"])
        for c, cell in enumerate(t["cells"]):
            self.y = top
            for text, bold, align in cell:
                x0, x1 = _x_range(align, c * step, (c + 1) * step) if align == "center" else (c * step, (c + 1) * step)
                self._add(text, x0, x1, bold, (t["id"], t["row"], c))
            bottom = max(bottom, self.y)
        self.y = bottom + LINE_HEIGHT / 2
        t["cells"] = []

    def _add(self, text: str, x0: float, x1: float, bold: bool, cell) -> None:
        if len(self.lines) >= self.max_lines:
            self.too_many = True
            return
        self.lines.append(Line(text=text, page=1, x0=x0, top=self.y, x1=x1, bottom=self.y + LINE_HEIGHT,
                               bold=bold, cell=cell, source="txt"))
        self.y += LINE_HEIGHT

    def close(self) -> None:
        super().close()
        self.flush()
        while self.tables:
            self._end_row()
            self.tables.pop()


def _alignment(attr: dict[str, str]) -> str | None:
    align = attr.get("align", "").lower()
    style = attr.get("style", "").replace(" ", "").lower()
    m = re.search(r"text-align:(\w+)", style)
    value = m.group(1) if m else align
    return value if value in ("center", "right", "left", "justify") else None


def _x_range(align: str | None, x0: float, x1: float) -> tuple[float, float]:
    width = x1 - x0
    if align == "center":
        return x0 + 0.2 * width, x1 - 0.2 * width
    if align == "right":
        return x0 + 0.5 * width, x1
    return x0, x1


def read_html(path: Path, limits: Limits) -> Document:
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise DocumentError("too_large", f"the web page is {size // 2**20} MiB, over the "
                            f"{limits.max_text_bytes // 2**20} MiB limit for text files")
    builder = _Builder(max_lines=limits.max_docx_elements)
    builder.feed(decode_html(path.read_bytes()))
    builder.close()
    doc = Document(path=str(path), format=InputFormat.HTML)
    if builder.too_many:
        doc.warnings.append(f"only the first {limits.max_docx_elements} lines of the web page were read")
    lines = builder.lines
    doc.pages.append(Page(number=1, width=WIDTH, height=max(builder.y, LINE_HEIGHT), lines=lines,
                          method="txt" if lines else "empty"))
    return doc
