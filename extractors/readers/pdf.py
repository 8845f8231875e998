"""PDF with a text layer, through pdfium (pypdfium2), keeping word positions and font style.

Words come from pdfium's text page: its character list (with pdfium's own de-duplication of
fake-bold overprints and its generated spaces / line breaks) is cut at white space, and each
word gets the box pdfminer would have given it (x from the loose char boxes, bottom at the
baseline plus the font descent, height = font size), its font size and its font name's
bold / italic. Coordinates are PDF points in display orientation (the page's /Rotate
applied), origin top-left — the same words pdfplumber gave, about 30× faster. A page pdfium
cannot read falls back to pdfplumber (`CONGVAN_PDF_READER=pdfplumber` forces it, for
comparisons).

Each page is triaged (`extractors.readers.triage`): a trusted text layer is kept; a page
whose layer is absent or garbage, or the scanned image regions of a hybrid page, are
listed in `doc.notes.triage` for OCR (`extractors.readers.ocr.complete_with_ocr`).
"""
from __future__ import annotations

import ctypes
import math
import re
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from extractors.errors import DocumentError
from extractors.lang.encodings import repair_words
from extractors.limits import Limits
from extractors.readers.lines import build_lines
from extractors.readers.native import page_words
from extractors.readers.triage import triage_page
from models.enums import InputFormat
from models.layout import Document, Page, PageTriage, PdfDates, Word
from models.settings import setting

ANNOTATION_TYPES = {3: "FreeText", 13: "Stamp", 20: "Widget"}   # FPDF_ANNOT_* whose appearance carries text
# a word: non-space chars, a line-end hyphen (pdfium marks it U+FFFE) closing it
_WORD = re.compile(r"(?:[^\s\x00-\x1f\ufffe\uffff]+\ufffe?|\ufffe)")
_SEPARATORS = re.compile(r"([\s\x00-\x1f\uffff]+)")   # what lies between words (text without U+FFFE)
DESCENT = 0.0    # box bottom at the baseline, as pdfminer puts it for the CID fonts of Word/LibreOffice PDFs
_MAX_FORM_DEPTH = 4


@lru_cache(maxsize=1024)
def font_style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) from a font name (`TimesNewRomanPS-BoldMT`, `Arial,Bold`, `VnTimeH-Bd`)."""
    font = fontname.lower()
    return ("bold" in font or font.endswith(",b") or "-bd" in font,
            "italic" in font or "oblique" in font or font.endswith(",i"))


def _word(w: dict) -> Word:
    bold, italic = font_style(w.get("fontname") or "")
    return Word(
        text=w["text"], x0=float(w["x0"]), top=float(w["top"]), x1=float(w["x1"]),
        bottom=float(w["bottom"]), bold=bold, italic=italic,
        size=float(w["size"]) if w.get("size") else None,
    )


# --------------------------------------------------------------------------- pdfium

def open_pdfium(path: Path):
    """pypdfium2 document, with file-level failures mapped to quarantine classes."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentError("encrypted", "the PDF is password-protected; ask the sender for an open copy") from exc
        raise DocumentError("corrupt", "the PDF cannot be parsed; the file may be truncated or damaged") from exc


class _Display:
    """Page space (PDF user units, origin bottom-left of the crop box) → display space
    (the page's /Rotate applied, origin top-left), as pdfplumber reports positions."""

    def __init__(self, page):
        left, bottom, right, top = page.get_cropbox()
        self.left, self.bottom = left, bottom
        self.w, self.h = right - left, top - bottom
        self.rotation = page.get_rotation() % 360

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.left, y - self.bottom
        r = self.rotation
        if r == 0:
            return x, self.h - y
        if r == 90:
            return y, x
        if r == 180:
            return self.w - x, y
        return self.h - y, self.w - x

    def upright(self, dx: float, dy: float) -> bool:
        """Does text running along (dx, dy) in page space read left to right on the displayed page?"""
        vx, vy = {0: (dx, -dy), 90: (dy, dx), 180: (-dx, dy), 270: (-dy, -dx)}.get(self.rotation, (0.0, 0.0))
        return vx > 0 and abs(vy) < 1e-3 * vx

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) in display space."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


