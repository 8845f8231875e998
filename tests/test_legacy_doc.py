"""Old Word .doc through LibreOffice: a generated DOCX saved as .doc and read back; legacy-font
(.VnTime / TCVN3) text comes out as Unicode; a hanging converter is killed by the timeout."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.readers import read_document
from extractors.readers.legacy_doc import convert_with_libreoffice, read_doc

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")


def _docx(path: Path, legacy: bool = False) -> Path:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells

    def put(cell_or_doc, text, font=None, bold=False):
        paragraph = cell_or_doc.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        if font:
            run.font.name = font
            run.font.size = Pt(13)
        return paragraph

    if legacy:      # typed with the TCVN3 fonts: bytes of .VnTime/.VnTimeH
        put(left, "uû ban nh©n d©n", ".VnTimeH")
        put(left, "tØnh qu¶ng ng·i", ".VnTimeH", bold=True)
        put(right, "céng hoµ x· héi chñ nghÜa viÖt nam", ".VnTimeH", bold=True)
        put(document, "KÝnh göi: Së Gi¸o dôc vµ §µo t¹o", ".VnTime")
        put(document, "§Ò nghÞ c¸c c¬ quan, ®¬n vÞ thùc hiÖn nghiªm tóc.", ".VnTime")
    else:
        put(left, "ỦY BAN NHÂN DÂN")
        put(left, "TỈNH QUẢNG NGÃI", bold=True)
        put(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
        put(document, "Kính gửi: Sở Giáo dục và Đào tạo")
        put(document, "Đề nghị các cơ quan, đơn vị thực hiện nghiêm túc.")
    document.save(path)
    return path


def _to_doc(src: Path, workdir: Path) -> Path:
    out = convert_with_libreoffice(src, "doc:MS Word 97", workdir, Limits())
    target = src.with_suffix(".doc")
    shutil.copyfile(out, target)
    return target


@needs_soffice
@pytest.mark.slow
def test_generated_doc_read_back(tmp_path):
    doc_path = _to_doc(_docx(tmp_path / "plain.docx"), tmp_path / "w1")
    assert doc_path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"    # OLE2: a real .doc
    doc = read_document(doc_path, Limits())
    assert doc.format == "doc"
    texts = [line.text for line in doc.lines]
    assert "ỦY BAN NHÂN DÂN" in texts and "Kính gửi: Sở Giáo dục và Đào tạo" in texts
    issuer = next(l for l in doc.lines if l.text == "ỦY BAN NHÂN DÂN")
    motto = next(l for l in doc.lines if l.text.startswith("CỘNG HÒA"))
    assert issuer.x1 <= motto.x0          # header columns keep their places


@needs_soffice
@pytest.mark.slow
def test_tcvn3_doc_comes_out_as_unicode(tmp_path):
    doc_path = _to_doc(_docx(tmp_path / "legacy.docx", legacy=True), tmp_path / "w2")
    doc = read_document(doc_path, Limits())
    texts = [line.text for line in doc.lines]
    assert "UỶ BAN NHÂN DÂN" in texts                      # .VnTimeH: an all-capitals font
    assert "TỈNH QUẢNG NGÃI" in texts
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Kính gửi: Sở Giáo dục và Đào tạo" in texts
    assert "Đề nghị các cơ quan, đơn vị thực hiện nghiêm túc." in texts


def test_hanging_conversion_is_killed(tmp_path, monkeypatch):
    """A converter that never finishes (and forks a child) is killed with its process group."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    marker = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nsleep 300\n")
    fake.chmod(0o755)
    source = tmp_path / "x.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    started = time.monotonic()
    with pytest.raises(DocumentError) as err:
        read_doc(source, Limits(convert_timeout=1.0), binary=str(fake))
    assert err.value.error_class == "timeout"
    assert time.monotonic() - started < 30
    child = int(marker.read_text())

    def gone() -> bool:
        return not Path(f"/proc/{child}").exists() or "zombie" in _state(child)

    deadline = time.monotonic() + 10            # the group's SIGKILL lands within a moment
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone()
    assert list(scratch.iterdir()) == []                                  # temp dir removed


def test_failed_conversion_is_conversion_failed(tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")                # "succeeds" without output
    fake.chmod(0o755)
    source = tmp_path / "x.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(DocumentError) as err:
        read_doc(source, Limits(), binary=str(fake))
    assert err.value.error_class == "conversion_failed"


def _state(pid: int) -> str:
    try:
        return subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout + \
            ("zombie" if "Z" in subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True,
                                               text=True).stdout else "")
    except OSError:
        return ""


def test_work_folder_of_a_worker_killed_mid_conversion_is_removed(tmp_path, monkeypatch):
    """The LibreOffice work folder holds a converted copy of the document: when the runner kills
    the worker at the document time limit (the converter still running), it removes the folder."""
    import tempfile

    from pipelines.runner import Runner

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CONGVAN_SOFFICE", str(fake))
    monkeypatch.setenv("CONGVAN_CONVERT_TIMEOUT", "60")
    monkeypatch.setenv("CONGVAN_DOCUMENT_TIMEOUT", "3")
    doc = Path(__file__).resolve().parent.parent / "samples" / "docs" / "bc-ubnd-xa-tanphuoc-cchc.doc"
    with Runner(workers=1) as runner:
        runner.prestart()
        deadline = time.monotonic() + 60
        while not runner.pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        pid = runner.pids()[0]
        (outcome,) = list(runner.map([str(doc)]))
        assert outcome.error_class == "timeout"
        left = list(Path(tempfile.gettempdir()).glob(f"congvan-{pid}-doc-*"))
    assert left == []
