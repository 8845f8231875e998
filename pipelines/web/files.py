"""Files of the workspace: page images rendered on demand (cached), uploads into the inbox, and the
release of a quarantined file back to the inbox."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
import zipfile
from datetime import UTC
from pathlib import Path

log = logging.getLogger("congvan.web")

UPLOAD_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".txt", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
RENDER_SCALE = 1.6          # ×72 dpi: ~115 dpi, readable beside the fields
MAX_RENDER_PIXELS = 12_000_000


class UploadError(ValueError):
    """An upload refused, with the Vietnamese reason shown to the user."""


class PageUnavailable(LookupError):
    pass


# ---- page images ----------------------------------------------------------------------------

class PageRenderer:
    """PNG of page N of a stored document, rendered once into `cache_dir/<sha256>/<N>.png`.

    The file is looked up at its stored path, then by name in `search_dirs` (e.g. processed/), and
    used only when its bytes have the document's SHA-256. PDF through pdfium; Word files through
    their PDF (LibreOffice); images as they are (the image OCR read).
    """

    def __init__(self, cache_dir: str | Path, search_dirs=()):
        self.cache_dir = Path(cache_dir)
        self.search_dirs = [Path(d) for d in search_dirs if d]
        self._lock = threading.Lock()

    def locate(self, doc: dict) -> Path | None:
        file_info = (doc.get("record") or {}).get("file") or {}
        names = [p for p in (file_info.get("path"), doc.get("path")) if p]
        candidates = [Path(p) for p in names]
        name = file_info.get("name") or doc.get("file_name")
        if name:
            candidates += [d / Path(name).name for d in self.search_dirs]
        for path in candidates:
            try:
                if path.is_file() and sha256_file(path) == doc["sha256"]:
                    return path
            except OSError:
                continue
        return None

    def page(self, doc: dict, number: int) -> Path:
        if number < 1 or number > 1000:
            raise PageUnavailable("page")
        target = self.cache_dir / doc["sha256"] / f"{number}.png"
        if target.is_file():
            return target
        with self._lock:
            if target.is_file():
                return target
            source = self.locate(doc)
            if source is None:
                raise PageUnavailable("file")
            target.parent.mkdir(parents=True, exist_ok=True)
            image = self._render(source, number)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            image.save(tmp, "PNG", optimize=True)
            os.replace(tmp, target)
            log.info("rendered page %d of document %s", number, doc["id"])
        return target

    def _render(self, source: Path, number: int):
        from PIL import Image
        with source.open("rb") as f:
            head = f.read(1024)
        if b"%PDF-" in head:
            return _render_pdf(source, number)
        if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
            Image.MAX_IMAGE_PIXELS = 120_000_000
            with Image.open(source) as img:
                if number > getattr(img, "n_frames", 1):
                    raise PageUnavailable("page")
                img.seek(number - 1)
                out = img.convert("RGB")
            if out.width * out.height > MAX_RENDER_PIXELS:
                factor = (MAX_RENDER_PIXELS / (out.width * out.height)) ** 0.5
                out = out.resize((int(out.width * factor), int(out.height * factor)))
            return out
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or head.lstrip().startswith(b"{\\rtf"):
            pdf = self.cache_dir / _sha_of(source) / "document.pdf"
            if not pdf.is_file():
                _word_to_pdf(source, pdf)
            return _render_pdf(pdf, number)
        raise PageUnavailable("format")


def _render_pdf(path: Path, number: int):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        if number > len(pdf):
            raise PageUnavailable("page")
        page = pdf[number - 1]
        width, height = page.get_size()
        scale = min(RENDER_SCALE, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def _word_to_pdf(source: Path, target: Path) -> None:
    from extractors.limits import Limits
    from extractors.readers.legacy_doc import convert_with_libreoffice
    work = Path(tempfile.mkdtemp(prefix="congvan-web-"))
    try:
        produced = convert_with_libreoffice(source, "pdf", work, Limits.from_env())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, target)
    except Exception as exc:   # noqa: BLE001 — no image, the fields still show
        raise PageUnavailable("convert") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha_of(path: Path) -> str:
    return sha256_file(path)


# ---- uploads --------------------------------------------------------------------------------

def safe_name(name: str) -> str:
    """A plain file name (no folders, no control or shell characters); Vietnamese letters kept."""
    name = unicodedata.normalize("NFC", Path(str(name).replace("\\", "/")).name)
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" .")
    return name[:150] or "tep-tai-len"


def check_upload(name: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Refuse (UploadError, Vietnamese reason) a file that is too large, empty, of a type the pipeline
    does not read, or whose bytes do not match its extension → its safe name."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadError(f"Loại tệp “{suffix or 'không có phần mở rộng'}” không được nhận "
                          f"(chỉ nhận: {', '.join(sorted(UPLOAD_SUFFIXES))}).")
    if not data:
        raise UploadError("Tệp rỗng.")
    if len(data) > max_bytes:
        raise UploadError(f"Tệp vượt quá giới hạn {max_bytes // (1024 * 1024)} MB.")
    head = data[:1024]
    ok = {
        ".pdf": lambda: b"%PDF-" in head,
        ".docx": lambda: head.startswith(b"PK\x03\x04") and _is_docx(data),
        ".doc": lambda: head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") or head.lstrip().startswith(b"{\\rtf"),
        ".rtf": lambda: head.lstrip().startswith(b"{\\rtf"),
        ".png": lambda: head.startswith(b"\x89PNG"),
        ".jpg": lambda: head.startswith(b"\xff\xd8\xff"),
        ".jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        ".tif": lambda: head.startswith((b"II*\x00", b"MM\x00*")),
        ".tiff": lambda: head.startswith((b"II*\x00", b"MM\x00*")),
        ".txt": lambda: _is_text(data),
    }[suffix]()
    if not ok:
        raise UploadError(f"Nội dung tệp không đúng định dạng {suffix}.")
    return clean


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return False


def _is_text(data: bytes) -> bool:
    for encoding in ("utf-8", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "\x00" not in text
    return False


def store_upload(inbox: Path, name: str, data: bytes) -> Path:
    """Write checked bytes into the inbox under a new name (`name (2).pdf` when taken), atomically:
    a hidden temporary file renamed into place; never outside `inbox`."""
    inbox = inbox.resolve()
    inbox.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    tmp = inbox / f".upload-{os.getpid()}-{threading.get_ident()}.tmp"
    with open(tmp, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        for n in range(1, 1000):
            dest = inbox / (name if n == 1 else f"{stem} ({n}){suffix}")
            if dest.resolve().parent != inbox:
                raise UploadError("Tên tệp không hợp lệ.")
            try:
                os.link(tmp, dest)          # no overwrite: fails when the name exists
            except FileExistsError:
                continue
            return dest
        raise UploadError("Quá nhiều tệp cùng tên trong hộp thư đến.")
    finally:
        tmp.unlink(missing_ok=True)


def inbox_files(inbox: Path, limit: int = 200) -> list[dict]:
    """The files waiting in the inbox (newest first): name, size, time."""
    try:
        entries = [e for e in os.scandir(inbox) if e.is_file() and not e.name.startswith(".")]
    except OSError:
        return []
    entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    from datetime import datetime
    return [{"name": e.name, "size": e.stat().st_size,
             "at": datetime.fromtimestamp(e.stat().st_mtime, tz=UTC)} for e in entries[:limit]]


# ---- quarantine -----------------------------------------------------------------------------

def release(quarantine_dir: Path, inbox: Path, file_name: str, sha256: str | None) -> Path:
    """Move a quarantined file (and drop its `.reason.json`) back into the inbox for another try."""
    from pipelines.inbox import move_unique
    qdir = quarantine_dir.resolve()
    name = Path(file_name).name
    candidates = [qdir / name] + sorted(qdir.glob(f"{glob_escape(Path(name).stem)} (*){Path(name).suffix}"))
    for path in candidates:
        if path.resolve().parent != qdir or not path.is_file():
            continue
        if sha256 and sha256_file(path) != sha256:
            continue
        dest = move_unique(path, inbox.resolve(), sha256 or sha256_file(path))
        path.with_name(path.name + ".reason.json").unlink(missing_ok=True)
        return dest
    raise FileNotFoundError(name)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
