"""The child process that renders one page image for the workspace (`pipelines.web.files.render_in_child`):

    python -m pipelines.web.render SOURCE NUMBER TARGET WORK

PDF through pdfium; Word files through their PDF (LibreOffice, cached in WORK); images as they are (the
image OCR read). Its address space is capped at the ingest workers' memory cap before anything is
decoded, and the decoders get the ingest limits (`Limits.from_env`). Exit 0: TARGET written; 3: no
such page; 4: not a format it renders; 5: it failed.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

RENDER_SCALE = 1.6          # ×72 dpi: ~115 dpi, readable beside the fields
MAX_RENDER_PIXELS = 12_000_000
EXIT_NO_PAGE, EXIT_FORMAT, EXIT_FAILED = 3, 4, 5


class NoPage(LookupError):
    pass


def cap_memory() -> None:
    """The ingest workers' memory cap (`CONGVAN_WORKER_MEMORY_MB`, default 1536) as this process's
    address-space limit: a page that needs more fails here, not in the web process."""
    import resource

    from models.settings import setting
    mb = float(setting("worker_memory_mb"))
    limit = int(mb * 2**20)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def render(source: Path, number: int, work: Path):
    from PIL import Image

    from extractors.limits import Limits
    limits = Limits.from_env()
    with source.open("rb") as f:
        head = f.read(1024)
    if b"%PDF-" in head:
        return _render_pdf(source, number)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
        with Image.open(source) as img:
            if number > getattr(img, "n_frames", 1):
                raise NoPage(number)
            img.seek(number - 1)
            out = img.convert("RGB")
        if out.width * out.height > MAX_RENDER_PIXELS:
            factor = (MAX_RENDER_PIXELS / (out.width * out.height)) ** 0.5
            out = out.resize((int(out.width * factor), int(out.height * factor)))
        return out
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or head.lstrip().startswith(b"{\\rtf"):
        pdf = work / "document.pdf"
        if not pdf.is_file():
            _word_to_pdf(source, pdf, limits)
        return _render_pdf(pdf, number)
    return None


def _render_pdf(path: Path, number: int):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        if number > len(pdf):
            raise NoPage(number)
        page = pdf[number - 1]
        width, height = page.get_size()
        scale = min(RENDER_SCALE, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def _word_to_pdf(source: Path, target: Path, limits) -> None:
    from extractors.readers.legacy_doc import convert_with_libreoffice
    scratch = Path(tempfile.mkdtemp(prefix="congvan-web-"))
    try:
        produced = convert_with_libreoffice(source, "pdf", scratch, limits)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(produced, tmp)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    source, number, target, work = Path(argv[0]), int(argv[1]), Path(argv[2]), Path(argv[3])
    cap_memory()
    try:
        image = render(source, number, work)
    except NoPage:
        return EXIT_NO_PAGE
    except Exception as exc:  # noqa: BLE001 — a damaged file, a decoder out of memory: no image
        print(f"page rendering failed: {type(exc).__name__}", file=sys.stderr)
        return EXIT_FAILED
    if image is None:
        return EXIT_FORMAT
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    image.save(tmp, "PNG", optimize=True)
    os.replace(tmp, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
