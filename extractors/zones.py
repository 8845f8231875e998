"""Split a document into header, body, footer (Nơi nhận + signature) and annexes.

The one place that decides where the body of a document starts and ends; field and task
extractors both use it, through the `Analysis` that `extractors.analysis.analyse` builds once.
Rules (ND30 layout of the first page and of the end):

- header: the two-column block (issuing body | national motto, `Số:` | place and date),
  a `V/v` subject under the number (công văn) or the centred kind name and its subject;
- body: from `Kính gửi` (or the first line after the header) to the end of the text;
- footer: from `Nơi nhận`, the first signing-authority line (`TM.`, `KT.`, `TL.` …) or the
  line after the closing `./.`, through the Nơi nhận list and the signing block;
- annex: everything after the signing block (attached lists, forms, a second document).

Lines that a reader merged across the header columns (`TRƯỜNG ĐH X CỘNG HÒA XÃ HỘI …`) are
split here first (`prepare_lines`), so every consumer sees the same columns. Documents without
positions (plain text) fall back to text order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from operator import attrgetter

from extractors import vocab
from extractors.lang.fold import sentence_case
from extractors.lang.syllable import is_syllable_shape
from models.layout import Document, Line

HEADER_SCAN = 70            # lines looked at for the header


@dataclass
class Zones:
    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    footer: list[Line] = field(default_factory=list)
    annex: list[Line] = field(default_factory=list)


# --------------------------------------------------------------------------- columns


def page_width(doc: Document, line: Line) -> float:
    if 0 < line.page <= len(doc.pages):
        return doc.pages[line.page - 1].width or 1000.0
    return 1000.0


_X0, _X1 = attrgetter("x0"), attrgetter("x1")


def text_bounds(doc: Document, page: int) -> tuple[float, float] | None:
    """Left and right edges of the text block of a page (margins are not symmetric in print)."""
    if not 0 < page <= len(doc.pages):
        return None
    # (not memoised: the analysis asks once per page, `line_columns`)
    page_lines, width = doc.pages[page - 1].lines, doc.pages[page - 1].width
    lines = [l for l in page_lines if not (l.x0 <= 0.5 and l.x1 >= width - 0.5)]
    if len(lines) < 5:
        return None
    x0s = sorted(map(_X0, lines))
    x1s = sorted(map(_X1, lines))
    return x0s[len(x0s) // 10], x1s[len(x1s) - 1 - len(x1s) // 10]


def column(line: Line, width: float, bounds: tuple[float, float] | None = None) -> str:
    """`left`, `right`, `centre` or `full` (a line spanning both halves, or no positions)."""
    mid = width / 2
    tol = width * 0.03
    if line.x0 <= 0.5 and line.x1 >= width - 0.5:
        return "full"
    centre = (line.x0 + line.x1) / 2
    if bounds:
        left, right = bounds
        tmid = (left + right) / 2
        if (line.x0 < tmid < line.x1 and abs(centre - tmid) < width * 0.03 and line.x0 - left > width * 0.05
                and right - line.x1 > width * 0.05):
            return "centre"     # a centred title (`KẾ HOẠCH`), however short
    if line.x1 <= mid + tol:
        return "left"
    if line.x0 >= mid - tol:
        return "right"
    if not bounds and abs(centre - mid) < width * 0.08 and (line.x1 - line.x0) < width * 0.75:
        return "centre"
    return "full"


def _indented_both(doc: Document, line: Line) -> bool:
    """A centred line of a wide block (the subject under a kind name): in from both text edges."""
    bounds = text_bounds(doc, line.page)
    if not bounds:
        return False
    width = page_width(doc, line)
    return line.x0 - bounds[0] > 0.02 * width and bounds[1] - line.x1 > 0.02 * width


def line_column(doc: Document, line: Line) -> str:
    return column(line, page_width(doc, line), text_bounds(doc, line.page))


def line_columns(doc: Document, lines: list[Line]) -> list[str]:
    """`line_column` of each line, the page's width and text bounds looked up once per page."""
    pages: dict[int, tuple[float, tuple[float, float] | None]] = {}
    out = []
    for line in lines:
        per_page = pages.get(line.page)
        if per_page is None:
            per_page = pages[line.page] = (page_width(doc, line), text_bounds(doc, line.page))
        out.append(column(line, per_page[0], per_page[1]))
    return out


def has_positions(doc: Document) -> bool:
    return any(column(l, page_width(doc, l)) != "full" for l in doc.lines[:HEADER_SCAN])


