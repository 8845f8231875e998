"""Header and footer fields of the contract, as pure functions over the layout model.

`extract_fields(doc)` returns {field: FieldValue}. Every rule comes from the ND30 layout
(`extractors/zones.py` finds the landmarks, `extractors/vocab.py` holds the fixed words):

- number / symbol / code: the `Số:` line of the header's left column (never an `ĐẾN` stamp's
  `Số đến`), spaces removed;
- date / place: `<place>, ngày DD tháng MM năm YYYY` of the right column (partial dates kept);
- issuer / issuer_parent: the left column above `Số:`: bold issuing body under a plain parent,
  or (no bold) split where a line starts with an agency word (a line ending in a dash joins the
  next: a joint issuer); OCR'd lines are first put back into the gazetteer's words
  (`gazetteer.repair_name`: marks, run-together words, the document's own place names) and
  shown in its casing; inferred from the symbol, the signer and the text when the header lost it;
- doc_type: the centred kind name, else the kind abbreviation in the symbol, else `Công văn`
  for a `V/v` line; subject: the V/v block or the lines under the kind name;
- recipients (`Kính gửi`, or a công điện's `… ĐIỆN:` list), distribution (`Nơi nhận`),
  signer (authority marks, title, name), references (other documents cited by số, ký hiệu).

Confidence: 0.97 for a value read directly from a text layer; lowered by OCR word confidence,
by fuzzy repairs (digits read from look-alike letters, vocabulary matched at a distance) and
for inferred values. The pipeline marks fields below 0.75 `needs_review`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors import gazetteer, vocab
from extractors.references import extract_references
from extractors.zones import (VV_MARK, Analysis, HeaderMap, Zones, analyse, is_caps, is_separator, looks_like_name,
                              split_zones)
from models.layout import Document, Line

DIRECT = 0.97       # a value read directly from a reliable text layer
INFERRED = 0.6      # a value reasoned from other fields


@dataclass
class FieldValue:
    value: object
    page: int | None = None
    text: str | None = None
    confidence: float = 1.0
    method: str | None = None
    box: tuple[float, float, float, float] | None = None   # the lines' extent on `page`, in page units


def _method(line: Line | None) -> str | None:
    return line.source if line is not None else None


def _line_conf(lines: list[Line]) -> float:
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


def _ocr_factor(lines: list[Line]) -> float:
    """Map OCR confidence to a multiplier: a clean OCR line (conf ≥ 0.9) costs little."""
    c = _line_conf(lines)
    if all(l.source != "ocr" for l in lines):
        return 1.0
    return max(0.3, min(1.0, 0.55 + 0.45 * c)) * 0.93


def _fv(value, lines: list[Line], conf: float, method: str | None = None) -> FieldValue:
    first = lines[0] if lines else None
    on_page = [l for l in lines if first is not None and l.page == first.page]
    box = (min(l.x0 for l in on_page), min(l.top for l in on_page), max(l.x1 for l in on_page),
           max(l.bottom for l in on_page)) if on_page else None
    return FieldValue(value=value, page=first.page if first else None,
                      text=" / ".join(l.text for l in lines)[:300] if lines else None,
                      confidence=max(0.0, min(1.0, conf)), method=method or _method(first), box=box)


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
        return self.analysis.column(self.doc, line) if self.positions else "full"


def _context(doc: Document) -> Context:
    a = analyse(doc)
    return Context(doc=doc, lines=list(a.lines), hm=replace(a.hm, subject=list(a.hm.subject)), zones=split_zones(doc),
                   positions=a.positions, analysis=a)


# --------------------------------------------------------------------------- number / symbol

_SYM_TOKEN = re.compile(r"^[\w/\-–_.,&()]+$")


def _symbolish(token: str) -> bool:
    """A token that can be part of a số, ký hiệu (`/UBND-KGVX`, `TTg`, `GDTrH`), not a word (`An`)."""
    if not _SYM_TOKEN.match(token):
        return False
    if re.search(r"[a-zà-ỹđ]{2,}", token):
        return False
    upper = sum(1 for c in token if c.isupper())
    return upper >= 2 or bool(re.search(r"[\d/\-]", token)) or len(token) == 1


def clean_symbol(raw: str) -> tuple[str, int]:
    """The số, ký hiệu from the text after `Số:`: tokens up to the first ordinary word, spaces removed.
    Returns (symbol, repairs) where repairs counts look-alike letters read as digits in the number."""
    raw = raw.replace("–", "-").replace("—", "-")
    tokens = raw.split()
    kept: list[str] = []
    for n, tok in enumerate(tokens):
        if not _symbolish(tok):
            if not kept and "/" not in tok and n + 1 < len(tokens) and tokens[n + 1].startswith("/"):
                # a handwritten number OCR could not read (`5°VGÉ /QĐ-ĐHCT`): keep the typed ký hiệu
                kept.append("?")
                continue
            if not kept and "/" in tok:
                tok = "?" + tok[tok.index("/"):]
                if _symbolish(tok[1:]):
                    kept.append(tok)
                    continue
            break
        kept.append(tok)
    sym = "".join(kept).strip(".,;:")
    sym = re.sub(r"^[.…_]+", "", sym)
    repairs = 0
    if "/" in sym:
        num, rest = sym.split("/", 1)
        num = num.strip(".…_ ")
        fixed = "".join(vocab._DIGITISH.get(c, c) for c in num)
        if fixed != num and fixed.isdigit():
            repairs = sum(1 for a, b in zip(num, fixed) if a != b)
            num = fixed
        sym = f"{num}/{rest}"
    return sym, repairs


_LETTERISH = {"8": "B", "0": "O", "5": "S", "1": "I", "6": "G", "2": "Z"}


def _repair_code_lookalikes(sym: str) -> str:
    """`2287/8C-SYT` → `2287/BC-SYT`: a digit inside the kind group of an OCR'd ký hiệu, when the
    letter it resembles makes a known kind abbreviation."""
    head, sep, code = sym.rpartition("/")
    first, dash, rest = code.partition("-")
    if not re.search(r"\d", first) or not re.search(r"[A-ZĐ]", first):
        return sym
    fixed = "".join(_LETTERISH.get(c, c) for c in first)
    kind, _ = vocab.kind_from_symbol(f"1/{fixed}-X")
    return f"{head}{sep}{fixed}{dash}{rest}" if kind else sym


def _handwritten(ctx: Context, slot: str) -> dict | None:
    """The handwriting reading of a header slot (`number`, `day`, `month`) the OCR reader made."""
    return next((r for r in ctx.doc.meta.get("handwriting") or [] if r.get("slot") == slot), None)


def _hand_conf(reading: dict) -> float:
    """Field confidence of a handwritten reading: only very sure readings stay out of review."""
    from extractors.readers.handwriting import SURE
    return 0.8 if reading["conf"] >= SURE else min(0.6, 0.3 + 0.4 * reading["conf"])


def _number_fields(ctx: Context) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    if ctx.hm.so < 0:
        return out
    line = ctx.lines[ctx.hm.so]
    rest = vocab.match_so(line.text) or ""
    used = [line]
    if not rest.strip("., …_") and ctx.hm.so + 1 < len(ctx.lines):
        nxt = ctx.lines[ctx.hm.so + 1]
        if nxt.text.strip().startswith("/") or re.match(r"^\d+\s*/", nxt.text.strip()):
            rest = nxt.text
            used.append(nxt)
    sym, repairs = clean_symbol(rest)
    sym = vocab.repair_symbol(sym)
    if line.source == "ocr":
        sym = _repair_code_lookalikes(sym)
    if "/" not in sym:
        return out
    parts = sym.split("/")
    if len(parts) == 3 and not re.fullmatch(r"\d{4}|[A-ZĐ]+", parts[1]):
        sym = "?/" + parts[2]           # `/Ö/BGDĐT-GDTrH`: OCR noise where the number is handwritten
    factor = _ocr_factor(used)
    conf = DIRECT * factor - 0.15 * repairs
    number, _, _ = sym.partition("/")
    number_conf = conf
    if number and not number.isdigit():
        # handwritten or garbled number: keep the typed ký hiệu, no number
        m = re.match(r"^\d+$", number)
        if not m:
            number_conf = 0.3
            number = ""
            sym = "/" + sym.partition("/")[2]
    if not number and line.source == "ocr":
        number_conf = min(number_conf, 0.5)   # a blank on a scan may be a handwritten number OCR missed
    code = sym.rsplit("/", 1)[-1]
    if line.source == "ocr" and ctx.doc.meta.get("ocr_number_unread"):
        number_conf = min(number_conf, 0.5)
    method = None
    hand = _handwritten(ctx, "number")
    if number and line.source == "ocr" and hand and hand["text"] == number:
        # read by the handwriting recogniser: sure readings pass, the others go to review
        number_conf, method = _hand_conf(hand), "handwriting"
        if not 1 <= len(number) <= 5:
            number_conf = min(number_conf, 0.5)
    out["number"] = _fv(number or None, used, number_conf, method)
    out["symbol"] = _fv(sym, used, min(conf, number_conf + 0.1) if line.source == "ocr" else conf)
    code_conf = conf if re.fullmatch(r"[A-ZĐ][\wĐđ]*(?:[-_.&,][\wĐđ]+)*", code) else conf - 0.3
    out["code"] = _fv(code, used, code_conf)
    return out


# --------------------------------------------------------------------------- date / place


def _plausible_day(parts: list[str]) -> bool:
    """A real calendar day, not after today."""
    import datetime
    try:
        day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return False
    return day <= datetime.date.today()


def _date_fields(ctx: Context) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    idx = ctx.hm.date
    if idx < 0:
        return out
    line = ctx.lines[idx]
    dm = vocab.parse_date_line(line.text)
    if not dm:
        return out
    factor = _ocr_factor([line])
    conf = DIRECT * factor - 0.12 * dm.repaired
    if dm.iso and len(dm.iso) < 10 and line.source == "ocr":
        conf = min(conf, 0.55)      # a day OCR could not read may be handwritten, not blank
    iso, method = dm.iso, None
    if iso and line.source == "ocr":
        parts = iso.split("-")
        hands = [h for h, k in ((_handwritten(ctx, "day"), 2), (_handwritten(ctx, "month"), 1))
                 if h and len(parts) > k and int(h["text"]) == int(parts[k])]
        if hands:
            method = "handwriting"
            conf = min([conf] + [_hand_conf(h) for h in hands])
        if len(parts) == 3 and not _plausible_day(parts):
            iso, conf = "-".join(parts[:2]), min(conf, 0.5)     # not a calendar day, or in the future
    out["date"] = _fv(iso, [line], conf, method)
    if dm.place:
        place = dm.place
        pconf = DIRECT * factor
        if line.source == "ocr":
            place, n = vocab.repair_phrase(place, "place")
            pconf -= 0.02 * n
        out["place"] = _fv(place, [line], pconf)
    else:
        out["place"] = _fv(None, [line], 0.7 * factor)
    return out


# --------------------------------------------------------------------------- issuer

_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]+(ch|ng|nh|[cmnpt])?$")


def _display_case(text: str) -> str:
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
        if letters and letters.isupper() and len(letters) >= 2 and not _SYLLABLE.match(folded):
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


def _issuer_lines(ctx: Context) -> list[Line]:
    """Left-column lines of the header above the Số line: the issuing body and its parent
    (OCR fragments of one printed row joined: `TẾ` read apart from `SỞ Y`)."""
    hm = ctx.hm
    stop = hm.so if hm.so >= 0 else (hm.date if hm.date >= 0 else min(len(ctx.lines), 8))
    cands = []
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
        if vocab.parse_date_line(text) or _DATE_TAIL.search(text):
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
    for line in _merge_rows(cands):
        raw = line.text.strip()
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


def _continues(box: Line, line: Line) -> bool:
    """`line` is the next line of the same stamp box: just below it, over the same x-range."""
    height = max(box.bottom - box.top, 1.0)
    overlap = min(box.x1, line.x1) - max(box.x0, line.x0)
    return (line.page == box.page and -0.5 * height <= line.top - box.bottom < 0.8 * height
            and overlap >= 0.6 * max(1.0, min(box.x1 - box.x0, line.x1 - line.x0)))


# `… tháng 11 năm 2011` run into a header line by a reader (a date line's tail without `ngày`)
_DATE_TAIL = re.compile(r"\bth[áa]ng\s+\d{1,2}\s+n[ăa]m\s+(19|20)\d\d\b", re.I)
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
    return tuple(max(forms, key=forms.get) for forms in counts.values())


def replace_text(line: Line, text: str) -> Line:
    from dataclasses import replace
    return replace(line, text=text)


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


def _issuer_fields(ctx: Context) -> dict[str, FieldValue]:
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
        return gazetteer.canonical_case(_display_case(" ".join(l.text for l in group)), places)

    def known(name: str) -> bool:
        agency = gazetteer.resolve(name)
        return bool(agency) and agency.level != "unit"

    factor = _ocr_factor(issuer_lines)
    issuer = display(issuer_lines)
    conf = DIRECT * factor
    if known(issuer):
        conf = max(conf, 0.88)      # a name the gazetteer knows, whatever OCR's word confidence
    conf -= cost(issuer_lines)
    if not vocab.starts_with_agency(issuer):
        conf -= 0.2
    out["issuer"] = _fv(issuer, issuer_lines, conf)
    if parent_lines:
        parent = display(parent_lines)
        pconf = max(DIRECT * _ocr_factor(parent_lines), 0.88 if known(parent) else 0.0)
        out["issuer_parent"] = _fv(parent, parent_lines, pconf - cost(parent_lines))
    else:
        pconf = DIRECT * factor if len(issuer_lines) <= 3 else 0.7
        out["issuer_parent"] = _fv(None, issuer_lines, pconf)
    return out


def _top_body(name: str | None) -> bool:
    """A body printed without a parent line (ND30): a ministry or central body, a provincial
    People's Committee or Council (`Ủy ban nhân dân tỉnh X`)."""
    agency = gazetteer.resolve(name) if name else None
    return bool(agency) and (agency.level == "central" or (
        agency.level == "province" and agency.kind in ("people_committee", "council")))


