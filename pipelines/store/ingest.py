"""Ingestion: storing records (`save_batch`, `ingest_record`, `save_record`), filing a new document
under its incoming document (số đến, copies, versions), re-extraction in place with corrections and
task statuses kept, the task bodies and derived status, quarantine entries and run summaries."""
from __future__ import annotations

import copy
import json
import logging
import time
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from models.record import EXTRACTOR_VERSION, DocumentRecord
from pipelines.store import units as directory
from pipelines.store.base import (
    StoreBase,
    StoreError,
    _local_today,
    _now,
)
from pipelines.store.fields import (
    _document_columns,
    _document_row,
    _extracted_task_field,
    _extraction_row,
    _mode,
    _quarantine_row,
    _stored_file,
    _task_row,
    get_field,
    same_value,
    set_field,
    task_values,
)
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
)
from pipelines.store.tracking import (
    derived_status,
    incoming_key,
    match_tasks,
    parse_date,
    task_bodies_of,
    version_key,
)

log = logging.getLogger("congvan.store")
NUMBER_LOCK = 7_418_223_002   # PostgreSQL advisory lock id: số đến are given one at a time


class IngestMixin(StoreBase):
    """Writing extracted records into the store."""

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
        IngestMixin._derive_status(conn, task_pk, now)

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
