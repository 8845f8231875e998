"""Pre-flight checks on untrusted files, before any reader parses them.

Every check is bounded in time and memory and raises `DocumentError` with a quarantine
class and a message a clerk can act on:

- DOCX (a ZIP of XML parts): member count, sum of declared sizes, per-member
  compression ratio (zip bomb) from the ZIP directory, then the same limits again while
  streaming every member in 1 MiB chunks (sizes in the directory can lie). Every XML
  part is scanned with expat: any DOCTYPE/ENTITY declaration is `unsafe_content`
  (OOXML forbids DTDs; no entity is ever expanded or fetched), and paragraphs, tables
  and cells of `word/document.xml` are counted against `Limits.max_docx_elements`.
- PDF: missing end-of-file marker (truncated download), encryption (an empty user
  password opens normally; a real one is `encrypted`), page count, embedded image
  pixels, and pages without a text layer too large to OCR even at the lowest render
  resolution — read with pdfium from the object tables, nothing is decoded or rendered.
- Images: decoded pixel count from the header only. Plain text: its size.
- OLE2 files (`.doc`, and `.docx` saved with a password, which Word stores as OLE2):
  password protection (msoffcrypto-tool), before LibreOffice is started.
- After reading (`check_content`): a text file whose characters cannot be Vietnamese
  in any known encoding, and a readable document with no Vietnamese text at all.

Rule for `not_a_document` (language): ND30 documents are written in Vietnamese with a
Unicode font (TCVN 6909). A document with at least `MIN_WORDS_FOR_LANGUAGE` words of
which fewer than `MIN_VIETNAMESE_WORD_SHARE` contain a letter that only Vietnamese
uses (đ ă ơ ư, or a vowel with hook above, dot below or a stacked tone mark) is not a
Vietnamese administrative document.
"""
from __future__ import annotations

import re
import threading
import unicodedata
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from extractors.errors import DocumentError
from extractors.limits import Limits
from models.layout import Document

MiB = 1 << 20
CHUNK = MiB
RATIO_FLOOR = MiB                 # members smaller than this are never judged by ratio
TAIL_BYTES = 16384                # where a PDF's %%EOF marker must be (readers look in the last 1 KiB)
MIN_WORDS_FOR_LANGUAGE = 40
MIN_VIETNAMESE_WORD_SHARE = 0.05
MAX_SUSPICIOUS_CHAR_SHARE = 0.05  # of non-space characters, for text files

# pdfium is not thread-safe and Prefect runs tasks in threads: serialise our calls.
PDFIUM_LOCK = threading.RLock()

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECL_PATTERNS = tuple(
    p for word in ("<!doctype", "<!entity")
    for p in (word.encode("ascii"), word.encode("utf-16-le"), word.encode("utf-16-be"))
)
_OVERLAP = max(len(p) for p in _DECL_PATTERNS)


def _mib(n: float) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n / 1024:.0f} KiB"


def _vietnamese_letters() -> tuple[frozenset[str], frozenset[str]]:
    """(all Vietnamese letters, the ones no Latin-1 language uses), lower and upper case."""
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    letters: set[str] = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in "aăâeêioôơuưy":
        for tone in tones:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    letters |= {c.upper() for c in letters}
    exclusive = {c for c in letters if ord(c) > 0xFF}
    return frozenset(letters), frozenset(exclusive)


VIETNAMESE_LETTERS, VIETNAMESE_ONLY_LETTERS = _vietnamese_letters()
_COMMON_SYMBOLS = frozenset("°×÷·«»§©®±\u00a0")
_WORD = re.compile(r"[^\W\d_]+")


# ---------------------------------------------------------------- dispatch

def preflight(path: Path, kind: str, limits: Limits):
    """Checks for one sniffed file kind (pdf, docx, image); raises DocumentError. For a PDF, returns
    the pypdfium2 document it opened, for the reader (no second parse of the file)."""
    if kind == "docx":
        check_docx(path, limits)
    elif kind == "pdf":
        return check_pdf(path, limits, pages=False, keep=True)   # each page is checked as the reader loads it
    elif kind == "image":
        check_image(path, limits)
    elif kind == "doc":
        check_ole(path)
    elif kind == "txt":
        size = path.stat().st_size
        if size > limits.max_text_bytes:
            raise DocumentError("too_large", f"the text file is {_mib(size)}, over the {_mib(limits.max_text_bytes)} "
                                "limit for plain text; split it (or raise CONGVAN_MAX_TEXT_BYTES)")


# ---------------------------------------------------------------- OLE2 (.doc, password-protected Office files)