def _infer_issuer(ctx: Context, fields: dict[str, FieldValue]) -> FieldValue | None:
    """Issuer from the symbol + place + signer + text when the header lost its agency line."""
    sym = fields.get("symbol")
    code = fields.get("code").value if fields.get("code") else None
    place = fields.get("place").value if fields.get("place") else None
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
        level = max(counts, key=counts.get) if any(counts.values()) else None
        if not level:
            return None
        name = f"{full} {level}"
        if place:
            name += f" {place}"
        return _fv(name, [], INFERRED, method="inferred")
    return _fv(full, [], INFERRED, method="inferred")


# --------------------------------------------------------------------------- kind / subject

_VV_PREFIX = re.compile(rf"^\s*{VV_MARK}\s*[:.]?\s*", re.I)


def _kind_fields(ctx: Context, fields: dict[str, FieldValue]) -> FieldValue | None:
    hm = ctx.hm
    if hm.kind >= 0 and hm.kind_name:
        line = ctx.lines[hm.kind]
        conf = DIRECT * _ocr_factor([line]) - (1 - hm.kind_score) * 1.5
        return _fv(hm.kind_name, [line], conf)
    sym = fields.get("symbol")
    if hm.vv >= 0:
        # ND30: a named kind prints its name in the centre; none printed and a V/v line under the
        # number → công văn (`2191/CT-CS`: CT is the Cục Thuế here, not a chỉ thị). A centred
        # `Về việc` is the subject of a named kind whose name OCR lost: its symbol tells the kind.
        vline = ctx.lines[hm.vv]
        kind, _ = vocab.kind_from_symbol(sym.value) if sym and sym.value else (None, None)
        if ctx.positions and ctx.col(vline) == "centre" and kind and kind.name != "Công văn":
            return _fv(kind.name, [vline], min(sym.confidence, 0.9) - 0.1, method="symbol")
        conf = 0.9 * _ocr_factor([vline])
        first = vline.words[0] if vline.words else None
        if re.match(r"^\s*(V/[vV]|Về việc)\b", vline.text) and (vline.source != "ocr" or (first and first.conf >= 0.8)):
            conf = max(conf, 0.9)       # the mark itself is read clean
        if sym and sym.value and not kind:
            conf = min(0.95, conf + 0.03)   # a ký hiệu without a kind abbreviation agrees
        return _fv("Công văn", [vline], conf, method="rule")
    if sym and sym.value:
        kind, abbr = vocab.kind_from_symbol(sym.value)
        if kind:
            conf = sym.confidence - 0.05
            if hm.vv >= 0 and kind.name != "Công văn":
                conf -= 0.25          # a V/v line speaks for a công văn; the abbreviation for a kind
            return _fv(kind.name, [], conf, method="symbol")
    if hm.vv >= 0:
        return _fv("Công văn", [ctx.lines[hm.vv]], 0.9 * _ocr_factor([ctx.lines[hm.vv]]), method="rule")
    if hm.kinh_gui >= 0 and hm.so >= 0:
        return _fv("Công văn", [], 0.6, method="rule")
    return None