@lru_cache(maxsize=1)
def _fast() -> dict:
    """pdfium text functions as fresh ctypes objects (pypdfium2's own stay untouched), cheaper per
    call than pypdfium2's wrappers. Those with `None` argtypes take ctypes objects as they are and
    Python ints as C int, ~40% cheaper again (a wider parameter gets a ctypes object)."""
    import pypdfium2_raw.bindings as bindings

    lib = bindings._libs["pdfium"]
    vp, i32 = ctypes.c_void_p, ctypes.c_int
    spec = {"FPDFText_GetTextObject": (None, vp), "FPDFText_GetLooseCharBox": (None, i32),
            "FPDFText_GetCharOrigin": (None, i32), "FPDFText_GetFontSize": (None, ctypes.c_double),
            "FPDFText_GetMatrix": (None, i32), "FPDFText_GetUnicode": ([vp, i32], ctypes.c_uint),
            "FPDFText_GetFontInfo": (None, ctypes.c_ulong)}
    out = {}
    for name, (args, res) in spec.items():
        fn = lib[name]
        fn.argtypes, fn.restype = args, res
        out[name.split("_", 1)[1]] = fn
    return out


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each match of `_WORD` in pdfium's page text."""
    if "\ufffe" in text:
        return [m.span() for m in _WORD.finditer(text)]
    # without a line-end hyphen a word is what lies between separators: cut there, no match object each
    offsets = [0, *accumulate(map(len, _SEPARATORS.split(text)))]
    spans = list(zip(offsets[0::2], offsets[1::2]))
    if spans and spans[-1][0] == spans[-1][1]:
        spans.pop()                       # the text ends with a separator
    if spans and spans[0][0] == spans[0][1]:
        del spans[0]                      # … or starts with one
    return spans


def _word_boxes(page: int, spans: list[tuple[int, int]]):
    """(first, last, x, y, right) per word: what `pdfium_words.c` computes (see there), through ctypes."""
    f = _fast()
    import pypdfium2.raw as R

    get_obj, origin, loose = f["GetTextObject"], f["GetCharOrigin"], f["GetLooseCharBox"]
    tpv = ctypes.c_void_p(page)
    rect, ox, oy = R.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    prect, pox, poy = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    first = [get_obj(tpv, start) or 0 for start, _ in spans]
    last, xs, ys, rights = [], [], [], []
    n = len(spans)
    for k, (start, end) in enumerate(spans):
        obj = first[k]
        last.append(obj if end - start == 1 or (obj and k + 1 < n and first[k + 1] == obj)
                    else get_obj(tpv, end - 1) or 0)
        origin(tpv, start, pox, poy)
        loose(tpv, end - 1, prect)
        xs.append(ox.value)
        ys.append(oy.value)
        rights.append(rect.right)
    return first, last, xs, ys, rights


def _style(styles: dict[tuple, tuple], key: tuple, display: _Display) -> tuple:
    """(font name, size, horizontal, bold, italic, shown size, upright on the displayed page) of
    (raw font name, font size, matrix a, b, c, d), kept in `styles`."""
    raw_name, raw_size, a, b, c, d = key
    size = raw_size * math.hypot(c, d)
    horizontal = abs(b) < 1e-3 * abs(a) and abs(c) < 1e-3 * abs(d) and a > 0 and d > 0
    name = raw_name.decode("latin-1").split("+", 1)[-1]
    got = styles[key] = (name, size, horizontal, *font_style(name),
                         round(size, 3) if size > 0 else None, display.upright(a, b))
    return got