def _split_line(line: Line, at: int) -> tuple[Line, Line]:
    """Split a line at character offset `at`, using word boxes for the x positions when present."""
    left_text, right_text = line.text[:at].strip(), line.text[at:].strip()
    if line.words:
        n_left = len(left_text.split())
        lw, rw = line.words[:n_left], line.words[n_left:]
    else:
        lw, rw = [], []
    if lw and rw:
        lx0, lx1 = min(w.x0 for w in lw), max(w.x1 for w in lw)
        rx0, rx1 = min(w.x0 for w in rw), max(w.x1 for w in rw)
    else:
        total = max(len(line.text), 1)
        cut = line.x0 + (line.x1 - line.x0) * at / total
        lx0, lx1, rx0, rx1 = line.x0, cut, cut, line.x1
    left = replace(line, text=left_text, x0=lx0, x1=lx1, words=list(lw))
    right = replace(line, text=right_text, x0=rx0, x1=rx1, words=list(rw))
    if lw:
        left.conf = min(w.conf for w in lw)
    if rw:
        right.conf = min(w.conf for w in rw)
    return left, right


_DATE_MID = re.compile(r"\S\s+(?=[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*){0,3}\s*[,;]\s*ng[àa]y\b)")


def prepare_lines(doc: Document) -> list[Line]:
    """The document's lines, with header lines merged across the two columns split again, and a
    date line broken in two (`Mê Linh, ngày` | `tháng 8 năm 2018` around a handwritten day, or
    wrapped after the day) joined."""
    out: list[Line] = []
    for i, line in enumerate(doc.lines):
        if i < HEADER_SCAN and line.page <= 2:
            at = vocab.find_motto_start(line.text)
            if at is None and vocab.match_so(line.text) is not None:
                m = _DATE_MID.search(line.text)
                at = m.end() if m else None
            if at:
                left, right = _split_line(line, at)
                if left.text and right.text:
                    out.extend([left, right])
                    continue
            if out and _date_split(out[-1], line):
                out[-1] = _join_date(out[-1], line)
                continue
        glued = _GLUED_AUTHORITY.search(line.text) if "." in line.text else None
        if glued and line.source != "ocr":
            # `- Lưu: VT, VP.TM. ỦY BAN NHÂN DÂN`: the Nơi nhận cell and the signing cell of one table
            # row joined by a converter; the authority goes to the right half
            left, right = _split_line(line, glued.start(1))
            if left.text and right.text:
                right.x0 = max(right.x0, (line.x0 + line.x1) / 2)
                out.extend([left, right])
                continue
        out.append(line)
    return out


_GLUED_AUTHORITY = re.compile(r"^\s*[-–+•].*?[.;]\s*((?:TM|KT|TL|TUQ)\.\s*[A-ZĐÀ-Ỹ]{2,}[A-ZĐÀ-Ỹ\s]*)$")


_DATE_HEAD = re.compile(r"(?:^|[\s,])ng[a4][yw]\b")
_DATE_REST = re.compile(r"^\W{0,3}th[a4]ng\b.*\bn[a4]m\s*\S{4}")


def _date_split(head: Line, tail: Line) -> bool:
    """`Mê Linh, ngày` | `tháng 8 năm 2018` (or `… tháng` | `năm 2018`): a date line that OCR cut
    at a handwritten day or month, the pieces on one row; or a date wrapped after the day
    (`Lệ Thuỷ, ngày 29` / `tháng 11 năm 2011`)."""
    if head.page != tail.page or not _DATE_HEAD.search(vocab.fold(head.text)):
        return False
    if vocab.parse_date_line(head.text) or not vocab.parse_date_line(f"{head.text} {tail.text}"):
        return False
    overlap = min(head.bottom, tail.bottom) - max(head.top, tail.top)
    same_row = overlap >= 0.5 * max(1.0, min(head.bottom - head.top, tail.bottom - tail.top))
    return (same_row and tail.x0 >= head.x1 - 2) or bool(_DATE_REST.match(vocab.fold(tail.text)))


def _join_date(head: Line, tail: Line) -> Line:
    same_row = min(head.bottom, tail.bottom) - max(head.top, tail.top) > 0
    return replace(head, text=f"{head.text} {tail.text}", words=list(head.words) + list(tail.words),
                   x1=max(head.x1, tail.x1) if same_row else head.x1, bottom=max(head.bottom, tail.bottom))


# --------------------------------------------------------------------------- header anchors

# `V/v` (về việc) opening a công văn's subject, also as OCR reads it (`V/w`, `Vlv`, `V|v`, `W/v`)
VV_MARK = r"(?:[vw\\]\s*[/|l1]\s*[vwy]|v[íi][vw]|về\s+việc|ve\s+viec)"
_VV = re.compile(rf"^[\s'\"‘’“”`.,_~-]{{0,3}}{VV_MARK}\b[:.]?\s*", re.I)     # (a speck before `V/v` on a scan)
_BODY_OPENERS = re.compile(r"^\s*(căn\s+cứ|can\s+cu|thực\s+hiện|theo\s+đề\s+nghị|xét\s+đề\s+nghị|"
                           r"(?:I|1|A)\s*[.)/]\s+\S|điều\s+1\b|ngày\s+\d)", re.I)
