"""Split a document into header, body, footer (Nơi nhận + signature) and annexes.

The one place that decides where the body of a document starts and ends; field and
task extractors both use it. First version: the body starts at `Kính gửi` or the first
`Căn cứ`/paragraph after the date line, and ends at `Nơi nhận` or the signing block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.layout import Document, Line

_BODY_START = re.compile(r"^\s*(kính\s+gửi|căn\s+cứ)", re.I)
_DATE_LINE = re.compile(r",?\s*ngày\s*[\d.…\s]*tháng\s*[\d.…\s]*năm\s*\d{4}", re.I)
_FOOTER_START = re.compile(r"^\s*(nơi\s+nhận|(tm|kt|tl|tuq|q)\s*\.\s*\w)", re.I)
_ANNEX = re.compile(r"^\s*(phụ\s+lục|danh\s+sách|biểu\s+mẫu)\b", re.I)


@dataclass
class Zones:
    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    footer: list[Line] = field(default_factory=list)
    annex: list[Line] = field(default_factory=list)


def split_zones(doc: Document) -> Zones:
    lines = doc.lines
    start = 0
    for i, line in enumerate(lines[:80]):
        if _BODY_START.match(line.text):
            start = i
            break
    else:
        for i, line in enumerate(lines[:80]):
            if _DATE_LINE.search(line.text):
                start = i + 1
                break
    end = len(lines)
    for i in range(start, len(lines)):
        if _FOOTER_START.match(lines[i].text):
            end = i
            break
    annex_at = len(lines)
    for i in range(end, len(lines)):
        if _ANNEX.match(lines[i].text) and i > end + 3:
            annex_at = i
            break
    return Zones(header=lines[:start], body=lines[start:end], footer=lines[end:annex_at], annex=lines[annex_at:])