def _denoise(line: Line) -> str:
    """An OCR line without its specks: short tokens of low word confidence or without letters."""
    if line.source != "ocr" or not line.words:
        return line.text.strip()
    keep = []
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


def _subject_field(ctx: Context, doc_type: str | None) -> FieldValue | None:
    hm = ctx.hm
    if not hm.subject:
        return _fv(None, [], 0.6) if hm.so >= 0 else None
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
    if lead:
        text = text[vocab._map_fold_offset(text, lead.end()):]
    else:
        text = re.sub(r"^(?:Về|về|VỀ)\s+(?=\w)", "", text)  # `Về tăng cường …`: short for `Về việc`
    if doc_type:
        # `KẾ HOẠCH Triển khai …` printed on one line: drop the kind name
        text = re.sub(rf"^{re.escape(doc_type)}\s+", "", text, flags=re.I)
    text = text.strip(" .;:")
    conf = DIRECT * _ocr_factor(lines) - 0.02 * max(0, len(lines) - 3)
    if hm.subject_guessed:
        conf = min(conf, 0.7)           # found by its place, its `V/v` mark unread
    return _fv(text or None, lines, conf)


# --------------------------------------------------------------------------- lists

_BULLET = re.compile(r"^\s*[-–—+•*·▪_~]\s*")


