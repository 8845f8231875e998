"""Every `CONGVAN_*` environment variable, read in one place: typed, with its default and what it does.

`Limits` (what an untrusted file may cost) and `Settings` (everything else) are frozen dataclasses;
each field names its variable and says what it does (`docs/settings.md` is generated from them:
`python -m models.settings`). `settings()` reads the environment when called, so a value read per
call stays a value read per call (tests change the environment); module constants read once at import
are read once at import, as before. It lives in `models` because readers, extractors and pipelines
all read it and `models` imports nothing of the project.

An empty variable counts as unset. A switch is off with `0`, `false`, `no` or `off`, on with `1`,
`true`, `yes` or `on`; any other value keeps the default. Numbers accept a float form (`1e9`); a
variable that is not a number raises `ValueError` naming it.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")

_OFF = ("0", "false", "no", "off")
_ON = ("1", "true", "yes", "on")


def _var(env: str, default: T, doc: str, group: str) -> T:
    """A dataclass field read from the environment variable `env`."""
    return field(default=default, metadata={"env": env, "doc": doc, "group": group})


def _parse(raw: str, default: Any, kind: str) -> Any:
    if kind == "bool":
        low = raw.strip().lower()
        return False if low in _OFF else True if low in _ON else default
    if kind == "int":
        return int(float(raw))
    if kind == "float":
        return float(raw)
    return raw


def _kind(cls: type, name: str) -> str:
    annotation = str(cls.__annotations__[name])
    return "bool" if annotation == "bool" else "int" if annotation.startswith("int") \
        else "float" if annotation.startswith("float") else "str"


# per class: (field, variable, kind, default) of each field, worked out once (`settings()` is
# called per document and per message: reading the environment must stay cheap)
_SPECS: dict[type, list[tuple[str, str, str, Any]]] = {}


def _from_env(cls: type[T], environ: Mapping[str, str] | None) -> T:
    env = os.environ if environ is None else environ
    specs = _SPECS.get(cls)
    if specs is None:
        specs = _SPECS[cls] = [(f.name, f.metadata["env"], _kind(cls, f.name), f.default)
                               for f in fields(cls)]   # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name, var, kind, default in specs:
        raw = env.get(var)
        if raw:
            try:
                values[name] = _parse(raw, default, kind)
            except ValueError:
                raise ValueError(f"{var}={raw!r}: not a number") from None
    return cls(**values)


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading untrusted files (a file over one is quarantined, `too_large` or
    `timeout`, with the variable to raise in its message)."""
    max_file_bytes: int = _var("CONGVAN_MAX_FILE_BYTES", 200 * 1024 * 1024,
                               "size of an input file in bytes", "limits")
    max_pages: int = _var("CONGVAN_MAX_PAGES", 300, "pages read per document", "limits")
    max_page_pixels: int = _var("CONGVAN_MAX_PAGE_PIXELS", 60_000_000,
                                "rendered pixels of one page (OCR)", "limits")
    max_image_pixels: int = _var("CONGVAN_MAX_IMAGE_PIXELS", 120_000_000,
                                 "decoded pixels of an embedded or input image", "limits")
    max_decompressed_bytes: int = _var("CONGVAN_MAX_DECOMPRESSED_BYTES", 300 * 1024 * 1024,
                                       "sum of a DOCX's unzipped members in bytes", "limits")
    max_zip_ratio: float = _var("CONGVAN_MAX_ZIP_RATIO", 200.0,
                                "unzipped/zipped size of a DOCX member (members over 1 MiB)", "limits")
    max_zip_members: int = _var("CONGVAN_MAX_ZIP_MEMBERS", 10_000, "parts in a DOCX archive", "limits")
    max_text_bytes: int = _var("CONGVAN_MAX_TEXT_BYTES", 20 * 1024 * 1024,
                               "a plain-text file in bytes (every line becomes an object)", "limits")
    max_docx_elements: int = _var("CONGVAN_MAX_DOCX_ELEMENTS", 300_000,
                                  "paragraphs + tables + table cells in word/document.xml", "limits")
    ocr_timeout: float = _var("CONGVAN_OCR_TIMEOUT", 120.0, "seconds per OCR'd page", "limits")
    convert_timeout: float = _var("CONGVAN_CONVERT_TIMEOUT", 120.0,
                                  "seconds per LibreOffice conversion", "limits")
    document_timeout: float = _var("CONGVAN_DOCUMENT_TIMEOUT", 600.0,
                                   "seconds per document overall (the worker is stopped)", "limits")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        return _from_env(cls, environ)


