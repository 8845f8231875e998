"""OCR with the tesseract CLI (Vietnamese) for scanned pages, images and image-only Word files.

Per page: grey image (large coloured marks — seals, stamps, signature scrawls — faded,
`render.to_grey`) → deskew (projection profile; turned only from 0.6°) → `tesseract
--psm 3 tsv` (one process per page reading a private scratch file, `OMP_THREAD_LIMIT=1`,
hard timeout that kills it) →
word boxes with confidence 0..1, wrong marks on dictionary words repaired (`ocr_fix`),
words lost next to seals/signatures re-read sparsely (`rescue_rows`) → `build_lines`, so
header/footer columns come out exactly as for a text layer. A page whose result does not
look like Vietnamese gets an orientation check (`--psm 0` OSD) and is OCR'd again turned
by 90/180/270°. Pages are OCR'd in parallel, one tesseract per core
(`CONGVAN_OCR_WORKERS`), each rendered once (200 dpi: as accurate as 300 dpi on the dev
scans, half the time). Bold is unknown on scans (left False). On a document's first page the
handwritten number and day of the header are read by `handwriting.read_header_slots`
(`CONGVAN_OCR_HANDWRITING=0` turns it off).
"""
from __future__ import annotations

import io
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from extractors.errors import DocumentError
from extractors.lang.quality import text_quality
from extractors.limits import Limits
from extractors.readers.lines import build_lines
from extractors.readers.proc import run_tool, scratch_dir
from models.enums import InputFormat
from models.layout import Document, Line, OcrNote, Page, Word
from models.settings import setting, settings

log = logging.getLogger("congvan.ocr")

TESSERACT = settings().tesseract
LANG = settings().ocr_lang
PSM = settings().ocr_psm
DESKEW = settings().ocr_deskew
MIN_UPSCALE_DPI = 200       # low-resolution images are enlarged to about OCR_TARGET_DPI first
OCR_TARGET_DPI = 300


def ocr_workers() -> int:
    value = setting("ocr_workers")
    return max(1, value) if value else max(1, os.cpu_count() or 1)


def _env() -> dict:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


# ---------------------------------------------------------------- tesseract calls

@contextmanager
def _image_input(image) -> Iterator[tuple[str, bytes | None]]:
    """(tesseract's input argument, bytes for its stdin) for a grey PIL image, as binary PGM/PPM
    (cheap to encode and to read): a file in the process's scratch folder, removed afterwards
    (tesseract reads a file for ~8% less CPU per page than the same bytes from stdin, which it
    takes a character at a time); through stdin where no file can be written (a full or tiny
    /dev/shm, as in some containers)."""
    path = None
    try:
        fd, path = tempfile.mkstemp(suffix=".pgm", dir=scratch_dir())
        with os.fdopen(fd, "wb") as handle:
            image.save(handle, format="PPM")
    except OSError:
        _unlink(path)
        path = None
    try:
        if path is None:
            buffer = io.BytesIO()
            image.save(buffer, format="PPM")
            yield "stdin", buffer.getvalue()
        else:
            yield path, None
    finally:
        _unlink(path)


def _unlink(path: str | None) -> None:
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def tesseract_tsv(image, dpi: float, limits: Limits, psm: str = PSM) -> list[dict]:
    """Word rows of tesseract's TSV output for a grey PIL image (pixel coordinates)."""
    with _image_input(image) as (source, data):
        cmd = [TESSERACT, source, "stdout", "-l", LANG, "--psm", str(psm), "--dpi", str(int(round(dpi))), "tsv"]
        out, _ = run_tool(cmd, timeout=limits.ocr_timeout, input=data, env=_env(), what="tesseract OCR")
    rows = []
    for raw in out.decode("utf-8", "replace").splitlines()[1:]:
        parts = raw.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(parts[i]) for i in range(6, 10))
            conf = float(parts[10])
        except ValueError:
            continue
        rows.append({"block": int(parts[2]), "par": int(parts[3]), "line": int(parts[4]),
                     "left": left, "top": top, "width": width, "height": height,
                     "conf": max(0.0, min(conf, 100.0)) / 100.0, "text": text})
    return rows


