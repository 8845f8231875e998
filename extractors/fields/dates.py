"""date / place: `<place>, ngày DD tháng MM năm YYYY` of the right column (partial dates kept)."""
from __future__ import annotations

import re

from extractors import vocab
from extractors.fields.common import DIRECT, Context, FieldValue, field_value, hand_conf, handwritten, ocr_factor
from models.enums import ExtractionMethod


def _plausible_day(parts: list[str]) -> bool:
    """A real calendar day, not after today."""
    import datetime
    try:
        day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return False
    return day <= datetime.date.today()


def _file_dates(ctx: Context, iso: str | None, conf: float, method: ExtractionMethod | None):
    """Cross-check a scanned date line with the file's own dates (a digital signature's time, the
    PDF's creation date: a paper is scanned and signed on its issue day or soon after).

    - they agree with the day read: the reading is confirmed;
    - the day is missing and a file date falls in the month read: that day, for review (a day
      read, even unsure, is kept: the file is often made days later);
    - they disagree with a sure reading: the reading goes to review (a wrong day is never unflagged);
    - the day read is after every file date: it cannot be (a paper is dated before it is scanned);
      the file's day in that month, for review."""
    dates = ctx.doc.notes.pdf_dates
    evidence = sorted(set(dates.signed) | set(dates.created)) if dates else []
    if not iso or not evidence or len(iso) < 7:
        return iso, conf, method
    month = [d for d in evidence if d[:7] == iso[:7]]
    if len(iso) == 10 and iso in evidence:
        return iso, max(conf, 0.85), method
    if len(iso) == 10 and iso > evidence[-1]:
        # a paper is scanned (and its file signed) after it is dated: a day read after every file
        # date is misread; the file's day of that month stands in, for review
        return (month[-1], min(conf, 0.6), ExtractionMethod.FILE_DATE) if month else (iso, min(conf, 0.5), method)
    if month and len(iso) == 7:
        return month[0], min(conf, 0.6), ExtractionMethod.FILE_DATE
    if len(iso) == 10 and month:
        return iso, min(conf, 0.6), method
    return iso, conf, method


_ISSUED_WITH = re.compile(r"^\W{0,2}(?:ban\s+hành\s+)?kèm\s+theo\s+.{0,120}?\bngày\b", re.I)


def _issued_with(ctx: Context) -> dict[str, FieldValue]:
    """A regulation issued with a decision (`QUY ĐỊNH` / `(Ban hành kèm theo Quyết định số … ngày 21
    tháng 01 năm 2010 …)`) has no date line of its own: its date is the decision's."""
    hm = ctx.hm
    if hm.kind < 0:
        return {}
    for line in ctx.lines[hm.kind + 1: hm.end + 4]:
        if not _ISSUED_WITH.match(line.text.strip()):
            continue
        text = line.text[line.text.lower().find("kèm"):]
        dm = vocab.parse_date_line(text)
        iso = dm.iso if dm else vocab.parse_numeric_date(text)
        if iso:
            conf = 0.8 * ocr_factor([line])
            return {"date": field_value(iso, [line], conf, ExtractionMethod.RULE),
                    "place": field_value(None, [line], conf, ExtractionMethod.RULE)}
    return {}


def date_fields(ctx: Context) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    idx = ctx.hm.date
    if idx < 0:
        return _issued_with(ctx)
    line = ctx.lines[idx]
    dm = vocab.parse_date_line(line.text)
    if not dm:
        return out
    factor = ocr_factor([line])
    conf = DIRECT * factor - 0.12 * dm.repaired
    if dm.iso and len(dm.iso) < 10 and line.source == "ocr":
        conf = min(conf, 0.55)      # a day OCR could not read may be handwritten, not blank
    iso, method = dm.iso, None
    if iso and line.source == "ocr":
        parts = iso.split("-")
        hands = [h for h, k in ((handwritten(ctx, "day"), 2), (handwritten(ctx, "month"), 1))
                 if h and len(parts) > k and int(h.text) == int(parts[k])]
        if hands:
            method = ExtractionMethod.HANDWRITING
            conf = min([conf] + [hand_conf(h) for h in hands])
        if len(parts) == 3 and not _plausible_day(parts):
            iso, conf = "-".join(parts[:2]), min(conf, 0.5)     # not a calendar day, or in the future
        iso, conf, method = _file_dates(ctx, iso, conf, method)
    out["date"] = field_value(iso, [line], conf, method)
    if dm.place:
        place = dm.place
        pconf = DIRECT * factor
        if line.source == "ocr":
            place, n = vocab.repair_phrase(place, "place")
            pconf -= 0.02 * n
        out["place"] = field_value(place, [line], pconf)
    else:
        out["place"] = field_value(None, [line], 0.7 * factor)
    return out

