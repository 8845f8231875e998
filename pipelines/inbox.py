"""Inbox bookkeeping: moving files to processed/ and quarantine/ safely, and tool versions.

Crash safety rests on three rules:
1. the store is the truth and is written first: a file is moved only after its record
   (or its quarantine entry) is committed; a re-run finds a committed file's hash in the
   store and only finishes the move (no second extraction, no second row);
2. every move is a no-overwrite link (`os.link` fails if the name exists) followed by an
   unlink of the source, so a crash between the two leaves two names for the same bytes,
   which the re-run recognises (same SHA-256 at the destination) and resolves by unlinking;
3. the `<name>.reason.json` of a quarantined file is written (atomically) before the file
   is linked beside it, and carries the file's hash so a re-run reuses that name.
Originals are never opened for writing.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from models.record import clean_text

_HASHES: dict[tuple, str] | None = None   # while `remembered_hashes` is active


def sha256_path(path: Path) -> str:
    """Document identity: one definition, `extractors.pipeline.sha256_file` (imported on first use:
    the ingest CLI process never needs the extractors it imports)."""
    from extractors.pipeline import sha256_file
    if _HASHES is None:
        return sha256_file(path)
    st = os.lstat(path)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    digest = _HASHES.get(key)
    if digest is None:
        digest = _HASHES[key] = sha256_file(path)
    return digest


@contextmanager
def remembered_hashes():
    """Within it, a file hashed again unchanged (same device, inode, size, modification and
    status-change times) is not read again: `congvan ingest` plans its run twice, to start
    extracting while Prefect boots and then in the flow. Only for the span of one command."""
    global _HASHES
    outer, _HASHES = _HASHES, (_HASHES if _HASHES is not None else {})
    try:
        yield
    finally:
        _HASHES = outer


def _candidates(folder: Path, name: str):
    stem, suffix = os.path.splitext(name)
    room = 255 - len(os.fsencode(suffix)) - 48     # file names ≤ 255 bytes: keep room for " (n)", ".reason.json", ".tmp-PID"
    raw = os.fsencode(stem)                         # a name's undecodable bytes are kept as they are
    if len(raw) > room:
        stem = (raw[:room].decode("utf-8", "ignore") if stem == clean_text(stem) else os.fsdecode(raw[:room])).rstrip()
        name = stem + suffix
    yield folder / name
    n = 1
    while True:
        yield folder / f"{stem} ({n}){suffix}"
        n += 1


class Gone(Exception):
    """The file vanished (deleted or moved by someone else) before it could be moved."""


class InboxBusy(RuntimeError):
    """Another run holds this inbox's lock."""


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _link_or_copy(src: Path, dest: Path) -> None:
    """Create `dest` with src's bytes without ever overwriting (FileExistsError if taken). A link,
    pipe or device is moved as it is (the link itself, never its target); FileNotFoundError if gone."""
    try:
        os.link(src, dest, follow_symlinks=False)
        return
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
    if not _regular(src):
        if os.path.lexists(dest):
            raise FileExistsError(str(dest))
        os.rename(src, dest)            # same file system or nothing: never a copy of a link's target
        return
    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    try:
        shutil.copy2(src, tmp, follow_symlinks=False)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.link(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _same(dest: Path, src: Path, sha256: str) -> bool:
    """Whether `dest` already holds src's bytes (an interrupted earlier move)."""
    try:
        if not (_regular(src) and _regular(dest)):
            return False
        return os.lstat(dest).st_size == os.lstat(src).st_size and sha256_path(dest) == sha256
    except OSError:
        return False


def _unlink_source(src: Path) -> None:
    try:
        src.unlink()
    except FileNotFoundError:
        pass            # moved by rename (a link or pipe), or vanished after its copy was made
    _fsync_dir(src.parent)


def move_unique(src: Path, folder: Path, sha256: str) -> Path:
    """Move `src` into `folder` under its name, or `name (n).ext` when taken by other bytes.

    Idempotent: when a name already holds the same bytes (an interrupted earlier move, or the
    same file delivered twice), the source is just removed. `Gone` when the source vanished.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for dest in _candidates(folder, src.name):
        if os.path.lexists(dest):
            if _same(dest, src, sha256):
                break
            continue
        try:
            _link_or_copy(src, dest)
        except FileExistsError:
            continue
        except FileNotFoundError:
            if not os.path.lexists(src):
                raise Gone(str(src)) from None
            raise
        break
    _fsync_dir(folder)
    _unlink_source(src)
    return dest


def quarantine_file(src: Path, folder: Path, sha256: str, reason: dict) -> Path:
    """Move `src` into the quarantine folder with `<name>.reason.json` beside it. `Gone` (and no
    note left behind) when the source vanished."""
    folder.mkdir(parents=True, exist_ok=True)
    for dest in _candidates(folder, src.name):
        note = dest.with_name(dest.name + ".reason.json")
        if os.path.lexists(dest):
            if _same(dest, src, sha256):
                break  # moved by an interrupted run: finish it
            continue
        if note.exists():
            try:
                mine = json.loads(note.read_text(encoding="utf-8")).get("sha256") == sha256
            except (OSError, ValueError):
                mine = False
            if not mine:
                continue
        tmp = note.with_name(f".{note.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(reason, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, note)
        try:
            _link_or_copy(src, dest)
        except FileExistsError:
            continue
        except FileNotFoundError:
            if not os.path.lexists(src):
                note.unlink(missing_ok=True)
                raise Gone(str(src)) from None
            raise
        break
    _fsync_dir(folder)
    _unlink_source(src)
    return dest


_LEFTOVER = re.compile(r"^\..+\.(?:partial|tmp)-(\d+)$")


def remove_stale_partials(folder: Path) -> int:
    """Remove `.NAME.partial-PID` / `.NAME.tmp-PID` files that a run killed mid-copy (a full disk, a
    kill -9) left in `folder`, when process PID is gone. Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue                        # its process still runs
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError, ValueError):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