_SEPARATOR = re.compile(r"^[\s\-_–—=*.•·~]+$")
_END_MARK = re.compile(r"\./\.\s*$|\.\s*/\s*\.\s*$")


_SEPARATOR_CHARS = re.compile(r"[\s\-_–—=*.•·~]")


def is_separator(text: str) -> bool:
    return bool(_SEPARATOR.match(text)) or len(_SEPARATOR_CHARS.sub("", text)) == 0


def is_caps(text: str) -> bool:
    letters = list(filter(str.isalpha, text))
    return bool(letters) and sum(map(str.isupper, letters)) >= 0.85 * len(letters)


@dataclass
class HeaderMap:
    """Indexes (into the prepared lines) of the header's landmarks; -1 when absent."""
    so: int = -1
    date: int = -1
    kind: int = -1
    kind_name: str | None = None
    kind_score: float = 0.0
    vv: int = -1
    subject: list[int] = field(default_factory=list)
    kinh_gui: int = -1
    dien: int = -1            # `… điện:` line of a công điện
    end: int = 0              # first line of the body
    subject_guessed: bool = False   # subject lines found under Số without their `V/v`
    kind_inline: bool = False       # the kind line also holds the subject's start (`BÁO CÁO TÌNH HÌNH …`)


def _kind_with_subject(text: str):
    """`BÁO CÁO NỘI DUNG GIAO BAN …`: a kind name in capitals with the start of its subject on the
    same centred line (not `QUYẾT ĐỊNH CỦA …`, the old heading naming who decides)."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) <= n + 1:
            continue
        kind, score = vocab.kind_line(" ".join(words[:n]))
        if kind and score >= 0.9 and vocab.fold(words[n]) not in ("cua", "ve", "so"):
            return kind
    return None


def _find_kind(lines: list[Line], start: int, stop: int, positions: bool, cols) -> tuple[int, str | None, float]:
    for i in range(start, stop):
        line = lines[i]
        text = line.text.strip()
        if not is_caps(text) or vocab.match_so(text) is not None:
            continue
        if positions and cols[i] in ("left", "right"):
            # a scan's kind name set off the centre (`CHỈ THỊ` read in the right half): alone on its
            # row, under the Số and date lines, and exactly a kind
            kind, score = vocab.kind_line(text) if line.source == "ocr" and start > 0 else (None, 0.0)
            if kind and score >= 0.9 and not any(
                    j != i and 0 <= j < len(lines) and lines[j].page == line.page
                    and min(lines[j].bottom, line.bottom) - max(lines[j].top, line.top) > 0
                    for j in (i - 1, i + 1)):
                return i, kind.name, score
            continue
        kind, score = vocab.kind_line(text)
        if kind:
            return i, kind.name, score
        words = text.split()
        inline = _kind_with_subject(text) if (not positions or cols[i] == "centre") else None
        if inline:
            return i, inline.name, -1.0     # (the subject starts on this line: see `_subject_lines`)
        # a printed title that is not one of the listed kinds (`BẢN TỰ KIỂM ĐIỂM`): a short
        # centred line in capitals right under the header
        if (1 <= len(words) <= 6 and not vocab.starts_with_agency(text) and not vocab.motto_at_least(text, 0.7)
                and not vocab.is_urgency(text) and (line.bold or not positions or cols[i] == "centre")
                and re.fullmatch(r"[A-ZĐÀ-Ỹ ]+", text)):
            return i, sentence_case(text), 0.7
    for i in range(start, stop):
        # the same title from a capitals-only legacy font that was decoded to lower case
        line, text = lines[i], lines[i].text.strip()
        if (line.bold and (not positions or cols[i] == "centre") and 2 <= len(text.split()) <= 6
                and re.fullmatch(r"[a-zđà-ỹ ]+", text) and not vocab.motto_at_least(text, 0.7)
                and not vocab.starts_with_agency(text) and not _VV.match(text)):
            kind, score = vocab.kind_line(text.upper())
            return i, kind.name if kind else sentence_case(text), score if kind else 0.65
    return -1, None, 0.0


_BLANK_NUMBER = re.compile(r"^[\s.…_]*$")
_DIGIT_OR_SLASH = re.compile(r"\d|/")


def map_header(doc: Document, lines: list[Line] | None = None, cols: list[str] | None = None,
               positions: bool | None = None) -> HeaderMap:
    """The header landmarks of the prepared lines (`cols`: their columns, `positions`:
    `has_positions(doc)`, both computed here when not given)."""
    lines = lines if lines is not None else prepare_lines(doc)
    n = min(len(lines), HEADER_SCAN)
    cols = cols if cols is not None else line_columns(doc, lines)     # the column of each line
    positions = has_positions(doc) if positions is None else positions
    hm = HeaderMap()
    hm.kinh_gui = next((i for i in range(n) if vocab.match_kinh_gui(lines[i].text) is not None), -1)
    scan_to = hm.kinh_gui if hm.kinh_gui >= 0 else n
    _number_and_date(hm, lines, scan_to)
    if hm.so < 0:
        hm.so = _garbled_so(lines, min(scan_to, 15), cols, positions)
    top = max(hm.so, hm.date)
    # V/v line (công văn) under the number, in the left column
    hm.vv = next((i for i in range(max(hm.so, 0), scan_to)
                  if _VV.match(lines[i].text) and (not positions or cols[i] != "right")), -1)
    _kind_name(hm, lines, top, scan_to, positions, cols)
    _subject_lines(hm, doc, lines, scan_to, positions, cols)
    # công điện: `… ĐIỆN:` line introduces the addressees
    hm.dien = next((i for i in range(max(top, hm.kind, 0), scan_to)
                    if re.search(r"\bđi[eệê]n\s*:\s*$", lines[i].text, re.I) and is_caps(lines[i].text)), -1)
    hm.end = _body_start(hm, len(lines))
    return hm


def _place_date(text: str):
    """The header's `<place>, ngày … tháng … năm …` line (its DateMatch), not a date cited in a
    sentence or a subject (`… Nghị định số 37/2007/NĐ-CP ngày 09 tháng 3 năm 2007 …`)."""
    dm = vocab.parse_date_line(text)
    if (dm and (dm.place or dm.start < 3) and dm.start < 40 and not _BODY_OPENERS.match(text)
            and not (dm.place and (len(dm.place.split()) > 6 or _DIGIT_OR_SLASH.search(dm.place)))):
        return dm
    return None


def _number_and_date(hm: HeaderMap, lines: list[Line], scan_to: int) -> None:
    """The `Số:` line and the place-date line (stamps skipped)."""
    for i in range(scan_to):
        text = lines[i].text
        if vocab.is_stamp_text(text):
            continue
        if hm.so < 0:
            rest = vocab.match_so(text)
            if rest is not None and ("/" in rest or not rest or _BLANK_NUMBER.match(rest)):
                hm.so = i
        if hm.date < 0 and lines[i].page == lines[0].page and _place_date(text):
            hm.date = i         # (an attached document's date, on a later page, is not ours)


# a ký hiệu with its kind or issuer group (`…/KH-SYT`, `…/QĐ-UBND`) after a number OCR garbled
_SO_BODY = re.compile(r"(?:^|\s)\S{0,8}/\s?[A-ZĐ][A-Za-zĐ&]{0,7}-[A-ZĐ]")


def _garbled_so(lines: list[Line], stop: int, cols, positions: bool) -> int:
    """The Số line whose `Số:` OCR garbled (`Sóz?4/KH-SYT`): a short line of the header's left
    column on the first page holding a ký hiệu, not a stamp, not a date."""
    for i in range(stop):
        line, text = lines[i], lines[i].text.strip()
        if (line.page != lines[0].page or (positions and cols[i] not in ("left", "full")) or len(text) > 40
                or vocab.is_stamp_text(text) or vocab.parse_date_line(text) or not _SO_BODY.search(text)):
            continue
        return i
    return -1


def _kind_name(hm: HeaderMap, lines: list[Line], top: int, scan_to: int, positions: bool, cols) -> None:
    """The centred kind name under the header (or, in some templates, above the Số line)."""
    kind_from = top + 1 if top >= 0 else 0
    hm.kind, hm.kind_name, hm.kind_score = _find_kind(lines, kind_from, scan_to, positions, cols)
    if hm.kind >= 0 and hm.kind_score < 0:
        hm.kind_inline, hm.kind_score = True, 0.95
    if hm.kind < 0 and top >= 0:
        hm.kind, hm.kind_name, hm.kind_score = _find_kind(lines, 0, top, positions, cols)
        if hm.kind >= 0 and not vocab.is_kind_line(lines[hm.kind].text):
            hm.kind, hm.kind_name, hm.kind_score = -1, None, 0.0


def _subject_lines(hm: HeaderMap, doc: Document, lines: list[Line], scan_to: int, positions: bool, cols) -> None:
    """The trích yếu: the V/v block, the block under Số whose `V/v` OCR lost, or the title block."""
    if hm.vv >= 0:
        hm.subject = _vv_block(lines, hm.vv, scan_to, positions, cols)
    elif hm.kind < 0 and hm.so >= 0 and positions:
        start = _lost_vv(lines, hm.so, scan_to, cols)
        if start >= 0:          # the trích yếu under Số whose `V/v` OCR lost
            hm.subject = _vv_block(lines, start, scan_to, positions, cols)
            hm.subject_guessed = True
    if hm.kind >= 0 and (hm.vv < 0 or hm.vv > hm.kind):
        block = _title_block(doc, lines, hm.kind + 1, scan_to, positions, cols)
        if hm.kind_inline:              # the kind line holds the subject's start
            block = [hm.kind] + block
        if block:
            hm.subject = block


def _body_start(hm: HeaderMap, n_lines: int) -> int:
    """The first body line: after the last header landmark, or at `Kính gửi` / `… ĐIỆN:`."""
    marks = [x for x in (hm.so, hm.date, hm.kind, hm.vv) if x >= 0] + hm.subject
    end = max(marks) + 1 if marks else 0
    if hm.kinh_gui >= 0:
        end = hm.kinh_gui if not marks or hm.kinh_gui > max(marks) else max(marks) + 1
    elif hm.dien >= 0:
        end = hm.dien
    return min(end, n_lines)


def _lost_vv(lines, so, stop, cols) -> int:
    """A công văn's trích yếu whose `V/v` OCR lost: the first left-column line just under the
    Số line that reads as running Vietnamese (not capitals, not a date, stamp or `Kính gửi`)."""
    from extractors.lang.syllable import is_syllable

    above = lines[so]
    for i in range(so + 1, min(stop, so + 4)):
        line, text = lines[i], lines[i].text.strip()
        if cols[i] == "right":
            continue
        if (cols[i] != "left" or line.page != above.page
                or line.top - above.bottom > 3 * max(above.bottom - above.top, 1.0)):
            return -1
        words = re.findall(r"[^\W\d_]+", text)
        if (is_caps(text) or vocab.parse_date_line(text) or vocab.is_stamp_text(text) or len(words) < 3
                or vocab.match_kinh_gui(text) is not None or sum(map(is_syllable, words)) < 0.8 * len(words)):
            return -1
        return i
    return -1


def _vv_block(lines, start, stop, positions, cols) -> list[int]:
    """The V/v line and its continuation lines (same column, just below)."""
    out = [start]
    first = lines[start]
    col = cols[start] if positions else "full"
    for i in range(start + 1, min(stop, start + 8)):
        line = lines[i]
        text = line.text.strip()
        if positions and cols[i] == "right":
            continue            # the right column's date/motto lines interleave
        if line.source == "ocr" and len(text) <= 2 and is_separator(text):
            continue            # a speck OCR read as a dash
        if (vocab.match_kinh_gui(text) is not None or vocab.parse_date_line(text)
                or (vocab.match_so(text) is not None and not text[:1].islower())
                or (_BODY_OPENERS.match(text) and not text[:1].islower()) or is_separator(text)):
            break               # (`thực hiện Đề án …`, `số 3916/QĐ-BYT …` in lower case continue the V/v line)
        if positions:
            c = cols[i]
            if c == "right":
                continue        # the right column's date/motto lines interleave
            if c != col and col == "left":
                break
            if line.page != first.page or line.top - lines[out[-1]].bottom > 2.5 * max(first.bottom - first.top, 1):
                break
        else:
            if len(text) > 90 or is_caps(text) or text.endswith(":"):
                break
            prev = lines[out[-1]].text.rstrip()
            if prev.endswith((".", ";")):
                break
        out.append(i)
    return out


def _authority_heading(text: str) -> bool:
    """`HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC X`, `CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH`: the head who decides,
    printed under a decision's subject; never part of the subject."""
    folded = re.sub(r"[^a-z ]", " ", vocab.fold(text))
    folded = re.sub(r"\s+", " ", folded).strip() + " "
    return any(folded.startswith(vocab.fold(t) + " ") for t in vocab.TITLE_PHRASES
               if t not in ("ủy ban nhân dân", "hội đồng nhân dân", "văn phòng"))