_ODD_CHAR = re.compile(r"[^\wÀ-ỹĐđ\s.,;:!?()\[\]/\-–~&+'\"“”‘’%@]|[ÖÜËÏÄöüëïäÅåßØø§¤Ÿÿ£€¥]")


def clean_item(text: str) -> str:
    text = text.strip()
    while _BULLET.match(text):
        text = _BULLET.sub("", text, count=1)     # `- - Lưu: …` (a speck read as a second dash)
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
    text = " ".join(tokens)
    return re.sub(r"[\s;:,.'‘/]+$", "", text).strip()


def _collect_items(lines: list[Line], first_rest: str | None, ctx: Context, stop_after_luu: bool = False,
                   rest_x0: float | None = None) -> tuple[list[str], list[Line]]:
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
                and max(w.conf for w in line.words) < 0.2 and not _BULLET.match(text)):
            continue            # a smudge OCR could not read (`Ms` for a stamped `Như trên`)
        if not items and not _BULLET.match(text) and stop_after_luu and len(text) < 60:
            items.append(text)  # first entry whose dash OCR lost (`Như trên;`)
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        if (_BULLET.match(text) and stop_after_luu and items and not ended and _BULLET.sub("", text)[:1].islower()
                and len(items[-1]) < 12):
            items[-1] = items[-1].rstrip() + " " + _BULLET.sub("", text)
            used.append(line)   # `Như` / `- trên;`: OCR put the dash of the entry on its second half
            ended = text.rstrip().endswith((";", "."))
            continue
        if _BULLET.match(text) and len(_BULLET.sub("", text)) > 0:
            if stop_after_luu and items and re.match(r"^l[ưu]u\b", vocab.fold(items[-1])) and ended:
                break
            items.append(text)
            used.append(line)
            ended = text.rstrip().endswith((";", "."))
            continue
        if items and not ended:
            if re.match(r"^l[ưu]u\b", vocab.fold(_BULLET.sub("", items[-1]))) and len(text) > 25:
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


