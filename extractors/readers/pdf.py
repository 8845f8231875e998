"""PDF with a text layer, through pdfplumber, keeping word positions and font style.

Pages whose text layer is missing or unusable are left for OCR (`extractors.readers.ocr`);
`read_pdf` marks them `method="empty"` and the dispatcher decides.
"""
from __future__ import annotations

from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.readers.lines import build_lines
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
            lines = build_lines(words, index, float(page.width), source="text")
            doc.pages.append(Page(number=index, width=float(page.width), height=float(page.height),
                                  lines=lines, method="text" if lines else "empty"))
    return doc
