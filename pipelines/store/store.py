"""Documents, extractions, tasks, corrections, quarantined files and runs in one SQLAlchemy schema.

- Identity by content: a document is keyed by the SHA-256 of its bytes. Storing the same bytes
  again changes nothing; a record from a newer extractor version re-extracts in place: the new
  extraction becomes current, the previous one stays in `extractions` as history.
- Concurrency: the unique `documents.sha256` and `(document, extractor_version)` constraints decide
  who wins; the loser's transaction rolls back whole and it reports the document as unchanged.
- Corrections: an analyst's value for a field is an override row (who/when); the effective value
  (shown everywhere) is the override, the extracted value is kept beside it, and a re-extraction
  that disagrees with the override sets `conflict`. Tasks are matched across re-extractions by
  assignee + action similarity so their corrections and status stay attached.
- Schema changes go through Alembic (`migrations/`), applied when a `Store` opens.

API for the flow: `Store(url)`, `known_hashes(hashes, version=EXTRACTOR_VERSION)`,
`save_batch(records) -> outcomes` (one transaction per batch; what the ingest flow uses),
`save_record(record) -> bool`, `ingest_record(record) -> "new" | "unchanged" | "reextracted"`,
`save_quarantine`, `save_quarantine_once`, `save_run`, `count`. For analysts: `tasks(...)`, `set_task_status`,
`correct_document`, `correct_task`, `corrections`, `documents`, `document`, `extractions`.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from models.record import EXTRACTOR_VERSION, DocumentRecord, FileInfo
from models.settings import settings
from pipelines.store import units as directory
from pipelines.store.migrate import upgrade
from pipelines.store.schema import (
    corrections,
    documents,
    extractions,
    incoming,
    metadata,
    quarantine,
    runs,
    task_bodies,
    tasks,
    unit_names,
)
from pipelines.store.schema import units as units_table
from pipelines.store.tracking import (
    DOCUMENT_FIELDS,
    STATUSES,
    TASK_FIELDS,
    TASK_STATES,
    derived_status,
    due_soon_days,
    fold,
    incoming_key,
    match_tasks,
    parse_date,
    resolve_assignee,
    state_of,
    task_bodies_of,
    task_mode,
    task_state,
    tracked_assignee,
    version_key,
)

log = logging.getLogger("congvan.store")

from pipelines import default_db_url  # noqa: E402

DEFAULT_DB_URL = default_db_url()      # under $CONGVAN_HOME (pipelines.home), not the current folder

DOCUMENT_COLUMNS = ("doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject")
_TASK_KEYS = ("assignees", "lead", "co", "action", "deadline", "recurrence")


SEARCH_CHARS = 1000          # of the folded search text (indexed: a PostgreSQL b-tree entry stays < 2.7 kB)
NUMBER_LOCK = 7_418_223_002   # PostgreSQL advisory lock id: số đến are given one at a time


def _local_today(moment: datetime) -> date:
    """The office's calendar day of a moment (ngày đến): local time of the machine."""
    return moment.astimezone().date()


class StoreError(ValueError):
    """A bad request to the store (unknown document/task, unknown field, bad value)."""


def _now() -> datetime:
    return datetime.now(UTC)


try:
    import orjson
except ImportError:  # pragma: no cover — a dependency of Prefect
    orjson = None  # type: ignore[assignment]


def _json_dumps(value) -> str:
    """JSON columns' serializer: orjson (several times faster on records) when it can encode the
    value, else the standard library (non-string keys, big integers)."""
    if orjson is not None:
        try:
            return orjson.dumps(value).decode()
        except TypeError:   # orjson.JSONEncodeError
            pass
    return json.dumps(value)


def make_engine(url: str) -> Engine:
    """Engine for `url`; SQLite gets WAL, a long busy timeout and `BEGIN IMMEDIATE` transactions
    so that concurrent writers queue instead of failing. (SQLite keeps `synchronous=FULL`: the
    inbox moves a file only after its record is committed, so a commit must survive a power loss.)"""
    if not url.startswith("sqlite"):
        return create_engine(url, future=True, pool_pre_ping=True, json_serializer=_json_dumps)
    engine = create_engine(url, future=True, connect_args={"timeout": 120}, json_serializer=_json_dumps)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None   # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=120000")
        if ":memory:" not in url:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


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