def _row_pair(doc, lines, i, stop, cols) -> list[int] | None:
    """A left and a right fragment on one row that together straddle the middle of the text
    (one centred line split by OCR at a gap): their indexes in x order."""
    for j in (i + 1, i - 1):
        if not 0 <= j < stop or j == i:
            continue
        a, b = lines[i], lines[j]
        if {cols[i], cols[j]} != {"left", "right"} or a.page != b.page:
            continue
        overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
        if overlap < 0.5 * max(1.0, min(a.bottom - a.top, b.bottom - b.top)):
            continue
        left, right = (a, b) if a.x0 < b.x0 else (b, a)
        if right.x0 - left.x1 > 0.1 * page_width(doc, a):
            continue            # two columns of their own, not one line cut at a gap
        bounds = text_bounds(doc, a.page)
        if bounds and (left.x0 - bounds[0] < 0.03 * page_width(doc, a) or bounds[1] - right.x1 < 0.03 * page_width(doc, a)):
            continue            # reaches a margin: a body line
        return sorted([i, j])
    return None


def _wraps(prev: Line, line: Line) -> bool:
    """`line` carries on the subject line `prev`: it starts in lower case right under it (no blank
    gap, which ends the title block) and `prev` does not end a sentence or a list."""
    text = line.text.strip()
    height = max(prev.bottom - prev.top, 1.0)
    return (bool(text) and text[0].islower() and line.page == prev.page
            and not (line.source == "ocr" and line.conf < 0.3)      # a stamp's garbled line
            and -0.3 * height <= line.top - prev.bottom <= 0.9 * height
            and not prev.text.rstrip().endswith((".", ":", ";")))


