"""date / place: `<place>, ngày DD tháng MM năm YYYY` of the right column (partial dates kept)."""
from __future__ import annotations

from extractors import vocab
from extractors.fields.common import (DIRECT, Context, FieldValue, field_value, hand_conf, handwritten,
                                      ocr_factor)

def _plausible_day(parts: list[str]) -> bool:
    """A real calendar day, not after today."""
    import datetime
    try:
        day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return False
    return day <= datetime.date.today()


def date_fields(ctx: Context) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    idx = ctx.hm.date
    if idx < 0:
        return out
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
                 if h and len(parts) > k and int(h["text"]) == int(parts[k])]
        if hands:
            method = "handwriting"
            conf = min([conf] + [hand_conf(h) for h in hands])
        if len(parts) == 3 and not _plausible_day(parts):
            iso, conf = "-".join(parts[:2]), min(conf, 0.5)     # not a calendar day, or in the future
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