def check_ole(path: Path) -> None:
    """A password-protected Word file (.doc RC4/CryptoAPI, or a .docx saved with a password,
    which Word wraps in an OLE2 container) is `encrypted`; LibreOffice would only fail on it."""
    import msoffcrypto

    try:
        with path.open("rb") as handle:
            encrypted = msoffcrypto.OfficeFile(handle).is_encrypted()
    except Exception:      # not a container msoffcrypto knows: LibreOffice decides
        return
    if encrypted:
        raise DocumentError("encrypted", "the Word file is protected by a password; ask the sender for a "
                            "copy without a password (File › Info › Protect Document in Word)")


# ---------------------------------------------------------------- DOCX

class _XmlScanner:
    """Streaming expat pass over one XML part: declarations and element counts."""

    def __init__(self, name: str, count_elements: bool, limits: Limits):
        self.name = name
        self.limits = limits
        self.elements = 0
        self.broken = False
        self.tail = b""
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        if count_elements:
            parser.StartElementHandler = self._element
        self.parser = parser

    def _unsafe(self, what: str):
        raise DocumentError(
            "unsafe_content",
            f"the Word file contains a hidden XML {what} in '{self.name}' (a known attack, never "
            "produced by Word); it was not opened — ask the sender for a copy saved again from Word")

    def _doctype(self, *args):
        self._unsafe("document type declaration (DTD)")

    def _entity(self, *args):
        self._unsafe("entity declaration")

    def _external(self, *args):
        self._unsafe("reference to an external entity")

    def _element(self, name, attrs):
        if name.rsplit(":", 1)[-1] in ("p", "tbl", "tc"):
            self.elements += 1
            if self.elements > self.limits.max_docx_elements:
                raise DocumentError(
                    "too_large",
                    f"the Word file has more than {self.limits.max_docx_elements:,} paragraphs and table "
                    "cells; split it into smaller files (or raise CONGVAN_MAX_DOCX_ELEMENTS)")

    def feed(self, chunk: bytes, final: bool = False) -> None:
        # Raw byte search too: a declaration after a syntax error that stops expat still counts.
        window = (self.tail + chunk).lower()
        if any(p in window for p in _DECL_PATTERNS):
            self._unsafe("DTD or entity declaration")
        self.tail = window[-_OVERLAP:]
        if self.broken:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            self.broken = True       # malformed XML: the reader reports it as corrupt


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".jfif", ".webp")
_PACKAGE_PART_LIMIT = MiB         # [Content_Types].xml and _rels/.rels are small


