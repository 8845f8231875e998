"""Document-level confidence: text-layer quality and what a scan cannot vouch for."""
from __future__ import annotations

from extractors.fields.common import Context, FieldValue
from extractors.fields.issuer import top_body
from extractors.lang.quality import TWO_TONES as _TWO_TONES  # noqa: F401 (exported by extractors.fields)
from extractors.lang.quality import odd_share
from extractors.lang.quality import odd_token as _odd_token  # noqa: F401 (exported by extractors.fields)
from extractors.lang.tones import TONE_CHARS as _TONES  # noqa: F401 (exported by extractors.fields)
from models.layout import Line


def text_quality(lines: list[Line]) -> float:
    """Share of ordinary tokens in these lines (1.0 for clean print): `extractors.lang.quality`'s `odd`
    measure alone (the syllable counts of `text_quality` are not needed here)."""
    return 1.0 - odd_share("\n".join(line.text for line in lines))


def adjust_confidence(ctx: Context, fields: dict[str, FieldValue]) -> None:
    """Document-level evidence the per-field rules cannot see.

    - a text layer full of odd tokens (an old OCR layer that triage kept) is no better than OCR;
    - on a scan, a personal name has no vocabulary to check it against, an empty Kính gửi or
      Nơi nhận may be a block OCR lost, and a missing parent line may have been read away."""
    first_page = [l for l in ctx.lines if l.page == 1]
    quality = text_quality([l for l in first_page if l.source != "ocr"])   # OCR has its own confidences
    ocr = ctx.doc.ocr_pages > 0 or any(l.source == "ocr" for l in first_page)
    for fv in fields.values():
        if quality < 0.99 and fv.method in ("text", "symbol", "rule", None):
            fv.confidence = min(fv.confidence, 0.7)
    if not ocr:
        return
    # ND30: the number and the day are filled in by hand together after signing; a day OCR could
    # not read (a date without its day) says the number beside it is handwriting too
    date, number = fields.get("date"), fields.get("number")
    if date is not None and number is not None and number.value and number.method != "handwriting" \
            and isinstance(date.value, str) and (len(date.value) == 7 or date.method == "file-date"):
        for name in ("number", "symbol"):
            if fields.get(name) is not None:
                fields[name].confidence = min(fields[name].confidence, 0.7)
    signer = fields.get("signer")
    if signer and signer.value and signer.value.get("name"):
        signer.confidence *= 0.85
    for name in ("recipients", "distribution"):
        got = fields.get(name)
        if got is not None:
            got.confidence = min(got.confidence, 0.7 if not got.value else got.confidence * 0.9)
    parent = fields.get("issuer_parent")
    issuer = fields.get("issuer")
    is_top = issuer is not None and issuer.method != "inferred" and top_body(issuer.value)
    if parent is not None and parent.value is None and not is_top:
        parent.confidence = min(parent.confidence, 0.7)

