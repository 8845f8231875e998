"""Page images for OCR: PDF pages rendered once with pypdfium2, image files decoded with PIL.

Resolution: `OCR_DPI` (measured on the dev scans, see benchmarks/ocr.py and the OCR
notes in `extractors/readers/ocr.py`), lowered for pages that would exceed
`Limits.max_page_pixels`.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractors.errors import DocumentError
from extractors.limits import Limits
from models.settings import settings

OCR_DPI = settings().ocr_dpi   # dev scans: 200 dpi as accurate as 300, 2x faster
MIN_DPI = 100


def render_dpi(width_pt: float, height_pt: float, limits: Limits, dpi: int = OCR_DPI) -> int:
    """The OCR resolution for a page of this size, within the pixel limit."""
    pixels = width_pt * height_pt * (dpi / 72.0) ** 2
    if pixels <= limits.max_page_pixels:
        return dpi
    fit = int(72.0 * (limits.max_page_pixels / max(width_pt * height_pt, 1.0)) ** 0.5)
    if fit < MIN_DPI:
        raise DocumentError("too_large", f"a page of {width_pt:.0f}×{height_pt:.0f} pt is too large to OCR "
                                         f"within {limits.max_page_pixels} pixels")
    return fit


def render_pdf_pages(path: Path, numbers: list[int], limits: Limits, dpi: int = OCR_DPI) -> Iterator[tuple[int, Any, int]]:
    """Yield (page number, grey PIL image, dpi) for the 1-based `numbers`, each rendered once.

    pdfium applies the page's /Rotate, so the image is in display orientation.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:
        raise DocumentError("corrupt", f"the PDF cannot be rendered ({type(exc).__name__})") from exc
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()      # display size (rotation applied)
                page_dpi = render_dpi(width, height, limits, dpi)
                bitmap = page.render(scale=page_dpi / 72.0)
                image = to_grey(bitmap.to_pil(), page_dpi)
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError("corrupt", f"page {number} cannot be rendered ({type(exc).__name__})") from exc
            finally:
                page.close()
            yield number, image, page_dpi
    finally:
        pdf.close()


def open_image_frames(path: Path, limits: Limits) -> Iterator[tuple[object, float]]:
    """Yield (grey PIL image, dpi) per frame of an image file (multi-page TIFF gives several)."""
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise DocumentError("too_large", "the image has more pixels than the configured limit") from exc
    except Exception as exc:
        raise DocumentError("corrupt", f"the image cannot be decoded ({type(exc).__name__})") from exc
    with image:
        for frame in ImageSequence.Iterator(image):
            w, h = frame.size
            if w * h > limits.max_image_pixels:
                raise DocumentError("too_large", f"the image is {w}×{h} pixels, over the limit")
            try:
                grey = to_grey(frame, image_dpi(frame))
            except Exception as exc:
                raise DocumentError("corrupt", f"the image cannot be decoded ({type(exc).__name__})") from exc
            yield grey, image_dpi(frame)


def to_grey(image, dpi: float = 200.0) -> Any:
    """A grey copy of `image` for OCR: transparency flattened on white; large coloured marks
    (red seals, `ĐẾN` stamps, blue signature scrawls) faded out, the black text under them
    kept; small coloured text (a stamped name, handwritten digits) kept. The faded boxes, with
    their coloured ink dark, ride along in `info["colour_marks"]` for `ocr.rescue_coloured_names`."""
    from PIL import Image, ImageChops

    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        image = background
    if image.mode in ("RGB", "RGBA", "CMYK", "YCbCr"):
        rgb = image if image.mode == "RGB" else image.convert("RGB")   # (read only below)
        grey = rgb.convert("L")
        boxes = colour_mark_boxes(rgb, dpi)
        marks = []
        if boxes:
            r, g, b = rgb.split()
            brightest = ImageChops.lighter(ImageChops.lighter(r, g), b)   # coloured ink → light, black stays
            darkest = ImageChops.darker(ImageChops.darker(r, g), b)       # coloured ink → dark
            for box in boxes:
                grey.paste(brightest.crop(box), box[:2])
                mm = dpi / 25.4         # with the name's place: beside and under the seal
                around = (max(0, box[0] - int(5 * mm)), max(0, box[1] - int(5 * mm)),
                          min(rgb.width, box[2] + int(45 * mm)), min(rgb.height, box[3] + int(15 * mm)))
                marks.append((around, darkest.crop(around)))
        out = whiten_paper(grey)
        if marks:   # the faded areas with their coloured ink kept: a name stamped in red beside the seal
            out.info["colour_marks"] = marks
        return out
    return whiten_paper(image.convert("L"))


