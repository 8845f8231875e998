"""Words → lines: the one place that turns positioned words (text layer or OCR) into lines.

Words on one row are split where a gap wider than ~2 font sizes opens (a column
gutter), then pieces on the same side of the page centre are joined again, so the
header's `Số:      /UBND-KGVX` stays one line while `TỈNH QUẢNG NGÃI | Độc lập - Tự do
- Hạnh phúc` becomes two.
"""
from __future__ import annotations

from extractors.normalize import normalize_text
from extractors.readers.native import line_groups
from models.layout import Line, Word


def _rows(words: list[Word]) -> list[list[Word]]:
    """Group words whose vertical centres are within half a line height (of the row's median centre)."""
    rows: list[list[Word]] = []
    row: list[Word] = []
    mids: list[float] = []                # the current row's centres (running median); ascending,
    row_mid = 0.0                         # as the words come sorted by centre
    for mid, _, _, word in sorted([((w.top + w.bottom) / 2, w.x0, i, w) for i, w in enumerate(words)]):
        height = word.bottom - word.top
        if rows and abs(mid - row_mid) <= 0.5 * (height if height > 1.0 else 1.0):
            row.append(word)
            mids.append(mid)
            n = len(mids)
            row_mid = mids[n // 2] if n % 2 else (mids[n // 2 - 1] + mids[n // 2]) / 2
            continue
        row = [word]
        rows.append(row)
        mids = [mid]
        row_mid = mid
    for row in rows:
        row.sort(key=_x0)
    return rows


def _x0(word: Word) -> float:
    return word.x0


def _median(values: list[float]) -> float:
    """statistics.median, without its generality (this runs for every row of every page)."""
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def _make_line(words: list[Word], page: int, source: str) -> Line:
    """One pass over the words (this runs for every line of every page)."""
    first = words[0]
    x0, top, x1, bottom, conf = first.x0, first.top, first.x1, first.bottom, first.conf
    sizes: list[float] = []
    chars = bold = italic = 0
    for w in words:
        if w.x0 < x0:
            x0 = w.x0
        if w.top < top:
            top = w.top
        if w.x1 > x1:
            x1 = w.x1
        if w.bottom > bottom:
            bottom = w.bottom
        if w.conf < conf:
            conf = w.conf
        if w.size:
            sizes.append(w.size)
        n = len(w.text)
        chars += n
        if w.bold:
            bold += n
        if w.italic:
            italic += n
    return Line(
        text=normalize_text(" ".join([w.text for w in words])), page=page,
        x0=x0, top=top, x1=x1, bottom=bottom, words=list(words), conf=conf,
        bold=bold * 2 > chars, italic=italic * 2 > chars,
        size=_median(sizes) if sizes else None,
        source=source,
    )


def build_lines(words: list[Word], page: int, page_width: float, source: str = "text",
                page_height: float | None = None) -> list[Line]:
    """Lines in reading order (top to bottom, left to right within a row).

    With `page_height` (OCR), rows of the page's top part (the header) are also split at
    a narrow gutter near the centre: scans of small print leave ~1 line height there.
    """
    words = [w for w in words if w.text.strip()]
    native = line_groups()
    groups = native(words, page_width, page_height) if native is not None and words else None
    if groups is not None:                # the same grouping in the C helper (`pdfium_words.c`)
        made = [_make_line([words[i] for i in group], page, source) for group in groups]
        return [line for line in made if line.text]
    lines: list[Line] = []
    mid = page_width / 2
    for row in _rows(words):
        height = _median([w.bottom - w.top for w in row]) or 10.0
        gutter = 2.0 * height
        pieces: list[list[Word]] = [[row[0]]]
        for word in row[1:]:
            gap = word.x0 - pieces[-1][-1].x1
            narrow = (page_height is not None and word.top < 0.18 * page_height and gap > 0.9 * height
                      and 0.35 * page_width <= (word.x0 + pieces[-1][-1].x1) / 2 <= 0.6 * page_width)
            if gap > gutter or narrow:
                pieces.append([word])
            else:
                pieces[-1].append(word)
        merged: list[list[Word]] = [pieces[0]]
        for piece in pieces[1:]:
            prev = merged[-1]
            same_side = (prev[-1].x1 <= mid and piece[-1].x1 <= mid) or (prev[0].x0 >= mid and piece[0].x0 >= mid)
            if same_side:
                prev.extend(piece)
            else:
                merged.append(piece)
        lines.extend(_make_line(piece, page, source) for piece in merged)
    return [line for line in lines if line.text]