def _package_map(archive: zipfile.ZipFile, names: set[str]) -> tuple[str | None, set[str], set[str]]:
    """(the main part the package relationships point to, part names and extensions declared as XML
    in [Content_Types].xml). These two small parts are read with expat, which never loads a DTD;
    a declaration in them is refused by the scan of every XML part afterwards."""
    def attributes(name: str, element: str) -> list[dict]:
        if name not in names or archive.getinfo(name).file_size > _PACKAGE_PART_LIMIT:
            return []
        found: list[dict] = []
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = lambda tag, attrs: found.append(attrs) if tag.rsplit(":", 1)[-1] == element else None
        try:
            with archive.open(name) as stream:
                parser.Parse(stream.read(_PACKAGE_PART_LIMIT + 1), True)
        except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            pass
        return found

    main = None
    for rel in attributes("_rels/.rels", "Relationship"):
        if rel.get("Type", "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
            main = rel.get("Target", "").lstrip("/").replace("\\", "/") or None
            break
    xml_names, xml_exts = set(), set()
    for item in attributes("[Content_Types].xml", "Override"):
        if "xml" in item.get("ContentType", "").lower():
            xml_names.add(item.get("PartName", "").lstrip("/"))
    for item in attributes("[Content_Types].xml", "Default"):
        if "xml" in item.get("ContentType", "").lower():
            xml_exts.add("." + item.get("Extension", "").lower().lstrip("."))
    return main, xml_names, xml_exts


def check_docx(path: Path, limits: Limits) -> None:
    """Zip-bomb, member-count, encryption, XML-declaration, element and picture checks on a DOCX.

    XML parts are the ones a reader parses as XML: names ending .xml/.rels/.vml, the main part the
    package relationships point to (whatever its name), and parts [Content_Types].xml declares as
    XML. Paragraphs and cells are counted in that main part; each picture of the file counts as a
    page against `Limits.max_pages` (a picture may be read with OCR)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError("corrupt", "the Word file is a damaged ZIP archive (truncated download?); "
                            "ask for the file again") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise DocumentError("unsafe_content", f"the Word file is an archive of {len(infos):,} parts "
                                f"(limit {limits.max_zip_members:,}); it was not opened — ask for a copy "
                                "saved again from Word")
        for info in infos:
            if info.flag_bits & 0x1:
                raise DocumentError("encrypted", "parts of the Word file are encrypted; ask the sender "
                                    "for a copy without a password")
            _check_ratio(info.filename, info.file_size, info.compress_size, limits)
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_decompressed_bytes:
            raise DocumentError("too_large", f"the Word file expands to {_mib(declared)} when opened, over the "
                                f"{_mib(limits.max_decompressed_bytes)} limit; remove large pictures or split "
                                "it (or raise CONGVAN_MAX_DECOMPRESSED_BYTES)")
        pictures = sum(1 for i in infos if i.filename.lower().endswith(_IMAGE_SUFFIXES))
        if pictures > limits.max_pages:
            raise DocumentError("too_large", f"the Word file holds {pictures:,} pictures, over the "
                                f"{limits.max_pages:,}-page limit (each picture may be read like a scanned page); "
                                "split it or raise CONGVAN_MAX_PAGES")
        main, xml_names, xml_exts = _package_map(archive, {i.filename for i in infos})
        main = main or "word/document.xml"
        total = 0
        for info in infos:
            name = info.filename
            lowered = name.lower()
            is_xml = (lowered.endswith(_XML_SUFFIXES) or name == main or name in xml_names
                      or any(lowered.endswith(ext) for ext in xml_exts))
            scanner = _XmlScanner(name, name == main, limits) if is_xml else None
            size = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if total > limits.max_decompressed_bytes:
                            raise DocumentError(
                                "too_large", f"the Word file expands to more than "
                                f"{_mib(limits.max_decompressed_bytes)} when opened (its directory "
                                f"declares {_mib(declared)}); it was not opened")
                        _check_ratio(name, size, info.compress_size, limits)
                        if scanner:
                            scanner.feed(chunk)
                if scanner:
                    scanner.feed(b"", final=True)
            except DocumentError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                raise DocumentError("corrupt", f"part '{name}' of the Word file is damaged "
                                    "(truncated download?); ask for the file again") from exc
            except NotImplementedError as exc:
                raise DocumentError("unsupported_format", f"part '{name}' of the Word file uses a "
                                    "compression method that cannot be read; save it again from Word") from exc


def _check_ratio(name: str, size: int, compressed: int, limits: Limits) -> None:
    if size > RATIO_FLOOR and size > limits.max_zip_ratio * max(compressed, 1):
        raise DocumentError(
            "unsafe_content",
            f"part '{name}' of the Word file expands {size / max(compressed, 1):,.0f} times (limit "
            f"{limits.max_zip_ratio:.0f}): a 'zip bomb', not a normal document; it was not opened")


# ---------------------------------------------------------------- PDF

def check_pdf(path: Path, limits: Limits, pages: bool = True, keep: bool = False):
    """Truncation, encryption, page count, image and page pixel limits of a PDF (the per-page
    limits with `pages`; the PDF reader checks each page it loads itself, `check_pdf_page`).
    With `keep`, returns the open pypdfium2 document for the reader (which closes it), else None."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise DocumentError("corrupt", "the PDF is incomplete (its end is missing): the download or copy "
                            "was probably cut off; ask for the file again")
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(str(path))   # no password given: an empty user password opens
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise DocumentError("encrypted", "the PDF is protected by a password; ask the sender "
                                    "for a copy without a password to open it") from exc
            raise DocumentError("corrupt", "the PDF cannot be opened (damaged file); ask for the file "
                                "again") from exc
        try:
            count = len(pdf)
            if count == 0:
                raise DocumentError("empty", "the PDF has no pages")
            if count > limits.max_pages:
                raise DocumentError("too_large", f"the PDF has {count:,} pages, over the {limits.max_pages:,}-page "
                                    "limit; split it (main document and annexes) or raise CONGVAN_MAX_PAGES")
            for index in range(count if pages else 0):
                page = pdf[index]
                try:
                    sizes = [obj.get_px_size() for obj in
                             page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)]

                    def has_text(page=page) -> bool:
                        textpage = page.get_textpage()
                        try:
                            return textpage.count_chars() > 0
                        finally:
                            textpage.close()
                    check_pdf_page(index + 1, sizes, page.get_size(), has_text, limits)
                finally:
                    page.close()
        except pdfium.PdfiumError as exc:
            pdf.close()
            raise DocumentError("corrupt", PDF_PAGE_DAMAGED) from exc
        except BaseException:
            pdf.close()
            raise
        if keep:
            return pdf
        pdf.close()
        return None


PDF_PAGE_DAMAGED = "the PDF is damaged (a page cannot be parsed); ask for the file again"


