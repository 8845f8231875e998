"""One file → one `DocumentRecord`: read (any format), extract fields and tasks.

Pure orchestration of the readers and extractors; no I/O besides reading the file.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from extractors.analysis import analyse
from extractors.errors import DocumentError
from extractors.fields import Fields, FieldValue, extract_fields
from extractors.limits import Limits
from extractors.marks import extract_marks
from extractors.readers import open_regular, read_document
from extractors.tasks import extract_tasks
from models.enums import ErrorClass
from models.layout import Document
from models.record import DocumentRecord, FieldProvenance, FileInfo

log = logging.getLogger("congvan.extract")
REVIEW_BELOW = 0.75  # a field whose confidence is below this is marked needs_review


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_info(path: Path) -> FileInfo:
    stat = os.lstat(path)
    return FileInfo(path=str(path), name=path.name, sha256=sha256_file(path), size=stat.st_size,
                    format=path.suffix.lower().lstrip(".") or None)


def page_box(doc: Document, page: int | None, box: Sequence[float] | None) -> list[float] | None:
    """A box in page units → fractions of the page, for pages whose image is what was read
    (PDF text layer, OCR); DOCX/TXT coordinates are synthetic and get none."""
    if not box or not page or page > len(doc.pages):
        return None
    p = doc.pages[page - 1]
    if p.method not in ("text", "ocr") or not p.width or not p.height:
        return None
    x0, top, x1, bottom = box
    return [round(max(0.0, min(1.0, v)), 4) for v in (x0 / p.width, top / p.height, x1 / p.width, bottom / p.height)]


def provenance_of(doc: Document, fv: FieldValue[Any]) -> FieldProvenance:
    return FieldProvenance(page=fv.page, text=fv.text, confidence=round(fv.confidence, 3),
                           needs_review=fv.confidence < REVIEW_BELOW, method=fv.method,
                           box=page_box(doc, fv.page, fv.box))


def field_values(fields: Fields) -> dict[str, Any]:
    """The record's values of the field groups."""
    h, to = fields.header, fields.addressees
    return dict(official=fields.official.value, doc_type=h.doc_type.value, number=h.number.value,
                symbol=h.symbol.value, code=h.code.value, date=h.date.value, place=h.place.value,
                issuer=h.issuer.value, issuer_parent=h.issuer_parent.value, subject=h.subject.value,
                recipients=to.recipients.value, distribution=to.distribution.value,
                signer=fields.signer.value, references=fields.references.value)


def record_from_document(doc_id: str, doc: Document) -> DocumentRecord:
    """Build the record from an already-read layout document (pure):
    layout → analysis → field groups and tasks → record."""
    analysis = analyse(doc)          # prepared lines, columns, header map, zones: once
    fields = Fields.of(extract_fields(analysis))     # None: a document without lines
    values = field_values(fields) if fields else {}
    provenance = {name: provenance_of(doc, fv) for name, fv in fields.provenance()} if fields else {}
    # a file that is not an administrative document assigns no work (CONTRACT `official`)
    tasks = extract_tasks(analysis, fields) if fields is None or fields.official.value else []
    for task in tasks:      # the box of a task's source, like a field's: page units → page fractions
        if task.source is not None:
            task.source.box = page_box(doc, task.source.page, task.source.box)
    # built with all its values at once: the record's validator cleans them (models.record.clean_text)
    marks = extract_marks(doc)       # độ khẩn / độ mật
    return DocumentRecord(id=doc_id, **values, urgency=marks["urgency"], confidentiality=marks["confidentiality"],
                          provenance=provenance, tasks=tasks)


MIN_WORDS_OF_TEXT = 150   # fewer words, and nothing of a document: junk (`hello`, a stub page), quarantined


def has_document_content(record: DocumentRecord) -> bool:
    """Whether anything of an administrative document was found: a kind, number, date, issuing
    body, subject, recipient, signer or task (ND30 puts several of them on every document). A file
    with none of them (a saved web page, `hello`, junk read as text) is not a document."""
    return bool(record.doc_type or record.symbol or record.number or record.date or record.issuer
                or record.subject or record.recipients or record.signer.name or record.tasks)


def extract_record(path: str | Path, limits: Limits | None = None) -> DocumentRecord:
    """Read and extract one file. A file that cannot be read gives a record with `error` set."""
    path = Path(path)
    doc_id = path.stem      # a file name can name a person: logs carry `log_id` (the file's sha prefix)
    try:
        info = file_info(path)
    except OSError:          # gone, unreadable, a link or a pipe: `read_document` says which
        info = FileInfo(path=str(path), name=path.name)
    log_id = (info.sha256 or hashlib.sha256(doc_id.encode()).hexdigest())[:12]
    try:
        doc = read_document(path, limits)
        record = record_from_document(doc_id, doc)
        # a readable text that is no administrative document (a manual, a résumé) is recorded with
        # `official: false`; a scrap of text with nothing of a document is junk and goes to quarantine
        if not has_document_content(record) and len(doc.text.split()) < MIN_WORDS_OF_TEXT:
            raise DocumentError("not_a_document", "no part of an administrative document was found (no kind, "
                                "number, date, issuing body, subject, recipient, signer or task) in a few words of "
                                "text; register it by hand if it must be tracked")
        info.format = doc.format
        info.pages = len(doc.pages)
        info.ocr_pages = doc.ocr_pages
    except DocumentError as exc:
        log.info("quarantine id=%s class=%s", log_id, exc.error_class)
        # a file read and found to hold no Vietnamese document is, for the contract, not official
        record = DocumentRecord(id=doc_id, error=exc.message, error_class=exc.error_class,
                                official=False if exc.error_class == "not_a_document" else None)
    except MemoryError:
        record = DocumentRecord(id=doc_id, error="the file needs more memory than allowed", error_class=ErrorClass.TOO_LARGE)
    except Exception as exc:  # an extractor bug must not stop the batch
        log.warning("internal error id=%s type=%s", log_id, type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        record = DocumentRecord(id=doc_id, error=f"internal error ({type(exc).__name__}); please report it",
                                error_class=ErrorClass.INTERNAL)
    record.file = info
    return record


def extract_contract_line(path: str | Path) -> tuple[str, bool]:
    """One file's record as the JSON line `congvan extract` writes (the contract), and whether it is
    an error record. Serialised where it was extracted: the parent only writes the line."""
    record = extract_record(path)
    return record.contract_line(), record.error is not None
