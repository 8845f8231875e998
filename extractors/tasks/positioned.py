"""Schedule tables of PDF text layers and OCR scans rebuilt into cells from word positions."""
from __future__ import annotations

import re

from extractors.tasks.common import Folded
from extractors.tasks.paragraphs import _marker
from models.layout import Line

# A schedule table in a PDF text layer or an OCR'd scan comes as positioned words without
# cells. `positioned_tables` finds a table by its `STT`/`TT` header, cuts rows at the numbers
# of the STT column and columns at the empty vertical bands between the rows' words, and
# returns the lines with the table replaced by one cell line per (row, column) — the same
# shape the DOCX reader gives, so `_table_tasks` reads both.
_NUM_PUNCT = ".)_,:;|"     # around a row number as OCR reads it (`12_`, `3.`)
_TT_HEAD = re.compile(r"^(s?tt|số\s*tt)\.?$", re.I)
_HEADER_WORDS = Folded(r"(nội\s+dung|công\s+việc|thời\s+gian|thời\s+hạn|ngày|đơn\s+vị|thực\s+hiện|chủ\s+trì|"
                       r"phối\s+hợp|người|bộ\s+phận|trách\s+nhiệm|ghi\s+chú|hoạt\s+động|nhiệm\s+vụ|tiến\s+độ)")


def _is_anchor(ln: Line, band: tuple[float, float], prev: int) -> bool:
    """Does the line start a row: a short number (or OCR speck of one) in the STT column, the
    rest of the line (if any) right of that column?"""
    if not ln.words:
        return False
    w = ln.words[0]
    centre = (w.x0 + w.x1) / 2
    tok = w.text.strip(_NUM_PUNCT)
    if not (band[0] - 10 <= centre <= band[1] + 10 or tok.isdigit() and w.x1 <= band[1] + 10):
        return False
    if len(tok) > 3 or w.x1 > band[1] + 12:
        return False
    if len(ln.words) > 1 and ln.words[1].x0 < band[1] + 6:
        return False
    if tok.isdigit():
        return int(tok) == prev + 1 or prev == 0 and int(tok) == 1
    return len(tok) <= 2 and prev > 0      # an OCR'd number (`Ạ` for `4`)


def _header_gaps(header: list[Line]) -> list[tuple[float, float]]:
    """The empty bands between the cells of a header row printed as separate lines (`Công việc |
    Người thực hiện | Thời hạn`): a column boundary lies in each."""
    top = min((ln.top for ln in header), default=0)
    cells = sorted((ln.x0, ln.x1) for ln in header if abs(ln.top - top) <= 3)
    return [(a[1], b[0]) for a, b in zip(cells, cells[1:]) if b[0] - a[1] > 8]