def whiten_paper(grey) -> Any:
    """A scan placed on a white page (a Word file of page photos saved as PDF): its grey paper
    (a peak of 170–240 over a quarter of the page, beside white margins) is lifted to white, or
    tesseract takes the whole scan for one picture and reads nothing in it."""
    import numpy as np

    hist = np.array(grey.histogram(), dtype=np.int64) / max(grey.width * grey.height, 1)   # PIL's: no array copy
    peak = 170 + int(hist[170:241].argmax())
    if hist[250:].sum() < 0.15 or hist[max(170, peak - 12): peak + 13].sum() < 0.25:
        return grey
    scale = 255.0 / max(peak - 8, 1)
    return grey.point(lambda v: min(255, int(v * scale)))


SEAL_MIN_MM = 16.0          # coloured marks this tall and wide are seals or stamps
STROKE_MIN_MM = 32.0        # coloured marks this wide are signature scrawls, not words


def colour_mark_boxes(rgb, dpi: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of large coloured marks (round seals, receipt stamps, signatures).

    Coloured text (a stamped title or name, a handwritten number) is made of marks a few
    mm tall and under a few cm wide, and is kept. Connected regions on a 0.5 mm grid.
    """
    import numpy as np

    cell = max(1, int(round(dpi / 50.8)))            # pixels per 0.5 mm
    small = rgb.reduce(cell) if cell > 1 else rgb
    arr = np.asarray(small, dtype=np.int16)
    high, low = arr.max(axis=2), arr.min(axis=2)
    mask = (high > 90) & (high - low > 55)
    if mask.mean() < 0.0005:
        return []
    grown = mask.copy()                              # join the strokes of one mark
    grown[1:, :] |= mask[:-1, :]
    grown[:-1, :] |= mask[1:, :]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    boxes = []
    seal, stroke = SEAL_MIN_MM * 2, STROKE_MIN_MM * 2
    for top, bottom, left, right, _ in components(grown, diagonal=False):
        h, w = bottom - top + 1, right - left + 1
        if (h >= seal and w >= seal) or w >= stroke:
            pad = 2
            boxes.append((max(0, (left - pad) * cell), max(0, (top - pad) * cell),
                          min(rgb.width, (right + 1 + pad) * cell), min(rgb.height, (bottom + 1 + pad) * cell)))
    return boxes



def components(mask, diagonal: bool) -> list[tuple[int, int, int, int, int]]:
    """Connected regions of a boolean grid: (top, bottom, left, right, cell count) each.

    4-connected, or 8-connected with `diagonal`. Used on coarse (mm) grids only.
    """
    import numpy as np

    height, width = mask.shape
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if diagonal:
        steps += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    seen = np.zeros_like(mask)
    regions = []
    for y0, x0 in np.argwhere(mask):
        if seen[y0, x0]:
            continue
        stack = [(int(y0), int(x0))]
        seen[y0, x0] = True
        top = bottom = int(y0)
        left = right = int(x0)
        count = 0
        while stack:
            y, x = stack.pop()
            count += 1
            top, bottom, left, right = min(top, y), max(bottom, y), min(left, x), max(right, x)
            for dy, dx in steps:
                ny, nx = y + dy, x + dx
                if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        regions.append((top, bottom, left, right, count))
    return regions


def image_dpi(image) -> float:
    """Resolution of a scanned page image: its stored dpi when plausible, else from an A4 page size."""
    w, h = image.size
    info = image.info.get("dpi")
    try:
        dpi = float(info[0]) if info else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    estimated = max(w, h) / 11.69
    if 70 <= dpi <= 1200 and 0.5 <= dpi / max(estimated, 1.0) <= 2.0:
        return dpi
    return max(estimated, 50.0)