_OSD_ROTATE = re.compile(rb"Rotate:\s*(\d+)")
_OSD_CONF = re.compile(rb"Orientation confidence:\s*([\d.]+)")


def detect_orientation(image, dpi: float, limits: Limits) -> tuple[int, float]:
    """(degrees to turn the image clockwise, confidence) from tesseract OSD; (0, 0) when unsure."""
    try:
        with _image_input(image) as (source, data):
            cmd = [TESSERACT, source, "stdout", "--psm", "0", "--dpi", str(int(round(dpi)))]
            out, _ = run_tool(cmd, timeout=limits.ocr_timeout, input=data, env=_env(), what="tesseract OSD")
    except DocumentError as exc:
        if exc.error_class == "timeout":
            raise
        return 0, 0.0                       # too little text for OSD
    rotate, conf = _OSD_ROTATE.search(out), _OSD_CONF.search(out)
    if not rotate:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0


# ---------------------------------------------------------------- image preparation

def estimate_skew(image) -> float:
    """Skew angle in degrees (counter-clockwise positive) by the projection-profile method."""
    import numpy as np
    from PIL import Image

    small = image.copy()
    small.thumbnail((640, 640))
    ink = (np.asarray(small, dtype=np.uint8) < 140)
    if ink.mean() < 0.002:
        return 0.0
    ink_image = Image.fromarray((ink * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rotated = np.asarray(ink_image.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32)
        rows = rotated.sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max((a * 0.75 for a in range(-6, 7)), key=score)           # ±4.5° by 0.75°
    fine = max((best + a * 0.15 for a in range(-2, 3)), key=score)     # ±0.3° by 0.15°
    return fine


@dataclass
class OcrPage:
    words: list[Word] = field(default_factory=list)    # in the final image's pixel frame
    width: int = 0                                    # final image size (after any 90° turn)
    height: int = 0
    conf: float | None = None
    rotation: int = 0                                 # degrees turned clockwise
    skew: float = 0.0
    dpi: float = 0.0                                  # resolution of the input image
    handwriting: list = field(default_factory=list)   # `handwriting.Reading`s of the header slots


_NOISE = re.compile(r"^(?![-–—]+$)[\W_]+$")
_SPECKS = {"_", "|", "~", "`", "^", "¬", "'", "\"", "“", "”", "‘", "’", "\\", "°", "*"}


def _clean_rows(rows: list[dict]) -> list[dict]:
    """Drop specks: low-confidence tokens without a letter or digit (stamp and signature strokes)."""
    return [r for r in rows if not (_NOISE.match(r["text"]) and (r["conf"] < 0.6 or len(r["text"]) > 3
                                                              or r["text"] in _SPECKS))]


def _words(rows: list[dict]) -> list[Word]:
    """Word boxes (in the deskewed image's frame, so a line stays one row).

    Every word gets the vertical extent of its tesseract text line, so `build_lines`
    keeps tesseract's line grouping (a short `Y` or `do` is not split off its line).
    """
    from statistics import median

    from extractors.readers.ocr_fix import repair_words

    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["block"], row["par"], row["line"]), []).append(row)
    for group in groups.values():               # wrong marks on known words: `Y TẺ` → `Y TẾ`
        fixed = repair_words([r["text"] for r in group], [r["conf"] for r in group])
        for row, text in zip(group, fixed):
            row["text"] = text
    extents = {key: (median(r["top"] for r in group), median(r["top"] + r["height"] for r in group))
               for key, group in groups.items()}
    words = []
    for row in rows:
        x0, x1 = row["left"], row["left"] + row["width"]
        top, bottom = row["top"], row["top"] + row["height"]
        line_top, line_bottom = extents[(row["block"], row["par"], row["line"])]
        if line_top <= (top + bottom) / 2 <= line_bottom:
            top, bottom = line_top, line_bottom
        words.append(Word(text=row["text"], x0=float(x0), top=float(top), x1=float(x1), bottom=float(bottom),
                          conf=row["conf"]))
    return words