def pdfium_words(textpage, display: _Display) -> list[Word]:
    """The words of one pdfium text page, in display coordinates.

    A word is a run of non-space chars of pdfium's text (pdfium inserts spaces at gaps and line
    breaks between lines); it is cut where the text object's font or size changes or the
    baseline jumps (pdfium joins a hyphenated line end to the next line: the hyphen stays on
    its line). Chars of one text object share font, size and orientation, looked up once.
    The per-word pdfium calls and the cutting into words run in the C helper when it is built
    (`native.page_words`); `word_spans` and `_word_boxes` are its Python twin (same words).
    """
    import pypdfium2.raw as R

    f = _fast()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    n = R.FPDFText_CountChars(textpage.raw)
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    if len(text) != n:                    # pdfium excluded/inserted a char: index by char instead
        text = "".join(chr(f["GetUnicode"](tp, i) or 32) for i in range(n))
    get_obj, loose, origin = f["GetTextObject"], f["GetLooseCharBox"], f["GetCharOrigin"]
    tpv = ctypes.c_void_p(tp)
    rect, matrix = R.FS_RECTF(), R.FS_MATRIX()
    prect, pmatrix = ctypes.byref(rect), ctypes.byref(matrix)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    name_buf = ctypes.create_string_buffer(256)
    buf_len = ctypes.c_ulong(256)
    flags = ctypes.c_int()                # kept alive: pdfium writes to its address
    pflags = ctypes.byref(flags)
    font_info, get_matrix, font_size = f["GetFontInfo"], f["GetMatrix"], f["GetFontSize"]
    objects: dict[int | None, tuple] = {}
    styles: dict[tuple, tuple] = {}       # the same font, size and matrix: the same attributes

    def style(key: tuple) -> tuple:
        got = styles.get(key)
        return got if got is not None else _style(styles, key, display)

    def attrs(i: int, obj: int | None) -> tuple:
        """The `style` of the text object drawing char i."""
        got = objects.get(obj)
        if got is None:
            font_info(tpv, i, name_buf, buf_len, pflags)
            get_matrix(tpv, i, pmatrix)
            got = objects[obj] = style((name_buf.value, font_size(tpv, i), matrix.a, matrix.b, matrix.c, matrix.d))
        return got

    words: list[Word] = []

    rotation, left, bottom_edge, page_h = display.rotation, display.left, display.bottom, display.h
    make = Word

    def add(start: int, end: int, font: tuple) -> None:
        name, size, horizontal, bold, italic, shown_size, upright = font
        word = text[start:end]        # (pdfium's line-end hyphen is already "-": see below)
        loose(tpv, end - 1, prect)
        if horizontal and size > 0:
            # pdfminer's box: x from the first char's origin to the last char's right edge,
            # y from the baseline (+ descent) up one font size
            origin(tpv, start, pox, poy)
            x0, x1, y0 = ox.value, rect.right, oy.value + DESCENT * size
            if rotation == 0:
                top = page_h - (y0 + size - bottom_edge)
                words.append(make(word, x0 - left, top, x1 - left, top + size, 1.0, bold, italic, shown_size))
                return
            box = display.box(x0, y0, x1, y0 + size)
        else:                             # rotated or vertical text: the union of the char boxes
            l2, b2, r2, t2 = rect.left, rect.bottom, rect.right, rect.top
            loose(tpv, start, prect)
            box = display.box(min(rect.left, l2), min(rect.bottom, b2), max(rect.right, r2), max(rect.top, t2))
            if upright and size > 0:      # drawn turned, shown upright (/Rotate): baseline + font size again
                origin(tpv, start, pox, poy)
                bottom = display.point(ox.value, oy.value)[1] - DESCENT * size
                box = (box[0], bottom - size, box[2], bottom)
        words.append(make(word, box[0], box[1], box[2], box[3], 1.0, bold, italic, shown_size))

    def baseline(i: int) -> float:
        origin(tpv, i, pox, poy)
        return oy.value

    upright_page = rotation == 0
    append = words.append
    native = page_words()
    run_styles: dict[int, tuple] = {}     # first word of a run → its object's style key (C helper)
    if native is not None and "\ufffe" not in text:
        found = native(tp, text)
        first_objs, last_objs, xs, ys, rights = found.first_objs, found.last_objs, found.xs, found.ys, found.rights
        spans = list(zip(found.starts, found.ends))
        run_styles = {k: key for k, key in found.runs if key is not None}
    else:
        spans = word_spans(text)
        first_objs, last_objs, xs, ys, rights = _word_boxes(tp or 0, spans)
    if "\ufffe" in text:
        text = text.replace("\ufffe", "-")   # pdfium's line-end hyphen, shown as "-" (same length)

    def general(k: int) -> None:
        """Word k, any case: cut where the font or the line changes inside it."""
        start, end = spans[k]
        first_obj, last_obj = first_objs[k], last_objs[k]
        first = objects.get(first_obj) or attrs(start, first_obj)
        if last_obj == first_obj:
            add(start, end, first)
            return
        if attrs(end - 1, last_obj)[:2] == first[:2] and first[2] and abs(baseline(start) - baseline(end - 1)) < 0.5:
            add(start, end, first)
            return
        # the font or the line changes inside the word: cut there (pdfplumber did too)
        piece, font, obj, y = start, first, first_obj, baseline(start)
        for i in range(start + 1, end):
            o = get_obj(tpv, i) or 0
            if o == obj:
                continue
            fi, yi = attrs(i, o), baseline(i)
            if fi[:2] != font[:2] or abs(yi - y) >= 0.5:
                add(piece, i, font)
                piece, font, y = i, fi, yi
            obj = o
        add(piece, end, font)

    # runs of words starting in one text object share its font, size and orientation
    n_words = len(spans)
    cuts = [k for k in range(1, n_words) if first_objs[k] != first_objs[k - 1]]
    cuts.append(n_words)
    k = 0
    for stop in cuts:
        obj = first_objs[k]
        first = objects.get(obj)
        if first is None:
            key = run_styles.get(k)
            first = objects[obj] = style(key) if key is not None else attrs(spans[k][0], obj)
        if not obj or not (upright_page and first[2] and first[1] > 0):
            for j in range(k, stop):
                general(j)
            k = stop
            continue
        # the common case: one text object, horizontal, page not turned; pdfminer's box: x from
        # the first char's origin to the last char's right edge, y from the baseline (+ descent)
        # up one font size
        size, bold, italic, shown = first[1], first[3], first[4], first[5]
        lift = DESCENT * size
        for j in range(k, stop):
            if last_objs[j] != obj:
                general(j)
                continue
            start, end = spans[j]
            top = page_h - (ys[j] + lift + size - bottom_edge)
            append(make(text[start:end], xs[j] - left, top, rights[j] - left, top + size, 1.0, bold, italic, shown))
        k = stop
    return words


