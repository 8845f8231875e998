"""Pure helpers over records and rows: dotted field access, value coercion and comparison, the
optimistic-lock check (`Conflict`), the number/symbol link, and the column values of documents,
extractions, tasks and quarantine rows. No database access except `_corrected_fields`.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models.record import DocumentRecord, FileInfo
from pipelines.store.base import (
    StoreError,
)
from pipelines.store.schema import (
    corrections,
    documents,
)
from pipelines.store.tracking import (
    fold,
    parse_date,
    resolve_assignee,
    task_mode,
    tracked_assignee,
)

DOCUMENT_COLUMNS = ("doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject")
_TASK_KEYS = ("assignees", "lead", "co", "action", "deadline", "recurrence")

SEARCH_CHARS = 1000          # of the folded search text (indexed: a PostgreSQL b-tree entry stays < 2.7 kB)


# ---- field helpers ----------------------------------------------------------------------

def get_field(record: dict, field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def set_field(record: dict, field: str, value) -> None:
    parts = field.split(".")
    target = record
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value


def same_value(a, b) -> bool:
    """Equal after folding case, accents of spacing (lists item by item)."""
    if isinstance(a, list) or isinstance(b, list):
        a, b = a or [], b or []
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


_YES = {"true", "1", "co", "yes", "dung", "x"}
_NO = {"false", "0", "khong", "no", "sai"}


def coerce_value(kind: str, value):
    """An analyst's value (CLI text or Python) → the stored form for a field kind."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return [] if kind in ("list", "refs") else None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = fold(str(value))
        if word in _YES or word in _NO:
            return word in _YES
        raise StoreError(f"not yes/no (có/không, true/false): {value!r}")
    if kind == "refs":     # symbols (`1113/SLĐTBXH-BTXHTE; 30/2020/NĐ-CP`) or reference objects
        items = value if isinstance(value, list) else coerce_value("list", value)
        return [dict(item) if isinstance(item, dict) else {"symbol": "".join(str(item).split())}
                for item in items if item]
    if kind == "list":
        if isinstance(value, (list, tuple)):
            return [str(v).strip() for v in value if str(v).strip()]
        text = str(value).strip()
        if text.startswith("["):
            try:
                return [str(v).strip() for v in json.loads(text) if str(v).strip()]
            except json.JSONDecodeError as exc:
                raise StoreError(f"not a JSON list: {exc}") from None
        return [part.strip() for part in text.split(";") if part.strip()]
    if kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            raise StoreError(f"not a date (YYYY-MM-DD or DD/MM/YYYY): {value!r}")
        return parsed.isoformat()
    if kind == "docdate":
        parsed = parse_date(value)
        if parsed:
            return parsed.isoformat()
        text = str(value).strip()
        try:
            datetime.strptime(text, "%Y-%m" if len(text) == 7 else "%Y")
        except ValueError:
            raise StoreError(f"not a date (YYYY-MM-DD, YYYY-MM or YYYY): {value!r}") from None
        return text
    return " ".join(str(value).split())


def _fit(table, values: dict) -> dict:
    """Cut text to its column's length (PostgreSQL refuses longer values; the record JSON keeps them whole)."""
    out = {}
    for name, value in values.items():
        length = getattr(table.c[name].type, "length", None)
        out[name] = value[:length] if isinstance(value, str) and length and len(value) > length else value
    return out


def open_review(record: dict, corrected=()) -> list[str]:
    """The record's review flags that no correction has answered (a correction of `signer.name`
    answers `signer`)."""
    answered = {f.split(".")[0] for f in corrected}
    return [f for f in record.get("needs_review") or [] if f.split(".")[0] not in answered]


def search_text(record: dict) -> str:
    """The folded text the document list searches (số ký hiệu, trích yếu, issuer, kind): a LIKE on it is
    accent- and case-insensitive on SQLite and PostgreSQL alike."""
    text = fold(" ".join(str(record.get(k)) for k in ("symbol", "subject", "issuer", "doc_type") if record.get(k)))
    return text[:SEARCH_CHARS]


def _document_columns(record: dict, corrected=()) -> dict:
    values = {name: record.get(name) for name in DOCUMENT_COLUMNS}
    values = {k: v if v is None or isinstance(v, str) else str(v) for k, v in values.items()}
    values["search"] = search_text(record)
    values["review"] = ",".join(open_review(record, corrected)) or None
    return _fit(documents, values)


def _corrected_fields(conn, doc_pk: int) -> set[str]:
    return {f for (f,) in conn.execute(select(corrections.c.field).where(
        corrections.c.document_id == doc_pk, corrections.c.task_id.is_(None), corrections.c.active.is_(True)))}