def _title_block(doc, lines, start, stop, positions, cols) -> list[int]:
    """Subject lines under a centred kind name: centred/bold lines up to the first body line."""
    out: list[int] = []
    skip = -1
    for i in range(start, min(stop, start + 8)):
        if i <= skip:
            continue
        line = lines[i]
        text = line.text.strip()
        if not text or is_separator(text):
            if out:
                break
            continue
        wraps = bool(out) and _wraps(lines[out[-1]], line)
        if out and line.source == "ocr" and line.conf < 0.3 and cols[i] != "centre" and len(text) < 40:
            continue            # a stamp's garbled fragment beside the subject (`ĐẾN`, `CÔNG BÁO …`)
        if (vocab.match_kinh_gui(text) is not None or (_BODY_OPENERS.match(text) and not wraps)
                or (vocab.match_so(text) is not None and not wraps) or _place_date(text)):
            break               # (`ngày 12/12/2011, số …`, `thực hiện …` in lower case continue a subject line)
        if out and is_caps(text) and not is_caps(lines[out[0]].text):
            break               # `CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH` under a decision's subject
        if is_caps(text) and _authority_heading(text):
            break               # the same heading when the subject above it was not read
        if out and re.match(r"^[\wÀ-ỹ ]{2,25}:\s*\S", text) and not _VV.match(text):
            break               # `Họ và tên: …`: a form's field, the body has begun
        if positions:
            c = cols[i]
            if c in ("left", "right") and not out:
                pair = _row_pair(doc, lines, i, stop, cols)
                if pair:
                    out.extend(pair)    # a centred subject OCR cut in two at the middle
                    skip = pair[-1]
                continue
            if line.source == "docx":
                if out and ((not line.bold and lines[out[0]].bold) or (cols[out[0]] == "centre" and c != "centre")):
                    break
            elif (out and c != "centre" and not (line.bold and lines[out[0]].bold) and not _indented_both(doc, line)
                  and not (wraps and len(out) < 4)):
                break           # a body paragraph: starts at the margin or runs to the right edge
        else:
            if out and (not line.bold or not lines[out[0]].bold) and (len(text) > 90 or not text[0].islower()):
                break
        out.append(i)
    return out