def _recipients(ctx: Context) -> FieldValue:
    hm = ctx.hm
    lines = ctx.lines
    if hm.kinh_gui >= 0:
        kg = lines[hm.kinh_gui]
        rest = vocab.match_kinh_gui(kg.text) or ""
        following = lines[hm.kinh_gui + 1: hm.kinh_gui + 25]
        if rest:
            # a single `Kính gửi: X` line: continuation lines only when wrapped (lower-case start)
            if not rest.rstrip().endswith((";", ".")):
                nxt = [l for l in following[:3] if not _BULLET.match(l.text)]
                cont = []
                for l in following[:3]:
                    t = l.text.strip()
                    # wrapped: a lower-case start, or an indented `(Địa chỉ: …)` under the addressee
                    indented = ctx.positions and t.startswith("(") and l.x0 > kg.x0 + 2 * (kg.bottom - kg.top)
                    if _BULLET.match(t) or not t or not (t[0].islower() or indented) or len(t) > 70:
                        break
                    cont.append(l)
                rest = " ".join([rest] + [l.text.strip() for l in cont])
                following = following[len(cont):]
        body_lines = []
        for l in following:
            if ctx.positions and ctx.col(l) == "right" and not _BULLET.match(l.text):
                continue
            body_lines.append(l)
        items, used = _collect_items(body_lines, rest, ctx)
        conf = DIRECT * _ocr_factor([kg] + used)
        fk = vocab.fold(kg.text)
        if not fk.startswith("kinh gui"):
            conf -= 0.1
        return _fv(items, [kg] + used, conf)
    if hm.dien >= 0:
        d = lines[hm.dien]
        items, used = _collect_items(lines[hm.dien + 1: hm.dien + 25], None, ctx)
        return _fv(items, [d] + used, 0.9 * _ocr_factor([d] + used))
    if hm.vv >= 0 and ctx.positions:
        items, used = _addressees_without_heading(ctx)
        if items:
            return _fv(items, used, 0.65 * _ocr_factor(used))
    # no Kính gửi at all: an empty list is the answer
    conf = 0.93 if all(l.source != "ocr" for l in ctx.zones.header) else 0.8
    return _fv([], [], conf)


def _addressees_without_heading(ctx: Context) -> tuple[list[str], list[Line]]:
    """A công văn whose `Kính gửi:` OCR lost (or spaced out, `Kí nh g ửi`): the dashed addressee
    lines indented toward the middle of the page right under the header, OCR specks skipped."""
    cands: list[Line] = []
    for l in ctx.lines[ctx.hm.end: ctx.hm.end + 12]:
        t = l.text.strip()
        if len(re.sub(r"[\W\d_]", "", _BULLET.sub("", t))) < 3:
            continue            # a speck or a lone dash
        if l.x0 < 0.3 * 2 * page_mid(ctx, l):
            if l.source == "ocr" and l.conf < 0.3:
                continue        # a stamp or a garbled line in the margin
            break               # the body starts at the margin
        if not cands and not _BULLET.match(t):
            continue
        cands.append(l)
    if not cands:
        return [], []
    return _collect_items(cands, None, ctx)


def page_mid(ctx: Context, line: Line) -> float:
    if 0 < line.page <= len(ctx.doc.pages):
        return ctx.doc.pages[line.page - 1].width / 2
    return 500.0


def _distribution(ctx: Context) -> FieldValue:
    footer = ctx.zones.footer
    for i, line in enumerate(footer):
        rest = vocab.match_noi_nhan(line.text)
        if rest is None:
            continue
        return _distribution_list(ctx, line, rest, footer[i + 1:])
    if ctx.positions:
        # no `Nơi nhận` heading (OCR lost it): the dashed list of the footer's left column,
        # accepted only when it ends with the `Lưu` entry, as ND30 lists do
        first = next((l for l in footer if ctx.col(l) == "left" and _BULLET.match(l.text.strip())), None)
        if first is not None:
            fv = _distribution_list(ctx, first, None, footer[footer.index(first):])
            if len(fv.value) >= 2 and re.match(r"^l[ưu]u\b", vocab.fold(fv.value[-1])):
                fv.confidence -= 0.1
                return fv
    conf = 0.85 if all(l.source != "ocr" for l in footer) and footer else 0.6
    return _fv([], [], conf)


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
            if vocab.match_authority(t) or (is_caps(t) and vocab.is_title_text(t) and not _BULLET.match(t)):
                if ctx.positions and l.source != "docx" and l.x0 > page_mid(ctx, l) * 0.8:
                    continue    # a long signing line reaching across the middle of a printed page
                break
        cands.append(l)
    items, used = _collect_items(cands, rest if _BULLET.match(rest or "") or (rest and len(rest) > 6) else None,
                                 ctx, stop_after_luu=True)
    conf = DIRECT * _ocr_factor([line] + used)
    if not vocab.fold(line.text).startswith("noi nhan"):
        conf -= 0.08
    if not any(re.match(r"^l[ưu]u\b", vocab.fold(x)) for x in items):
        conf -= 0.1
    return _fv(items, [line] + used, conf)


# --------------------------------------------------------------------------- signer


def _authority_text(mark: str, rest: str) -> str:
    return f"{mark} {_display_case(rest)}".strip()


