"""signer: the signing block of the footer's right column, read in its fixed ND30 shape —
authority lines (`TM.`, `KT.`, `TL.`, …), the title, the signature space, the name."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import vocab
from extractors.fields.common import (
    BULLET,
    DIRECT,
    Context,
    FieldValue,
    display_case,
    field_value,
    merge_rows,
    mostly_caps,
    ocr_factor,
    replace_text,
    same_row,
)
from extractors.lang.syllable import is_syllable_shape
from extractors.vocab_data import vocabulary
from extractors.zones import is_caps, looks_like_name
from models.layout import Line


def _authority_text(mark: str, rest: str) -> str:
    return f"{mark} {display_case(rest)}".strip()


@dataclass
class _Block:
    """What has been read of the signing block so far."""
    lines: list[Line]
    ocr: bool
    authorities: list[str] = field(default_factory=list)
    title_parts: list[str] = field(default_factory=list)
    name: str | None = None
    used: list[Line] = field(default_factory=list)
    repairs: int = 0
    garbled_head: str | None = None     # `L{. HIỆU TRƯỞNG`: an authority whose mark OCR lost


def signer_field(ctx: Context, issuer: str | None = None) -> FieldValue:
    lines = _block_lines(ctx)
    ocr = any(l.source == "ocr" for l in lines)
    b = _Block(lines=merge_rows(lines) if ocr else lines, ocr=ocr)
    _read_block(ctx, b)
    _deputy_fragment(b, issuer)
    _deputy_authority(b)
    _lost_deputy_title(b)
    return _signer_value(b)


# the head of each kind of body (the title a deputy signs `KT.` for), longest prefix first
_HEADS = sorted((
    ("ủy ban nhân dân", "Chủ tịch"), ("ubnd", "Chủ tịch"), ("hội đồng nhân dân", "Chủ tịch"),
    ("sở", "Giám đốc"), ("bệnh viện", "Giám đốc"), ("trung tâm", "Giám đốc"), ("học viện", "Giám đốc"),
    ("kho bạc", "Giám đốc"), ("đài", "Giám đốc"), ("trường", "Hiệu trưởng"), ("bộ", "Bộ trưởng"),
    ("tổng cục", "Tổng cục trưởng"), ("chi cục", "Chi cục trưởng"), ("cục", "Cục trưởng"),
    ("thanh tra", "Chánh Thanh tra"), ("văn phòng", "Chánh Văn phòng"), ("ban", "Trưởng ban"),
    ("viện", "Viện trưởng"), ("phòng", "Trưởng phòng"),
), key=lambda p: -len(p[0]))


def head_title(issuer: str | None) -> str | None:
    """The head's title of a body (`Sở Y tế` → `Giám đốc`, `Ủy ban nhân dân tỉnh X` → `Chủ tịch`)."""
    f = vocab.fold(issuer or "").strip() + " "
    return next((title for prefix, title in _HEADS if f.startswith(vocab.fold(prefix) + " ")), None)


def _deputy_fragment(b: _Block, issuer: str | None) -> None:
    """OCR kept only the deputy word of the title (`PHÓ` beside a handwritten `KT.` or a signature
    stroke): ND30 — a deputy signs `KT.` for the head, so the title is `Phó <head of the issuer>`
    and the authority `KT. <head>`; an inference, so the block goes to review."""
    if not b.ocr or b.name is None or (b.title_parts and vocab.fold(" ".join(b.title_parts)).strip(" .,:;-") != "pho"):
        return
    head = head_title(issuer)
    if head is None:
        return
    name_line = next((l for l in reversed(b.used)), None)
    for line in b.lines:
        if line is name_line:
            break                   # only above the name
        tokens = line.text.split()
        if any(vocab.fold(t.strip(".,:;-")) == "pho" and t.strip(".,:;-").isupper() for t in tokens[:3]):
            b.title_parts = ["Phó " + head]
            if not b.authorities:
                b.authorities.append(_authority_text("KT.", head))
            if not any(u is line for u in b.used):
                b.used.insert(0, line)
            b.repairs += 8
            return