# --------------------------------------------------------------------------- footer


def _col(doc: Document, lines: list[Line], cols: list[str] | None, i: int) -> str:
    """The column of `lines[i]`: from `cols` (the precomputed columns of `lines`) when given."""
    return cols[i] if cols is not None else line_column(doc, lines[i])


def _noi_nhan_at(doc: Document, lines: list[Line], i: int, positions: bool, cols: list[str] | None = None) -> bool:
    """`Nơi nhận:` heading (OCR variants too), never a full-width body line (`+ Cá nhân: 3.718 …`)."""
    rest = vocab.match_noi_nhan(lines[i].text)
    if rest is None:
        return False
    return not (positions and len(rest) > 30 and _col(doc, lines, cols, i) == "full")


def _title_signing_line(doc: Document, lines: list[Line], i: int, stop: int, cols: list[str] | None = None) -> bool:
    """A right-column title in capitals (`CHỦ TỊCH`) with a name under it in the same column:
    a signing block whose `Nơi nhận` heading is missing (lost by OCR or not printed)."""
    line = lines[i]
    text = line.text.strip()
    if not (is_caps(text) and len(text.split()) <= 8 and _col(doc, lines, cols, i) == "right"):
        return False
    if not vocab.is_title_text(text):
        # a title outside the vocabulary (`NGƯỜI TỰ KIỂM ĐIỂM`): only with the name right under it
        if vocab.motto_at_least(text, 0.7) or vocab.is_kind_line(text):
            return False
        nxt = next((lines[j] for j in range(i + 1, min(stop, i + 4)) if _col(doc, lines, cols, j) == "right"), None)
        return (nxt is not None and nxt.page == line.page and looks_like_name(nxt.text)
                and nxt.top - line.bottom < 2.5 * max(line.bottom - line.top, 1.0))
    for j in range(i + 1, min(stop, i + 25)):
        if lines[j].page != line.page:
            break
        if _col(doc, lines, cols, j) == "right" and looks_like_name(lines[j].text):
            return True
    return False


