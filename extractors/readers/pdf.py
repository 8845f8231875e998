"""PDF with a text layer, through pdfplumber, keeping word positions and font style.

Each page is triaged (`extractors.readers.triage`): a trusted text layer is kept; a page
whose layer is absent or garbage, or the scanned image regions of a hybrid page, are
listed in `doc.meta["triage"]` for OCR (`extractors.readers.ocr.complete_with_ocr`).
"""
from __future__ import annotations

from pathlib import Path

from extractors.encodings import repair_words
from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.readers.lines import build_lines
from extractors.readers.triage import triage_page
from models.layout import Document, Page, Word


def _word(w: dict) -> Word:
    font = (w.get("fontname") or "").lower()
    return Word(
        text=w["text"], x0=float(w["x0"]), top=float(w["top"]), x1=float(w["x1"]),
        bottom=float(w["bottom"]), bold="bold" in font or font.endswith(",b") or "-bd" in font,
        italic="italic" in font or "oblique" in font or font.endswith(",i"),
        size=float(w["size"]) if w.get("size") else None,
    )


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
    from pdfplumber.utils.text import WordExtractor

    # Fonts are often embedded as several subsets (`ABCDEF+TimesNewRomanPSMT`, `GHIJKL+...`) that
    # alternate inside one word; group on the base font name so words are not split at a subset change.
    chars = [dict(c, fontname=(c.get("fontname") or "").split("+", 1)[-1]) for c in page.chars]
    words = WordExtractor(extra_attrs=["fontname", "size"], keep_blank_chars=False,
                          use_text_flow=False, x_tolerance=1.5).extract_words(chars)
    return [_word(w) for w in words]


def annotation_words(path: Path, page, index: int, existing: list[Word], timeout: float = 20.0) -> list[Word]:
    """Words drawn by form-field / stamp annotations (an e-signed copy's typed-in number and day,
    `Số: 507 /UBND-KGVX`), which pdfplumber does not read: poppler renders annotation appearances,
    so take `pdftotext -bbox` words that fall inside an annotation rectangle."""
    import html
    import re
    import shutil
    import subprocess

    try:
        rects = [(float(a["x0"]), float(a["top"]), float(a["x1"]), float(a["bottom"])) for a in page.annots
                 if str((a.get("data") or {}).get("Subtype", "")).strip("/'") in ("Widget", "FreeText", "Stamp")
                 and (a.get("data") or {}).get("AP")]
    except Exception:
        return []
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


def read_pdf(path: Path, limits: Limits) -> Document:
    doc = Document(path=str(path), format="pdf")
    with open_pdf(path) as pdf:
        n = len(pdf.pages)
        if n == 0:
            raise DocumentError("empty", "the PDF has no pages")
        if n > limits.max_pages:
            doc.warnings.append(f"only the first {limits.max_pages} of {n} pages were read")
        doc.meta["page_count"] = n
        for index, page in enumerate(pdf.pages[: limits.max_pages], start=1):
            try:
                words = read_pdf_words(page)
            except Exception as exc:
                raise DocumentError("corrupt", f"page {index} cannot be read ({type(exc).__name__})") from exc
            if len(words) >= 50 and page.annots:
                words += annotation_words(path, page, index, words)   # typed-in values of an e-signed copy
            legacy = repair_words(words)          # TCVN3/VNI text layer: decided per page
            if legacy:
                doc.meta.setdefault("legacy_encoding", {})[str(index)] = legacy
            width, height = float(page.width), float(page.height)
            lines = build_lines(words, index, width, source="text")
            try:
                images = [(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"]))
                          for im in page.images]
            except Exception:
                images = []
            verdict = triage_page(words, "\n".join(line.text for line in lines), images, width, height)
            doc.meta.setdefault("triage", {})[str(index)] = {
                "method": verdict.method, "reason": verdict.reason,
                "regions": [tuple(round(v, 1) for v in box) for box in verdict.regions]}
            if verdict.method == "ocr":
                lines = []                    # garbage or absent: OCR replaces it
            doc.pages.append(Page(number=index, width=width, height=height,
                                  lines=lines, method="text" if lines else "empty"))
    return doc
