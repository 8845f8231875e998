"""issuer / issuer_parent: the left column above `Số:` — a bold issuing body under a plain parent,
or (no bold) split where a line starts with an agency word (a line ending in a dash joins the next:
a joint issuer); OCR'd lines put back into the gazetteer's words; inferred from the symbol, the
signer and the text when the header lost it."""
from __future__ import annotations

import re

from extractors import gazetteer, vocab
from extractors.fields.common import (
    DATE_TAIL,
    DIRECT,
    INFERRED,
    Context,
    FieldValue,
    display_case,
    field_value,
    merge_rows,
    ocr_factor,
    replace_text,
)
from extractors.lang.syllable import is_syllable_shape
from extractors.zones import is_caps, is_separator
from models.enums import ExtractionMethod
from models.layout import Line


def _issuer_lines(ctx: Context) -> list[Line]:
    """Left-column lines of the header above the Số line: the issuing body and its parent
    (OCR fragments of one printed row joined: `TẾ` read apart from `SỞ Y`)."""
    hm = ctx.hm
    stop = hm.so if hm.so >= 0 else (hm.date if hm.date >= 0 else min(len(ctx.lines), 8))
    cands: list[Line] = []
    stamp: Line | None = None           # the last line of an e-signature box or `ĐẾN` stamp
    for i in range(0, stop):
        line = ctx.lines[i]
        text = line.text.strip()
        if text and vocab.is_stamp_text(text) or (stamp is not None and _continues(stamp, line) and not (
                is_caps(text) and vocab.starts_with_agency(text))):
            stamp = line                # a box's wrapped lines (`Ủy ban nhân dân tỉnh` under `Ký bởi:`)
            continue
        if not text or is_separator(text) or vocab.is_urgency(text):
            continue
        if vocab.motto_at_least(text, 0.75):
            continue
        if vocab.parse_date_line(text) or DATE_TAIL.search(text):
            continue
        c = ctx.col(line)
        if ctx.positions and c not in ("left",) and not (
                c == "full" and cands and is_caps(text) and vocab.starts_with_agency(text)):
            continue
        if not ctx.positions and not is_caps(text):
            continue
        if re.fullmatch(r"[\d\s/.,:-]+", text):
            continue
        cands.append(line)
    out = []
    for line in merge_rows(cands):
        raw = _clean_header_line(line.text.strip()) if line.source == "ocr" else line.text.strip()
        text = re.sub(r"^[\W_]+|[\W_]+$", "", raw)
        if re.search(r"\w\s*[-–]$", raw):
            text += " -"        # `LIÊN ĐOÀN LAO ĐỘNG -` over `SỞ VĂN HÓA …`: one joint issuer
        if line.source == "ocr":
            text = re.sub(r"^(?:\S\s+)+(?=\S{2,})", "", text) if len(text.split()) > 2 else text  # `Ể ủy ban …`
        if len(text) < 3:
            continue
        out.append(replace_text(line, text))
    # lines of one page only, and contiguous (a stamp far above is dropped)
    if out:
        page = out[-1].page
        out = [l for l in out if l.page == page]
    return out


_MARKS = re.compile(r"[“”\"'`´ˆ˜ˇ¨‘’^~]")
_NAMES_F = {vocab.fold(p) for p in vocab.PROVINCES if len(p.split()) == 2} | {"viet nam"}
_MOTTO_WORDS = {"cong", "hoa", "xa", "hoi", "chu", "nghia", "viet", "nam", "doc", "lap", "tu", "do", "hanh", "phuc"}


def _clean_header_line(text: str) -> str:
    """An OCR'd line of the header's left column: marks OCR put in or after words (`SỞ Y“ TẾ`, a
    trailing `ˆ`) dropped; words of the motto column read onto it (`SỞ Y TẾ Nam`, `… Tự do - Hạnh
    phúc`: not in capitals like the line) cut off; capitals run together (`UBNDTỈNHPHÚTHỌ`) spaced."""
    text = _MARKS.sub("", text)
    tokens = [t for t in text.split() if re.search(r"[\wÀ-ỹĐđ]", t) or t in ("-", "–")]
    if tokens and is_caps(" ".join(tokens[:2])):
        cut = False
        while len(tokens) > 1 and ((cut and tokens[-1] in ("-", "–")) or (
                not is_caps(tokens[-1]) and vocab.fold(tokens[-1]) in _MOTTO_WORDS
                and vocab.fold(" ".join(tokens[-2:])) not in _NAMES_F)):
            tokens.pop()        # (`QUẢNG Nam`, `VIỆT Nam`: the name's own word, its case misread)
            cut = True          # (a dash alone at the end joins the next line: a joint issuer)
    return " ".join(_respace(t) for t in tokens)


