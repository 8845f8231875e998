"""recipients (`Kính gửi`, or a công điện's `… ĐIỆN:` list) and distribution (`Nơi nhận`)."""
from __future__ import annotations

import re

from extractors import gazetteer, vocab
from extractors.fields.common import BULLET, DIRECT, Context, FieldValue, field_value, ocr_factor, page_mid
from extractors.zones import is_caps, is_separator
from models.layout import Line

_ODD_CHAR = re.compile(r"[^\wÀ-ỹĐđ\s.,;:!?()\[\]/\-–~&+'\"“”‘’%@]|[ÖÜËÏÄöüëïäÅåßØø§¤Ÿÿ£€¥]")


def clean_item(text: str) -> str:
    text = text.strip()
    while BULLET.match(text):
        text = BULLET.sub("", text, count=1)     # `- - Lưu: …` (a speck read as a second dash)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:)])", r"\1", text)
    # OCR specks after the entry (`Website SYT;':'`, `Lưu: VT, CS (5b).ả⁄ 49ÿ/£s`)
    tokens = text.split(" ")
    while len(tokens) > 1 and _ODD_CHAR.search(tokens[-1]):
        odd = len(_ODD_CHAR.findall(tokens[-1]))
        if odd == 1 and len(tokens[-1]) >= 3:
            tokens[-1] = _ODD_CHAR.sub("", tokens[-1])    # one stray mark (`b/c}`)
            break
        tokens.pop()
    text = gazetteer.repair_name(" ".join(tokens), ocr=False).text     # `ƯBND` → `UBND`
    return re.sub(r"[\s;:,.'‘/]+$", "", text).strip()


def _collect_items(lines: list[Line], first_rest: str | None, ctx: Context,
                   stop_after_luu: bool = False) -> tuple[list[str], list[Line]]:
    """Bullet items (`- X;`), an item wrapped over lines being one item."""
    items: list[str] = []
    used: list[Line] = []
    ended = True
    if first_rest and len(re.sub(r"[^\wÀ-ỹ]", "", first_rest)) >= 3:
        items.append(first_rest)
        ended = first_rest.rstrip().endswith((";", ".")) or True
    for line in lines:
        text = line.text.strip()
        if not text or is_separator(text) or not re.search(r"[\wÀ-ỹ]", text):
            continue            # a lone bullet or OCR speck
        if (stop_after_luu and line.source == "ocr" and line.words and len(line.words) <= 2
                and max(w.conf for w in line.words) < 0.2 and not BULLET.match(text)):
            continue            # a smudge OCR could not read (`Ms` for a stamped `Như trên`)
        if not items and not BULLET.match(text) and stop_after_luu and len(text) < 60:
            items.append(text)  # first entry whose dash OCR lost (`Như trên;`)
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        if (BULLET.match(text) and stop_after_luu and items and not ended and BULLET.sub("", text)[:1].islower()
                and len(items[-1]) < 12):
            items[-1] = items[-1].rstrip() + " " + BULLET.sub("", text)
            used.append(line)   # `Như` / `- trên;`: OCR put the dash of the entry on its second half
            ended = text.rstrip().endswith((";", "."))
            continue
        if BULLET.match(text) and len(BULLET.sub("", text)) > 0:
            if stop_after_luu and items and re.match(r"^l[ưu]u\b", vocab.fold(items[-1])) and ended:
                break
            items.append(text)
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        if items and not ended:
            if re.match(r"^l[ưu]u\b", vocab.fold(BULLET.sub("", items[-1]))) and len(text) > 25:
                break           # the Lưu entry ends the list; a long line after it is something else
            items[-1] = items[-1].rstrip() + " " + text
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        if re.match(r"^l[ưu]u\s*[:.]?\s", vocab.fold(text) + " ") and stop_after_luu:
            items.append(text)
            used.append(line)
            ended = True
            continue
        if (stop_after_luu and ctx.positions and items and ended and len(text) < 80
                and re.sub(r"^[^\wÀ-ỹĐđ]+", "", text)[:1].isupper()
                and not re.match(r"^\W*l[ưu]u\b", vocab.fold(items[-1])) and not vocab.motto_at_least(text, 0.85)
                and (not used or used[-1].page == line.page)):
            items.append(re.sub(r"^[^\wÀ-ỹĐđ]+", "", text))  # an entry whose dash OCR lost
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        break
    cleaned = [clean_item(i) for i in items]
    return [c for c in cleaned if c], used


