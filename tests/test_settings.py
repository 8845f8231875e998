"""Every `CONGVAN_*` variable is read in `models/settings.py`, typed, and documented in docs/settings.md."""
import re
from pathlib import Path

import pytest

from models.settings import Limits, Settings, setting, settings, table, variables

ROOT = Path(__file__).resolve().parent.parent
# read where they are used: set by congvan itself for its children, or by the test suite
INTERNAL_READS = {"CONGVAN_RUNNER_PARENT", "CONGVAN_TEST_PG_URL"}
PENDING: set[str] = set()
READ = re.compile(r"(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*[\"'](CONGVAN_\w+)[\"']\s*[,)\]](?!\s*=[^=])")


def test_docs_table_is_current():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert table() in text, "docs/settings.md is stale: regenerate it with `python -m models.settings`"


def test_no_module_reads_a_variable_elsewhere():
    known = {env for _, env, _, _ in variables()}
    stray = []
    for pkg in ("extractors", "pipelines", "models"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "models/settings.py" or rel in PENDING:
                continue
            for name in READ.findall(path.read_text(encoding="utf-8")):
                if name not in INTERNAL_READS:
                    stray.append(f"{rel}: {name}" + ("" if name in known else " (not in Settings)"))
    assert not stray


def test_types_defaults_and_switches():
    s = settings({})
    assert s == Settings() and s.ocr_dpi == 200 and s.native is True and s.smtp_starttls is False
    s = settings({"CONGVAN_OCR_DPI": "300", "CONGVAN_NATIVE": "0", "CONGVAN_SMTP_STARTTLS": "yes",
                  "CONGVAN_WORKER_MEMORY_MB": "2e3", "CONGVAN_LANG": "", "CONGVAN_NLP_SPACY": "maybe"})
    assert (s.ocr_dpi, s.native, s.smtp_starttls, s.worker_memory_mb) == (300, False, True, 2000.0)
    assert s.lang == "vi" and s.nlp_spacy is True          # empty = unset; an unknown switch keeps its default
    assert Limits.from_env({"CONGVAN_MAX_DOCX_ELEMENTS": "1e9"}).max_docx_elements == 10**9
    with pytest.raises(ValueError, match="CONGVAN_SMTP_PORT"):
        settings({"CONGVAN_SMTP_PORT": "twenty-five"})


def test_read_when_called(monkeypatch):
    monkeypatch.setenv("CONGVAN_DUE_SOON_DAYS", "7")
    assert settings().due_soon_days == 7
    monkeypatch.setenv("CONGVAN_DUE_SOON_DAYS", "2")
    assert settings().due_soon_days == 2


def test_one_setting_reads_like_all(monkeypatch):
    monkeypatch.setenv("CONGVAN_LANG", "en")
    monkeypatch.setenv("CONGVAN_OCR_WORKERS", "3")
    for name in ("lang", "ocr_workers", "native", "smtp_port"):
        assert setting(name) == getattr(settings(), name)
    with pytest.raises(KeyError):
        setting("no_such_setting")
