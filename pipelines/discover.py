"""Which files a run looks at: every entry under the inputs, accounted for.

`survey` walks the inputs without following any symbolic link and sorts every entry into:
- `docs`: regular files of a document type, to read;
- `skipped`: regular files of no document type (listed in the run summary; an inbox run
  quarantines them);
- `rejected`: entries that must never be opened — symbolic links (followed, one would read a
  file outside the inbox), named pipes (opening one blocks), sockets, devices — and files that
  cannot be read (permissions) or are over the size limit (never hashed: `Limits.max_file_bytes`
  is checked from `lstat` first). Each carries a quarantine class and a message;
- `ignored`: what stays where it is, with a reason the summary lists: hidden entries (dot-files,
  a file being uploaded), our own `<name>.reason.json` notes, system files (Thumbs.db …), and
  folders or paths that cannot be listed (permissions, longer than the system's PATH_MAX).

`plan_run` adds the content hashes and the store lookup: which files a run extracts, and in
which order. A file that vanishes between the survey and its hashing is `gone` (not an error).
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractors.readers import SUPPORTED_SUFFIXES

IGNORED_NAMES = {".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"}

_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


@dataclass
class Rejected:
    """An entry quarantined without being opened: its class, message and a stand-in identity."""
    path: Path
    error_class: str
    message: str
    sha256: str
    size: int | None = None


@dataclass
class Survey:
    docs: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[tuple[Path, str]] = field(default_factory=list)


def _identity(kind: str, path: Path, st: os.stat_result) -> str:
    """A stand-in SHA-256 for an entry whose bytes are not read (one quarantine row per entry)."""
    key = f"congvan-unread\0{kind}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{os.fsencode(path)!r}"
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def check_entry(path: Path, st: os.stat_result | None = None, max_bytes: int | None = None) -> Rejected | None:
    """Why this entry must not be opened (from `lstat`, never following a link), or None."""
    st = st or os.lstat(path)
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return Rejected(path, "unsafe_content", f"a symbolic link (to {target}), not a file: links are never "
                        "followed (one could point at any file of the server); copy the document itself "
                        "into the inbox", _identity("link", path, st))
    for test, what in _SPECIAL:
        if test(mode):
            return Rejected(path, "unsupported_format", f"{what}, not a document file; it was not opened",
                            _identity("special", path, st))
    if not stat.S_ISREG(mode):
        return Rejected(path, "unsupported_format", "not a regular file; it was not opened",
                        _identity("special", path, st))
    if max_bytes is not None and st.st_size > max_bytes:
        return Rejected(path, "too_large", f"the file is {st.st_size // 2**20:,} MiB, over the "
                        f"{max_bytes // 2**20:,} MiB limit (CONGVAN_MAX_FILE_BYTES); it was not read",
                        _identity("large", path, st), st.st_size)
    if not os.access(path, os.R_OK, follow_symlinks=False):
        return Rejected(path, "corrupt", "the file cannot be read (permission denied); give the "
                        "congvan user read access and put it back into the inbox", _identity("unreadable", path, st),
                        st.st_size)
    return None


def _max_file_bytes() -> int:
    from extractors.limits import Limits
    return Limits.from_env().max_file_bytes


def _unlisted(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is longer than the system allows (PATH_MAX); move it higher up"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "the folder cannot be read (permission denied)"
    return f"the folder cannot be read ({exc.strerror or type(exc).__name__})"


def survey(inputs: Sequence[str | Path]) -> Survey:
    """Every entry under the given files/folders, sorted and without duplicates (see the module doc).
    A missing input raises FileNotFoundError."""
    out = Survey()
    max_bytes = _max_file_bytes()
    seen: set[tuple[int, int]] = set()

    def consider(path: Path, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        rejected = check_entry(path, st, max_bytes)
        if rejected is not None:
            out.rejected.append(rejected)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            out.docs.append(path)
        else:
            out.skipped.append(path)

    def walk(folder: Path) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.ignored.append((folder, _unlisted(exc)))
            return
        for entry in entries:
            path = Path(entry.path)
            name = entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue                                  # gone while we looked
            except OSError as exc:
                out.ignored.append((path, _unlisted(exc)))
                continue
            if name.startswith("."):
                what = "a hidden folder" if stat.S_ISDIR(st.st_mode) else "a hidden file (a file being copied?)"
                out.ignored.append((path, f"{what}: names starting with '.' are not read"))
            elif name.endswith(".reason.json"):
                out.ignored.append((path, "a quarantine note (<name>.reason.json), not a document"))
            elif name in IGNORED_NAMES:
                out.ignored.append((path, "a system file, not a document"))
            elif stat.S_ISDIR(st.st_mode):
                walk(path)
            else:
                consider(path, st)

    for item in inputs:
        path = Path(item)
        if path.is_symlink():       # a link the operator names (an inbox kept elsewhere) is followed once
            path = Path(os.path.realpath(path))
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            raise FileNotFoundError(str(path)) from None
        except OSError as exc:
            out.ignored.append((path, _unlisted(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(path)
        else:
            consider(path, st)
    for group in (out.docs, out.skipped):
        group.sort()
    return out


def discover(inputs: list[str | Path]) -> tuple[list[Path], list[Path]]:
    """(documents, skipped) under the given files/folders, sorted, without duplicates."""
    found = survey(inputs)
    return found.docs, found.skipped


class Seconds(dict[str, float]):
    """Seconds per stage of a run: a stage not timed yet reads 0 (and reading it adds no key)."""

    def __missing__(self, key: str) -> float:
        return 0.0


@dataclass
class RunPlan:
    """What a run will do with its inputs: `new` files (first of their bytes, not stored yet at
    this extractor version) are extracted, in this order; `duplicates` follow what they duplicate.
    `rejected` are quarantined unopened, `ignored` stay with their reason, `gone` vanished."""
    paths: list[Path]
    skipped: list[Path]
    hashes: dict[str, str]
    new: list[Path]
    duplicates: list[Path]
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[tuple[Path, str]] = field(default_factory=list)
    gone: list[Path] = field(default_factory=list)


def plan_run(inputs: list[str], store, processed_dir: str | None = None,
             quarantine_dir: str | None = None, stages: Seconds | None = None) -> RunPlan:
    """Discover, hash and look up the inputs in `store` (the one place that decides what a run extracts)."""
    from pipelines import inbox
    stages = stages if stages is not None else Seconds()
    tick = time.perf_counter()
    found = survey(inputs)
    paths, skipped, rejected, ignored = found.docs, found.skipped, found.rejected, found.ignored
    if processed_dir and quarantine_dir:
        outside = [Path(processed_dir).resolve(), Path(quarantine_dir).resolve()]

        def inside(p: Path) -> bool:
            return not any(p.resolve().is_relative_to(o) for o in outside)
        paths = [p for p in paths if inside(p)]
        skipped = [p for p in skipped if inside(p)]
        rejected = [r for r in rejected if inside(r.path.parent)]
        ignored = [(p, why) for p, why in ignored if inside(p)]
    stages["discover"] = time.perf_counter() - tick

    tick = time.perf_counter()
    hashes: dict[str, str] = {}
    gone: list[Path] = []
    readable: list[Path] = []
    for p in paths:
        try:
            hashes[str(p)] = inbox.sha256_path(p)
            readable.append(p)
        except FileNotFoundError:
            gone.append(p)
        except OSError as exc:     # changed into something else, or unreadable, since the survey
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                gone.append(p)
                continue
            rejected.append(check_entry(p, st) or Rejected(
                p, "corrupt", f"the file cannot be read ({exc.strerror or type(exc).__name__})",
                _identity("unreadable", p, st), st.st_size))
    paths = readable
    stages["hash"] = time.perf_counter() - tick
    tick = time.perf_counter()
    known = store.known_hashes(list(set(hashes.values())))
    stages["lookup"] = time.perf_counter() - tick

    new: list[Path] = []
    duplicates: list[Path] = []
    first_of: dict[str, Path] = {}
    for p in paths:
        h = hashes[str(p)]
        if h in known or h in first_of:
            duplicates.append(p)
        else:
            first_of[h] = p
            new.append(p)
    return RunPlan(paths, skipped, hashes, new, duplicates, rejected, ignored, gone)