def attachment_start(doc: Document, lines: list[Line], body_start: int) -> int:
    """Index where an attached document starts (ND30: a new national motto on a later page than
    the header, e.g. another body's decision or a list stapled behind the letter); len(lines) if none."""
    if body_start <= 0 or body_start >= len(lines):
        return len(lines)
    head_page = lines[body_start - 1].page
    for i in range(body_start, len(lines)):
        line = lines[i]
        if line.page <= head_page or sum(1 for l in lines[max(0, i - 6):i] if l.page == line.page) > 3:
            continue            # not in the header block at the top of its page (cheap test first)
        if not vocab.motto_at_least(line.text, 0.85):
            continue
        height = max(line.bottom - line.top, 1.0)
        j = i
        while (j - 1 >= body_start and lines[j - 1].page == line.page
               and lines[j - 1].top >= line.top - 3 * height):
            j -= 1
        return j
    return len(lines)


def _footer_start(doc: Document, lines: list[Line], body_start: int, stop: int | None = None,
                  cols: list[str] | None = None, positions: bool | None = None) -> int:
    stop = len(lines) if stop is None else stop
    positions = has_positions(doc) if positions is None else positions
    candidates = []
    end_mark = None
    for i in range(body_start, stop):
        if _noi_nhan_at(doc, lines, i, positions, cols):
            candidates.append(i)
            break
    else:
        if positions:
            for i in range(body_start, stop):
                if _title_signing_line(doc, lines, i, stop, cols):
                    candidates.append(i)
                    break
    lines = lines[:stop]
    for i in range(body_start, len(lines)):
        text = lines[i].text
        if vocab.match_authority(text) and is_caps(text):
            candidates.append(i)
            break
    for i in range(body_start, len(lines)):
        if _END_MARK.search(lines[i].text):
            end_mark = i + 1
            break
    if end_mark is not None and end_mark < len(lines):
        candidates.append(end_mark)
    if not candidates:
        return len(lines)
    start = min(candidates)
    # the signing block's first line may sit just above `Nơi nhận` with a mark OCR garbled;
    # OCR specks of the seal (`kệ IG`) may sit between them
    j = start
    while j - 1 > body_start and lines[j - 1].page == lines[start].page and start - j < 4:
        prev = lines[j - 1]
        if _col(doc, lines, cols, j - 1) != "right":
            break
        if is_caps(prev.text) and vocab.is_title_text(prev.text):
            start = j = j - 1
        elif prev.source == "ocr" and len(prev.text.split()) <= 2 and not _END_MARK.search(prev.text):
            j -= 1
        else:
            break
    return start


def looks_like_name(text: str) -> bool:
    """A personal name: 2–6 capitalised words of letters (after degrees are removed), not a title."""
    text = vocab.strip_degrees(text.strip())
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    if any(not re.fullmatch(r"[A-Za-zÀ-ỹĐđ]+", w) for w in words):
        return False
    if not all(w[0].isupper() for w in words) or not all(is_syllable_shape(w) for w in words):
        return False
    if vocab.is_kind_line(text) or re.match(r"^(danh sach|phu luc|bieu mau|mau so|ho va ten)\b", vocab.fold(text)):
        return False            # an annex heading (`DANH SÁCH`, `HƯỚNG DẪN`), not a person
    return not vocab.is_title_text(text)


def _footer_end(doc: Document, lines: list[Line], start: int, cols: list[str] | None = None,
                positions: bool | None = None) -> int:
    """Index after the signing block (the signer's name), plus the Nơi nhận lines that run past it
    (`cols`: the columns of `lines`, or of a longer list they begin)."""
    positions = has_positions(doc) if positions is None else positions
    limit = min(len(lines), start + 45)
    name_at = _signer_name_at(doc, lines, start, limit, cols, positions)
    end = (name_at + 1) if name_at is not None else start
    end = _past_name(doc, lines, start, end, cols, positions)
    if name_at is None:
        end = _without_name(doc, lines, start, end, limit, cols, positions)
    return end