class Store:
    def __init__(self, url: str | None = None, migrate: bool = True):
        self.url = url or settings().db_url or default_db_url()
        if self.url.startswith("sqlite:///"):
            folder = os.path.dirname(self.url[len("sqlite:///"):])
            if folder:
                os.makedirs(folder, exist_ok=True)
        self.engine = make_engine(self.url)
        self._pg = self.engine.dialect.name == "postgresql"
        if migrate:
            upgrade(self.engine)
            self._seed_directory()

    def _seed_directory(self) -> None:
        """Seed the directory of units from the gazetteer once and link the bodies and issuers not yet linked."""
        with self.engine.connect() as conn:
            if directory.seeded(conn):
                return
        try:
            with self.engine.begin() as conn:
                if directory.seeded(conn):
                    return
                directory.seed(conn)
                resolver = directory.Resolver(conn)
                for body_id, name, doc_date in conn.execute(
                        select(task_bodies.c.id, task_bodies.c.name, documents.c.date)
                        .join(tasks, tasks.c.id == task_bodies.c.task_id)
                        .join(documents, documents.c.id == tasks.c.document_id)).all():
                    conn.execute(task_bodies.update().where(task_bodies.c.id == body_id).values(
                        unit_id=resolver.unit_id(name, parse_date(doc_date))))
                keyed: set[str] = set()
                for pk, issuer, doc_date, record, inc in conn.execute(
                        select(documents.c.id, documents.c.issuer, documents.c.date, documents.c.record,
                               documents.c.incoming_id).order_by(documents.c.id)).all():
                    unit = resolver.unit_id(issuer, parse_date(doc_date))
                    conn.execute(documents.update().where(documents.c.id == pk).values(issuer_unit_id=unit))
                    key = incoming_key(record or {}, unit)
                    if key and key not in keyed and inc is not None:   # documents of an older store: their key
                        keyed.add(key)                                # (copies stay apart until `regroup`)
                        conn.execute(incoming.update().where(incoming.c.id == inc).values(key=key))
        except IntegrityError:   # another process seeded it at the same time
            log.debug("directory seeded by another process")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- ingestion ----------------------------------------------------------------------

    def known_hashes(self, hashes: list[str], version: str | None = EXTRACTOR_VERSION) -> set[str]:
        """The hashes already stored from an extractor at least as new as `version`
        (None: stored at any version). The others need (re-)extraction."""
        found: set[str] = set()
        hashes = list(dict.fromkeys(h for h in hashes if h))
        with self.engine.connect() as conn:
            for start in range(0, len(hashes), 500):
                rows = conn.execute(select(documents.c.sha256, documents.c.extractor_version)
                                    .where(documents.c.sha256.in_(hashes[start:start + 500])))
                for sha, stored in rows:
                    if version is None or version_key(stored) >= version_key(version):
                        found.add(sha)
        return found

    def save_record(self, record: DocumentRecord) -> bool:
        """Store a record; False when nothing changed (same bytes, same or newer extractor)."""
        return self.ingest_record(record) != "unchanged"

    def ingest_record(self, record: DocumentRecord) -> str:
        """Store a record → "new", "unchanged" or "reextracted" (newer extractor version)."""
        if record.error:
            raise StoreError("a record with an error goes to save_quarantine")
        _, sha = _stored_file(record)
        data = record.contract()
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    query = select(documents.c.id, documents.c.extractor_version).where(documents.c.sha256 == sha)
                    row = conn.execute(query.with_for_update() if self._pg else query).first()
                    if row is None:
                        self._insert_document(conn, record, data)
                        outcome = "new"
                    elif version_key(row.extractor_version) >= version_key(record.extractor_version):
                        outcome = "unchanged"
                    else:
                        self._reextract(conn, row.id, record, data)
                        outcome = "reextracted"
                log.debug("document %s (%s…): %s", record.id, sha[:12], outcome)
                return outcome
            except IntegrityError:
                # another process stored the same bytes (or extraction) first: look again
                log.debug("document %s: concurrent insert, retrying", record.id)
            except OperationalError as exc:  # SQLite busy beyond the timeout, PG serialization
                if attempt == 4:
                    raise
                log.warning("store busy (%s), retrying", type(exc.orig).__name__)
                time.sleep(0.5 * (attempt + 1))
        return "unchanged"

    def save_batch(self, records: list[DocumentRecord], resolve_quarantine: bool = False,
                   contracts: list[dict] | None = None) -> list[str]:
        """Store a batch of records in one transaction → per record "new", "unchanged", "reextracted"
        or "quarantined" (a record with an error: one quarantine entry per content hash).

        One SELECT for the batch's hashes and bulk inserts (documents with RETURNING, then their
        extractions and tasks, quarantine rows); a re-extraction goes through `_reextract` exactly as
        in `ingest_record`. New documents are inserted in hash order, so concurrent writers take the
        unique-index locks in the same order. With `resolve_quarantine`, the quarantine entries of the
        stored hashes are deleted (a file once quarantined now has a record). A batch that loses a race
        to another writer (unique constraint) is rolled back and stored again record by record.
        `contracts`: the records' `contract()`, when the caller has them already.
        """
        for record in records:
            if not record.error:
                _stored_file(record)
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    return self._save_batch(conn, records, resolve_quarantine, contracts)
            except IntegrityError:
                log.debug("batch of %d: concurrent insert, storing record by record", len(records))
                break
            except OperationalError as exc:  # SQLite busy beyond the timeout, PG deadlock/serialization
                if attempt == 4:
                    raise
                log.warning("store busy (%s), retrying", type(exc.orig).__name__)
                time.sleep(0.5 * (attempt + 1))
        outcomes = []
        for record in records:
            if record.error:
                self.save_quarantine_once(record)
                outcomes.append("quarantined")
            else:
                outcomes.append(self.ingest_record(record))
        if resolve_quarantine:
            with self.engine.begin() as conn:
                self._delete_quarantine(conn, [_stored_file(r)[1] for r in records if not r.error])
        return outcomes

    def _save_batch(self, conn, records: list[DocumentRecord], resolve_quarantine: bool,
                    contracts: list[dict] | None = None) -> list[str]:
        now = _now()
        outcomes: list[str] = [""] * len(records)
        good = [(i, r) for i, r in enumerate(records) if not r.error]
        contract = (lambda i, r: contracts[i]) if contracts is not None else (lambda i, r: r.contract())
        existing = self._stored(conn, sorted({_stored_file(r)[1] for _, r in good}))
        fresh: dict[str, tuple[DocumentRecord, dict]] = {}
        for i, record in good:
            _, sha = _stored_file(record)
            if sha in fresh:                       # the same bytes twice in one batch
                outcomes[i] = "unchanged"
            elif sha not in existing:
                fresh[sha] = (record, contract(i, record))
                outcomes[i] = "new"
            elif version_key(existing[sha][1]) >= version_key(record.extractor_version):
                outcomes[i] = "unchanged"
            else:
                self._reextract(conn, existing[sha][0], record, contract(i, record))
                existing[sha] = (existing[sha][0], record.extractor_version)
                outcomes[i] = "reextracted"
        if fresh:
            order = sorted(fresh)
            result = conn.execute(documents.insert().returning(documents.c.id, documents.c.sha256,
                                                               sort_by_parameter_order=True),
                                  [_document_row(*fresh[sha], now) for sha in order])
            pks = {sha: pk for pk, sha in result}
            conn.execute(extractions.insert(), [_extraction_row(pks[sha], *fresh[sha], now) for sha in order])
            resolver = directory.Resolver(conn)
            for sha in sorted(fresh, key=lambda h: records.index(fresh[h][0])):   # arrival order of the batch
                self._file_document(conn, pks[sha], fresh[sha][0], fresh[sha][1], now, resolver)
        bad = [(i, r) for i, r in enumerate(records) if r.error]
        if bad:
            known = self._quarantined(conn, [r.file.sha256 for _, r in bad if r.file and r.file.sha256])
            rows = []
            for i, record in bad:
                outcomes[i] = "quarantined"
                bad_sha = record.file.sha256 if record.file else None
                if bad_sha and bad_sha in known:
                    continue
                if bad_sha:
                    known.add(bad_sha)
                rows.append(_quarantine_row(record, now))
            if rows:
                conn.execute(quarantine.insert(), rows)
        if resolve_quarantine:
            self._delete_quarantine(conn, [_stored_file(r)[1] for _, r in good])
        log.debug("batch of %d stored: %s", len(records), {o: outcomes.count(o) for o in set(outcomes)})
        return outcomes

    def _stored(self, conn, hashes: list[str]) -> dict[str, tuple[int, str]]:
        """{sha256: (document id, extractor version)} of the stored ones (rows locked on PostgreSQL)."""
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(hashes), 500):
            query = (select(documents.c.sha256, documents.c.id, documents.c.extractor_version)
                     .where(documents.c.sha256.in_(hashes[start:start + 500])))
            for sha, pk, version in conn.execute(query.with_for_update() if self._pg else query):
                found[sha] = (pk, version)
        return found

    @staticmethod
    def _quarantined(conn, hashes: list[str]) -> set[str]:
        found: set[str] = set()
        hashes = list(dict.fromkeys(h for h in hashes if h))
        for start in range(0, len(hashes), 500):
            found.update(r[0] for r in conn.execute(
                select(quarantine.c.sha256).where(quarantine.c.sha256.in_(hashes[start:start + 500]))))
        return found

    @staticmethod
    def _delete_quarantine(conn, hashes: list[str]) -> None:
        hashes = list(dict.fromkeys(h for h in hashes if h))
        for start in range(0, len(hashes), 500):
            conn.execute(quarantine.delete().where(quarantine.c.sha256.in_(hashes[start:start + 500])))

    def _insert_document(self, conn, record: DocumentRecord, data: dict) -> int:
        now = _now()
        doc_pk = conn.execute(documents.insert().values(**_document_row(record, data, now))).inserted_primary_key[0]
        conn.execute(extractions.insert().values(**_extraction_row(doc_pk, record, data, now)))
        self._file_document(conn, doc_pk, record, data, now, directory.Resolver(conn))
        return doc_pk

    def _file_document(self, conn, doc_pk: int, record: DocumentRecord, data: dict, now: datetime,
                       resolver: directory.Resolver) -> str:
        """File a new document under its incoming document → "main" (a new incoming document: số đến in
        order, its tasks), "copy" (another format of a known one: no tasks of its own) or "version" (a
        re-sent file of a format it already has: it becomes the main file; tasks, corrections and
        statuses move to it and are matched with its extraction)."""
        on_date = parse_date(data.get("date"))
        issuer_unit = resolver.unit_id(data.get("issuer"), on_date)
        for name in data.get("recipients") or []:
            resolver.unit_id(name, on_date)
        if data.get("official") is False:
            # not an administrative document: recorded, but kept out of the register (no số đến)
            conn.execute(documents.update().where(documents.c.id == doc_pk).values(copy_role="main", **{
                "issuer_unit_id": issuer_unit}))
            log.info("document %s: not an administrative document, no số đến", doc_pk)
            return "unregistered"
        key = incoming_key(data, issuer_unit)
        fmt = (record.file.format if record.file else None) or ""
        found = None
        if key:
            found = conn.execute(select(incoming.c.id).where(incoming.c.key == key).order_by(incoming.c.id)).scalar()
        values = {"issuer_unit_id": issuer_unit}
        if found is None:
            inc = self._new_incoming(conn, key or f"doc:{doc_pk}", now)
            conn.execute(documents.update().where(documents.c.id == doc_pk).values(
                incoming_id=inc, copy_role="main", **values))
            self._insert_tasks(conn, doc_pk, data.get("tasks") or [], now, resolver, on_date)
            return "main"
        files = conn.execute(select(documents.c.id, documents.c.file_name, documents.c.copy_role)
                             .where(documents.c.incoming_id == found, documents.c.id != doc_pk)).all()
        main = next((f.id for f in files if f.copy_role == "main"), None)
        formats = {(f.file_name or "").rsplit(".", 1)[-1].lower() for f in files}
        if main is None or fmt.lower() not in formats:
            conn.execute(documents.update().where(documents.c.id == doc_pk).values(
                incoming_id=found, copy_role="copy", **values))
            log.info("document %s: a copy of incoming document %s", doc_pk, found)
            return "copy"
        conn.execute(documents.update().where(documents.c.id == main).values(copy_role="replaced"))
        conn.execute(documents.update().where(documents.c.id == doc_pk).values(
            incoming_id=found, copy_role="main", **values))
        conn.execute(tasks.update().where(tasks.c.document_id == main).values(document_id=doc_pk))
        conn.execute(corrections.update().where(corrections.c.document_id == main).values(document_id=doc_pk))
        self._apply_extraction(conn, doc_pk, data, record.extractor_version, now)
        log.info("document %s: a new version of incoming document %s (was %s)", doc_pk, found, main)
        return "version"

    def _new_incoming(self, conn, key: str, now: datetime, arrival: date | None = None) -> int:
        """A new incoming document with the next số đến of its year (PostgreSQL: numbered under a lock)."""
        if self._pg:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": NUMBER_LOCK})
        arrival = arrival or _local_today(now)
        last = conn.execute(select(func.max(incoming.c.arrival_number)).where(incoming.c.year == arrival.year)).scalar()
        return conn.execute(incoming.insert().values(
            key=key[:400], year=arrival.year, arrival_number=(last or 0) + 1, arrival_date=arrival,
            created_at=now, updated_at=now)).inserted_primary_key[0]

    def _insert_tasks(self, conn, doc_pk: int, items: list[dict], now: datetime, resolver, on_date,
                      first: int = 0) -> list[int]:
        ids = []
        for position, task in enumerate(items, start=first):
            task_pk = conn.execute(tasks.insert().values(**_task_row(doc_pk, position, task, now))).inserted_primary_key[0]
            self._sync_bodies(conn, task_pk, task_values(task, {}), now, resolver, on_date)
            ids.append(task_pk)
        return ids

    @staticmethod
    def _sync_bodies(conn, task_pk: int, effective: dict, now: datetime, resolver, on_date) -> None:
        """Make the task's bodies those its effective lead/co/assignees name; a body named before keeps
        its status (matched by its folded name); the task's status derives from its bodies."""
        old = {b["name_key"]: dict(b) for b in conn.execute(
            select(task_bodies).where(task_bodies.c.task_id == task_pk, task_bodies.c.parent_id.is_(None))).mappings()}
        named = task_bodies_of(effective)
        keep = set()
        for position, (name, role) in enumerate(named):
            k = directory.unit_key(name)
            unit_id = resolver.unit_id(name, on_date)
            if k in old and k not in keep:
                keep.add(k)
                b = old[k]
                if (b["position"], b["name"], b["role"], b["unit_id"]) != (position, name, role, unit_id):
                    conn.execute(task_bodies.update().where(task_bodies.c.id == b["id"]).values(
                        position=position, name=name, role=role, unit_id=unit_id, updated_at=now))
            else:
                keep.add(k)
                conn.execute(task_bodies.insert().values(task_id=task_pk, position=position, name=name, name_key=k,
                                                         unit_id=unit_id, role=role, status="open", updated_at=now))
        gone = [b["id"] for k, b in old.items() if k not in keep]
        if gone and named:
            conn.execute(task_bodies.delete().where(task_bodies.c.parent_id.in_(gone)))   # their members first
            conn.execute(task_bodies.delete().where(task_bodies.c.id.in_(gone)))
        Store._derive_status(conn, task_pk, now)

    @staticmethod
    def _derive_status(conn, task_pk: int, now: datetime) -> None:
        """A collective expanded to its members is done when they all are; the task when its bodies all are."""
        rows = [dict(b) for b in conn.execute(select(task_bodies.c.id, task_bodies.c.parent_id, task_bodies.c.status,
                                                     task_bodies.c.done_on)
                                              .where(task_bodies.c.task_id == task_pk)).mappings()]
        for parent in (b for b in rows if b["parent_id"] is None):
            members = [b for b in rows if b["parent_id"] == parent["id"]]
            if members:
                status, done_on = derived_status(members)
                if (status, done_on) != (parent["status"], parent["done_on"]):
                    conn.execute(task_bodies.update().where(task_bodies.c.id == parent["id"]).values(
                        status=status, done_on=done_on, updated_at=now))
                    parent.update(status=status, done_on=done_on)
        bodies = [b for b in rows if b["parent_id"] is None]
        if not bodies:
            return
        status, done_on = derived_status(bodies)
        conn.execute(tasks.update().where(tasks.c.id == task_pk, (tasks.c.status != status) |
                                          (tasks.c.done_on.is_distinct_from(done_on)))
                     .values(status=status, done_on=done_on, updated_at=now))

    def _reextract(self, conn, doc_pk: int, record: DocumentRecord, data: dict) -> None:
        now, version = _now(), record.extractor_version
        conn.execute(extractions.update().where(extractions.c.document_id == doc_pk).values(is_current=False))
        conn.execute(extractions.insert().values(
            document_id=doc_pk, extractor_version=version, record=data, extracted_at=now, is_current=True))
        role = conn.execute(select(documents.c.copy_role).where(documents.c.id == doc_pk)).scalar()
        if role in ("copy", "replaced"):   # a copy's tasks live on the main file
            conn.execute(documents.update().where(documents.c.id == doc_pk).values(
                extractor_version=version, record=data, updated_at=now, **_document_columns(data)))
            return
        self._apply_extraction(conn, doc_pk, data, version, now)

    def _apply_extraction(self, conn, doc_pk: int, data: dict, version: str, now: datetime) -> None:
        """The document's effective record and tasks from a new extraction, its corrections kept
        (flagged when the extraction disagrees) and its tasks matched so statuses stay attached."""
        resolver = directory.Resolver(conn)
        on_date = parse_date(data.get("date"))

        active = conn.execute(select(corrections).where(corrections.c.document_id == doc_pk,
                                                        corrections.c.active.is_(True))
                              .order_by(corrections.c.id)).mappings().all()
        effective = copy.deepcopy(data)
        for c in (c for c in active if c["task_id"] is None):
            new_value = get_field(data, c["field"])
            set_field(effective, c["field"], c["value"])
            conn.execute(corrections.update().where(corrections.c.id == c["id"]).values(
                latest_extracted=new_value, latest_version=version, conflict=not same_value(new_value, c["value"])))
        conn.execute(documents.update().where(documents.c.id == doc_pk).values(
            extractor_version=version, record=effective, updated_at=now,
            **_document_columns(effective, {c["field"] for c in active if c["task_id"] is None})))

        by_task: dict[int, list] = {}
        for c in (c for c in active if c["task_id"] is not None):
            by_task.setdefault(c["task_id"], []).append(c)
        old = conn.execute(select(tasks).where(tasks.c.document_id == doc_pk, tasks.c.active.is_(True),
                                               tasks.c.manual.is_(False))
                           .order_by(tasks.c.position, tasks.c.id)).mappings().all()
        new = list(data.get("tasks") or [])
        forms = [[dict(t["extracted"] or {}), {"assignees": t["assignees"], "lead": t["lead"], "action": t["action"]}]
                 for t in old]
        mapping = match_tasks(forms, new)
        matched_old = set(mapping.values())
        for j, task in enumerate(new):
            if j not in mapping:
                self._insert_tasks(conn, doc_pk, [task], now, resolver, on_date, first=j)
                continue
            old_row = old[mapping[j]]
            task_corrections = by_task.get(old_row["id"], [])
            overrides = {c["field"]: c["value"] for c in task_corrections}
            effective = task_values(task, overrides)
            conn.execute(tasks.update().where(tasks.c.id == old_row["id"]).values(
                position=j, extracted=task, updated_at=now, mode=_mode(task), **effective))
            self._sync_bodies(conn, old_row["id"], effective, now, resolver, on_date)
            for c in task_corrections:
                new_value = _extracted_task_field(task, c["field"])
                conn.execute(corrections.update().where(corrections.c.id == c["id"]).values(
                    latest_extracted=new_value, latest_version=version,
                    conflict=not same_value(new_value, c["value"])))
        for i, old_row in enumerate(old):
            if i in matched_old:
                continue
            # the new extraction no longer finds this task: retire it, keep its history and flag its corrections
            conn.execute(tasks.update().where(tasks.c.id == old_row["id"]).values(active=False, updated_at=now))
            conn.execute(corrections.update().where(corrections.c.task_id == old_row["id"],
                                                    corrections.c.active.is_(True))
                         .values(latest_extracted=None, latest_version=version, conflict=True))
        log.info("document %s re-extracted with %s: %d tasks (%d matched, %d retired)",
                 doc_pk, version, len(new), len(mapping), len(old) - len(matched_old))

    def save_quarantine(self, record: DocumentRecord) -> None:
        with self.engine.begin() as conn:
            conn.execute(quarantine.insert().values(**_quarantine_row(record, _now())))

    def save_quarantine_once(self, record: DocumentRecord) -> None:
        """Insert the quarantine entry unless one for the same bytes exists (re-runs after a crash)."""
        sha = record.file.sha256 if record.file else None
        with self.engine.begin() as conn:
            if not (sha and self._quarantined(conn, [sha])):
                conn.execute(quarantine.insert().values(**_quarantine_row(record, _now())))

    def save_run(self, summary: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(runs.insert().values(
                started_at=datetime.fromisoformat(summary["started_at"]),
                finished_at=datetime.fromisoformat(summary["finished_at"]),
                summary=json.loads(json.dumps(summary, default=str))))

    def count(self, table: str) -> int:
        t = metadata.tables[table]
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t)).scalar_one()

    # ---- lookups ------------------------------------------------------------------------

    def _find_document(self, conn, ref, lock: bool = False):
        """A document by store id (`12`), file stem (`1113-SLDTBXH`) or SHA-256 prefix (≥ 8 hex)."""
        ref = str(ref).strip()
        conditions = [documents.c.doc_id == ref]
        if ref.isdigit():
            conditions.insert(0, documents.c.id == int(ref))
        if len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref.lower()):
            conditions.append(documents.c.sha256.startswith(ref.lower()))
        conditions.append(documents.c.symbol == ref)
        for condition in conditions:
            query = select(documents).where(condition)
            rows = conn.execute(query.with_for_update() if lock and self._pg else query).mappings().all()
            if len(rows) > 1 and condition is conditions[-1]:   # a số ký hiệu: its main file
                mains = [r for r in rows if r["copy_role"] == "main"]
                if len({r["incoming_id"] for r in rows}) == 1 and len(mains) == 1:
                    return mains[0]
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                raise StoreError(f"{ref!r} names {len(rows)} documents; use the store id or the SHA-256")
        folded = fold(ref).replace(" ", "")
        if folded:   # the số ký hiệu as typed (`15/ubnd-kt`, `15 UBND KT`)
            rows = [r for r in conn.execute(select(documents).where(documents.c.symbol.is_not(None))).mappings()
                    if fold(r["symbol"]).replace(" ", "") == folded]
            mains = [r for r in rows if r["copy_role"] in ("main", None)]
            if len({r["incoming_id"] for r in rows}) == 1 and len(mains) == 1:
                return mains[0]
            if len(rows) > 1:
                raise StoreError(f"{ref!r} names {len(rows)} documents; use the store id or the SHA-256")
        raise StoreError(f"no document {ref!r}")

    def _find_task(self, conn, task_id, lock: bool = False):
        query = select(tasks).where(tasks.c.id == int(task_id))
        row = conn.execute(query.with_for_update() if lock and self._pg else query).mappings().first()
        if row is None:
            raise StoreError(f"no task {task_id}")
        return row

    def document(self, ref) -> dict:
        """The effective record of one document, with store metadata and its corrections."""
        with self.engine.connect() as conn:
            row = self._find_document(conn, ref)
            main = self._main_document(conn, row)
            corr = conn.execute(select(corrections).where(corrections.c.document_id == main["id"],
                                                          corrections.c.active.is_(True))).mappings().all()
            inc = conn.execute(select(incoming).where(incoming.c.id == row["incoming_id"])).mappings().first()
            files = conn.execute(select(documents.c.id, documents.c.file_name, documents.c.copy_role)
                                 .where(documents.c.incoming_id == row["incoming_id"])
                                 .order_by(documents.c.id)).mappings().all() if row["incoming_id"] else []
        extra = {"arrival_number": inc["arrival_number"], "arrival_date": inc["arrival_date"], "year": inc["year"],
                 "routed_to": inc["routed_to"], "routed_on": inc["routed_on"]} if inc else {}
        return {**dict(row), **extra, "main_id": main["id"], "files": [dict(f) for f in files],
                "corrections": [dict(c) for c in corr]}

    def documents(self, main_only: bool = False, year: int | None = None, month: int | None = None) -> list[dict]:
        """Documents (files) in arrival order with their incoming document's số đến (restarting every
        year), ngày đến, routing and role (main | copy | replaced); `main_only`: one row per incoming
        document; `year`/`month`: of ngày đến."""
        query = (select(documents, incoming.c.arrival_number, incoming.c.arrival_date, incoming.c.year,
                        incoming.c.routed_to, incoming.c.routed_on)
                 .join(incoming, incoming.c.id == documents.c.incoming_id, isouter=True)
                 .order_by(incoming.c.year, incoming.c.arrival_number, documents.c.id))
        if main_only:
            query = query.where(documents.c.copy_role == "main")
        if year:
            query = query.where(incoming.c.year == int(year))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            files: dict[int, list[str]] = {}
            for inc, name in conn.execute(select(documents.c.incoming_id, documents.c.file_name)
                                          .order_by(documents.c.id)):
                files.setdefault(inc, []).append(name)
        out = []
        for row in rows:
            if month and (row["arrival_date"] is None or row["arrival_date"].month != int(month)):
                continue
            out.append({**dict(row), "files": files.get(row["incoming_id"], [])})
        return out

    def extractions(self, ref) -> list[dict]:
        """The extraction history of a document, oldest first."""
        with self.engine.connect() as conn:
            doc = self._find_document(conn, ref)
            rows = conn.execute(select(extractions).where(extractions.c.document_id == doc["id"])
                                .order_by(extractions.c.id)).mappings().all()
        return [dict(r) for r in rows]

    def tasks(self, assignee: str | None = None, state: str | None = None, due_before=None, due_after=None,
              document=None, status: str | None = None, include_inactive: bool = False,
              today: date | None = None, include_dismissed: bool = False, task_id=None,
              soon_days: int | None = None) -> list[dict]:
        """Tasks with their document and computed state. `assignee` matches the tracked assignee,
        the assignees or the gazetteer id (accent- and case-insensitive substring)."""
        if state is not None:
            wanted = state_of(state)
            if wanted is None:
                raise StoreError(f"state must be one of: {', '.join(TASK_STATES)}")
            state = wanted
        today = today or date.today()
        query = (select(tasks, documents.c.doc_id, documents.c.symbol, documents.c.doc_type, documents.c.issuer,
                        documents.c.subject, documents.c.file_name, documents.c.sha256,
                        documents.c.date.label("doc_date"))
                 .join(documents, documents.c.id == tasks.c.document_id)
                 .order_by(tasks.c.document_id, tasks.c.position, tasks.c.id))
        if not include_inactive:
            query = query.where(tasks.c.active.is_(True))
        if due_before:
            query = query.where(tasks.c.due_date <= parse_date(due_before))
        if due_after:
            query = query.where(tasks.c.due_date >= parse_date(due_after))
        if status:
            query = query.where(tasks.c.status == status)
        if not include_dismissed:
            query = query.where(tasks.c.dismissed_at.is_(None))
        if task_id is not None:
            query = query.where(tasks.c.id == int(task_id))
        with self.engine.connect() as conn:
            if document is not None:
                doc = self._main_document(conn, self._find_document(conn, document))
                query = query.where(tasks.c.document_id == doc["id"])
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            bodies: dict[int, list[dict]] = {}
            unit_rows = {u.id: u for u in conn.execute(select(units_table.c.id, units_table.c.name, units_table.c.kind))}
            for start in range(0, len(ids), 500):
                for b in conn.execute(select(task_bodies).where(task_bodies.c.task_id.in_(ids[start:start + 500]))
                                      .order_by(task_bodies.c.position)).mappings():
                    unit = unit_rows.get(b["unit_id"])
                    bodies.setdefault(b["task_id"], []).append(
                        {**dict(b), "unit": unit.name if unit else None, "unit_kind": unit.kind if unit else None})
            wanted_units = directory.matching_unit_ids(conn, assignee) if assignee else None
            corr = conn.execute(select(corrections.c.task_id, corrections.c.field, corrections.c.conflict)
                                .where(corrections.c.task_id.is_not(None), corrections.c.active.is_(True))).all()
        corrected: dict[int, list[str]] = {}
        conflicts: set[int] = set()
        for tid, field, conflict in corr:
            corrected.setdefault(tid, []).append(field)
            if conflict:
                conflicts.add(tid)
        needle = fold(assignee) if assignee else None
        expanded = directory.unit_key(assignee)    # `MTTQ` = `Mặt trận Tổ quốc` ("" without assignee: unused)
        out = []
        soon = due_soon_days() if soon_days is None else soon_days
        for row in rows:
            item = dict(row)
            item["bodies"] = bodies.get(item["id"], [])
            for b in item["bodies"]:
                b["state"] = task_state(item["due_date"], b["status"], b["done_on"], today, soon)
            item["state"] = task_state(item["due_date"], item["status"], item["done_on"], today, soon)
            item["units"] = list(dict.fromkeys(b["unit"] or b["name"] for b in item["bodies"]))
            item["lead_unit"] = next((b["unit"] or b["name"] for b in item["bodies"] if b["role"] == "lead"),
                                     item["units"][0] if item["units"] else None)
            item["corrected"] = sorted(set(corrected.get(item["id"], [])))
            item["conflict"] = item["id"] in conflicts
            if state and item["state"] != state:
                continue
            if needle:
                by_unit = wanted_units is not None and any(b["unit_id"] in wanted_units for b in item["bodies"])
                haystack = [item["assignee"], item["assignee_id"], item["lead"], *(item["assignees"] or []),
                            *(b["name"] for b in item["bodies"]), *(b["unit"] for b in item["bodies"])]
                if not by_unit and not any(needle in fold(h) or expanded in directory.unit_key(h)
                                           for h in haystack if h):
                    continue
            out.append(item)
        return out

    # ---- analyst actions ----------------------------------------------------------------

    def set_task_status(self, task_id: int, status: str, on=None, by: str | None = None, body=None) -> dict:
        """Mark a task `done` (on `on`, default today) or `open` again: every body of it, or only the
        body named by `body` (its name, an alias of its unit, or its position 1, 2, …). The task's status
        derives from its bodies'."""
        if status not in STATUSES:
            raise StoreError(f"status must be one of: {', '.join(STATUSES)}")
        done_on = None
        if status == "done":
            done_on = parse_date(on) if on else date.today()
            if done_on is None:
                raise StoreError(f"not a date: {on!r}")
        now = _now()
        with self.engine.begin() as conn:
            self._find_task(conn, task_id, lock=True)
            rows = conn.execute(select(task_bodies).where(task_bodies.c.task_id == int(task_id))
                                .order_by(task_bodies.c.position)).mappings().all()
            values = dict(status=status, done_on=done_on, status_by=by[:200] if by else None, updated_at=now)
            if body is not None:
                chosen = self._pick_body(conn, rows, body)
                conn.execute(task_bodies.update().where(task_bodies.c.id == chosen["id"]).values(**values))
                self._derive_status(conn, int(task_id), now)
            else:
                conn.execute(task_bodies.update().where(task_bodies.c.task_id == int(task_id)).values(**values))
                conn.execute(tasks.update().where(tasks.c.id == int(task_id)).values(**values))
        return self.task(task_id)

    @staticmethod
    def _pick_body(conn, rows, ref) -> dict:
        ref = str(ref).strip()
        if ref.isdigit() and 1 <= int(ref) <= len(rows):
            return rows[int(ref) - 1]
        k = directory.unit_key(ref)
        hits = [b for b in rows if b["name_key"] == k]
        if not hits:
            unit = directory.find_unit(conn, ref)
            hits = [b for b in rows if unit and b["unit_id"] == unit["id"]]
        if not hits:
            hits = [b for b in rows if k and k in b["name_key"]]
        if len(hits) != 1:
            names = "; ".join(f"{i}. {b['name']}" for i, b in enumerate(rows, start=1))
            raise StoreError(f"{ref!r} names {len(hits)} bodies of this task ({names})")
        return hits[0]

    def expand_task(self, task_id: int, by: str) -> dict:
        """Follow each member unit of the task's collectives (`Các sở, ban, ngành` → the sở the office listed
        with `congvan units add … --member`) as a body of its own; the collective is done when they all are."""
        now = _now()
        with self.engine.begin() as conn:
            self._find_task(conn, task_id, lock=True)
            rows = conn.execute(select(task_bodies, units_table.c.kind).join(
                units_table, units_table.c.id == task_bodies.c.unit_id, isouter=True)
                .where(task_bodies.c.task_id == int(task_id)).order_by(task_bodies.c.position)).mappings().all()
            children = {b["parent_id"] for b in rows if b["parent_id"]}
            position = max((b["position"] for b in rows), default=0) + 1
            added = 0
            for b in rows:
                if b["kind"] != "collective" or b["id"] in children:
                    continue
                for member in directory.members_of(conn, b["unit_id"]):
                    name = conn.execute(select(units_table.c.name).where(units_table.c.id == member)).scalar()
                    conn.execute(task_bodies.insert().values(
                        task_id=int(task_id), position=position, name=name, name_key=directory.unit_key(name),
                        unit_id=member, role="member", parent_id=b["id"], status=b["status"], done_on=b["done_on"],
                        status_by=by[:200] if by else None, updated_at=now))
                    position, added = position + 1, added + 1
            if not added:
                raise StoreError("no collective of this task has member units (`congvan units add NAME --member …`)")
            self._derive_status(conn, int(task_id), now)
        log.info("task %s: %d member bodies added by %s", task_id, added, by)
        return self.task(task_id)

    def dismiss_task(self, task_id: int, by: str, undo: bool = False) -> dict:
        """Dismiss a task that is not one (kept across re-extraction, hidden from lists); `undo` restores it."""
        if not by:
            raise StoreError("dismissing a task needs --by (who)")
        with self.engine.begin() as conn:
            self._find_task(conn, task_id, lock=True)
            conn.execute(tasks.update().where(tasks.c.id == int(task_id)).values(
                dismissed_by=None if undo else by[:200], dismissed_at=None if undo else _now(), updated_at=_now()))
        log.info("task %s %s by %s", task_id, "restored" if undo else "dismissed", by)
        return self.task(task_id)

    def add_task(self, document, action: str, by: str, lead: str | None = None, co=(), assignees=(),
                 deadline=None, recurrence: str | None = None) -> dict:
        """A task the extraction missed, added by staff (kept across re-extraction)."""
        if not by:
            raise StoreError("adding a task needs --by (who)")
        if not (action or "").strip():
            raise StoreError("a task needs its content (action)")
        due = coerce_value("date", deadline) if deadline else None
        task = {"assignees": list(assignees or []) or ([lead] if lead else []), "lead": lead, "co": list(co or []),
                "action": " ".join(action.split()), "deadline": due, "recurrence": recurrence, "added_by": by}
        now = _now()
        with self.engine.begin() as conn:
            doc = self._main_document(conn, self._find_document(conn, document, lock=True))
            position = (conn.execute(select(func.max(tasks.c.position)).where(tasks.c.document_id == doc["id"]))
                        .scalar() or 0) + 1
            [task_pk] = self._insert_tasks(conn, doc["id"], [task], now, directory.Resolver(conn),
                                           parse_date(doc["date"]), first=position)
            conn.execute(tasks.update().where(tasks.c.id == task_pk).values(manual=True, status_by=by[:200]))
        log.info("task %s added to document %s by %s", task_pk, doc["id"], by)
        return self.task(task_pk)

    @staticmethod
    def _main_document(conn, doc):
        """The main file of the document's incoming document (where its tasks and corrections live)."""
        if doc.get("copy_role") in ("copy", "replaced") and doc.get("incoming_id"):
            main = conn.execute(select(documents).where(documents.c.incoming_id == doc["incoming_id"],
                                                        documents.c.copy_role == "main")).mappings().first()
            if main is not None:
                return main
        return doc

    # ---- incoming documents: số đến, ngày đến, routing ----------------------------------

    def set_arrival(self, document, number: int | None = None, on=None, routed_to=None, routed_on=None,
                    by: str | None = None) -> dict:
        """Set the số đến and/or ngày đến of a document (unique within the year), and its routing to
        internal units (`routed_to`: unit names or aliases; new names become internal units)."""
        with self.engine.begin() as conn:
            doc = self._find_document(conn, document, lock=True)
            inc = conn.execute(select(incoming).where(incoming.c.id == doc["incoming_id"])).mappings().first()
            if inc is None:
                raise StoreError(f"document {document!r} has no incoming entry")
            values: dict = {"updated_at": _now()}
            arrival = parse_date(on) if on else inc["arrival_date"]     # arrival_date: NOT NULL
            if arrival is None:
                raise StoreError(f"not a date: {on!r}")
            values["arrival_date"], values["year"] = arrival, arrival.year
            if number is not None or arrival.year != inc["year"]:
                if number is None:
                    number = (conn.execute(select(func.max(incoming.c.arrival_number))
                                           .where(incoming.c.year == arrival.year)).scalar() or 0) + 1
                if int(number) < 1:
                    raise StoreError("số đến starts at 1")
                taken = conn.execute(select(incoming.c.id).where(incoming.c.year == arrival.year,
                                                                 incoming.c.arrival_number == int(number),
                                                                 incoming.c.id != inc["id"])).scalar()
                if taken is not None:
                    raise StoreError(f"số đến {number}/{arrival.year} is already given to another document")
                values["arrival_number"] = int(number)
            if routed_to is not None:
                routed = []
                for name in coerce_value("list", routed_to):
                    unit = directory.find_unit(conn, name) or directory.add_unit(conn, name, kind="internal")
                    routed.append(unit["name"])
                values["routed_to"] = routed
                values["routed_on"] = parse_date(routed_on) if routed_on else date.today()
            conn.execute(incoming.update().where(incoming.c.id == inc["id"]).values(**values))
        log.info("incoming %s: arrival/routing set by %s", inc["id"], by or "?")
        return self.document(doc["id"])

    def regroup(self, by: str) -> int:
        """Make the copies stored apart (by a store before copies were grouped) one incoming document: a
        later main file with the key of an earlier one becomes its copy; the statuses its bodies reported
        go to the matching tasks of the earlier one, its document corrections too where the earlier one
        has none for that field; its tasks are retired and its số đến freed. → documents regrouped."""
        now, merged = _now(), 0
        with self.engine.begin() as conn:
            first: dict[str, tuple[int, int]] = {}
            rows = conn.execute(select(documents.c.id, documents.c.record, documents.c.incoming_id,
                                       documents.c.issuer_unit_id).where(documents.c.copy_role == "main")
                                .order_by(documents.c.id)).all()
            for row in rows:
                key = incoming_key(row.record or {}, row.issuer_unit_id)
                if key is None or row.incoming_id is None:     # a file that is no document: not registered
                    continue
                if key not in first:
                    first[key] = (row.incoming_id, row.id)
                    conn.execute(incoming.update().where(incoming.c.id == row.incoming_id).values(key=key))
                    continue
                inc, main_pk = first[key]
                self._fold_copy(conn, row.id, main_pk, now)
                conn.execute(documents.update().where(documents.c.incoming_id == row.incoming_id)
                             .values(incoming_id=inc, copy_role="copy"))
                conn.execute(incoming.delete().where(incoming.c.id == row.incoming_id))
                merged += 1
        log.info("regrouped %d documents as copies (by %s)", merged, by)
        return merged

    def _fold_copy(self, conn, copy_pk: int, main_pk: int, now: datetime) -> None:
        old = conn.execute(select(tasks).where(tasks.c.document_id == copy_pk, tasks.c.active.is_(True))
                           .order_by(tasks.c.position)).mappings().all()
        new = conn.execute(select(tasks).where(tasks.c.document_id == main_pk, tasks.c.active.is_(True))
                           .order_by(tasks.c.position)).mappings().all()
        mapping = match_tasks([[{"assignees": t["assignees"], "lead": t["lead"], "action": t["action"]}] for t in old],
                              [{"assignees": t["assignees"], "lead": t["lead"], "action": t["action"]} for t in new])
        for j, i in mapping.items():
            done = {b.name_key: b for b in conn.execute(select(task_bodies).where(
                task_bodies.c.task_id == old[i]["id"], task_bodies.c.status == "done"))}
            for b in conn.execute(select(task_bodies).where(task_bodies.c.task_id == new[j]["id"],
                                                            task_bodies.c.status == "open")).all():
                if b.name_key in done:
                    d = done[b.name_key]
                    conn.execute(task_bodies.update().where(task_bodies.c.id == b.id).values(
                        status="done", done_on=d.done_on, status_by=d.status_by, updated_at=now))
            self._derive_status(conn, new[j]["id"], now)
        conn.execute(tasks.update().where(tasks.c.document_id == copy_pk).values(active=False, updated_at=now))
        have = {f for (f,) in conn.execute(select(corrections.c.field).where(
            corrections.c.document_id == main_pk, corrections.c.task_id.is_(None), corrections.c.active.is_(True)))}
        moved = False
        for c in conn.execute(select(corrections).where(corrections.c.document_id == copy_pk,
                                                        corrections.c.task_id.is_(None),
                                                        corrections.c.active.is_(True))).mappings().all():
            if c["field"] not in have:
                conn.execute(corrections.update().where(corrections.c.id == c["id"]).values(document_id=main_pk))
                moved = True
        if moved:
            raw = conn.execute(select(extractions.c.record).where(extractions.c.document_id == main_pk,
                                                                  extractions.c.is_current.is_(True))).scalar()
            self._recompute_document(conn, main_pk, raw)

    # ---- the directory of units -----------------------------------------------------------

    def units(self, kind: str | None = None) -> list[dict]:
        """Units with their aliases, members and how many task bodies are linked to them."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(units_table).order_by(units_table.c.kind, units_table.c.name)).mappings().all()
            aliases: dict[int, list[str]] = {}
            for uid, name in conn.execute(select(unit_names.c.unit_id, unit_names.c.name)
                                          .where(unit_names.c.unit_id.is_not(None))):
                aliases.setdefault(uid, []).append(name)
            counts: dict[int | None, int] = dict(conn.execute(select(task_bodies.c.unit_id, func.count()).group_by(task_bodies.c.unit_id)).all())
            members = {r["id"]: directory.members_of(conn, r["id"]) for r in rows if r["kind"] == "collective"}
        names = {r["id"]: r["name"] for r in rows}
        return [{**dict(r), "aliases": sorted(set(aliases.get(r["id"], [])) - {r["name"]}),
                 "members": [names.get(m) for m in members.get(r["id"], [])], "bodies": counts.get(r["id"], 0),
                 "successor": names.get(r["successor_id"])}
                for r in rows if kind is None or r["kind"] == kind]

    def unknown_units(self) -> list[dict]:
        with self.engine.connect() as conn:
            return directory.unknown_names(conn)

    def map_unit_name(self, name: str, unit: str) -> dict:
        try:
            with self.engine.begin() as conn:
                return directory.map_name(conn, name, unit)
        except LookupError as exc:
            raise StoreError(str(exc)) from None

    def add_unit(self, name: str, kind: str = "body", aliases=(), members=(), email=None) -> dict:
        try:
            with self.engine.begin() as conn:
                return directory.add_unit(conn, name, kind, aliases, members, email=email)
        except ValueError as exc:
            raise StoreError(str(exc)) from None

    def import_units(self, path) -> int:
        try:
            with self.engine.begin() as conn:
                return directory.import_csv(conn, path)
        except (LookupError, ValueError) as exc:
            raise StoreError(str(exc)) from None

    def task(self, task_id: int) -> dict:
        rows = self.tasks(include_inactive=True, include_dismissed=True, task_id=int(task_id))
        if not rows:
            raise StoreError(f"no task {task_id}")
        return rows[0]

    def correct_document(self, ref, field: str, value, by: str, expected=None, linked: bool = False) -> dict:
        """Override a document field (`number`, `date`, `signer.name`, …) with an analyst's value.

        `expected`: the value the analyst saw; checked in the write transaction (the document's row
        locked), so that two analysts never silently overwrite each other: `Conflict` when it changed.
        `linked`: keep the number and the symbol consistent (`linked_changes`); the correction of the
        field itself is returned, with `changed`: every field corrected."""
        if field not in DOCUMENT_FIELDS:
            raise StoreError(f"document field must be one of: {', '.join(DOCUMENT_FIELDS)}")
        if not by:
            raise StoreError("a correction needs --by (who corrects)")
        value = coerce_value(DOCUMENT_FIELDS[field], value)
        with self.engine.begin() as conn:
            doc = self._main_document(conn, self._find_document(conn, ref, lock=True))
            record = doc["record"] or {}
            _check_expected(DOCUMENT_FIELDS[field], get_field(record, field), expected)
            if DOCUMENT_FIELDS[field] == "refs":     # keep what was read of a cited document (kind, date, issuer)
                known = {fold(r.get("symbol")).replace(" ", ""): r for r in record.get("references") or []
                         if isinstance(r, dict)}
                value = [{**known.get(fold(r["symbol"]).replace(" ", ""), {}), **r} for r in value]
            raw = conn.execute(select(extractions.c.record).where(extractions.c.document_id == doc["id"],
                                                                  extractions.c.is_current.is_(True))).scalar()
            changes = linked_changes(record, field, value) if linked else [(field, value)]
            changed, correction = [], None
            for name, new_value in changes:
                if name != field:
                    if same_value(get_field(record, name), new_value):
                        continue
                    new_value = coerce_value(DOCUMENT_FIELDS[name], new_value)
                extracted = get_field(raw or record, name)
                added = self._add_correction(conn, doc["id"], None, name, new_value, extracted,
                                             doc["extractor_version"], by)
                correction = correction or added
                changed.append(name)
            self._recompute_document(conn, doc["id"], raw or record)
            if field == "official" and value is True and doc["incoming_id"] is None:
                # an administrative document after all: it takes the next số đến now
                effective = conn.execute(select(documents.c.record).where(documents.c.id == doc["id"])).scalar()
                key = incoming_key(effective or {}, doc["issuer_unit_id"]) or f"doc:{doc['id']}"
                inc = self._new_incoming(conn, key, _now())
                conn.execute(documents.update().where(documents.c.id == doc["id"]).values(incoming_id=inc))
        log.info("document %s: %s corrected by %s", doc["id"], ", ".join(changed), by)
        return {**(correction or {}), "changed": changed}

    def correct_task(self, task_id: int, field: str, value, by: str, expected=None) -> dict:
        """Override a task field (`assignee`, `lead`, `deadline`, `action`, …) with an analyst's value.

        The responsible body (`assignee`) corrected is the task's lead too, in its bodies: the old lead
        leaves the assignees and the new one takes its place. `expected`: as in `correct_document`."""
        if field not in TASK_FIELDS:
            raise StoreError(f"task field must be one of: {', '.join(TASK_FIELDS)}")
        if not by:
            raise StoreError("a correction needs --by (who corrects)")
        value = coerce_value(TASK_FIELDS[field], value)
        with self.engine.begin() as conn:
            row = self._find_task(conn, task_id, lock=True)
            column = {"deadline": "due_date"}.get(field, field)
            _check_expected(TASK_FIELDS[field], row[column] if column in row else None, expected)
            version = conn.execute(select(documents.c.extractor_version)
                                   .where(documents.c.id == row["document_id"])).scalar()
            extracted = row["extracted"] or {}
            changes = [(field, value)]
            if field == "assignee" and value:
                old = {fold(n) for n in (row["lead"], row["assignee"]) if n}
                others = [a for a in row["assignees"] or [] if fold(a) not in old and fold(a) != fold(value)]
                changes += [("lead", value), ("assignees", [value, *others])]
            added = [self._add_correction(conn, row["document_id"], row["id"], name, new_value,
                                          _extracted_task_field(extracted, name), version, by)
                     for name, new_value in changes]
            self._recompute_task(conn, row)
        log.info("task %s: %s corrected by %s", task_id, field, by)
        return added[0]     # the correction of `field` (the lead's and assignees' follow it)

    @staticmethod
    def _add_correction(conn, doc_pk, task_pk, field, value, extracted, version, by) -> dict:
        scope = corrections.c.task_id == task_pk if task_pk is not None else corrections.c.task_id.is_(None)
        conn.execute(corrections.update().where(corrections.c.document_id == doc_pk, scope,
                                                corrections.c.field == field, corrections.c.active.is_(True))
                     .values(active=False, ended_by=by[:200], ended_at=_now()))
        values = dict(document_id=doc_pk, task_id=task_pk, field=field, value=value, extracted_value=extracted,
                      latest_extracted=extracted, latest_version=version, conflict=False, active=True,
                      by=by[:200], at=_now())
        values["id"] = conn.execute(corrections.insert().values(**values)).inserted_primary_key[0]
        return values

    def revert_correction(self, correction_id: int, by: str) -> dict:
        """End a correction: the field shows the extracted value again (or an older active override)."""
        if not by:
            raise StoreError("reverting a correction needs --by (who)")
        with self.engine.begin() as conn:
            c = conn.execute(select(corrections).where(corrections.c.id == int(correction_id))).mappings().first()
            if c is None or not c["active"]:
                raise StoreError(f"no active correction {correction_id}")
            conn.execute(corrections.update().where(corrections.c.id == c["id"]).values(
                active=False, ended_by=by[:200], ended_at=_now()))
            if c["task_id"] is not None:
                self._recompute_task(conn, self._find_task(conn, c["task_id"], lock=True))
            else:
                raw = conn.execute(select(extractions.c.record).where(
                    extractions.c.document_id == c["document_id"], extractions.c.is_current.is_(True))).scalar()
                self._recompute_document(conn, c["document_id"], raw)
        log.info("correction %s reverted by %s", correction_id, by)
        return {**dict(c), "active": False, "ended_by": by}

    @staticmethod
    def _recompute_document(conn, doc_pk: int, raw: dict | None) -> None:
        """Effective record = the current extraction with the active document corrections applied."""
        effective = copy.deepcopy(raw or {})
        corrected = set()
        for field, value in conn.execute(select(corrections.c.field, corrections.c.value).where(
                corrections.c.document_id == doc_pk, corrections.c.task_id.is_(None),
                corrections.c.active.is_(True)).order_by(corrections.c.id)):
            set_field(effective, field, value)
            corrected.add(field)
        conn.execute(documents.update().where(documents.c.id == doc_pk).values(
            record=effective, updated_at=_now(), **_document_columns(effective, corrected)))

    @staticmethod
    def _recompute_task(conn, row) -> None:
        """Effective task = its extracted form with its active corrections applied."""
        overrides = {f: v for f, v in conn.execute(select(corrections.c.field, corrections.c.value).where(
            corrections.c.task_id == row["id"], corrections.c.active.is_(True)).order_by(corrections.c.id))}
        effective = task_values(row["extracted"] or {}, overrides)
        conn.execute(tasks.update().where(tasks.c.id == row["id"]).values(updated_at=_now(), **effective))
        doc_date = conn.execute(select(documents.c.date).where(documents.c.id == row["document_id"])).scalar()
        Store._sync_bodies(conn, row["id"], effective, _now(), directory.Resolver(conn), parse_date(doc_date))

    def corrections(self, conflicts_only: bool = False, include_superseded: bool = False) -> list[dict]:
        """Corrections with their document; newest last."""
        query = (select(corrections, documents.c.doc_id).join(documents, documents.c.id == corrections.c.document_id)
                 .order_by(corrections.c.id))
        if not include_superseded:
            query = query.where(corrections.c.active.is_(True))
        if conflicts_only:
            query = query.where(corrections.c.conflict.is_(True))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