def _signer(ctx: Context) -> FieldValue:
    footer = ctx.zones.footer
    block: list[Line] = []
    for line in footer:
        t = line.text.strip()
        if not t:
            continue
        if ctx.positions:
            c = ctx.col(line)
            if c == "left" or (line.cell is not None and line.cell[2] == 0 and vocab.match_noi_nhan(t) is None
                               and not vocab.match_authority(t)):
                if not (vocab.match_authority(t) or (is_caps(t) and vocab.is_title_text(t))):
                    continue
                if c == "left" and line.source == "ocr" and any(
                        ctx.col(o) == "right" and is_caps(o.text) and vocab.is_title_text(o.text) and _same_row(o, line)
                        for o in footer):
                    continue    # joint signing: the issuing body signs in the right column
        if vocab.match_noi_nhan(t) is not None or re.match(r"^l[ưu]u\b", vocab.fold(t)):
            continue
        if _BULLET.match(t):
            # a Nơi nhận entry; in the right column a dash is OCR noise before a title (`-GIÁM ĐÓC`)
            if not (ctx.positions and ctx.col(line) == "right" and (is_caps(_BULLET.sub("", t))
                                                                     or _mostly_caps(_BULLET.sub("", t)))):
                continue
            line = replace_text(line, _BULLET.sub("", t))
        block.append(line)
    authorities: list[str] = []
    title_parts: list[str] = []
    name = None
    used: list[Line] = []
    repairs = 0
    garbled_head: str | None = None     # `L{. HIỆU TRƯỞNG`: an authority whose mark OCR lost
    ocr = any(l.source == "ocr" for l in block)
    if ocr:
        block = _merge_rows(block)
    for bi, line in enumerate(block):
        t = line.text.strip()
        if vocab.SIGNED_MARK.fullmatch(t) or vocab.is_stamp_text(t):
            continue
        auth = vocab.match_authority(t)
        if not auth and ocr and not authorities and not title_parts:
            auth = vocab.match_garbled_authority(t)
            repairs += 2 if auth else 0
        if auth and not title_parts:
            mark, rest = auth
            if ocr:
                rest, n = vocab.repair_phrase(rest, "title")
                repairs += n
                snapped, score = vocab.snap_title(rest, 0.82)
                if score and vocab.fold(snapped) != vocab.fold(rest):
                    rest, repairs = snapped, repairs + 2
            authorities.append(_authority_text(mark, rest))
            used.append(line)
            continue
        cleaned = _strip_noise(t) if ocr else t
        if (cleaned and name is None and ((is_caps(cleaned) and vocab.is_title_text(cleaned))
                                          or (ocr and _mostly_caps(cleaned) and vocab.snap_title(cleaned, 0.85)[1]))):
            if ocr:
                cleaned, n = vocab.repair_phrase(cleaned, "title")
                repairs += n
                if not title_parts and cleaned != t and re.match(r"^\W*\w{0,2}\W+\s*", t) and not authorities:
                    garbled_head = cleaned
            title_parts.append(cleaned)
            used.append(line)
            continue
        if (not title_parts and not authorities and is_caps(t) and len(t.split()) <= 8 and bi + 1 < len(block)
                and looks_like_name(block[bi + 1].text) and not vocab.starts_with_agency(t)
                and (not ctx.positions or ctx.col(line) == "right")):
            title_parts.append(t)   # a title outside the vocabulary (`NGƯỜI TỰ KIỂM ĐIỂM`): the name follows
            used.append(line)
            repairs += 3
            continue
        placed = authorities or title_parts or (ctx.positions and ctx.col(line) == "right")
        if ocr and placed:
            found, lines_ = _block_name(block, bi)
            if found:
                name = found
                used.extend(lines_)
                repairs += 0 if found == t else 1
                break
        if looks_like_name(t) and placed and not (ocr and is_caps(t)):
            name = vocab.strip_degrees(t)
            used.append(line)
            break
    # ND30: a deputy (`PHÓ …`) signs `KT.` for the head; when the mark is unreadable but the
    # line above the deputy's title is the head's title, the authority is `KT. <head>`
    if (ocr and not garbled_head and not authorities and len(title_parts) >= 2
            and vocab.fold(title_parts[-1]).startswith("pho ") and not vocab.fold(title_parts[0]).startswith("pho ")
            and vocab.snap_title(title_parts[0], 0.85)[1]):
        garbled_head = vocab.snap_title(title_parts[0], 0.85)[0]     # the mark itself was not read
        title_parts = [garbled_head] + title_parts[1:]
    if garbled_head and len(title_parts) >= 2 and vocab.fold(title_parts[1]).startswith("pho "):
        authorities.append(_authority_text("KT.", garbled_head))
        title_parts = title_parts[1:]
        repairs += 2
    if not title_parts and authorities and authorities[-1].startswith("KT. ") and ocr:
        # ND30: `KT.` — the deputy signs for the head; the title line OCR lost is `Phó <head>`
        head = authorities[-1][4:]
        if vocab.snap_title(head, 0.9)[1]:
            title_parts = ["Phó " + head]
            repairs += 3
        else:   # `KT. Trưởng ban Ban Chính sách …` → `Phó Trưởng ban`
            fh = vocab.fold(head)
            known = [p for p in vocab.TITLE_PHRASES if not p.startswith("phó ") and vocab.is_title_text(p)
                     and (fh + " ").startswith(vocab.fold(p) + " ")]
            if known:
                title_parts = ["Phó " + max(known, key=len)]
                repairs += 3
    title = " ".join(title_parts) if title_parts else None
    if title and ocr:
        snapped, score = vocab.snap_title(title)
        if score and vocab.fold(snapped) != vocab.fold(title):
            title, repairs = snapped, repairs + 2
    value = {"name": _name_case(name) if name else None,
             "title": _display_case(title) if title else None,
             "authority": "; ".join(authorities) if authorities else None}
    if not used:
        return _fv(value, [], 0.4)
    conf = DIRECT * _ocr_factor(used) - 0.03 * repairs
    if name is None:
        conf -= 0.3
    if not title_parts:
        conf -= 0.2
    return _fv(value, used, conf)