def _respace(token: str) -> str:
    """`UBNDTỈNHPHÚTHỌ` → `UBND TỈNH PHÚ THỌ`: a long run of capitals cut into known acronyms and
    Vietnamese syllables (the fewest pieces); unchanged when it cannot be cut so."""
    if len(token) < 9 or not token.isalpha() or not token.isupper() or is_syllable_shape(token):
        return token            # (a short run is a word OCR marked twice, `TRUYỀÈN`, not words run together)
    acronyms = set(gazetteer.ACRONYMS) | {k for k in vocab.AGENCY_ABBR if k.isupper()}
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        done = best[i]
        if done is None:
            continue
        for j in range(i + 1, min(n, i + 8) + 1):
            piece = token[i:j]
            if piece in acronyms or (is_syllable_shape(piece) and len(piece) >= 2 or piece in ("Y", "U", "A", "Ô")):
                cand = done + [piece]
                there = best[j]
                if there is None or len(cand) < len(there):
                    best[j] = cand
    whole = best[n]
    return " ".join(whole) if whole and len(whole) >= 3 else token


def _continues(box: Line, line: Line) -> bool:
    """`line` is the next line of the same stamp box: just below it, over the same x-range."""
    height = max(box.bottom - box.top, 1.0)
    overlap = min(box.x1, line.x1) - max(box.x0, line.x0)
    return (line.page == box.page and -0.5 * height <= line.top - box.bottom < 0.8 * height
            and overlap >= 0.6 * max(1.0, min(box.x1 - box.x0, line.x1 - line.x0)))



_PLACE_NAME = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường)\s+"
                         r"((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){0,3})")


def _doc_places(ctx: Context) -> tuple[str, ...]:
    """Proper place names the document prints in running text (`huyện Mê Linh`) and before its
    date: OCR reads lower-case running text more surely than a header in capitals, so these
    spellings repair the header's (`ME LINH`). The most frequent spelling of each name wins."""
    counts: dict[str, dict[str, int]] = {}
    texts = [l.text for l in ctx.lines[:400] if not is_caps(l.text)]
    if ctx.hm.date >= 0:
        dm = vocab.parse_date_line(ctx.lines[ctx.hm.date].text)
        if dm and dm.place and not is_caps(dm.place):
            texts.append(f"huyện {dm.place}")
    for text in texts:
        for m in _PLACE_NAME.finditer(text):
            name = m.group(1)
            counts.setdefault(vocab.fold(name), {}).setdefault(name, 0)
            counts[vocab.fold(name)][name] += 1
    return tuple(max(forms, key=lambda form: forms[form]) for forms in counts.values())


def _group_bodies(lines: list[Line]) -> list[list[Line]]:
    """Split the issuer lines into bodies: by bold (plain parent over bold issuer) when the style
    tells them apart, else where a line starts with an agency word."""
    bolds = [l.bold for l in lines]
    if any(bolds) and not all(bolds) and lines[0].source != "ocr":
        # plain lines on top are the parent, bold lines the issuer
        first_bold = bolds.index(True)
        if first_bold > 0 and all(bolds[first_bold:]):
            return [lines[:first_bold], lines[first_bold:]]
    groups: list[list[Line]] = []
    for line in lines:
        joint = bool(groups) and groups[-1][-1].text.endswith(" -")   # `A -` / `B`: issued jointly
        if not groups or (vocab.starts_with_agency(line.text) and not joint):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _split_merged_bodies(line: Line) -> list[list[Line]] | None:
    """`UBND thành phố Đà Nẵng Sở Giáo dục và Đào tạo` read as one line: split where a second body
    starts right after a place name (`tỉnh X`, `thành phố X`)."""
    tokens = line.text.split()
    for k in range(2, len(tokens) - 1):
        head = " ".join(tokens[:k])
        tail = " ".join(tokens[k:])
        if not tokens[k][:1].isupper() or not vocab.starts_with_agency(tail) or not vocab.starts_with_agency(head):
            continue
        if re.search(r"\b(tỉnh|thành phố|huyện|quận|thị xã|tp\.?)\s+\S+(\s+\S+)?$", head, re.I):
            return [[replace_text(line, head)], [replace_text(line, tail)]]
    return None