def pdfium_images(page, display: _Display) -> tuple[list[tuple[float, float, float, float]], list[tuple[int, int]]]:
    """Display boxes and pixel sizes of the page's images (inside form XObjects too)."""
    import pypdfium2.raw as R

    out: list[tuple[float, float, float, float]] = []
    sizes: list[tuple[int, int]] = []
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    pw, ph = ctypes.c_uint(), ctypes.c_uint()
    matrix = R.FS_MATRIX()

    def walk(count, get, parent, transform, depth):
        for i in range(count(parent)):
            obj = get(parent, i)
            if not obj:
                continue
            kind = R.FPDFPageObj_GetType(obj)
            if kind == R.FPDF_PAGEOBJ_IMAGE:
                if R.FPDFImageObj_GetImagePixelSize(obj, pw, ph):
                    sizes.append((pw.value, ph.value))
                if R.FPDFPageObj_GetBounds(obj, l, b, r, t):
                    corners = [transform(x, y) for x in (l.value, r.value) for y in (b.value, t.value)]
                    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                    out.append(display.box(min(xs), min(ys), max(xs), max(ys)))
            elif kind == R.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
                inner = transform
                if R.FPDFPageObj_GetMatrix(obj, matrix):
                    a, bb, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f

                    def inner(x, y, outer=transform, a=a, bb=bb, c=c, d=d, e=e, f=f):
                        return outer(a * x + c * y + e, bb * x + d * y + f)
                # pdfium reports form children's bounds in the form's space
                walk(R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, obj, inner, depth + 1)

    walk(R.FPDFPage_CountObjects, R.FPDFPage_GetObject, page, lambda x, y: (x, y), 0)
    return out, sizes