def _score(rows: list[dict]) -> float:
    text = " ".join(r["text"] for r in rows)
    quality = text_quality(text)
    return quality.tokens * quality.valid * (0.5 + 0.5 * quality.marked)


def _looks_wrong(rows: list[dict]) -> bool:
    if len(rows) < 15:
        return True
    quality = text_quality(" ".join(r["text"] for r in rows))
    mean_conf = sum(r["conf"] for r in rows) / len(rows)
    return quality.valid < 0.6 or quality.marked < 0.15 or mean_conf < 0.55


def ocr_page_image(image, dpi: float, limits: Limits, header: bool = False) -> OcrPage:
    """OCR one grey page image (any orientation) into words in its (possibly turned) pixel frame.

    `header`: the first page of a document — its handwritten number and day are read
    (`handwriting.read_header_slots`) and added as words of their lines."""
    from PIL import Image

    scale, input_dpi = 1.0, dpi
    marks = image.info.get("colour_marks") or []
    if dpi < MIN_UPSCALE_DPI:
        scale = OCR_TARGET_DPI / dpi
        image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
        dpi = dpi * scale
    angle = estimate_skew(image) if DESKEW else 0.0
    # small skews are left to tesseract (line grouping copes); larger ones are turned straight
    work = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255) if abs(angle) >= 0.6 else image
    angle = angle if work is not image else 0.0
    rows = tesseract_tsv(work, dpi, limits)
    rotation = 0
    if _looks_wrong(rows):
        turn, conf = detect_orientation(image, dpi, limits)
        if turn in (90, 180, 270) and conf >= 1.0:
            turned = image.rotate(-turn, expand=True, fillcolor=255)   # PIL turns counter-clockwise
            turned_rows = tesseract_tsv(turned, dpi, limits)
            if _score(turned_rows) > _score(rows):
                rows, work, angle, rotation = turned_rows, turned, 0.0, turn
    rows = _clean_rows(rows)
    if RESCUE:
        rows += rescue_rows(work, rows, dpi, limits)
        if marks and scale == 1.0 and work is image:    # (boxes are in the unturned page's pixels)
            rows += rescue_coloured_names(marks, rows, work.height, dpi, limits)
    words = _words(rows)
    readings: list = []
    if header and HANDWRITING:
        from extractors.readers.handwriting import read_header_slots
        words, readings = read_header_slots(work, words, dpi)
    if scale != 1.0:
        for word in words:
            word.x0, word.top, word.x1, word.bottom = (v / scale for v in (word.x0, word.top, word.x1, word.bottom))
    total = sum(len(w.text) for w in words)
    mean = sum(w.conf * len(w.text) for w in words) / total if total else None
    return OcrPage(words=words, width=int(work.width / scale), height=int(work.height / scale),
                   conf=mean, rotation=rotation, skew=angle, dpi=input_dpi, handwriting=readings)


HANDWRITING = settings().ocr_handwriting
RESCUE = settings().ocr_rescue


