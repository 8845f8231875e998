"""The optional C helper of the PDF reader (`pdfium_words.c`): build it, load it.

`python -m extractors.readers.native` compiles it with the system C compiler (scripts/setup.sh
runs it) into `_native/` next to this file, under a name carrying the source's hash, so an edited
source is never served by a stale build. Without a compiler, or with `CONGVAN_NATIVE=0`, the
reader makes the same pdfium calls from Python and gives the same words, ~1.5 ms slower per
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
def word_boxes():
    """`boxes(textpage_address, spans) -> (first, last, x, y, right)` lists (see the C source), or
    None when the helper is not built or is switched off."""
    if os.environ.get("CONGVAN_NATIVE", "1") == "0":
        return None
    path = library_path()
    if not path.exists():
        return None
    import pypdfium2_raw.bindings as bindings

    lib = ctypes.CDLL(str(path))
    func = lib.congvan_word_boxes
    func.restype, func.argtypes = ctypes.c_int, None
    pdfium = bindings._libs["pdfium"]

    def pointer(name: str) -> ctypes.c_void_p:
        return ctypes.c_void_p(ctypes.cast(pdfium[name], ctypes.c_void_p).value)

    get_object, origin, loose = (pointer("FPDFText_GetTextObject"), pointer("FPDFText_GetCharOrigin"),
                                 pointer("FPDFText_GetLooseCharBox"))

    def boxes(page: int, spans: list[tuple[int, int]]):
        n = len(spans)
        starts, ends = array("i", [s for s, _ in spans]), array("i", [e for _, e in spans])
        first, last, x, y, right = (array(code, bytes(8 * n)) for code in "QQddd")
        address = [ctypes.c_void_p(a.buffer_info()[0]) for a in (starts, ends, first, last, x, y, right)]
        func(ctypes.c_void_p(page), get_object, origin, loose, n, *address)
        return first.tolist(), last.tolist(), x.tolist(), y.tolist(), right.tolist()

    return boxes


if __name__ == "__main__":
    try:
        built = build()
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"native: not built ({exc}); the PDF reader makes its pdfium calls from Python", file=sys.stderr)
        sys.exit(0)
    print(f"native: {built}" if built else "native: no C compiler; the PDF reader makes its pdfium calls from Python")