def _strip_noise(text: str) -> str:
    """OCR noise before a title in capitals (`tà - -GIÁM ĐÓC` → `GIÁM ĐÓC`, `L{. HIỆU TRƯỞNG`)."""
    tokens = text.split()

    def caps_word(tok: str) -> bool:
        core = "".join(c for c in tok if c.isalpha())
        return len(core) >= 2 and core.isupper() and not re.search(r"[^\w\-–]", tok.strip("-–.,:;"))

    while tokens and not caps_word(tokens[0]):
        tokens = tokens[1:]
    return re.sub(r"^[^\wÀ-ỹĐđ]+", "", " ".join(tokens)).strip()


def _name_case(name: str) -> str:
    if is_caps(name):
        return " ".join(w[:1] + w[1:].lower() for w in name.split())
    return name


def _mostly_caps(text: str) -> bool:
    """A title in capitals with a letter or two OCR read in lower case (`GIÁM Ð c`)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _same_row(a: Line, b: Line) -> bool:
    """Two OCR fragments of one printed line (`Hiền` | `Trần Phước`, `ĐỐC` | `PHÓ GIÁM`)."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page == b.page and overlap >= 0.5 * max(1.0, min(a.bottom - a.top, b.bottom - b.top))


def _merge_rows(block: list[Line]) -> list[Line]:
    """Join signing-block fragments that OCR split on one row, words in x order; a word lying
    inside another's span (a speck on the signature) is dropped."""
    out: list[Line] = []
    for line in block:
        prev = out[-1] if out else None
        if (prev is None or line.source != "ocr" or prev.source != "ocr" or not line.words or not prev.words
                or not _same_row(prev, line) or vocab.match_authority(prev.text) or vocab.match_authority(line.text)):
            out.append(line)
            continue
        words = sorted(prev.words + line.words, key=lambda w: w.x0)
        kept = [w for w in words if not any(o is not w and o.x0 <= w.x0 and w.x1 <= o.x1 and (o.x1 - o.x0) > (w.x1 - w.x0)
                                            for o in words)]
        out[-1] = replace_text(prev, " ".join(w.text for w in kept))
        out[-1].words, out[-1].x0, out[-1].x1 = kept, min(w.x0 for w in kept), max(w.x1 for w in kept)
        out[-1].top, out[-1].bottom = min(prev.top, line.top), max(prev.bottom, line.bottom)
    return out