@dataclass(frozen=True)
class Settings:
    """Everything else congvan reads from the environment (see the module docstring)."""
    # --- readers
    native: bool = _var("CONGVAN_NATIVE", True, "use the compiled C helper for PDF words and lines "
                        "(off: the same from Python, ~2.5 ms slower per document)", "readers")
    pdf_reader: str = _var("CONGVAN_PDF_READER", "", "`pdfplumber` forces the pdfplumber reader "
                           "(comparisons); else pypdfium2", "readers")
    tesseract: str = _var("CONGVAN_TESSERACT", "tesseract", "the tesseract executable (read at import)",
                          "readers")
    ocr_lang: str = _var("CONGVAN_OCR_LANG", "vie", "tesseract language(s) (read at import)", "readers")
    ocr_psm: str = _var("CONGVAN_OCR_PSM", "3", "tesseract page segmentation mode (read at import)",
                        "readers")
    ocr_deskew: bool = _var("CONGVAN_OCR_DESKEW", True, "straighten skewed scans before OCR "
                            "(read at import)", "readers")
    ocr_dpi: int = _var("CONGVAN_OCR_DPI", 200, "resolution scans are rendered at for OCR "
                        "(read at import)", "readers")
    ocr_workers: int = _var("CONGVAN_OCR_WORKERS", 0, "tesseract processes per document (0: one per "
                            "core; the runner sets cores / workers for its workers)", "readers")
    ocr_handwriting: bool = _var("CONGVAN_OCR_HANDWRITING", True, "read handwritten numbers and days "
                                 "(PP-OCRv4; read at import)", "readers")
    ocr_rescue: bool = _var("CONGVAN_OCR_RESCUE", True, "re-OCR weak header and number regions "
                            "(read at import)", "readers")
    handwriting_model: str = _var("CONGVAN_HANDWRITING_MODEL", "", "the handwriting recogniser's "
                                  "ONNX file (else the one in the rapidocr wheel)", "readers")
    soffice: str = _var("CONGVAN_SOFFICE", "", "the LibreOffice executable for .doc/.rtf (else "
                        "`soffice` or `libreoffice` on the PATH)", "readers")
    scratch: str = _var("CONGVAN_SCRATCH", "", "folder for page images handed to tools (else /dev/shm; "
                        "the runner sets one per run)", "readers")
    nlp_spacy: bool = _var("CONGVAN_NLP_SPACY", True, "spaCy helpers of the task extractor "
                           "(ablation; read at import)", "readers")
    nlp_underthesea: bool = _var("CONGVAN_NLP_UNDERTHESEA", True, "underthesea helpers of the task "
                                 "extractor (ablation; read at import)", "readers")
    # --- pipelines
    home: str = _var("CONGVAN_HOME", "", "where outputs/ (default store, records, summaries) goes "
                     "(else the project folder)", "pipelines")
    db_url: str = _var("CONGVAN_DB_URL", "", "the store's SQLAlchemy URL (else SQLite under "
                       "$CONGVAN_HOME/outputs)", "pipelines")
    workers: int = _var("CONGVAN_WORKERS", 0, "documents read at once (0: one per core)", "pipelines")
    worker_memory_mb: float = _var("CONGVAN_WORKER_MEMORY_MB", 1536.0, "memory of a worker and its "
                                   "children (MiB); over it the document is `too_large`", "pipelines")
    worker_recycle_mb: float = _var("CONGVAN_WORKER_RECYCLE_MB", 0.0, "a worker above this (MiB) is "
                                    "replaced after its document (0: half the memory cap)", "pipelines")
    worker_max_tasks: int = _var("CONGVAN_WORKER_MAX_TASKS", 0, "documents before a worker is "
                                 "replaced (0: no limit)", "pipelines")
    worker_recycle_growth: float = _var("CONGVAN_WORKER_RECYCLE_GROWTH", 0.15, "a worker whose memory "
                                        "grew by this fraction is replaced", "pipelines")
    timings: str = _var("CONGVAN_TIMINGS", "", "write the wall/CPU marks of `congvan ingest` to this "
                        "JSON file (benchmarks/throughput.py)", "pipelines")
    prefect_server: str = _var("CONGVAN_PREFECT_SERVER", "", "`prefect` uses Prefect's own server "
                               "instead of congvan's temporary one", "pipelines")
    lang: str = _var("CONGVAN_LANG", "vi", "language of command-line messages (`vi` or `en`)",
                     "pipelines")
    due_soon_days: int = _var("CONGVAN_DUE_SOON_DAYS", 3, "working days before a deadline from which "
                              "an open task is `sắp đến hạn`", "pipelines")
    smtp_host: str = _var("CONGVAN_SMTP_HOST", "", "SMTP server of the daily digest (unset: not sent)",
                          "pipelines")
    smtp_port: int = _var("CONGVAN_SMTP_PORT", 25, "SMTP port", "pipelines")
    smtp_user: str = _var("CONGVAN_SMTP_USER", "", "SMTP user (optional)", "pipelines")
    smtp_password: str = _var("CONGVAN_SMTP_PASSWORD", "", "SMTP password (optional)", "pipelines")
    smtp_starttls: bool = _var("CONGVAN_SMTP_STARTTLS", False, "STARTTLS on the SMTP connection",
                               "pipelines")
    smtp_from: str = _var("CONGVAN_SMTP_FROM", "congvan@localhost", "sender of the digest", "pipelines")
    digest_to: str = _var("CONGVAN_DIGEST_TO", "", "the office's addresses for the digest, "
                          "comma-separated", "pipelines")
    # --- web workspace (pipelines/web)
    inbox: str = _var("CONGVAN_INBOX", "inbox", "`congvan serve`: uploads go here", "web")
    quarantine: str = _var("CONGVAN_QUARANTINE", "quarantine", "`congvan serve`: the quarantine folder",
                           "web")
    processed: str = _var("CONGVAN_PROCESSED", "processed", "`congvan serve`: the processed folder", "web")
    web_secret: str = _var("CONGVAN_WEB_SECRET", "", "key of the session cookies (else a random key "
                           "kept in outputs/.web-secret)", "web")
    web_render_timeout: float = _var("CONGVAN_WEB_RENDER_TIMEOUT", 0.0, "seconds a page image may take "
                                     "to render in its child process (0: the conversion timeout + 60 s)",
                                     "web")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return _from_env(cls, environ)


