"""Helpers for the flow tests: a Prefect test server shared by the session, small documents."""
from __future__ import annotations

import atexit
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

_stack: ExitStack | None = None
_homes: list[str] = []          # Prefect homes made here, removed when the test process ends


def _new_home() -> str:
    if not _homes:
        atexit.register(_remove_homes)
    _homes.append(tempfile.mkdtemp(prefix="congvan-prefect-home-"))
    return _homes[-1]


def _remove_homes() -> None:
    import shutil
    for home in _homes:
        shutil.rmtree(home, ignore_errors=True)


def prefect_test_server() -> str:
    """Start (once per process) a throw-away Prefect server with its own home; its API URL."""
    global _stack
    import prefect.settings as ps
    if _stack is None:
        from prefect.testing.utilities import prefect_test_harness
        home = _new_home()
        _stack = ExitStack()
        _stack.enter_context(ps.temporary_settings(updates={ps.PREFECT_HOME: home}))
        _stack.enter_context(prefect_test_harness(server_startup_timeout=180))
        atexit.register(_close)
    return ps.PREFECT_API_URL.value()


def _close() -> None:
    import logging
    logging.disable(logging.CRITICAL)  # the server logs its stop after pytest closed the streams
    if _stack is not None:
        _stack.close()


def subprocess_env(api_url: str, **extra) -> dict:
    """Environment for a `congvan` subprocess talking to the test server."""
    env = dict(os.environ)
    env.update({"PREFECT_API_URL": api_url, "PREFECT_HOME": _new_home()})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def write_docx(path: Path, number: int, agency: str = "ỦY BAN NHÂN DÂN TỈNH BẮC NINH") -> Path:
    from docx import Document
    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = f"{agency}\nSỞ NỘI VỤ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = f"Số: {number}/SNV-VP\nV/v báo cáo công tác văn thư số {number}"
    table.cell(1, 1).text = f"Bắc Ninh, ngày {1 + number % 27} tháng {1 + number % 12} năm 2024"
    doc.add_paragraph("Kính gửi: Các sở, ban, ngành tỉnh.")
    doc.add_paragraph(f"Sở Nội vụ đề nghị các đơn vị báo cáo tình hình thực hiện (văn bản {number}).")
    footer = doc.add_table(rows=1, cols=2)
    footer.cell(0, 0).text = "Nơi nhận:\n- Như trên;\n- Lưu: VT."
    footer.cell(0, 1).text = "GIÁM ĐỐC\n\nNguyễn Văn An"
    doc.save(path)
    return path


def write_txt(path: Path, number: int) -> Path:
    path.write_text("ỦY BAN NHÂN DÂN\nHUYỆN TIÊN DU\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    f"Số: {number}/TB-UBND\n\nTHÔNG BÁO\nKết luận của Chủ tịch UBND huyện (số {number})\n\n"
                    "Nơi nhận:\n- Lưu: VT.\n\nCHỦ TỊCH\nTrần Văn Bình\n", encoding="utf-8")
    return path


def make_inbox(folder: Path, n_docx: int = 3, n_txt: int = 1, corrupt: bool = True) -> dict:
    """A generated inbox: good DOCX/TXT files, a corrupt DOCX, a non-document file."""
    folder.mkdir(parents=True, exist_ok=True)
    good = [write_docx(folder / f"cv-{i:03d}.docx", 100 + i) for i in range(n_docx)]
    good += [write_txt(folder / f"tb-{i:03d}.txt", 200 + i) for i in range(n_txt)]
    bad = []
    if corrupt:
        (folder / "hong.docx").write_bytes(b"PK\x03\x04\x14\x00 truncated download")
        bad.append(folder / "hong.docx")
    return {"good": good, "bad": bad}


def read_jsonl(path: Path) -> list[dict]:
    import json
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