def _name_tokens(line: Line) -> tuple[list[str], int, int]:
    """The longest run of capitalised Vietnamese syllables in a line (a printed name), the number
    of other tokens and how many of them come before the run. Words much shorter than the line's
    others (a stroke of the signature read as `À`) are dropped first."""
    if line.words and len(line.words) == len(line.text.split()):
        heights = sorted(w.bottom - w.top for w in line.words)
        med = heights[len(heights) // 2]
        toks = [w.text for w in line.words
                if not ((w.bottom - w.top) < 0.7 * med or (len(w.text.strip(".,;:'\"“”‘’")) == 1 and w.conf < 0.9))]
    else:
        toks = line.text.split()
    best: list[str] = []
    run: list[str] = []
    n, lead = 0, 0          # tokens seen; tokens before the best run
    for tok in toks + [""]:
        core = tok.strip(".,;:'\"“”‘’()")
        if (core and re.fullmatch(r"[A-Za-zÀ-ỹĐđ]+", core) and core[0].isupper() and core[1:] == core[1:].lower()
                and vocab.is_syllable(core)):
            run.append(core)
            n += 1
            continue
        if len(run) > len(best):
            best, lead = run, n - len(run)
        run = []
        n += 1
    return best, len(toks) - len(best), lead


def _block_name(block: list[Line], i: int) -> tuple[str | None, list[Line]]:
    """The signer's name read from block line `i` (and the line just above it when OCR split the
    name over a seal: `Lê Thị …` / `Bích Thuận`)."""
    line = block[i]
    run, junk, lead = _name_tokens(line)
    if not 2 <= len(run) <= 5 or junk > 1 or (lead and len(run) == 2):
        return None, []         # `tế Vũ Hồng`: the surname was read as junk
    name = " ".join(run)
    if vocab.is_title_text(name) or not looks_like_name(name):
        return None, []
    used = [line]
    if i > 0 and len(run) <= 3:
        above = block[i - 1]
        height = max(line.bottom - line.top, 1.0)
        prev_run, _, _ = _name_tokens(above)
        if (len(prev_run) >= 2 and len(prev_run) + len(run) <= 5 and above.page == line.page
                and line.top - above.bottom < 1.5 * height and above.x1 > line.x0 and line.x1 > above.x0
                and not is_caps(above.text) and not vocab.is_title_text(above.text)
                and not vocab.SIGNED_MARK.search(above.text)):
            name = " ".join(prev_run + run)
            used = [above, line]
    return name, used


# --------------------------------------------------------------------------- confidence

_VI_CHARS = re.compile(r"^[\wÀ-ỹĐđ.,;:!?()\[\]/\\\-–—'\"“”‘’%&+*=<>@#…°]+$")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _odd_token(token: str) -> bool:
    """A token no Vietnamese print holds: foreign symbols (`⁄ÖÊ`, `0§`) or two tone marks."""
    import unicodedata
    if not _VI_CHARS.match(token) or re.search(r"[ÖÜËÏÄöüëïäÅåßØø§¤Ÿÿ]", token):
        return True
    return sum(1 for ch in unicodedata.normalize("NFD", token) if ch in _TONES) > 1


# a line none of whose tokens can be odd: only the characters `_VI_CHARS` allows (and spaces), no
# foreign letter, no run without a space holding two tone marks
_ODD_IN_LINE = re.compile(r"[^\s\wÀ-ỹĐđ.,;:!?()\[\]/\\\-–—'\"“”‘’%&+*=<>@#…°]|[ÖÜËÏÄöüëïäÅåßØø§¤Ÿÿ]")
_TWO_TONES = re.compile(f"[{_TONES}][^\\s{_TONES}]*[{_TONES}]")   # two tone marks in one run without a space


def text_quality(lines: list[Line]) -> float:
    """Share of ordinary tokens in the first page's lines (1.0 for clean print)."""
    import unicodedata
    n_tokens = n_odd = 0
    for line in lines:
        tokens = line.text.split()
        n_tokens += len(tokens)
        if tokens and (_ODD_IN_LINE.search(line.text) or _TWO_TONES.search(unicodedata.normalize("NFD", line.text))):
            n_odd += sum(_odd_token(t) for t in tokens)     # only lines that may hold one look per token
    if not n_tokens:
        return 1.0
    return 1.0 - n_odd / n_tokens


def _adjust_confidence(ctx: Context, fields: dict[str, FieldValue]) -> None:
    """Document-level evidence the per-field rules cannot see.

    - a text layer full of odd tokens (an old OCR layer that triage kept) is no better than OCR;
    - on a scan, a personal name has no vocabulary to check it against, an empty Kính gửi or
      Nơi nhận may be a block OCR lost, and a missing parent line may have been read away."""
    first_page = [l for l in ctx.lines if l.page == 1]
    quality = text_quality([l for l in first_page if l.source != "ocr"])   # OCR has its own confidences
    ocr = ctx.doc.ocr_pages > 0 or any(l.source == "ocr" for l in first_page)
    for name, fv in fields.items():
        if quality < 0.99 and fv.method in ("text", "symbol", "rule", None):
            fv.confidence = min(fv.confidence, 0.7)
    if not ocr:
        return
    signer = fields.get("signer")
    if signer and signer.value and signer.value.get("name"):
        signer.confidence *= 0.85
    for name in ("recipients", "distribution"):
        fv = fields.get(name)
        if fv is not None:
            fv.confidence = min(fv.confidence, 0.7 if not fv.value else fv.confidence * 0.9)
    parent = fields.get("issuer_parent")
    issuer = fields.get("issuer")
    top_body = issuer is not None and issuer.method != "inferred" and _top_body(issuer.value)
    if parent is not None and parent.value is None and not top_body:
        parent.confidence = min(parent.confidence, 0.7)


# --------------------------------------------------------------------------- entry point


def extract_fields(doc: Document) -> dict[str, FieldValue]:
    if not doc.lines:
        return {}
    ctx = _context(doc)
    fields: dict[str, FieldValue] = {}
    fields.update(_number_fields(ctx))
    fields.update(_date_fields(ctx))
    fields.update(_issuer_fields(ctx))
    if "issuer" not in fields:
        inferred = _infer_issuer(ctx, fields)
        if inferred:
            fields["issuer"] = inferred
            fields["issuer_parent"] = _fv(None, [], INFERRED)
    kind = _kind_fields(ctx, fields)
    if kind:
        fields["doc_type"] = kind
    subject = _subject_field(ctx, kind.value if kind else None)
    if subject:
        fields["subject"] = subject
    fields["recipients"] = _recipients(ctx)
    fields["distribution"] = _distribution(ctx)
    fields["signer"] = _signer(ctx)
    own = fields["symbol"].value if "symbol" in fields else None
    refs, ref_conf = extract_references(ctx.lines, ctx.zones, own)
    fields["references"] = FieldValue(value=refs, page=None, text=None, confidence=ref_conf,
                                      method="text" if doc.ocr_pages == 0 else "ocr")
    _adjust_confidence(ctx, fields)
    # every contract field gets a value (null when not found) so a reader sees it was looked for
    for name in ("doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject"):
        if name not in fields:
            fields[name] = FieldValue(value=None, confidence=0.4, method="missing")
    return fields