def _block_lines(ctx: Context) -> list[Line]:
    """The footer lines that can belong to the signing block (the Nơi nhận column left out)."""
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
                        ctx.col(o) == "right" and is_caps(o.text) and vocab.is_title_text(o.text) and same_row(o, line)
                        for o in footer):
                    continue    # joint signing: the issuing body signs in the right column
        if vocab.match_noi_nhan(t) is not None or re.match(r"^l[ưu]u\b", vocab.fold(t)):
            continue
        if BULLET.match(t):
            # a Nơi nhận entry; in the right column a dash is OCR noise before a title (`-GIÁM ĐÓC`)
            if not (ctx.positions and ctx.col(line) == "right" and (is_caps(BULLET.sub("", t))
                                                                     or mostly_caps(BULLET.sub("", t)))):
                continue
            line = replace_text(line, BULLET.sub("", t))
        block.append(line)
    return block


def _read_block(ctx: Context, b: _Block) -> None:
    """Authority lines, then title lines, then the name, top to bottom."""
    for bi, line in enumerate(b.lines):
        t = line.text.strip()
        if vocab.SIGNED_MARK.fullmatch(t) or vocab.is_stamp_text(t):
            continue
        if _take_authority(b, line, t):
            continue
        if _take_title(b, line, t):
            continue
        if (not b.title_parts and not b.authorities and is_caps(t) and len(t.split()) <= 8 and bi + 1 < len(b.lines)
                and looks_like_name(b.lines[bi + 1].text) and not vocab.starts_with_agency(t)
                and (not ctx.positions or ctx.col(line) == "right")):
            b.title_parts.append(t)   # a title outside the vocabulary (`NGƯỜI TỰ KIỂM ĐIỂM`): the name follows
            b.used.append(line)
            b.repairs += 3
            continue
        if _take_name(ctx, b, bi, line, t):
            break


def _take_authority(b: _Block, line: Line, t: str) -> bool:
    auth = vocab.match_authority(t)
    if not auth and b.ocr and not b.authorities and not b.title_parts:
        auth = vocab.match_garbled_authority(t)
        b.repairs += 2 if auth else 0
    if not auth or b.title_parts:
        return False
    mark, rest = auth
    if b.ocr:
        rest, n = vocab.repair_phrase(rest, "title")
        b.repairs += n
        snapped, score = vocab.snap_title(rest, 0.82)
        if score and vocab.fold(snapped) != vocab.fold(rest):
            rest, b.repairs = snapped, b.repairs + 2
    b.authorities.append(_authority_text(mark, rest))
    b.used.append(line)
    return True


def _take_title(b: _Block, line: Line, t: str) -> bool:
    cleaned = _strip_noise(t) if b.ocr else t
    if not (cleaned and b.name is None and ((is_caps(cleaned) and vocab.is_title_text(cleaned))
                                            or (b.ocr and mostly_caps(cleaned) and vocab.snap_title(cleaned, 0.85)[1]))):
        return False
    if b.ocr:
        cleaned, n = vocab.repair_phrase(cleaned, "title")
        b.repairs += n
        if not b.title_parts and cleaned != t and re.match(r"^\W*\w{0,2}\W+\s*", t) and not b.authorities:
            b.garbled_head = cleaned
    if b.title_parts and vocab.fold(cleaned) == vocab.fold(b.title_parts[-1]):
        b.repairs += 8          # the same title twice (`GIÁM ĐỐC` / `GIÁM ĐỐC`): a line misread, for review
        b.used.append(line)
        return True
    b.title_parts.append(cleaned)
    b.used.append(line)
    return True


# `Trần Văn Truyền – Đã ký`, `Nguyễn Văn A (đã ký)`: the note of a copy after the name
_SIGNED_TAIL = re.compile(r"\s*(?:[-–—,]\s*|\(\s*)(?:đã\s+ký|Đã\s+ký|ĐÃ\s+KÝ)\s*\)?\s*$")