def pdfium_annotation_rects(page, display: _Display) -> list[tuple[float, float, float, float]]:
    """Display boxes of the form-field / free-text / stamp annotations that have an appearance."""
    import pypdfium2.raw as R

    rects = []
    rect = R.FS_RECTF()
    for i in range(max(0, R.FPDFPage_GetAnnotCount(page))):
        annot = R.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            if (R.FPDFAnnot_GetSubtype(annot) in ANNOTATION_TYPES and R.FPDFAnnot_HasKey(annot, b"AP")
                    and R.FPDFAnnot_GetRect(annot, rect)):
                rects.append(display.box(min(rect.left, rect.right), min(rect.bottom, rect.top),
                                         max(rect.left, rect.right), max(rect.bottom, rect.top)))
        finally:
            R.FPDFPage_CloseAnnot(annot)
    return rects


# --------------------------------------------------------------------------- pdfplumber (fallback)

def open_pdf(path: Path):
    """pdfplumber handle, with file-level failures mapped to quarantine classes."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        return pdfplumber.open(str(path))
    except PDFPasswordIncorrect as exc:
        raise DocumentError("encrypted", "the PDF is password-protected; ask the sender for an open copy") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise DocumentError("encrypted", "the PDF is encrypted and cannot be opened") from exc
        raise DocumentError("corrupt", f"the PDF cannot be parsed ({name}); the file may be truncated or damaged") from exc


def read_pdf_words(page) -> list[Word]:
    """pdfplumber words of one page (the fallback reader)."""
    from pdfplumber.utils.text import WordExtractor

    # Fonts are often embedded as several subsets (`ABCDEF+TimesNewRomanPSMT`, `GHIJKL+...`) that
    # alternate inside one word; group on the base font name so words are not split at a subset change.
    chars = [dict(c, fontname=(c.get("fontname") or "").split("+", 1)[-1]) for c in page.chars]
    words = WordExtractor(extra_attrs=["fontname", "size"], keep_blank_chars=False,
                          use_text_flow=False, x_tolerance=1.5).extract_words(chars)
    return [_word(w) for w in words]


def _plumber_page(path: Path, index: int) -> tuple[list[Word], list, list, float, float]:
    """(words, image boxes, annotation boxes, width, height) of one page through pdfplumber."""
    with open_pdf(path) as pdf:
        page = pdf.pages[index - 1]
        try:
            words = read_pdf_words(page)
        except Exception as exc:
            raise DocumentError("corrupt", f"page {index} cannot be read ({type(exc).__name__})") from exc
        try:
            images = [(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])) for im in page.images]
        except Exception:
            images = []
        try:
            annots = [(float(a["x0"]), float(a["top"]), float(a["x1"]), float(a["bottom"])) for a in page.annots
                      if str((a.get("data") or {}).get("Subtype", "")).strip("/'") in ANNOTATION_TYPES.values()
                      and (a.get("data") or {}).get("AP")]
        except Exception:
            annots = []
        return words, images, annots, float(page.width), float(page.height)


# --------------------------------------------------------------------------- both

def annotation_words(path: Path, rects: list[tuple[float, float, float, float]], index: int,
                     existing: list[Word], timeout: float = 20.0) -> list[Word]:
    """Words drawn by form-field / stamp annotations (an e-signed copy's typed-in number and day,
    `Số: 507 /UBND-KGVX`), which the text layer does not hold: poppler renders annotation
    appearances, so take `pdftotext -bbox` words that fall inside an annotation rectangle."""
    import html
    import shutil
    import subprocess

    if not rects or not shutil.which("pdftotext"):
        return []
    try:
        out = subprocess.run(["pdftotext", "-q", "-f", str(index), "-l", str(index), "-bbox", str(path), "-"],
                             capture_output=True, timeout=timeout, check=False).stdout.decode("utf-8", "replace")
    except (subprocess.TimeoutExpired, OSError):
        return []
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out):
        x0, top, x1, bottom = map(float, m.groups()[:4])
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if any(w.x0 - 1 <= cx <= w.x1 + 1 and w.top - 1 <= cy <= w.bottom + 1 for w in existing):
            continue                  # page text that happens to lie under the annotation
        if any(r[0] - 1 <= cx <= r[2] + 1 and r[1] - 1 <= cy <= r[3] + 1 for r in rects):
            words.append(Word(text=html.unescape(m.group(5)), x0=x0, top=top, x1=x1, bottom=bottom,
                              size=bottom - top))
    return words


def _page(doc: Document, path: Path, index: int, words: list[Word], images: list, annots: list,
          width: float, height: float) -> Page:
    """Annotation text, legacy-encoding repair, lines and triage of one page's words."""
    if len(words) >= 50 and annots:
        words += annotation_words(path, annots, index, words)   # typed-in values of an e-signed copy
    legacy = repair_words(words)          # TCVN3/VNI text layer: decided per page
    if legacy:
        doc.notes.legacy_encoding[index] = legacy
    lines = build_lines(words, index, width, source="text")
    verdict = triage_page(words, "\n".join([line.text for line in lines]), images, width, height)
    doc.notes.triage[index] = PageTriage(
        method=verdict.method, reason=verdict.reason,
        regions=[(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)) for x0, top, x1, bottom in verdict.regions])
    if verdict.method == "ocr":
        lines = []                        # garbage or absent: OCR replaces it
    return Page(number=index, width=width, height=height, lines=lines, method="text" if lines else "empty")


