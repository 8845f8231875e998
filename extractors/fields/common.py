"""Shared pieces of the field extractors: the value type, confidence helpers, the context."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from extractors import vocab
from extractors.analysis import Analysis
from extractors.lang.syllable import FOLDED_SYLLABLE as SYLLABLE
from extractors.zones import HeaderMap, Zones, is_caps
from models.enums import ExtractionMethod
from models.layout import Document, HandwritingNote, Line

DIRECT = 0.97       # a value read directly from a reliable text layer
INFERRED = 0.6      # a value reasoned from other fields


V = TypeVar("V")


@dataclass
class FieldValue(Generic[V]):
    """A field's value with its provenance: page, source text, confidence, method, box."""
    value: V
    page: int | None = None
    text: str | None = None
    confidence: float = 1.0
    method: ExtractionMethod | None = None
    box: tuple[float, float, float, float] | None = None   # the lines' extent on `page`, in page units


def line_method(line: Line | None) -> ExtractionMethod | None:
    """The method of a value read from `line`: its reader (`text`, `ocr`, `docx`, `txt`)."""
    return ExtractionMethod(line.source) if line is not None else None


def line_conf(lines: list[Line]) -> float:
    """Confidence of a value read from these lines: 1 for a text layer, OCR word confidence otherwise."""
    confs = []
    for line in lines:
        if line.source != "ocr":
            confs.append(1.0)
        elif line.words:
            ws = sorted(w.conf for w in line.words)
            confs.append(0.5 * ws[0] + 0.5 * sum(ws) / len(ws))
        else:
            confs.append(line.conf)
    return min(confs) if confs else 1.0


def ocr_factor(lines: list[Line]) -> float:
    """Map OCR confidence to a multiplier: a clean OCR line (conf ≥ 0.9) costs little."""
    c = line_conf(lines)
    if all(l.source != "ocr" for l in lines):
        return 1.0
    return max(0.3, min(1.0, 0.55 + 0.45 * c)) * 0.93


def field_value(value, lines: list[Line], conf: float, method: ExtractionMethod | None = None) -> FieldValue[Any]:
    first = lines[0] if lines else None
    on_page = [l for l in lines if first is not None and l.page == first.page]
    box = (min(l.x0 for l in on_page), min(l.top for l in on_page), max(l.x1 for l in on_page),
           max(l.bottom for l in on_page)) if on_page else None
    return FieldValue(value=value, page=first.page if first else None,
                      text=" / ".join(l.text for l in lines)[:300] if lines else None,
                      confidence=max(0.0, min(1.0, conf)), method=method or line_method(first), box=box)


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    doc: Document
    lines: list[Line]
    hm: HeaderMap
    zones: Zones
    positions: bool
    analysis: Analysis

    def col(self, line: Line) -> str:
        return self.analysis.column(line) if self.positions else "full"


def make_context(a: Analysis) -> Context:
    """The field extractors' view of the analysis (lists copied: a rule may change its own)."""
    z = a.zones
    return Context(doc=a.doc, lines=list(a.lines), hm=replace(a.hm, subject=list(a.hm.subject)),
                   zones=Zones(header=list(z.header), body=list(z.body), footer=list(z.footer), annex=list(z.annex)),
                   positions=a.positions, analysis=a)



def handwritten(ctx: Context, slot: str) -> HandwritingNote | None:
    """The handwriting reading of a header slot (`number`, `day`, `month`) the OCR reader made."""
    return next((r for r in ctx.doc.notes.handwriting if r.slot == slot), None)


def hand_conf(reading: HandwritingNote) -> float:
    """Field confidence of a handwritten reading: only very sure readings stay out of review."""
    from extractors.readers.handwriting import SURE
    return 0.8 if reading.conf >= SURE else min(0.6, 0.3 + 0.4 * reading.conf)





def display_case(text: str) -> str:
    """Sentence case for a body printed in capitals, keeping acronyms (`UBND`, `ĐH`, `CNTT`) and
    capitalising the name after an administrative level (`tỉnh Quảng Ngãi`)."""
    text = re.sub(r"\s+", " ", text).strip(" ,;:-")
    if not is_caps(text):
        return text
    words = text.split(" ")
    out = []
    cap_next = False
    for i, w in enumerate(words):
        letters = re.sub(r"[^\wĐđ]", "", w)
        folded = vocab.fold(letters)
        if letters and letters.isupper() and len(letters) >= 2 and not SYLLABLE.match(folded):
            out.append(w)       # acronym
            continue
        lw = w.lower()
        if i == 0 or cap_next:
            lw = lw[:1].upper() + lw[1:]
        out.append(lw)
        if vocab.fold(lw) in ("tinh", "pho", "huyen", "quan", "xa", "phuong", "tran", "truong", "hoc"):
            cap_next = vocab.fold(lw) in ("tinh", "pho", "huyen", "quan") or (
                vocab.fold(lw) == "xa" and i > 0 and vocab.fold(words[i - 1]) == "thi")
        elif cap_next and vocab.fold(lw) not in ("va",):
            cap_next = True
    return " ".join(out)



def replace_text(line: Line, text: str) -> Line:
    from dataclasses import replace
    return replace(line, text=text)



# `… tháng 11 năm 2011` run into a header line by a reader (a date line's tail without `ngày`)
DATE_TAIL = re.compile(r"\bth[áa]ng\s+\d{1,2}\s+n[ăa]m\s+(19|20)\d\d\b", re.I)
# a list item's dash (OCR may put a speck before it: `¡- Lưu: VT`)
BULLET = re.compile(r"^\s*(?:[¡!'`‘’.,:;|]\s?)?[-–—+•*·▪_~]\s*")


def page_mid(ctx: Context, line: Line) -> float:
    if 0 < line.page <= len(ctx.doc.pages):
        return ctx.doc.pages[line.page - 1].width / 2
    return 500.0



def mostly_caps(text: str) -> bool:
    """A title in capitals with a letter or two OCR read in lower case (`GIÁM Ð c`)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def same_row(a: Line, b: Line) -> bool:
    """Two OCR fragments of one printed line (`Hiền` | `Trần Phước`, `ĐỐC` | `PHÓ GIÁM`)."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page == b.page and overlap >= 0.5 * max(1.0, min(a.bottom - a.top, b.bottom - b.top))


def merge_rows(block: list[Line]) -> list[Line]:
    """Join signing-block fragments that OCR split on one row, words in x order; a word lying
    inside another's span (a speck on the signature) is dropped."""
    out: list[Line] = []
    for line in block:
        prev = out[-1] if out else None
        if (prev is None or line.source != "ocr" or prev.source != "ocr" or not line.words or not prev.words
                or not same_row(prev, line) or vocab.match_authority(prev.text) or vocab.match_authority(line.text)):
            out.append(line)
            continue
        words = sorted(prev.words + line.words, key=lambda w: w.x0)
        kept = [w for w in words if not any(o is not w and o.x0 <= w.x0 and w.x1 <= o.x1 and (o.x1 - o.x0) > (w.x1 - w.x0)
                                            for o in words)]
        out[-1] = replace_text(prev, " ".join(w.text for w in kept))
        out[-1].words, out[-1].x0, out[-1].x1 = kept, min(w.x0 for w in kept), max(w.x1 for w in kept)
        out[-1].top, out[-1].bottom = min(prev.top, line.top), max(prev.bottom, line.bottom)
    return out

