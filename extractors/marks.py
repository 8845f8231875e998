"""Độ khẩn and độ mật (ND30/2020 art. 15 and Phụ lục I): the `HỎA TỐC`, `THƯỢNG KHẨN`, `KHẨN` marks and
the `MẬT`, `TỐI MẬT`, `TUYỆT MẬT` stamps of a document. Pure function over the layout.

A mark is a line of its own in the upper part of the first page (where the stamp or the printed mark
goes, under the số ký hiệu or at the top), or a labelled line (`Độ khẩn: Hỏa tốc`, `Độ mật: Mật`) of an
electronic document. A word inside a sentence (`khẩn trương`, `bí mật`) is not a mark.
"""
from __future__ import annotations

import re

from extractors.lang.fold import fold_chars
from extractors.vocab_data import vocabulary
from models.layout import Document

TOP_SHARE = 0.45          # the mark sits in this upper share of the first page
FIRST_LINES = 25          # without positions (txt, docx): within the first lines
_NOISE = re.compile(r"[^a-z ]+")
_LABEL = re.compile(r"^(do khan|muc do khan|do mat|muc do mat)\s*:?\s*(.+)$")


def _folded(text: str) -> str:
    return " ".join(_NOISE.sub(" ", fold_chars((text or "").lower())).split())


URGENCY = tuple((_folded(m.name), m.name) for m in vocabulary().marks if m.scale == "urgency")
CONFIDENTIALITY = tuple((_folded(m.name), m.name) for m in vocabulary().marks if m.scale == "confidentiality")


def _match(words: str, table) -> str | None:
    for folded, name in table:
        if words == folded:
            return name
    return None


def _candidates(doc: Document) -> list[str]:
    if not doc.pages:
        return []
    page = doc.pages[0]
    lines = page.lines
    if doc.format in ("pdf", "image") and page.height:   # positions of the printed page
        return [l.text for l in lines if l.top <= page.height * TOP_SHARE]
    return [l.text for l in lines[:FIRST_LINES]]


def extract_marks(doc: Document) -> dict[str, str | None]:
    """{"urgency": "Hỏa tốc" | "Thượng khẩn" | "Khẩn" | None, "confidentiality": "Mật" | "Tối mật" | "Tuyệt mật" | None}."""
    urgency = confidentiality = None
    for text in _candidates(doc):
        words = _folded(text)
        label = _LABEL.match(words)
        if label:
            if label.group(1).endswith("khan"):
                urgency = urgency or _match(label.group(2), URGENCY)
            else:
                confidentiality = confidentiality or _match(label.group(2), CONFIDENTIALITY)
            continue
        urgency = urgency or _match(words, URGENCY)
        confidentiality = confidentiality or _match(words, CONFIDENTIALITY)
    return {"urgency": urgency, "confidentiality": confidentiality}
