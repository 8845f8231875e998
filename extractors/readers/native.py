"""The optional C helper of the PDF reader (`pdfium_words.c`): build it, load it.

`python -m extractors.readers.native` compiles it with the system C compiler (scripts/setup.sh
runs it) into `_native/` next to this file, under a name carrying the source's hash, so an edited
source is never served by a stale build. Without a compiler, or with `CONGVAN_NATIVE=0`, the
reader does the same in Python and gives the same words and lines, ~2.5 ms slower per
born-digital document.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from models.settings import setting

SOURCE = Path(__file__).with_name("pdfium_words.c")
BUILD_DIR = Path(__file__).with_name("_native")


def library_path() -> Path:
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    return BUILD_DIR / f"pdfium_words-{digest}.so"


def build(compiler: str | None = None) -> Path | None:
    """Compile the helper (no-op when this source is built already); None without a compiler."""
    target = library_path()
    if target.exists():
        return target
    cc = compiler or os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    BUILD_DIR.mkdir(exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(partial), str(SOURCE)], check=True, timeout=120)
    partial.replace(target)               # atomic: a concurrent loader sees the whole file or none
    for old in BUILD_DIR.glob("pdfium_words-*.so"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


@lru_cache(maxsize=1)
def library():
    """The loaded helper, or None when it is not built or is switched off (`CONGVAN_NATIVE=0`)."""
    if not setting("native"):
        return None
    path = library_path()
    return ctypes.CDLL(str(path)) if path.exists() else None


class PageWords(NamedTuple):
    """One page's words from the C helper: parallel lists, one item per word, and the text runs."""
    starts: list[int]          # first character of each word in the page text
    ends: list[int]            # one past its last character
    first_objs: list[int]      # pdfium text object of its first / last character
    last_objs: list[int]
    xs: list[float]            # origin of its first character
    ys: list[float]
    rights: list[float]        # right edge of its last character
    runs: list                 # (first word, style key or None) of each run of words in one text object


@lru_cache(maxsize=1)
def page_words():
    """`words(textpage_address, text) -> PageWords` (see the C
    source; `text` without U+FFFE; `runs`: (first word, font name, font size, a, b, c, d) of each
    run of words starting in one text object, None where a call failed), or None without the helper."""
    lib = library()
    if lib is None:
        return None
    import pypdfium2_raw.bindings as bindings

    func = lib.congvan_page_words
    func.restype, func.argtypes = ctypes.c_int, None
    pdfium = bindings._libs["pdfium"]

    def pointer(name: str) -> ctypes.c_void_p:
        return ctypes.c_void_p(ctypes.cast(pdfium[name], ctypes.c_void_p).value)

    functions = [pointer(f"FPDFText_{name}") for name in
                 ("GetTextObject", "GetCharOrigin", "GetLooseCharBox", "GetFontInfo", "GetMatrix", "GetFontSize")]
    buffers: list = []                    # the output arrays, reused (callers hold pdfium's lock)
    addresses: list = []
    runs = ctypes.c_int32()

    def words(page: int, text: str):
        room = (len(text) + 1) // 2
        if not buffers or len(buffers[0]) < room:
            size = max(room, 2 * len(buffers[0]) if buffers else 4096)
            buffers[:] = [array(code, bytes(array(code).itemsize * size)) for code in "iiQQdddiid"]
            buffers.append(array("d", bytes(8 * 4 * size)))            # matrix
            buffers.append(bytearray(256 * size))                      # font names
            addresses[:] = [ctypes.c_void_p(a.buffer_info()[0]) for a in buffers[:-1]]
            addresses.append((ctypes.c_char * len(buffers[-1])).from_buffer(buffers[-1]))
        starts, ends, first, last, x, y, right, run_word, run_ok, size, matrix, names = addresses
        count = func(ctypes.c_void_p(page), *functions, text.encode("utf-32-le", "surrogatepass"), len(text),
                     starts, ends, first, last, x, y, right, ctypes.byref(runs), run_word, run_ok, names, size, matrix)
        n_runs = runs.value
        b = buffers
        word_lists: list[list[Any]] = [memoryview(a)[:count].tolist() for a in b[:7]]
        sizes, matrices, raw = memoryview(b[9])[:n_runs].tolist(), memoryview(b[10])[:4 * n_runs].tolist(), b[11]
        run_list = [(k, (bytes(raw[256 * r: 256 * r + 256]).split(b"\0", 1)[0], sizes[r], *matrices[4 * r: 4 * r + 4])
                     if ok else None) for r, (k, ok) in enumerate(zip(b[7][:n_runs], b[8][:n_runs]))]
        starts, ends, firsts, lasts, xs, ys, rights = word_lists
        return PageWords(starts, ends, firsts, lasts, xs, ys, rights, run_list)

    return words


@lru_cache(maxsize=1)
def line_groups():
    """`groups(words, page_width, page_height) -> [[word index, …] per line]` (the C twin of
    `lines.build_lines`' grouping; None for words with a non-finite coordinate), or None without
    the helper."""
    lib = library()
    if lib is None:
        return None
    import math
    import struct

    func = lib.congvan_lines
    func.restype, func.argtypes = ctypes.c_int, None

    def groups(words: list, page_width: float, page_height: float | None):
        n = len(words)
        x0, top, x1, bottom = ([w.x0 for w in words], [w.top for w in words], [w.x1 for w in words],
                               [w.bottom for w in words])
        if not math.isfinite(sum(x0) + sum(top) + sum(x1) + sum(bottom) + page_width + (page_height or 0.0)):
            return None                   # NaN/inf: the Python version decides
        coords = struct.pack(f"{4 * n}d", *x0, *top, *x1, *bottom)
        order, starts = array("i", bytes(4 * n)), array("i", bytes(4 * (n + 1)))
        count = func(n, coords, ctypes.c_double(page_width), ctypes.c_double(-1.0 if page_height is None else page_height),
                     ctypes.c_void_p(order.buffer_info()[0]), ctypes.c_void_p(starts.buffer_info()[0]))
        if count < 0:
            return None
        order_list, bounds = order.tolist(), starts[:count + 1].tolist()
        return [order_list[a:b] for a, b in zip(bounds, bounds[1:])]

    return groups


if __name__ == "__main__":
    try:
        built = build()
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"native: not built ({exc}); the PDF reader makes its pdfium calls from Python", file=sys.stderr)
        sys.exit(0)
    print(f"native: {built}" if built else "native: no C compiler; the PDF reader makes its pdfium calls from Python")
