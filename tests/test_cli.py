"""`congvan extract`: one record per file with id = stem, broken files give an `error` record
with exit code 0, usage errors exit non-zero. In-process (`pipelines.cli.main`) and once
through the installed console script."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "samples" / "docs"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _small_batch(tmp_path: Path) -> Path:
    """Two born-digital samples, a truncated PDF, a damaged DOCX and an empty text file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("cv-ubnd-quangtri-duoi-nuoc.docx", "cv-bnn-dong-xuan.txt"):
        shutil.copy(DOCS / name, folder / name)
    pdf = (DOCS / "qd-snv-nghean-to-cong-tac.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    docx = (DOCS / "gm-syt-camau-hoi-nghi.docx").read_bytes()
    (folder / "damaged.docx").write_bytes(docx[:2000])
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_extract_small_batch_in_process(tmp_path):
    folder = _small_batch(tmp_path)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "--jsonl", str(out), "--workers", "1"]) == 0
    records = {r["id"]: r for r in _records(out)}
    assert set(records) == {p.stem for p in folder.iterdir()}
    for broken in ("truncated", "damaged", "empty"):
        assert records[broken].get("error"), broken
        assert records[broken].get("error_class")
    for good in ("cv-ubnd-quangtri-duoi-nuoc", "cv-bnn-dong-xuan"):
        assert not records[good].get("error"), records[good].get("error")
        assert records[good]["symbol"]


@pytest.mark.slow
def test_extract_all_samples_in_process(tmp_path):
    out = tmp_path / "samples.jsonl"
    assert main(["extract", str(DOCS), "--jsonl", str(out)]) == 0
    records = _records(out)
    stems = sorted(p.stem for p in DOCS.iterdir() if p.is_file())
    assert sorted(r["id"] for r in records) == stems          # one record per file, id = stem
    for record in records:
        assert {"doc_type", "symbol", "signer", "tasks"} <= set(record)


def _console_script() -> Path:
    script = Path(sys.executable).parent / "congvan"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "congvan"
    if not script.exists():
        pytest.skip("the congvan console script is not installed")
    return script


def test_extract_console_script(tmp_path):
    folder = _small_batch(tmp_path)
    out = tmp_path / "out.jsonl"
    result = subprocess.run([str(_console_script()), "extract", str(folder), "--jsonl", str(out)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    records = {r["id"]: r for r in _records(out)}
    assert set(records) == {p.stem for p in folder.iterdir()}
    assert records["truncated"].get("error") and not records["cv-bnn-dong-xuan"].get("error")


def test_extract_to_stdout(tmp_path, capsys):
    assert main(["extract", str(DOCS / "cv-bnn-dong-xuan.txt"), "--workers", "1"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 1 and json.loads(lines[0])["id"] == "cv-bnn-dong-xuan"


def test_usage_errors_exit_non_zero(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code != 0
    with pytest.raises(SystemExit) as exc:
        main(["extract"])                      # no input
    assert exc.value.code != 0
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(tmp_path), "--no-such-option"])
    assert exc.value.code != 0
    assert main(["extract", str(tmp_path / "does-not-exist.pdf")]) != 0


def test_usage_error_console_script():
    result = subprocess.run([str(_console_script()), "extract"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "usage" in result.stderr.lower()


def test_extract_writes_a_timeout_record_and_goes_on(tmp_path, monkeypatch, capsys):
    """A document killed at the time limit in its worker still gets its line (the parent writes the
    error record; the workers serialise the others themselves)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DOCS / "ct-ubnd-haiduong-atgt-scan.pdf", folder)      # OCR: seconds
    shutil.copy(DOCS / "cv-bnn-dong-xuan.txt", folder)                 # milliseconds
    monkeypatch.setenv("CONGVAN_DOCUMENT_TIMEOUT", "1")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "--jsonl", str(out), "--workers", "1"]) == 0
    records = {r["id"]: r for r in _records(out)}
    assert records["ct-ubnd-haiduong-atgt-scan"]["error_class"] == "timeout"
    assert records["ct-ubnd-haiduong-atgt-scan"]["file"]["sha256"]
    assert not records["cv-bnn-dong-xuan"].get("error") and records["cv-bnn-dong-xuan"]["symbol"]
    assert "2 files, 1 extracted, 1 with errors" in capsys.readouterr().err