def check_pdf_page(number: int, image_sizes, size_pt: tuple[float, float], has_text, limits: Limits) -> None:
    """Pixel limits of one PDF page: its images' pixel sizes, and its size when it has no text
    (OCR would render it); `has_text` is a bool or a callable asked only for a big page."""
    from extractors.readers.render import MIN_DPI  # OCR renders big pages at down to this

    for width, height in image_sizes:
        if width * height > limits.max_image_pixels:
            raise DocumentError(
                "too_large", f"page {number} of the PDF holds a {width:,}×{height:,}-pixel "
                f"image, over the {limits.max_image_pixels:,}-pixel limit; ask for a copy "
                "scanned at a normal resolution (200–300 dpi)")
    width_pt, height_pt = size_pt
    if width_pt * height_pt * (MIN_DPI / 72.0) ** 2 > limits.max_page_pixels:
        if not (has_text() if callable(has_text) else has_text):
            raise DocumentError(
                "too_large", f"page {number} of the PDF is {width_pt / 72 * 2.54:,.0f}×"
                f"{height_pt / 72 * 2.54:,.0f} cm without text, too large to read by OCR; "
                "ask for a copy on a normal paper size (A4/A3)")


# ---------------------------------------------------------------- images

def check_image(path: Path, limits: Limits) -> None:
    """Pixel count (and frame count) of an input image from its header; nothing is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise DocumentError("too_large", "the image has too many pixels to be read; ask for a copy scanned "
                            "at a normal resolution (200–300 dpi)") from exc
    except UnidentifiedImageError as exc:
        raise DocumentError("corrupt", "the image file is damaged or not really an image; ask for the "
                            "file again") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise DocumentError("corrupt", "the image file is damaged (truncated?); ask for the file again") from exc
    if width * height > limits.max_image_pixels:
        raise DocumentError("too_large", f"the image is {width:,}×{height:,} pixels, over the "
                            f"{limits.max_image_pixels:,}-pixel limit; ask for a copy scanned at 200–300 dpi")
    if frames > limits.max_pages:
        raise DocumentError("too_large", f"the image file has {frames:,} pages, over the {limits.max_pages:,}-page "
                            "limit; split it")


# ---------------------------------------------------------------- after reading

def suspicious_char_share(text: str) -> float:
    """Share of non-space characters that no Vietnamese text in a known encoding produces."""
    total = bad = 0
    for char in text:
        if char.isspace():
            continue
        total += 1
        code = ord(char)
        if char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs"):
            bad += 1
        elif 0x80 <= code <= 0x24F and char not in VIETNAMESE_LETTERS and char not in _COMMON_SYMBOLS:
            bad += 1
    return bad / total if total else 0.0


def vietnamese_word_share(text: str) -> tuple[int, float]:
    """(words, share of words holding a letter only Vietnamese uses)."""
    words = _WORD.findall(text)
    if not words:
        return 0, 0.0
    marked = sum(1 for w in words if any(c in VIETNAMESE_ONLY_LETTERS for c in w))
    return len(words), marked / len(words)


def _too_little_vietnamese(text: str) -> bool:
    """`vietnamese_word_share` below the minimum (with enough words); stops as soon as the
    Vietnamese words seen reach the minimum share, which on a Vietnamese page is within a few lines."""
    # Shortcut: a text of L characters has at most (L + 1) / 2 letter runs, so marked words counted
    # in its first pieces (cut at spaces: no word counted twice) that already reach the share of
    # that bound settle it; on a Vietnamese page about the first fifth does
    bound, marked, at = MIN_VIETNAMESE_WORD_SHARE * (len(text) + 1) / 2, 0, 0
    while at < len(text):
        end = text.find(" ", at + 1000)
        end = len(text) if end < 0 else end
        marked += sum(not VIETNAMESE_ONLY_LETTERS.isdisjoint(w) for w in _WORD.findall(text, at, end))
        if marked >= bound:
            return False
        at = end
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return False
    need, marked = MIN_VIETNAMESE_WORD_SHARE * len(words), 0
    letters = VIETNAMESE_ONLY_LETTERS
    for w in words:
        if not letters.isdisjoint(w):
            marked += 1
            if marked >= need:
                return False
    return True


def check_content(doc: Document, kind: str) -> None:
    """Checks on the text that was read: unknown text encoding, no Vietnamese text."""
    text = doc.text
    if kind == "txt" and suspicious_char_share(text) > MAX_SUSPICIOUS_CHAR_SHARE:
        raise DocumentError("unsupported_format", "the text file's character encoding was not recognised "
                            "(not Unicode, Windows-1258, TCVN3 or VNI); save it as Unicode (UTF-8) and "
                            "import it again")
    if _too_little_vietnamese(text):
        if suspicious_char_share(text) > MAX_SUSPICIOUS_CHAR_SHARE:
            raise DocumentError("not_a_document", "no Vietnamese text found: the text is in a font or character "
                                "encoding that could not be converted to Unicode; ask for a copy saved with a "
                                "Unicode font (or a scan)")
        raise DocumentError("not_a_document", "no Vietnamese text found: the file is readable but appears to "
                            "be in another language, so it is not a Vietnamese administrative document; "
                            "register it by hand if it must be tracked")
