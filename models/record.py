"""The extracted record: CONTRACT fields (../shared/eval/CONTRACT.md) plus provenance.

`DocumentRecord.contract()` gives the JSON object of the contract; extra keys
(`provenance`, `file`, `needs_review`, `error`, ...) ride along and are ignored by the scorer.
"""
from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, Field, field_validator, model_validator

from models.enums import ErrorClass, ExtractionMethod
from models.version import __version__

# What no store, JSON file or spreadsheet accepts: C0 control characters other than tab and line
# breaks (PostgreSQL refuses NUL, XLSX every C0 control), DEL, and lone UTF-16 surrogates (a PDF
# font mapping a code to <D800>; a file name's undecodable bytes, which Python holds as U+DC80–U+DCFF).
EXTRACTOR_VERSION: str = __version__     # what every record carries (`extractor_version`)

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _safe_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:        # an undecodable byte of a file name: its escaped form, reversible
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:        # any other lone surrogate: the replacement character
        return "\ufffd"
    return " " if code in (0x0B, 0x0C) else ""   # vertical tab, form feed: a space; other controls dropped


def clean_text(text: str) -> str:
    """`text` without control characters and lone surrogates (see `_UNSAFE`); unchanged when clean."""
    return _UNSAFE.sub(_safe_char, text) if _UNSAFE.search(text) else text


_T = TypeVar("_T")


def _clean(value: _T) -> _T:
    """Clean every string inside a value (models, lists, dicts) in place; returns the value."""
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]  # a str for a str
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            cleaned = _clean(item)
            if cleaned is not item:
                object.__setattr__(value, name, cleaned)   # no re-validation: same type, cleaner text
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            cleaned = _clean(item)
            if cleaned is not item:
                value[i] = cleaned
        return value
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _clean(value[key])
        return value
    return value


class FieldProvenance(BaseModel):
    """Where a value came from: page, the source text span, how sure we are."""
    page: int | None = None
    text: str | None = None
    confidence: float = 1.0
    needs_review: bool = False
    method: ExtractionMethod | None = None
    box: list[float] | None = None  # where on `page`: [x0, top, x1, bottom] as fractions of the page (PDF, scans)

    @field_validator("method", mode="before")
    @classmethod
    def _legacy_method(cls, value: object) -> object:
        """Records of 0.3.0 and older call a task's method `rules` (`rule` everywhere else)."""
        return ExtractionMethod.RULE if value == "rules" else value


class Signer(BaseModel):
    name: str | None = None
    title: str | None = None
    authority: str | None = None


class Reference(BaseModel):
    symbol: str
    doc_type: str | None = None
    date: str | None = None
    issuer: str | None = None


class Task(BaseModel):
    assignees: list[str] = Field(default_factory=list)
    assignees_normalized: list[str] = Field(default_factory=list)
    lead: str | None = None
    co: list[str] = Field(default_factory=list)
    action: str = ""
    deadline: str | None = None
    recurrence: str | None = None
    source: FieldProvenance | None = None


class FileInfo(BaseModel):
    """The file a record came from. `path` and `name` are text: a name's undecodable bytes
    are kept as `\\xNN` escapes (`clean_text`), so every store and file format accepts them."""
    path: str
    name: str
    sha256: str | None = None
    size: int | None = None
    format: str | None = None
    pages: int | None = None
    ocr_pages: int = 0

    @model_validator(mode="after")
    def _clean_strings(self) -> FileInfo:
        return _clean(self)


class DocumentRecord(BaseModel):
    id: str
    official: bool | None = None    # an administrative document (False: a manual, a template, …); None on error
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    date: str | None = None
    place: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    subject: str | None = None
    urgency: str | None = None             # độ khẩn: Hỏa tốc | Thượng khẩn | Khẩn
    confidentiality: str | None = None     # độ mật: Mật | Tối mật | Tuyệt mật
    recipients: list[str] = Field(default_factory=list)
    distribution: list[str] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    references: list[Reference] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    provenance: dict[str, FieldProvenance] = Field(default_factory=dict)
    file: FileInfo | None = None
    extractor_version: str = EXTRACTOR_VERSION
    error: str | None = None
    error_class: ErrorClass | None = None

    @model_validator(mode="after")
    def _clean_strings(self) -> DocumentRecord:
        """The record boundary: every record is built clean of control characters and lone
        surrogates, so no consumer (JSONL, SQLite, PostgreSQL, XLSX) ever sees them. Build a record
        with its values (not by assigning fields afterwards: assignments are not checked)."""
        return _clean(self)

    @property
    def needs_review(self) -> list[str]:
        return sorted(k for k, p in self.provenance.items() if p.needs_review)

    def contract(self) -> dict[str, Any]:
        """The JSON object of the contract, with provenance and file info as extra keys."""
        data = self.model_dump(mode="json", exclude_none=False)
        if self.error is None:
            data.pop("error")
            data.pop("error_class")
        data["needs_review"] = self.needs_review
        return data

    def contract_line(self) -> str:
        """`contract()` as one JSON line (what `congvan extract` writes), without the newline."""
        return json.dumps(self.contract(), ensure_ascii=False)
