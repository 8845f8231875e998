"""Format readers: any supported file → `models.layout.Document`.

The format is decided by the file's bytes, not its name (a photo renamed `.pdf` is an
image; an HTML page renamed `.docx` is not a document). Pages without a usable text
layer go through OCR.
"""
from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.safety import check_content, preflight
from models.layout import Document

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".txt", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def open_regular(path: str | Path):
    """A regular file opened for reading, never through a symbolic link (O_NOFOLLOW) nor blocking on
    a named pipe (O_NONBLOCK); OSError for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return os.fdopen(fd, "rb")


def sniff(path: Path, head: bytes) -> str:
    """pdf | docx | doc | html | image | txt; raises DocumentError for anything else."""
    if not head:
        raise DocumentError("empty", "the file is empty (0 bytes)")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise DocumentError("corrupt", "the Word file is a damaged ZIP archive (truncated download?)") from exc
        if "word/document.xml" in names:
            return "docx"
        raise DocumentError("unsupported_format", "a ZIP archive that is not a Word document")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "doc"                   # RTF (often saved as .doc): LibreOffice converts it the same way
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    from extractors.readers.html import is_word_web_page, looks_like_html
    if looks_like_html(head) and (is_word_web_page(head) or path.suffix.lower() in (".doc", ".htm", ".html")):
        return "html"                  # Word's "web page" format, often saved as .doc
    lowered = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        raise DocumentError("unsupported_format", "an HTML/XML page, not a document file")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("unsupported_format", f"unknown binary format ({path.suffix or 'no extension'})")
    return "txt"


def read_document(path: str | Path, limits: Limits | None = None) -> Document:
    """Read any supported file into the layout model; raises DocumentError with a quarantine class."""
    path = Path(path)
    limits = limits or Limits.from_env()
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise DocumentError("corrupt", f"the file cannot be opened ({exc.strerror})") from exc
    if stat.S_ISLNK(st.st_mode):
        raise DocumentError("unsafe_content", "a symbolic link, not a file: links are never followed; "
                            "copy the document itself")
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError("unsupported_format", "not a regular file (a named pipe, socket or device); "
                            "it was not opened")
    size = st.st_size
    if size > limits.max_file_bytes:
        raise DocumentError("too_large", f"the file is {size // 2**20} MiB, over the {limits.max_file_bytes // 2**20} MiB limit")
    try:
        with open_regular(path) as handle:   # O_NOFOLLOW: a link swapped in since the check is not followed
            head = handle.read(4096)
    except OSError as exc:
        raise DocumentError("corrupt", f"the file cannot be opened ({exc.strerror or 'not a regular file'})") from exc
    kind = sniff(path, head)
    opened = preflight(path, kind, limits)   # zip bombs, XML declarations, encryption, page/pixel limits
    if kind == "pdf":
        from extractors.readers.pdf import read_pdf
        doc = read_pdf(path, limits, opened=opened)
    elif kind == "docx":
        from extractors.readers.docx import read_docx
        doc = read_docx(path, limits)
    elif kind == "txt":
        from extractors.readers.txt import read_txt
        doc = read_txt(path, limits)
    elif kind == "html":
        from extractors.readers.html import read_html
        doc = read_html(path, limits)
    elif kind == "doc":
        from extractors.readers.legacy_doc import read_doc
        doc = read_doc(path, limits)
    else:
        from extractors.readers.ocr import read_image
        doc = read_image(path, limits)
    if kind in ("pdf", "docx"):
        from extractors.readers.ocr import complete_with_ocr
        doc = complete_with_ocr(doc, path, limits)
    if not any(page.lines for page in doc.pages):
        raise DocumentError("not_a_document", "no text could be read from the file (blank pages or unreadable scan)")
    check_content(doc, kind)           # unknown text encoding, no Vietnamese text
    return doc