def _take_name(ctx: Context, b: _Block, bi: int, line: Line, t: str) -> bool:
    t = _SIGNED_TAIL.sub("", t)
    placed = b.authorities or b.title_parts or (ctx.positions and ctx.col(line) == "right")
    if b.ocr and placed:
        found, lines_ = _block_name(b.lines, bi)
        if found:
            b.name = found
            b.used.extend(lines_)
            b.repairs += 0 if found == t else 1
            return True
    if looks_like_name(t) and placed and not (b.ocr and is_caps(t)):
        b.name = vocab.strip_degrees(t)
        b.used.append(line)
        return True
    return False


def _deputy_authority(b: _Block) -> None:
    """ND30: a deputy (`PHÓ …`) signs `KT.` for the head; when the mark is unreadable but the
    line above the deputy's title is the head's title, the authority is `KT. <head>`."""
    tp = b.title_parts
    if (b.ocr and not b.garbled_head and not b.authorities and len(tp) >= 2
            and vocab.fold(tp[-1]).startswith("pho ") and not vocab.fold(tp[0]).startswith("pho ")
            and vocab.snap_title(tp[0], 0.85)[1]):
        b.garbled_head = vocab.snap_title(tp[0], 0.85)[0]     # the mark itself was not read
        b.title_parts = [b.garbled_head] + tp[1:]
    if b.garbled_head and len(b.title_parts) >= 2 and vocab.fold(b.title_parts[1]).startswith("pho "):
        b.authorities.append(_authority_text("KT.", b.garbled_head))
        b.title_parts = b.title_parts[1:]
        b.repairs += 2


def _lost_deputy_title(b: _Block) -> None:
    """ND30: `KT.` — the deputy signs for the head; the title line OCR lost is `Phó <head>`."""
    if b.title_parts or not b.authorities or not b.authorities[-1].startswith("KT. ") or not b.ocr:
        return
    head = b.authorities[-1][4:]
    if vocab.snap_title(head, 0.9)[1]:
        b.title_parts = ["Phó " + head]
        b.repairs += 3
        return
    fh = vocab.fold(head)       # `KT. Trưởng ban Ban Chính sách …` → `Phó Trưởng ban`
    known = [p for p in vocab.TITLE_PHRASES if not p.startswith("phó ") and vocab.is_title_text(p)
             and (fh + " ").startswith(vocab.fold(p) + " ")]
    if known:
        b.title_parts = ["Phó " + max(known, key=len)]
        b.repairs += 3


def _signer_value(b: _Block) -> FieldValue:
    title = " ".join(b.title_parts) if b.title_parts else None
    if title and b.ocr:
        snapped, score = vocab.snap_title(title)
        if score and vocab.fold(snapped) != vocab.fold(title):
            title, b.repairs = snapped, b.repairs + 2
    if b.name and b.ocr:
        first, _, rest = b.name.partition(" ")
        snapped = snap_surname(first)
        if snapped != first:
            b.name, b.repairs = f"{snapped} {rest}", b.repairs + 1
    value = {"name": _name_case(b.name) if b.name else None,
             "title": display_case(title) if title else None,
             "authority": "; ".join(b.authorities) if b.authorities else None}
    if not b.used:
        return field_value(value, [], 0.4)
    conf = DIRECT * ocr_factor(b.used) - 0.03 * b.repairs
    if b.name is None:
        conf -= 0.3
    if not b.title_parts:
        conf -= 0.2
    return field_value(value, b.used, conf)


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



# the commonest Vietnamese family names (most people bear one of them): data, extractors/data/vocab.json
SURNAMES = vocabulary().surnames


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short words)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _tones(token: str) -> int:
    import unicodedata
    return sum(1 for c in unicodedata.normalize("NFD", token) if c in "\u0300\u0301\u0303\u0309\u0323")


def snap_surname(token: str) -> str:
    """A family name OCR read with a wrong mark (`Trân` → `Trần`, `Lễ` → `Lê`) or a stray letter
    (`Ngốyễn` → `Nguyễn`): a Vietnamese name starts with the family name, and most people bear one
    of SURNAMES; a token that is none of them but one of them without its marks (or, when it is no
    syllable at all, one letter off) is that name, when only one fits."""
    if not token[:1].isupper() or token in SURNAMES or not token.isalpha():
        return token
    folded = vocab.fold(token)
    found = [n for n in SURNAMES if vocab.fold(n) == folded]
    if not found and len(token) >= 4 and (not vocab.is_syllable(token) or _tones(token) > 1):
        found = [n for n in SURNAMES if len(n) >= 4 and _edits(vocab.fold(n), folded) <= 1]
    return found[0] if len(found) == 1 else token