def issuer_fields(ctx: Context) -> dict[str, FieldValue]:
    lines = _issuer_lines(ctx)
    out: dict[str, FieldValue] = {}
    if not lines:
        return out
    # OCR'd lines back into the gazetteer's words (marks, run-together words, one letter off);
    # acronyms with stray marks (`ƯBND`) on any source
    places = _doc_places(ctx) if any(l.source == "ocr" for l in lines) else ()
    repairs: dict[int, gazetteer.Repair] = {}
    fixed = []
    for line in lines:
        if line.source == "ocr":
            line = replace_text(line, _place_commas(line.text))
        rep = gazetteer.repair_name(line.text, places, ocr=line.source == "ocr")
        new = replace_text(line, rep.text) if rep.text != line.text else line
        repairs[id(new)] = rep
        fixed.append(new)
    groups = _group_bodies(fixed)
    if len(groups) == 1 and len(groups[0]) == 1:
        groups = _split_merged_bodies(groups[0][0]) or groups
    issuer_lines = groups[-1]
    parent_lines = groups[-2] if len(groups) >= 2 else []

    def cost(group: list[Line]) -> float:
        reps = [repairs[id(l)] for l in group if id(l) in repairs]
        return 0.02 * sum(r.marks for r in reps) + 0.08 * sum(r.letters for r in reps)

    def display(group: list[Line]) -> str:
        return gazetteer.canonical_case(display_case(" ".join(l.text for l in group)), places)

    def known(name: str) -> bool:
        agency = gazetteer.resolve(name)
        return agency is not None and agency.level != "unit"

    factor = ocr_factor(issuer_lines)
    issuer = display(issuer_lines)
    conf = DIRECT * factor
    if known(issuer):
        conf = max(conf, 0.88)      # a name the gazetteer knows, whatever OCR's word confidence
    conf -= cost(issuer_lines)
    if not vocab.starts_with_agency(issuer):
        conf -= 0.2
    out["issuer"] = field_value(issuer, issuer_lines, conf)
    if parent_lines:
        parent = display(parent_lines)
        pconf = max(DIRECT * ocr_factor(parent_lines), 0.88 if known(parent) else 0.0)
        out["issuer_parent"] = field_value(parent, parent_lines, pconf - cost(parent_lines))
    else:
        pconf = DIRECT * factor if len(issuer_lines) <= 3 else 0.7
        out["issuer_parent"] = field_value(None, issuer_lines, pconf)
    return out


def _place_commas(text: str) -> str:
    """`UBND TỈNH KIÊN, GIANG` → `UBND TỈNH KIÊN GIANG`: a comma OCR put inside a province's name."""
    if "," not in text:
        return text
    for place in vocab.PROVINCES:
        words = place.split()
        if len(words) < 2:
            continue
        pattern = r"\s*,?\s+".join(re.escape(w) for w in words)
        m = re.search(rf"\b{pattern}\b", text, re.I)
        if m and "," in m.group():
            text = text[:m.start()] + m.group().replace(",", "") + text[m.end():]
    return re.sub(r"\s+", " ", text)


def top_body(name: str | None) -> bool:
    """A body printed without a parent line (ND30): a ministry or central body, a provincial
    People's Committee or Council (`Ủy ban nhân dân tỉnh X`)."""
    agency = gazetteer.resolve(name) if name else None
    return agency is not None and (agency.level == "central" or (
        agency.level == "province" and agency.kind in ("people_committee", "council")))


def infer_issuer(ctx: Context, fields: dict[str, FieldValue]) -> FieldValue | None:
    """Issuer from the symbol + place + signer + text when the header lost its agency line."""
    sym = fields.get("symbol")
    got_code, got_place = fields.get("code"), fields.get("place")
    code = got_code.value if got_code is not None else None
    place = got_place.value if got_place is not None else None
    if not code:
        return None
    kind, abbr = vocab.kind_from_symbol(sym.value if sym else "")
    groups = code.split("-")
    if abbr and groups and vocab.fold(groups[0]) == vocab.fold(abbr):
        groups = groups[1:]
    if not groups:
        return None
    head = groups[0]
    full = vocab.AGENCY_ABBR.get(head)
    if not full:
        return None
    text = ctx.doc.text
    if full in ("Ủy ban nhân dân", "Hội đồng nhân dân"):
        level = None
        counts = {}
        for lv in vocab.ADMIN_LEVELS:
            pat = rf"(?:{full}|{head})\s+{lv}\b"
            counts[lv] = len(re.findall(pat, text, re.I))
        level = max(counts, key=lambda lv: counts[lv]) if any(counts.values()) else None
        if not level:
            return None
        name = f"{full} {level}"
        if place:
            name += f" {place}"
        return field_value(name, [], INFERRED, method=ExtractionMethod.INFERRED)
    return field_value(full, [], INFERRED, method=ExtractionMethod.INFERRED)

