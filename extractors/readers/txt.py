"""Plain text: decoded (UTF-8/16, Windows-1258, legacy fonts repaired), one line per line."""
from __future__ import annotations

from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.normalize import normalize_text
from models.enums import InputFormat
from models.layout import Document, Line, Page

WIDTH = 1000.0


def decode_bytes(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # an odd last byte or a lone surrogate (a cut or damaged file) becomes U+FFFD, not an error
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_txt(path: Path, limits: Limits) -> Document:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("unsupported_format", "binary data in a text file")
    text = decode_bytes(data)
    lines: list[Line] = []
    y = 0.0
    for raw in text.splitlines():
        bold = raw.strip().startswith("**") or raw.strip().endswith("**")
        cleaned = normalize_text(raw.replace("**", ""))
        if not cleaned:
            continue
        lines.append(Line(text=cleaned, page=1, x0=0.0, top=y, x1=WIDTH, bottom=y + 10, bold=bold, source="txt"))
        y += 10
    doc = Document(path=str(path), format=InputFormat.TXT)
    doc.pages.append(Page(number=1, width=WIDTH, height=max(y, 10.0), lines=lines, method="txt" if lines else "empty"))
    return doc