def _surname(token: str) -> str:
    """A family name whose first letter OCR lost at a seal's edge (`rần` → `Trần`, `guyễn` →
    `Nguyễn`) or misread as another (`đyễn`): the lower-case fragment that one or two letters in
    front (in place of its first) make a known family name."""
    core = token.strip(".,;:'\"“”‘’()")
    if not core or not core.isalpha() or not core.islower() or len(core) < 2:
        return token
    found = [n for n in SURNAMES if n.lower().endswith(core) and 1 <= len(n) - len(core) <= 2]
    if not found and len(core) >= 4:    # its first letters misread as one (`đyễn` → `Nguyễn`)
        found = [n for n in SURNAMES if n.lower().endswith(core[1:]) and 0 <= len(n) - len(core) <= 2
                 and n.lower() != core]
    return found[0] if len(found) == 1 else token


# the commonest middle names: lower-cased by OCR between two capitalised syllables (`Hà ván Phúc`)
_MIDDLE = {"van": "Văn", "thi": "Thị"}


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
    toks = [_surname(t) if k + 1 < len(toks) and toks[k + 1][:1].isupper() else t for k, t in enumerate(toks)]
    toks = [_MIDDLE.get(vocab.fold(t), t) if 0 < k < len(toks) - 1 and t.islower() and toks[k - 1][:1].isupper()
            and toks[k + 1][:1].isupper() else t for k, t in enumerate(toks)]
    best: list[str] = []
    run: list[str] = []
    n, lead = 0, 0          # tokens seen; tokens before the best run
    for tok in toks + [""]:
        core = tok.strip(".,;:'\"“”‘’()")
        if (core and re.fullmatch(r"[A-Za-zÀ-ỹĐđ]+", core) and core[0].isupper() and core[1:] == core[1:].lower()
                and is_syllable_shape(core)):
            run.append(core)
            n += 1
            continue
        if len(run) > len(best):
            best, lead = run, n - len(run)
        run = []
        n += 1
    return best, len(toks) - len(best), lead


def _is_name(name: str) -> bool:
    """A run of capitalised syllables that is a person's name, not a title. A name that starts with a
    family name is one unless it holds a title word itself: the near-spelling match of titles
    (`Phạm Trường Thọ` ~ `phó trưởng khoa`) is meant for OCR'd titles, not for names."""
    if name.split()[0] in SURNAMES:
        low = f" {name.lower()} "
        return not any(f" {w} " in low for w in vocab.TITLE_WORDS)
    return not vocab.is_title_text(name) and looks_like_name(name)


def _block_name(block: list[Line], i: int) -> tuple[str | None, list[Line]]:
    """The signer's name read from block line `i` (and the line just above it when OCR split the
    name over a seal: `Lê Thị …` / `Bích Thuận`)."""
    line = block[i]
    run, junk, lead = _name_tokens(line)
    if not 2 <= len(run) <= 5 or junk > 1 or (lead and len(run) == 2):
        return None, []         # `tế Vũ Hồng`: the surname was read as junk
    name = " ".join(run)
    if not _is_name(name):
        return None, []
    used = [line]
    if i > 0 and len(run) <= 3:
        above = block[i - 1]
        height = max(line.bottom - line.top, 1.0)
        prev_run, prev_junk, _ = _name_tokens(above)
        if (len(prev_run) >= 2 and len(prev_run) + len(run) <= 5 and above.page == line.page
                and prev_junk == 0 and not vocab.starts_with_agency(above.text)   # (`Khoa Công nghệ …` above)
                and line.top - above.bottom < 1.5 * height and above.x1 > line.x0 and line.x1 > above.x0
                and not is_caps(above.text) and not vocab.is_title_text(above.text)
                and not vocab.SIGNED_MARK.search(above.text)):
            name = " ".join(prev_run + run)
            used = [above, line]
    return name, used