def _start(doc: Document, n: int, limits: Limits) -> int:
    if n == 0:
        raise DocumentError("empty", "the PDF has no pages")
    if n > limits.max_pages:
        doc.warnings.append(f"only the first {limits.max_pages} of {n} pages were read")
    doc.notes.page_count = n
    return min(n, limits.max_pages)


def read_pdf_plumber(path: Path, limits: Limits) -> Document:
    """The whole document through pdfplumber (slow; comparisons and fallback)."""
    from extractors.safety import check_pdf

    check_pdf(path, limits)               # the per-page limits too (the pdfium reader checks them as it reads)
    doc = Document(path=str(path), format=InputFormat.PDF)
    with open_pdf(path) as pdf:
        count = _start(doc, len(pdf.pages), limits)
    for index in range(1, count + 1):
        doc.pages.append(_page(doc, path, index, *_plumber_page(path, index)))
    return doc


_PDF_DATE = re.compile(r"D:((?:19|20)\d\d)(\d\d)(\d\d)(?:(\d\d)(\d\d)?(?:\d\d)?(?:([Zz])|([+-])(\d\d)'?(\d\d)?)?)?")
VIETNAM_UTC_OFFSET = 7 * 60     # minutes: documents are dated in Vietnam time (UTC+7)


def pdf_day(value: str | None) -> str | None:
    """The Vietnamese calendar day (ISO) of a PDF date string (`D:20230611230000Z` → 2023-06-12):
    a time given in UTC or another offset is moved to UTC+7, so a paper signed early in the
    morning is not dated the day before."""
    from datetime import datetime, timedelta
    m = _PDF_DATE.search(value or "")
    if not m:
        return None
    try:
        day = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4) or 0), int(m.group(5) or 0))
    except ValueError:
        return None
    if m.group(6) or m.group(7):        # an offset from UTC is given: to Vietnam time
        offset = 0 if m.group(6) else (1 if m.group(7) == "+" else -1) * (int(m.group(8)) * 60 + int(m.group(9) or 0))
        day += timedelta(minutes=VIETNAM_UTC_OFFSET - offset)
    return day.date().isoformat()


