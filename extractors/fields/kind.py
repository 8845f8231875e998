"""doc_type (the centred kind name, else the kind abbreviation of the symbol, else `Công văn` for a
`V/v` line) and subject (the V/v block or the lines under the kind name)."""
from __future__ import annotations

import re

from extractors import vocab
from extractors.fields.common import DIRECT, Context, FieldValue, field_value, ocr_factor
from extractors.lang.fold import map_fold_offset
from extractors.zones import VV_MARK
from models.enums import ExtractionMethod
from models.layout import Line

_VV_PREFIX = re.compile(rf"^[\s'\"‘’“”`.,_~-]{{0,3}}{VV_MARK}\s*[:.]?\s*", re.I)


def kind_field(ctx: Context, fields: dict[str, FieldValue]) -> FieldValue | None:
    hm = ctx.hm
    if hm.kind >= 0 and hm.kind_name:
        line = ctx.lines[hm.kind]
        conf = DIRECT * ocr_factor([line]) - (1 - hm.kind_score) * 1.5
        return field_value(hm.kind_name, [line], conf)
    sym = fields.get("symbol")
    if hm.vv >= 0:
        # ND30: a named kind prints its name in the centre; none printed and a V/v line under the
        # number → công văn (`2191/CT-CS`: CT is the Cục Thuế here, not a chỉ thị). A centred
        # `Về việc` is the subject of a named kind whose name OCR lost: its symbol tells the kind.
        vline = ctx.lines[hm.vv]
        kind, _ = vocab.kind_from_symbol(sym.value) if sym and sym.value else (None, None)
        if ctx.positions and ctx.col(vline) == "centre" and kind and sym and kind.name != "Công văn":
            return field_value(kind.name, [vline], min(sym.confidence, 0.9) - 0.1, method=ExtractionMethod.SYMBOL)
        conf = 0.9 * ocr_factor([vline])
        first = vline.words[0] if vline.words else None
        if re.match(r"^\s*(V/[vV]|Về việc)\b", vline.text) and (vline.source != "ocr" or (first and first.conf >= 0.8)):
            conf = max(conf, 0.9)       # the mark itself is read clean
        if sym and sym.value and not kind:
            conf = min(0.95, conf + 0.03)   # a ký hiệu without a kind abbreviation agrees
        return field_value("Công văn", [vline], conf, method=ExtractionMethod.RULE)
    if sym and sym.value:
        kind, abbr = vocab.kind_from_symbol(sym.value)
        if kind:
            conf = sym.confidence - 0.05
            if hm.vv >= 0 and kind.name != "Công văn":
                conf -= 0.25          # a V/v line speaks for a công văn; the abbreviation for a kind
            return field_value(kind.name, [], conf, method=ExtractionMethod.SYMBOL)
    if hm.vv >= 0:
        return field_value("Công văn", [ctx.lines[hm.vv]], 0.9 * ocr_factor([ctx.lines[hm.vv]]), method=ExtractionMethod.RULE)
    if hm.kinh_gui >= 0 and hm.so >= 0:
        return field_value("Công văn", [], 0.6, method=ExtractionMethod.RULE)
    return None


def _denoise(line: Line) -> str:
    """An OCR line without its specks: short tokens of low word confidence or without letters."""
    if line.source != "ocr" or not line.words:
        return line.text.strip()
    keep: list[str] = []
    for w in line.words:
        t = w.text.strip()
        letters = re.sub(r"[^\wÀ-ỹĐđ]", "", t)
        if not letters or (len(letters) <= 2 and w.conf < 0.5 and not letters.isdigit()):
            continue
        if len(letters) == 1 and letters.isalpha() and keep and not keep[-1].endswith((".", ":")) and (
                (letters.isupper() and letters != "Y" and keep[-1][-1:].islower())       # `Về À việc`
                or (not _VOWEL.match(vocab.fold(letters)) and w.conf < 0.9)):          # `luận văn x thạc sĩ`
            continue            # a stroke of handwriting or a seal read as a letter inside a sentence
        keep.append(t)
    return " ".join(keep)


_VOWEL = re.compile(r"^[aeiouy]$")


def subject_field(ctx: Context, doc_type: str | None) -> FieldValue | None:
    hm = ctx.hm
    if not hm.subject:
        return field_value(None, [], 0.6) if hm.so >= 0 else None
    lines = [ctx.lines[i] for i in hm.subject]
    text = ""
    for part in (_denoise(l) for l in lines):
        # a số, ký hiệu broken after its dash or slash (`228/STTTT-` / `TTBCXB`) is one word
        glue = re.search(r"[A-ZĐ\d][-/]$", text) and re.match(r"[A-ZĐ\d]", part)
        text = f"{text}{part}" if glue else f"{text} {part}"
    text = re.sub(r"\s+", " ", text).strip()
    text = _VV_PREFIX.sub("", text)
    folded = vocab.fold(text)
    lead = re.match(r"^\W*ve\s*viec\b\W*", folded)       # `Vê việc`, `,Vềviệc`: marks OCR changed
    stamp = None if lead or not any(l.source == "ocr" for l in lines) else re.search(r"(?<=\s)Về\s+việc\b\W*", text[:80])
    if stamp:
        text = text[stamp.end():]   # a stamp read onto the line before its `Về việc` (`TRUNG TÂM CÔNG BÁO …`)
    elif lead:
        text = text[map_fold_offset(text, lead.end()):]
    else:
        text = re.sub(r"^(?:Về|về|VỀ)\s+(?=\w)", "", text)  # `Về tăng cường …`: short for `Về việc`
    if doc_type:
        # `KẾ HOẠCH Triển khai …` printed on one line: drop the kind name
        text = re.sub(rf"^{re.escape(doc_type)}\s+", "", text, flags=re.I)
    text = text.strip(" .;:")
    conf = DIRECT * ocr_factor(lines) - 0.02 * max(0, len(lines) - 3)
    if hm.subject_guessed:
        conf = min(conf, 0.7)           # found by its place, its `V/v` mark unread
    return field_value(text or None, lines, conf)