def _uncovered_regions(image, rows: list[dict], dpi: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of large inked areas in the lower page that no OCR word covers (a seal,
    a signature scrawl, and often the signer's name that page segmentation dropped with them)."""
    import numpy as np

    from extractors.readers.render import components

    cell = max(1, int(round(dpi / 25.4)))               # 1 mm cells
    arr = np.asarray(image, dtype=np.uint8)
    h, w = arr.shape[0] // cell * cell, arr.shape[1] // cell * cell
    # a cell is inked when any of its pixels is dark (a mean would lose thin strokes of a crisp scan)
    ink = arr[:h, :w].reshape(h // cell, cell, w // cell, cell).min(axis=(1, 3)) < 128
    for r in rows:                                      # what OCR already read is covered
        x0, y0 = max(0, r["left"] // cell - 1), max(0, r["top"] // cell - 1)
        x1, y1 = (r["left"] + r["width"]) // cell + 2, (r["top"] + r["height"]) // cell + 2
        ink[y0:y1, x0:x1] = False
    ink[: int(ink.shape[0] * 0.35)] = False           # signing blocks are in the lower part
    boxes = []
    for top, bottom, left, right, count in components(ink, diagonal=True):
        if right - left >= 20 and bottom - top >= 10 and count >= 40:
            padx, pady = 35, 12                          # mm around: the name line touching it
            boxes.append((max(0, (left - padx) * cell), max(0, (top - pady) * cell),
                          min(image.width, (right + padx) * cell), min(image.height, (bottom + pady) * cell)))
    return boxes[:3]


def rescue_rows(image, rows: list[dict], dpi: float, limits: Limits) -> list[dict]:
    """Words that page segmentation lost next to seals and signatures, read with sparse-text
    segmentation (`--psm 11`) in those areas; only confident runs of Vietnamese syllables
    (a name, a title) that overlap nothing already read are added."""
    from extractors.lang.syllable import is_syllable

    added: list[dict] = []
    for box in _uncovered_regions(image, rows, dpi):
        found = tesseract_tsv(image.crop(box), dpi, limits, psm="11")
        lines: dict[tuple, list[dict]] = {}
        for r in found:
            r["left"] += box[0]
            r["top"] += box[1]
            r["block"] += 1000 * (len(added) + 1)
            lines.setdefault((r["block"], r["par"], r["line"]), []).append(r)
        for group in lines.values():
            good = [r for r in group if r["conf"] >= 0.8 and r["text"].isalpha() and is_syllable(r["text"])]
            if len(good) < 2 or len(good) != len(group):
                continue
            if any(_overlaps(r, other) for r in good for other in rows + added):
                continue
            added.extend(good)
    return added


_DEGREE = re.compile(r"^(?:BS|TS|ThS|PGS|GS|CN|DS|KS|Ths|BSCKI+|BSCK\.?I+)\.?(?:,)?$")


def rescue_coloured_names(marks, rows: list[dict], height: int, dpi: float, limits: Limits) -> list[dict]:
    """A signer's name stamped in red (or blue) ink beside the seal, which `render.to_grey` faded with
    the seal: the faded boxes of the lower page are read again with their coloured ink dark
    (`--psm 11`), and a confident line of capitalised Vietnamese syllables (a degree such as `BS.`
    may lead it) that overlaps nothing already read is added."""
    from extractors.lang.syllable import is_syllable

    added: list[dict] = []
    for n, (box, crop) in enumerate(marks[:4]):
        if box[1] < 0.35 * height:
            continue                    # signing blocks are in the lower part of the page
        found = tesseract_tsv(crop, dpi, limits, psm="11")
        lines: dict[tuple, list[dict]] = {}
        for r in found:
            r["left"] += box[0]
            r["top"] += box[1]
            r["block"] += 2000 * (n + 1)
            lines.setdefault((r["block"], r["par"], r["line"]), []).append(r)
        for group in lines.values():
            group = sorted(group, key=lambda r: r["left"])
            core = group[1:] if _DEGREE.match(group[0]["text"]) else group
            if not 2 <= len(core) <= 5 or any(
                    not (r["text"].isalpha() and r["text"][0].isupper() and r["text"][1:].islower()
                         and is_syllable(r["text"]) and r["conf"] >= 0.6) for r in core):
                continue
            if any(_overlaps(r, other) for r in group for other in rows + added):
                continue
            added.extend(group)
    return added


def _overlaps(a: dict, b: dict) -> bool:
    return (a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"]
            and a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"])


def ocr_many(jobs, limits: Limits, header=None):
    """OCR an iterable of (key, grey image, dpi) in parallel; yield (key, OcrPage) in input order.

    `header(key)` tells the document's first page (its header slots are read for handwriting).
    At most two images per worker are held in memory at once.
    """
    workers = ocr_workers()
    first = header or (lambda key: False)
    if workers == 1:
        for key, image, dpi in jobs:
            yield key, ocr_page_image(image, dpi, limits, first(key))
        return
    pending = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for key, image, dpi in jobs:
                pending.append((key, pool.submit(ocr_page_image, image, dpi, limits, first(key))))
                while len(pending) >= 2 * workers:
                    key0, future = pending.pop(0)
                    yield key0, future.result()
            for key0, future in pending:
                yield key0, future.result()
        finally:
            for _, future in pending:
                future.cancel()


# ---------------------------------------------------------------- layout pages

def _scaled(words: list[Word], factor: float, dx: float = 0.0, dy: float = 0.0) -> list[Word]:
    for word in words:
        word.x0, word.x1 = word.x0 * factor + dx, word.x1 * factor + dx
        word.top, word.bottom = word.top * factor + dy, word.bottom * factor + dy
    return words


def page_from_ocr(number: int, result: OcrPage, units_per_pixel: float) -> Page:
    """A layout page (points) from an OCR result."""
    words = _scaled(result.words, units_per_pixel)
    width, height = result.width * units_per_pixel, result.height * units_per_pixel
    lines = build_lines(words, number, width, source="ocr", page_height=height)
    return Page(number=number, width=width, height=height, lines=lines,
                method="ocr" if lines else "empty", ocr_conf=_round(result.conf))


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _note(doc: Document, number: int, result: OcrPage, how: str) -> None:
    doc.notes.ocr[number] = OcrNote(method=how, conf=_round(result.conf), rotation=result.rotation,
                                    skew=round(result.skew, 2), words=len(result.words))
    if result.handwriting:
        doc.notes.handwriting = [reading.note() for reading in result.handwriting]


def _inside(line: Line, box) -> bool:
    cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def complete_pdf(doc: Document, path: Path, limits: Limits) -> Document:
    """OCR the PDF pages (or image regions of pages) that triage marked for OCR."""
    from extractors.readers.render import render_pdf_pages

    triage = doc.notes.triage
    todo = [page.number for page in doc.pages
            if page.number in triage and triage[page.number].method in ("ocr", "hybrid")]
    if not todo:
        return doc
    pages = {page.number: page for page in doc.pages}

    def jobs():
        for number, image, dpi in render_pdf_pages(path, todo, limits):
            page = pages[number]
            info = triage[number]
            per_px = page.width / image.width
            if info.method == "ocr":
                yield (number, None), image, dpi
                continue
            for index, box in enumerate(info.regions):
                crop = image.crop(tuple(int(round(v / per_px)) for v in box))
                crop.info.pop("colour_marks", None)        # (boxes in the whole page's pixels)
                yield (number, index), crop, dpi

    for (number, region), result in ocr_many(jobs(), limits, header=lambda key: key == (1, None)):
        page = pages[number]
        info = triage[number]
        if region is None:
            per_px = page.width / max(result.width, 1) if not result.rotation % 180 else page.height / max(result.width, 1)
            new = page_from_ocr(number, result, per_px)
            page.lines, page.method, page.ocr_conf = new.lines, new.method, new.ocr_conf
            page.width, page.height = new.width, new.height
            _note(doc, number, result, "ocr")
            continue
        box = info.regions[region]
        per_px = (box[2] - box[0]) / max(result.width, 1)
        words = _scaled(result.words, per_px, box[0], box[1])
        kept = [line for line in page.lines if not (line.source != "ocr" and _inside(line, box))]
        ocr_lines = build_lines(words, number, page.width, source="ocr", page_height=page.height)
        page.lines = sorted(kept + ocr_lines, key=lambda l: (round(l.top), l.x0))
        page.method = "hybrid"
        page.ocr_conf = _round(result.conf) if page.ocr_conf is None else min(page.ocr_conf, _round(result.conf) or 1.0)
        _note(doc, number, result, "hybrid")
    doc.notes.ocr_pages = len(todo)
    return doc


def docx_images(path: Path, limits: Limits) -> list[bytes]:
    """The images of a Word file in document order (inline, anchored and VML pictures)."""
    import docx

    document = docx.Document(str(path))
    part = document.part
    blobs, seen = [], set()
    r_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    for element in document.element.body.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("blip", "imagedata"):
            continue
        rid = element.get(f"{r_ns}embed") or element.get(f"{r_ns}id")
        if not rid or rid in seen or rid not in part.related_parts:
            continue
        seen.add(rid)
        blob = part.related_parts[rid].blob
        if len(blob) > limits.max_decompressed_bytes:
            raise DocumentError("too_large", "an embedded image is larger than the configured limit")
        blobs.append(blob)
    return blobs


MIN_SCAN_SIDE = 600          # pixels: smaller embedded pictures are logos or signatures
IMAGE_ONLY_CHARS = 200       # a Word file with less text than this and page images is a scan


def complete_docx(doc: Document, path: Path, limits: Limits) -> Document:
    """A Word file that holds only page images: OCR each image as one page, in order."""
    chars = sum(len(line.text) for line in doc.lines)
    if chars >= IMAGE_ONLY_CHARS or not doc.notes.images:
        return doc
    from PIL import Image

    from extractors.readers.render import image_dpi, to_grey

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels

    def jobs():
        number = 0
        for blob in docx_images(path, limits):
            try:
                image = Image.open(io.BytesIO(blob))
                if image.width * image.height > limits.max_image_pixels:
                    raise DocumentError("too_large", "an embedded image has more pixels than the limit")
                if min(image.size) < MIN_SCAN_SIDE:
                    continue
                dpi = image_dpi(image)
                grey = to_grey(image, dpi)
            except DocumentError:
                raise
            except Exception:
                continue                    # formats PIL cannot decode (EMF/WMF drawings)
            number += 1
            yield number, grey, dpi

    pages = []
    for number, result in ocr_many(jobs(), limits, header=lambda key: key == 1):
        page = page_from_ocr(number, result, 72.0 / (result.dpi or 200.0))
        pages.append(page)
        _note(doc, number, result, "ocr")
    if pages:
        text_lines = doc.lines
        doc.pages = pages
        if text_lines:                  # a caption or two typed around the pictures: keep it on page 1
            pages[0].lines = sorted(pages[0].lines + [l for l in text_lines], key=lambda l: (l.top, l.x0))
        doc.notes.ocr_pages = len(pages)
        doc.notes.image_only = True
    return doc


def complete_with_ocr(doc: Document, path: Path, limits: Limits) -> Document:
    """Fill pages whose text layer is absent or garbage with OCR; returns the same document."""
    if doc.format == "pdf":
        return complete_pdf(doc, path, limits)
    if doc.format in ("docx", "doc"):
        return complete_docx(doc, path, limits)
    return doc


def read_image(path: Path, limits: Limits) -> Document:
    """An image file (JPEG, PNG, TIFF — every frame of a multi-page TIFF) through OCR."""
    from extractors.readers.render import open_image_frames

    doc = Document(path=str(path), format=InputFormat.IMAGE)

    def jobs():
        for number, (image, dpi) in enumerate(open_image_frames(path, limits), start=1):
            if number > limits.max_pages:
                doc.warnings.append(f"only the first {limits.max_pages} frames were read")
                return
            yield (number, dpi), image, dpi

    for (number, dpi), result in ocr_many(jobs(), limits, header=lambda key: key[0] == 1):
        doc.pages.append(page_from_ocr(number, result, 72.0 / dpi))
        _note(doc, number, result, "ocr")
    if not doc.pages:
        raise DocumentError("empty", "the image file has no frames")
    doc.notes.ocr_pages = len(doc.pages)
    return doc
