"""Files of the workspace: page images rendered on demand (cached), uploads into the inbox, and the
release of a quarantined file back to the inbox."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
import zipfile
from datetime import UTC
from pathlib import Path

log = logging.getLogger("congvan.web")

UPLOAD_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".txt", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadError(ValueError):
    """An upload refused, with the Vietnamese reason shown to the user."""


class PageUnavailable(LookupError):
    pass


# ---- page images ----------------------------------------------------------------------------

class PageRenderer:
    """PNG of page N of a stored document, rendered once into `cache_dir/<sha256>/<N>.png` by a child
    process (`render_in_child`).

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
            render_in_child(source, number, target, self.cache_dir / doc["sha256"])
            log.info("rendered page %d of document %s", number, doc["id"])
        return target


# exit codes of the child (`pipelines.web.render`)
_REASONS = {3: "page", 4: "format"}


def render_timeout() -> float:
    """Seconds a page may take (a Word file: its conversion to PDF too)."""
    from extractors.limits import Limits
    from models.settings import setting
    return float(setting("web_render_timeout") or Limits.from_env().convert_timeout + 60)


def render_command(source: Path, number: int, target: Path, work: Path) -> list[str]:
    import sys
    return [sys.executable, "-m", "pipelines.web.render", str(source), str(number), str(target), str(work)]


def render_in_child(source: Path, number: int, target: Path, work: Path) -> None:
    """Render page `number` of `source` into the PNG `target` in a child process: the ingest workers'
    memory cap (`CONGVAN_WORKER_MEMORY_MB`, as the child's address-space limit) and limits
    (`Limits.from_env`), its own process group killed on timeout (`run_tool`). A page that cannot be
    rendered → `PageUnavailable`, never an error of the web process."""
    from extractors.errors import DocumentError
    from extractors.readers.proc import run_tool
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]),
                                                                    os.environ.get("PYTHONPATH")) if p)}
    try:
        run_tool(render_command(source, number, target, work), timeout=render_timeout(), env=env,
                 what="page rendering", fail_class="internal")
    except DocumentError as exc:
        code = re.search(r"exit (\d+)", exc.message or "")
        reason = _REASONS.get(int(code.group(1)), "render") if code else exc.error_class
        log.warning("page %d of %s… not rendered: %s", number, target.parent.name[:12], reason)
        raise PageUnavailable(reason) from None
    if not target.is_file():
        raise PageUnavailable("render")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