def recipients(ctx: Context) -> FieldValue:
    hm = ctx.hm
    lines = ctx.lines
    if hm.kinh_gui >= 0:
        kg = lines[hm.kinh_gui]
        rest = vocab.match_kinh_gui(kg.text) or ""
        following = lines[hm.kinh_gui + 1: hm.kinh_gui + 25]
        if rest:
            # a single `Kính gửi: X` line: continuation lines only when wrapped (lower-case start)
            if not rest.rstrip().endswith((";", ".")):
                cont = []
                for l in following[:3]:
                    t = l.text.strip()
                    # wrapped: a lower-case start, or an indented `(Địa chỉ: …)` under the addressee
                    indented = ctx.positions and t.startswith("(") and l.x0 > kg.x0 + 2 * (kg.bottom - kg.top)
                    if BULLET.match(t) or not t or not (t[0].islower() or indented) or len(t) > 70:
                        break
                    cont.append(l)
                rest = " ".join([rest] + [l.text.strip() for l in cont])
                following = following[len(cont):]
        body_lines = []
        for l in following:
            if ctx.positions and ctx.col(l) == "right" and not BULLET.match(l.text):
                continue
            body_lines.append(l)
        items, used = _collect_items(body_lines, rest, ctx)
        conf = DIRECT * ocr_factor([kg] + used)
        fk = vocab.fold(kg.text)
        if not fk.startswith("kinh gui"):
            conf -= 0.1
        return field_value(items, [kg] + used, conf)
    if hm.dien >= 0:
        d = lines[hm.dien]
        items, used = _collect_items(lines[hm.dien + 1: hm.dien + 25], None, ctx)
        return field_value(items, [d] + used, 0.9 * ocr_factor([d] + used))
    if hm.vv >= 0 and ctx.positions:
        items, used = _addressees_without_heading(ctx)
        if items:
            return field_value(items, used, 0.65 * ocr_factor(used))
    # no Kính gửi at all: an empty list is the answer
    conf = 0.93 if all(l.source != "ocr" for l in ctx.zones.header) else 0.8
    return field_value([], [], conf)


def _addressees_without_heading(ctx: Context) -> tuple[list[str], list[Line]]:
    """A công văn whose `Kính gửi:` OCR lost (or spaced out, `Kí nh g ửi`): the dashed addressee
    lines indented toward the middle of the page right under the header, OCR specks skipped."""
    cands: list[Line] = []
    for l in ctx.lines[ctx.hm.end: ctx.hm.end + 12]:
        t = l.text.strip()
        if len(re.sub(r"[\W\d_]", "", BULLET.sub("", t))) < 3:
            continue            # a speck or a lone dash
        if l.x0 < 0.3 * 2 * page_mid(ctx, l):
            if l.source == "ocr" and l.conf < 0.3:
                continue        # a stamp or a garbled line in the margin
            break               # the body starts at the margin
        if not cands and not BULLET.match(t):
            continue
        cands.append(l)
    if not cands:
        return [], []
    return _collect_items(cands, None, ctx)


def distribution(ctx: Context) -> FieldValue:
    footer = ctx.zones.footer
    for i, line in enumerate(footer):
        rest = vocab.match_noi_nhan(line.text)
        if rest is None:
            continue
        return _distribution_list(ctx, line, rest, footer[i + 1:])
    if ctx.positions:
        # no `Nơi nhận` heading (OCR lost it): the dashed list of the footer's left column,
        # accepted only when it ends with the `Lưu` entry, as ND30 lists do
        first = next((l for l in footer if ctx.col(l) == "left" and BULLET.match(l.text.strip())), None)
        if first is not None:
            fv = _distribution_list(ctx, first, None, footer[footer.index(first):])
            if len(fv.value) >= 2 and re.match(r"^l[ưu]u\b", vocab.fold(fv.value[-1])):
                fv.confidence -= 0.1
                return fv
    conf = 0.85 if all(l.source != "ocr" for l in footer) and footer else 0.6
    return field_value([], [], conf)


def _distribution_list(ctx: Context, line: Line, rest: str | None, following: list[Line]) -> FieldValue:
    """The Nơi nhận entries after the heading `line` (its `rest` on the same line)."""
    cands = []
    for l in following:
        c = ctx.col(l)
        if ctx.positions and c == "right":
            continue
        if l.cell and line.cell and l.cell[2] != line.cell[2]:
            continue
        t = l.text.strip()
        if not ctx.positions or (l.cell is None and c in ("full", "centre")):
            if vocab.match_authority(t) or (is_caps(t) and vocab.is_title_text(t) and not BULLET.match(t)):
                if ctx.positions and l.source != "docx" and l.x0 > page_mid(ctx, l) * 0.8:
                    continue    # a long signing line reaching across the middle of a printed page
                break
        cands.append(l)
    items, used = _collect_items(cands, rest if BULLET.match(rest or "") or (rest and len(rest) > 6) else None,
                                 ctx, stop_after_luu=True)
    conf = DIRECT * ocr_factor([line] + used)
    if not vocab.fold(line.text).startswith("noi nhan"):
        conf -= 0.08
    if not any(re.match(r"^l[ưu]u\b", vocab.fold(x)) for x in items):
        conf -= 0.1
    return field_value(items, [line] + used, conf)

