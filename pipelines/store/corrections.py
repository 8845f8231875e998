"""Analyst corrections: overriding a document or task field (with the `expected` check), reverting a
correction, recomputing the effective record or task, listing corrections."""
from __future__ import annotations

import copy
import logging

from sqlalchemy import select

from pipelines.store import units as directory
from pipelines.store.base import (
    StoreError,
    _now,
)
from pipelines.store.fields import (
    _check_expected,
    _document_columns,
    _extracted_task_field,
    coerce_value,
    get_field,
    linked_changes,
    same_value,
    set_field,
    task_values,
)
from pipelines.store.ingest import IngestMixin
from pipelines.store.schema import (
    corrections,
    documents,
    extractions,
    tasks,
)
from pipelines.store.tracking import (
    DOCUMENT_FIELDS,
    TASK_FIELDS,
    fold,
    incoming_key,
    parse_date,
)

log = logging.getLogger("congvan.store")


class CorrectionsMixin(IngestMixin):
    """Field overrides and their effect on records and tasks."""

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
        CorrectionsMixin._sync_bodies(conn, row["id"], effective, _now(), directory.Resolver(conn), parse_date(doc_date))

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