def _columns(words: list, header_x0: list[float],
             header_gaps: list[tuple[float, float]] | None = None) -> list[tuple[float, float]]:
    """Column x-ranges: runs of x covered by the rows' words, cut at an empty band wider than a
    word space, or at a narrower one where a header word starts (a left-aligned header) or that
    lies between two header cells (an unruled table whose cells run close)."""
    spans = sorted((w.x0, w.x1) for w in words)
    gaps = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]) if 0 < b.x0 - a.x1 < 30 and abs(a.top - b.top) < 3)
    space = gaps[len(gaps) // 2] if gaps else 4.0
    cols: list[list[float]] = []
    for x0, x1 in spans:
        gap = x0 - cols[-1][1] if cols else 0
        between = any(a - 2 <= (cols[-1][1] + x0) / 2 <= b + 2 for a, b in header_gaps or ()) if cols else False
        if cols and (gap < 2 or gap <= 1.8 * space and not any(cols[-1][1] - 1 <= h <= x0 + 4 for h in header_x0)
                     and not (between and gap > 1.2 * space)):
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def positioned_tables(lines: list[Line]) -> list[Line]:
    """Lines with each positioned schedule table (PDF/OCR) replaced by cell lines."""
    out: list[Line] = []
    i = 0
    table_no = 1000
    while i < len(lines):
        ln = lines[i]
        if ln.source in ("docx", "txt") or ln.cell is not None or not ln.words:
            out.append(ln)
            i += 1
            continue
        if not (_TT_HEAD.match(ln.words[0].text) and _header_near(lines, i)):
            gap_table = _rows_by_gap(lines, i)
            if gap_table is None:
                out.append(ln)
                i += 1
                continue
            header, rows, i = gap_table
            out.extend(_cells(table_no, header, rows, (-1.0, -1.0)))
            table_no += 1
            continue
        band = (ln.words[0].x0, ln.words[0].x1)
        rows = []
        header = []
        anchors: list[Line] = []
        j = i
        prev = 0
        pending: list[Line] = []     # lines above the first anchor of a page
        top_aligned = False
        while j < len(lines):
            cur = lines[j]
            if cur.cell is not None or not cur.words:
                break
            if cur.words and _TT_HEAD.match(cur.words[0].text) and _header_near(lines, j):
                band = (cur.words[0].x0, cur.words[0].x1)
                hdr_top, hdr_page = cur.top, cur.page
                k = j
                # the header's second line, if any, lies within a line's height; a first row set
                # close under it (an unruled table) starts at its number
                first_row = next((x.top for x in lines[j + 1:j + 12] if x.page == hdr_page and
                                  x.top <= hdr_top + 15 and _is_anchor(x, band, prev)), None)
                while k < len(lines) and lines[k].page == hdr_page and lines[k].top <= hdr_top + 15 and \
                        (first_row is None or lines[k].top < first_row - 2):
                    header.append(lines[k])
                    k += 1
                # garbage just above the repeated header (OCR of the ruling) belongs to it
                while pending and pending[-1].page == hdr_page and pending[-1].top >= hdr_top - 8:
                    header.append(pending.pop())
                if pending and rows:
                    rows[-1].extend(pending)
                pending = []
                j = k
                continue
            if _is_anchor(cur, band, prev) and not (not cur.words[0].text.strip(_NUM_PUNCT).isdigit() and
                                                     _next_anchor(lines, j, band, prev, digits=True)):
                tok = cur.words[0].text.strip(_NUM_PUNCT)
                prev = int(tok) if tok.isdigit() else prev + 1
                rows.append([cur])
                anchors.append(cur)
                # lines above the anchor on its page since the previous anchor: nearer to this one
                keep: list[Line] = []
                prev_anchor = anchors[-2] if len(anchors) > 1 else None
                if prev_anchor is None:
                    # rows whose text starts level with the number (nothing above the first one
                    # but OCR specks of the ruling, which go)
                    pending = [p for p in pending if not _speck(p)]
                    top_aligned = not pending
                for p in pending:
                    if prev_anchor is None:
                        nearer_prev = False
                    elif top_aligned:
                        nearer_prev = True
                    elif p.page == prev_anchor.page == cur.page:
                        nearer_prev = p.top - prev_anchor.top < cur.top - p.top
                    elif p.page == cur.page:
                        nearer_prev = cur.top - p.top > 20     # a row running on from the page before
                    else:
                        nearer_prev = True                     # under the previous row on its page
                    (rows[-2] if nearer_prev else keep).append(p)
                rows[-1][:0] = keep
                pending = []
                j += 1
                continue
            if anchors and cur.words[0].x0 < band[1] + 3:
                if _speck(cur) and _next_anchor(lines, j, band, prev):
                    j += 1      # OCR of the ruling (`ro`, `— R —`) between two rows
                    continue
                break     # a line starting in the STT column that is no row number: the text after the table
            if not anchors and cur.top > (header[0].top if header else cur.top) + 60:
                break
            pending.append(cur)
            j += 1
        if len(rows) < 1:
            out.append(ln)
            i += 1
            continue
        # the last row keeps its trailing lines while they follow closely under it
        for p in pending:
            last = rows[-1][-1]
            if p.page == last.page and 0 <= p.top - last.top < 25:
                rows[-1].append(p)
            else:
                j = lines.index(p)
                break
        out.extend(_cells(table_no, header, rows, band))
        table_no += 1
        i = j
    return out


def _speck(ln: Line) -> bool:
    """A line of no more than three letters or digits: OCR of a ruling or a stain."""
    return len(re.sub(r"[\W_]", "", ln.text)) <= 3


def _next_anchor(lines: list[Line], j: int, band: tuple[float, float], prev: int, digits: bool = False) -> bool:
    """Does the next row number follow within a few lines on the same page (`digits`: printed as a
    number, after which an OCR speck of the ruling before it is no row of its own)?"""
    for cur in lines[j + 1:j + 5]:
        if cur.page != lines[j].page or cur.cell is not None or not cur.words:
            return False
        if _is_anchor(cur, band, prev) and (not digits or cur.words[0].text.strip(_NUM_PUNCT).isdigit()):
            return True
        if not _speck(cur) and not (digits and cur.words[0].x0 > band[1] + 3):
            return False
    return False


def _rows_by_gap(lines: list[Line], i: int):
    """A table without an STT column: a header of two or more header phrases side by side
    (`Công việc | Người thực hiện | Thời hạn`), rows cut where the line pitch widens.
    Returns (header lines, rows, index after the table) or None."""
    ln = lines[i]
    same = [x for x in lines[i:i + 6] if x.page == ln.page and abs(x.top - ln.top) <= 3]
    if len(same) < 2 or not all(_HEADER_WORDS.match(x.text) for x in same) or \
            len({round(x.x0) for x in same}) < len(same):
        return None
    j = i + len(same)
    header = list(same)
    while j < len(lines) and lines[j].page == ln.page and 0 < lines[j].top - ln.top <= 15 and \
            len(lines[j].text.split()) <= 3:
        header.append(lines[j])
        j += 1
    body: list[Line] = []
    right = max(x.x1 for x in header)
    while j < len(lines):
        cur = lines[j]
        if cur.cell is not None or not cur.words or _marker(cur.text)[0] or cur.bold or \
                body and cur.page == body[-1].page and cur.top - body[-1].top > 40 or \
                body and cur.x1 > right + 30 and len(cur.words) > 8:
            break       # (a line running past the table's right edge: a paragraph after it)
        body.append(cur)
        j += 1
    tops = sorted({round(x.top, 1) for x in body})
    diffs = [b - a for a, b in zip(tops, tops[1:]) if b - a > 4]
    if not body or not diffs:
        return None
    pitch = min(diffs)
    rows: list[list[Line]] = [[body[0]]]
    for prev, cur in zip(body, body[1:]):
        if cur.page != prev.page or cur.top - prev.top > 1.25 * pitch:
            rows.append([cur])
        else:
            rows[-1].append(cur)
    return header, rows, j


def _header_near(lines: list[Line], i: int) -> bool:
    ln = lines[i]
    text = " ".join(x.text for x in lines[max(0, i - 2):i + 4] if x.page == ln.page and abs(x.top - ln.top) <= 15)
    return bool(_HEADER_WORDS.search(text))


def _cells(table_no: int, header: list[Line], rows: list[list[Line]], band) -> list[Line]:
    out: list[Line] = []
    ref: list[tuple[float, float]] = []
    for page in sorted({ln.page for r in rows for ln in r}):
        words = [w for r in rows for ln in r if ln.page == page for w in ln.words
                 if not (ln.words[0] is w and w.x1 <= band[1] + 12 and len(w.text.strip(_NUM_PUNCT)) <= 3)]
        hdr = [ln for ln in header if ln.page == page]
        cols = _columns(words, [w.x0 for ln in hdr for k, w in enumerate(ln.words)
                                if _HEADER_WORDS.match(" ".join(x.text for x in ln.words[k:k + 2]))],
                        _header_gaps(hdr))
        if not cols:
            continue
        if ref and not hdr:
            cols = _snap(cols, ref)     # a page that runs on without the header: the first page's columns
        elif not ref:
            ref = cols
        if hdr:
            cells: dict[int, list[str]] = {}
            for ln in hdr:
                for w in ln.words:
                    c = _col_of(w, cols, band)
                    cells.setdefault(c, []).append(w.text)
            for c, ws in sorted(cells.items()):
                out.append(Line(text=" ".join(ws), page=page, x0=0, top=hdr[0].top, x1=0, bottom=hdr[0].bottom,
                                cell=(table_no, 0, c), source=hdr[0].source))
        for r, row in enumerate(rows, start=1):
            cells = {}
            top = None
            for ln in sorted((x for x in row if x.page == page), key=lambda x: x.top):
                top = ln.top if top is None else top
                for w in ln.words:
                    cells.setdefault(_col_of(w, cols, band), []).append(w.text)
            for c, ws in sorted(cells.items()):
                out.append(Line(text=" ".join(ws), page=page, x0=0, top=top or 0, x1=0, bottom=top or 0,
                                cell=(table_no, r, c), source=row[0].source))
    return out


def _snap(cols: list[tuple[float, float]], ref: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Columns of a later page with the neighbours that fall in one column of the first page joined
    (a wide gap inside a cell, `7 ngày làm việc sau | khi`, is no column of its own)."""
    def home(col):      # the first page's column it overlaps most, else the nearest
        return max(range(len(ref)), key=lambda k: (min(col[1], ref[k][1]) - max(col[0], ref[k][0]),
                                                  -abs((col[0] + col[1]) / 2 - (ref[k][0] + ref[k][1]) / 2)))
    out: list[list[float]] = []
    prev_home = None
    for col in cols:
        h = home(col)
        if out and h is not None and h == prev_home:
            out[-1][1] = max(out[-1][1], col[1])
        else:
            out.append([col[0], col[1]])
        prev_home = h
    return [(a, b) for a, b in out]


def _col_of(w, cols, band) -> int:
    centre = (w.x0 + w.x1) / 2
    if centre <= band[1] + 8:
        return 0
    for k, (a, b) in enumerate(cols, start=1):
        if a - 1 <= centre <= b + 1:
            return k
    return min(range(len(cols)), key=lambda k: min(abs(centre - cols[k][0]), abs(centre - cols[k][1]))) + 1
