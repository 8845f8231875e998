"""The extracted record: CONTRACT fields (../shared/eval/CONTRACT.md) plus provenance.

`DocumentRecord.contract()` gives the JSON object of the contract; extra keys
(`provenance`, `file`, `needs_review`, `error`, ...) ride along and are ignored by the scorer.
"""
from __future__ import annotations

import json

from pydantic import BaseModel, Field

EXTRACTOR_VERSION = "0.2.1"


class FieldProvenance(BaseModel):
    """Where a value came from: page, the source text span, how sure we are."""
    page: int | None = None
    text: str | None = None
    confidence: float = 1.0
    needs_review: bool = False
    method: str | None = None   # text | ocr | docx | txt | inferred
    box: list[float] | None = None  # where on `page`: [x0, top, x1, bottom] as fractions of the page (PDF, scans)


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
    path: str
    name: str
    sha256: str | None = None
    size: int | None = None
    format: str | None = None
    pages: int | None = None
    ocr_pages: int = 0


class DocumentRecord(BaseModel):
    id: str
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    date: str | None = None
    place: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    subject: str | None = None
    recipients: list[str] = Field(default_factory=list)
    distribution: list[str] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    references: list[Reference] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    provenance: dict[str, FieldProvenance] = Field(default_factory=dict)
    file: FileInfo | None = None
    extractor_version: str = EXTRACTOR_VERSION
    error: str | None = None
    error_class: str | None = None

    @property
    def needs_review(self) -> list[str]:
        return sorted(k for k, p in self.provenance.items() if p.needs_review)

    def contract(self) -> dict:
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