def remove_orphan_notes(folder: Path, stored: set[str]) -> int:
    """Remove `<name>.reason.json` notes without their file whose file is now stored (a quarantined
    file put back into the inbox and ingested this time)."""
    removed = 0
    for note in folder.glob("*.reason.json") if folder.is_dir() else []:
        if os.path.lexists(note.with_name(note.name[:-len(".reason.json")])):
            continue
        try:
            sha = json.loads(note.read_text(encoding="utf-8")).get("sha256")
        except (OSError, ValueError, AttributeError):
            continue
        if sha in stored:
            note.unlink(missing_ok=True)
            removed += 1
    return removed


@contextmanager
def run_lock(inbox_dir: Path):
    """Hold the inbox's lock for a run (flock on the folder itself: nothing is written into the
    inbox); a second run on the same inbox stops with `InboxBusy`."""
    import fcntl
    fd = os.open(inbox_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InboxBusy(f"another congvan run is working on the inbox {clean_text(str(inbox_dir))}; "
                            "wait until it has finished and start again") from None
        yield inbox_dir
    finally:
        os.close(fd)


# ---- reason.json ------------------------------------------------------------------------

def _first_line(cmd: list[str]) -> str | None:
    exe = shutil.which(cmd[0])
    if not exe:
        return None
    try:
        out = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, timeout=30,
                             env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")})
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout or out.stderr or "").strip().splitlines()
    return text[0].strip() if text else None


@lru_cache(maxsize=1)
def tool_versions() -> dict:
    """Versions of the tools a quarantine decision depends on (computed once per process)."""
    from models.record import EXTRACTOR_VERSION
    try:
        from importlib.metadata import version
        package = version("congvan")
    except Exception:
        package = None
    return {
        "congvan": package,
        "extractor": EXTRACTOR_VERSION,
        "tesseract": _first_line(["tesseract", "--version"]),
        "libreoffice": _first_line(["soffice", "--version"]),
    }


STAGE_OF_CLASS = {"timeout": "worker", "internal": "extract"}


def reason_document(record: dict, stage: str | None = None, run_id: str | None = None) -> dict:
    file = record.get("file") or {}
    return {
        "file": file.get("name"),
        "sha256": file.get("sha256"),
        "error_class": record.get("error_class"),
        "message": record.get("error"),
        "stage": stage or STAGE_OF_CLASS.get(record.get("error_class") or "", "read"),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "tool_versions": tool_versions(),
    }