def pdf_dates(pdf) -> PdfDates:
    """The file's own dates (ISO days): its creation date and the signing times of its digital
    signatures. A scan is usually made, and a file signed, on the day the paper was issued or
    soon after: evidence for a handwritten day (`fields.dates`). Never raises."""
    import ctypes

    import pypdfium2.raw as raw

    iso = pdf_day

    out = PdfDates()
    try:
        created = iso(pdf.get_metadata_dict().get("CreationDate"))
        if created:
            out.created.append(created)
        for i in range(min(raw.FPDF_GetSignatureCount(pdf.raw), 20)):
            sig = raw.FPDF_GetSignatureObject(pdf.raw, i)
            size = raw.FPDFSignatureObj_GetTime(sig, None, 0)
            if 0 < size <= 64:
                buf = ctypes.create_string_buffer(size)
                raw.FPDFSignatureObj_GetTime(sig, buf, size)
                day = iso(buf.value.decode("ascii", "replace"))
                if day:
                    out.signed.append(day)
    except Exception:  # metadata is evidence only: a damaged dictionary is no error
        pass
    return out


def read_pdf(path: Path, limits: Limits, opened=None) -> Document:
    """The whole document through pdfium; `opened`: the pypdfium2 document the pre-flight check
    opened (closed here)."""
    if setting("pdf_reader").lower() == "pdfplumber":
        if opened is not None:
            opened.close()
        return read_pdf_plumber(path, limits)
    import pypdfium2 as pdfium

    from extractors.safety import PDF_PAGE_DAMAGED, PDFIUM_LOCK, check_pdf_page

    doc = Document(path=str(path), format=InputFormat.PDF)
    fallback: list[int] = []
    read: list[tuple[int, list[Word], list, list, float, float]] = []
    with PDFIUM_LOCK:                     # pdfium is not thread-safe
        pdf = opened if opened is not None else open_pdfium(path)
        try:
            count = _start(doc, len(pdf), limits)
            doc.notes.pdf_dates = pdf_dates(pdf)
            for index in range(1, count + 1):
                try:
                    page = pdf[index - 1]
                except pdfium.PdfiumError as exc:
                    raise DocumentError("corrupt", PDF_PAGE_DAMAGED) from exc
                try:
                    display = _Display(page)
                    width, height = page.get_size()
                    images, pixel_sizes = pdfium_images(page, display)
                    textpage = page.get_textpage()
                    try:
                        # the hostile-input limits of this page (preflight left them to the reader)
                        check_pdf_page(index, pixel_sizes, (width, height), textpage.count_chars() > 0, limits)
                        words = pdfium_words(textpage, display)
                    finally:
                        textpage.close()
                    annots = pdfium_annotation_rects(page, display) if len(words) >= 50 else []
                    read.append((index, words, images, annots, float(width), float(height)))
                except pdfium.PdfiumError:
                    fallback.append(index)        # text page not loadable: pdfminer may read it
                finally:
                    page.close()
        finally:
            pdf.close()
    pages = {index: _page(doc, path, index, words, images, annots, width, height)
             for index, words, images, annots, width, height in read}
    for index in fallback:                # a page pdfium cannot read: pdfminer may
        doc.notes.pdfplumber_pages.append(index)
        pages[index] = _page(doc, path, index, *_plumber_page(path, index))
    doc.pages = [pages[i] for i in sorted(pages)]
    return doc
