"""Old Word `.doc` via LibreOffice headless conversion to DOCX, then the DOCX reader.

Each conversion runs in its own LibreOffice profile directory (parallel conversions
do not share a user installation), in its own process group with a timeout that kills
the whole group; the temporary directory (a converted copy of the document) is always removed,
also when the worker process is killed at the document time limit (the runner sweeps it). TCVN3/VNI text comes out
as Unicode through the DOCX reader's font-aware decoding; a `.doc` holding only page
images goes through OCR of its images.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.readers.proc import run_tool
from models.enums import InputFormat
from models.layout import Document
from models.settings import settings


def soffice_binary() -> str:
    """LibreOffice executable (`CONGVAN_SOFFICE` overrides, e.g. for tests)."""
    return settings().soffice or shutil.which("soffice") or shutil.which("libreoffice") or "soffice"


def convert_with_libreoffice(path: Path, target: str, workdir: Path, limits: Limits,
                             binary: str | None = None) -> Path:
    """Convert `path` to `target` (`docx`, `pdf`, `doc`…) inside `workdir`; returns the output file."""
    profile = workdir / "profile"
    outdir = workdir / "out"
    profile.mkdir(parents=True, exist_ok=True)
    outdir.mkdir(parents=True, exist_ok=True)
    source = workdir / ("input" + (path.suffix.lower() or ".doc"))
    shutil.copyfile(path, source)          # plain ASCII name: no quoting surprises in LibreOffice
    env = dict(os.environ, HOME=str(workdir), SAL_USE_VCLPLUGIN="svp")
    cmd = [binary or soffice_binary(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
           "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
           "--convert-to", target, "--outdir", str(outdir), str(source)]
    run_tool(cmd, timeout=limits.convert_timeout, env=env, cwd=str(workdir),
             what="LibreOffice conversion", fail_class="conversion_failed")
    produced = sorted(outdir.glob("input.*"))
    if not produced or produced[0].stat().st_size == 0:
        raise DocumentError("conversion_failed", "LibreOffice produced no output for this Word file "
                                                 "(damaged or not a Word document)")
    return produced[0]


def read_doc(path: Path, limits: Limits, binary: str | None = None) -> Document:
    """Read an old Word `.doc` (OLE2) through LibreOffice → DOCX → the DOCX reader (+ OCR of images)."""
    from extractors.readers.docx import read_docx
    from extractors.readers.ocr import complete_with_ocr

    # on disk (LibreOffice's profile and output may not fit a small /dev/shm), named after this
    # process so that a run removes it when the worker is killed mid-conversion (`remove_stale_scratch`)
    workdir = Path(tempfile.mkdtemp(prefix=f"congvan-{os.getpid()}-doc-"))
    try:
        converted = convert_with_libreoffice(path, "docx", workdir, limits, binary)
        from extractors.safety import check_docx
        check_docx(converted, limits)      # the converted file's size, elements and pictures (max_pages)
        doc = read_docx(converted, limits)
        doc.format = InputFormat.DOC
        doc = complete_with_ocr(doc, converted, limits)   # a .doc that only holds page images
        doc.path = str(path)
        doc.notes.converted_with = "libreoffice"
        return doc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