class Conflict(StoreError):
    """The field changed since the analyst read it (`expected`): nothing was written; `current` is its value now."""

    def __init__(self, current):
        super().__init__("the field was changed by someone else")
        self.current = current


def _check_expected(kind: str, current, expected) -> None:
    """Raise `Conflict` unless `current` is what the analyst saw (`expected`, as typed or shown)."""
    if expected is None:
        return
    current_cmp: Any
    expected_cmp: Any
    if kind == "refs":
        current_cmp = [r.get("symbol") if isinstance(r, dict) else r for r in current or []]
        expected_cmp = [r["symbol"] for r in coerce_value("refs", expected)]
    else:
        current_cmp = current
        try:
            expected_cmp = coerce_value(kind, expected)
        except StoreError:
            expected_cmp = expected
        if kind in ("date", "docdate") and current is not None:
            current_cmp = str(current)
    if kind == "bool":
        if current_cmp != expected_cmp:
            raise Conflict(current)
    elif not same_value(current_cmp, expected_cmp):
        raise Conflict(current)


def linked_changes(record: dict, field: str, value) -> list[tuple[str, object]]:
    """The number and the symbol stay consistent: correcting one corrects the other (`số/ký hiệu`)."""
    changes: list[tuple[str, object]] = [(field, value)]
    text = str(value or "").strip()
    number, code = get_field(record, "number"), get_field(record, "code")
    if field == "number" and text and code:
        changes.append(("symbol", f"{text}/{code}"))
    elif field == "symbol" and "/" in text:
        new_number, new_code = (part.strip() for part in text.split("/", 1))
        if new_number and not same_value(new_number, number):
            changes.append(("number", new_number))
        if new_code and not same_value(new_code, code):
            changes.append(("code", new_code))
    return changes


def _extracted_task_field(extracted: dict, field: str):
    if field == "assignee":
        return tracked_assignee(extracted.get("lead"), extracted.get("assignees"))
    if field == "assignee_id":
        return resolve_assignee(tracked_assignee(extracted.get("lead"), extracted.get("assignees")))
    return extracted.get(field)


def _stored_file(record: DocumentRecord) -> tuple[FileInfo, str]:
    """The file of a record to store and its hash; a record without one is refused (`StoreError`)."""
    if record.file is None or not record.file.sha256:
        raise StoreError(f"record {record.id} has no file.sha256")
    return record.file, record.file.sha256


def _document_row(record: DocumentRecord, data: dict, now: datetime) -> dict:
    file, sha = _stored_file(record)
    return dict(sha256=sha, doc_id=record.id[:255], file_name=file.name,
                path=file.path, extractor_version=record.extractor_version, record=data,
                ingested_at=now, updated_at=now, **_document_columns(data))


def _extraction_row(doc_pk: int, record: DocumentRecord, data: dict, now: datetime) -> dict:
    return dict(document_id=doc_pk, extractor_version=record.extractor_version, record=data, extracted_at=now,
                is_current=True)


def _task_row(doc_pk: int, position: int, task: dict, now: datetime) -> dict:
    return dict(document_id=doc_pk, position=position, status="open", extracted=task, active=True,
                created_at=now, updated_at=now, mode=_mode(task), **task_values(task, {}))


def _mode(task: dict) -> str | None:
    source = task.get("source") if isinstance(task.get("source"), dict) else {}
    return task_mode((source or {}).get("text") or task.get("action"))


def _quarantine_row(record: DocumentRecord, now: datetime) -> dict:
    return dict(sha256=record.file.sha256 if record.file else None,
                file_name=record.file.name if record.file else record.id,
                path=record.file.path if record.file else None,
                error_class=record.error_class or "internal", message=record.error, at=now)


def task_values(extracted: dict, overrides: dict) -> dict:
    """Effective task columns: the extracted task with the analyst's overrides applied."""
    eff = {key: extracted.get(key) for key in _TASK_KEYS}
    eff.update({k: v for k, v in overrides.items() if k in eff})
    assignee = overrides["assignee"] if "assignee" in overrides else tracked_assignee(eff["lead"], eff["assignees"])
    assignee_id = overrides["assignee_id"] if "assignee_id" in overrides else resolve_assignee(assignee)
    return {"assignees": list(eff["assignees"] or []), "lead": eff["lead"], "co": list(eff["co"] or []),
            "action": eff["action"] or "", "recurrence": eff["recurrence"], "due_date": parse_date(eff["deadline"]),
            "assignee": assignee, "assignee_id": assignee_id[:100] if assignee_id else None}