# Set by congvan for its own processes, or by the test suite; not settings an operator changes.
INTERNAL = {
    "CONGVAN_RUNNER_PARENT": "set by the runner for its workers: the parent they stop with",
    "CONGVAN_TEST_PG_URL": "the test suite's throw-away PostgreSQL (scripts/test.sh)",
}


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings as the environment says now (~40 variables looked up: per run or per
    document; a value read per message or per row is read with `setting`)."""
    return Settings.from_env(environ)


def setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The one setting `name` (a field of `Settings`) as the environment says now, looking up only
    its own variable."""
    specs = _SPECS.get(Settings)
    if specs is None:
        Settings.from_env({})
        specs = _SPECS[Settings]
    for field_name, var, kind, default in specs:
        if field_name == name:
            raw = (os.environ if environ is None else environ).get(var)
            if not raw:
                return default
            try:
                return _parse(raw, default, kind)
            except ValueError:
                raise ValueError(f"{var}={raw!r}: not a number") from None
    raise KeyError(name)


def variables() -> Iterator[tuple[str, str, Any, str]]:
    """(group, variable, default, what it does) of every setting, in table order."""
    for cls in (Limits, Settings):
        for f in fields(cls):
            yield f.metadata["group"], f.metadata["env"], f.default, f.metadata["doc"]


def table() -> str:
    """The Markdown table of docs/settings.md."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    group = None
    for grp, env, default, doc in variables():
        if grp != group:
            rows.append(f"| **{grp}** | | |")
            group = grp
        shown = "on" if default is True else "off" if default is False else \
            "(unset)" if default in ("", 0, 0.0) and not isinstance(default, bool) else f"`{default}`"
        rows.append(f"| `{env}` | {shown} | {doc} |")
    rows.append("| **internal** | | |")
    for env, doc in INTERNAL.items():
        rows.append(f"| `{env}` | | {doc} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