def _signer_name_at(doc, lines, start, limit, cols, positions) -> int | None:
    """The signer's name line: the first name after a title or authority line of the block."""
    seen_title = False
    for i in range(start, limit):
        text = lines[i].text.strip()
        if positions and _col(doc, lines, cols, i) == "left":
            continue
        if seen_title and looks_like_name(text):
            return i
        if (vocab.match_authority(text) or (is_caps(text) and vocab.is_title_text(text))
                or (i == start and is_caps(text))):
            seen_title = True   # the block's first line is its title, in the vocabulary or not
    return None


def _past_name(doc, lines, start, end, cols, positions) -> int:
    """Distribution lines printed below the name line (left column) and `(đã ký)`-like lines."""
    last_left = next((lines[j] for j in range(end - 1, start - 1, -1)
                      if positions and _col(doc, lines, cols, j) == "left"), None)
    for i in range(end, min(len(lines), end + 30)):
        text = lines[i].text.strip()
        col = _col(doc, lines, cols, i)
        prev = lines[i - 1].text.strip() if i > 0 else ""
        if col in ("left", "full") and lines[i].page == lines[end - 1].page and (
                text.startswith(("-", "+", "•"))
                or (col == "left" and prev.startswith(("-", "+", "•")) and not _ended(prev))
                or (col == "left" and last_left is not None and _next_in_column(last_left, lines[i])
                    and not _luu_ended(last_left.text))):
            end = i + 1
            last_left = lines[i]
            continue
        if vocab.SIGNED_MARK.fullmatch(text) or vocab.is_stamp_text(text):
            end = i + 1
            continue
        break
    return end


def _without_name(doc, lines, start, end, limit, cols, positions) -> int:
    """No name found: the footer is the Nơi nhận list and the block in capitals after it."""
    end = max(end, min(len(lines), start + 1))
    last_left: Line | None = None
    for i in range(start, limit):
        text = lines[i].text.strip()
        col = _col(doc, lines, cols, i) if positions else "full"
        if i > start and lines[i].page != lines[i - 1].page and (_ANNEX_HEAD.match(text)
                                                                 or vocab.is_kind_line(text)):
            break           # an attached list or form on the next page
        if i > start and vocab.motto_at_least(text, 0.85):
            break           # a second document's header (readers without pages)
        if (text.startswith(("-", "+", "•")) or vocab.match_noi_nhan(text) is not None or is_caps(text)
                or vocab.match_authority(text) or vocab.SIGNED_MARK.search(text)):
            end = i + 1
        elif positions and col in ("left", "right"):
            end = i + 1
        elif positions and last_left is not None and _next_in_column(last_left, lines[i]) and not _luu_ended(last_left.text):
            end = i + 1     # a wrapped Nơi nhận entry reaching past the middle of the page
        else:
            break
        if col != "right":
            last_left = lines[i]
    return end


def _next_in_column(above: Line | None, line: Line) -> bool:
    """`line` continues the column of `above`: same page, same left edge, at most a blank line below."""
    if above is None or above.page != line.page:
        return False
    height = max(above.bottom - above.top, 1.0)
    return (abs(line.x0 - above.x0) < 4 * height and line.top >= above.top
            and line.top - above.bottom < 2.5 * height)


def _luu_ended(text: str) -> bool:
    """The `Lưu: VT, …` entry, the last one of a Nơi nhận list."""
    return bool(re.match(r"^\W*l[ưu]u\b", vocab.fold(text)))


def _ended(text: str) -> bool:
    return text.rstrip().endswith((";", "."))


_ANNEX_HEAD = re.compile(r"^\s*(phụ\s+lục|danh\s+sách|biểu\s+mẫu|mẫu\s+số|quy\s+(định|chế)|hướng\s+dẫn)\b", re.I)


def find_zones(doc: Document, lines: list[Line], cols: list[str], positions: bool, hm: HeaderMap) -> Zones:
    """Header, body, footer and annex of the prepared lines, the header map `hm` made of them."""
    if not lines:
        return Zones()
    start = hm.end
    # the record is the first document of the file: an attachment (a new motto on a later
    # page) ends it, and the first footer before it is the signing block
    stop = attachment_start(doc, lines, start)
    fstart = _footer_start(doc, lines, start, stop, cols, positions)
    fend = _footer_end(doc, lines[:stop], fstart, cols, positions) if fstart < stop else stop
    return Zones(header=lines[:start], body=lines[start:fstart], footer=lines[fstart:fend], annex=lines[fend:])


def split_zones(doc: Document) -> Zones:
    """The zones of a document on their own (the pipeline builds them once in `extractors.analysis`)."""
    lines = prepare_lines(doc)
    positions = has_positions(doc)
    cols = line_columns(doc, lines)
    hm = map_header(doc, lines, cols, positions) if lines else HeaderMap()
    return find_zones(doc, lines, cols, positions, hm)
