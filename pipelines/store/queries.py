"""Read-only queries for analysts and the web UI: one document, the document list (số đến order),
the extraction history, tasks with their bodies and computed state, one task."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pipelines.store import units as directory
from pipelines.store.base import (
    StoreBase,
    StoreError,
)
from pipelines.store.schema import (
    corrections,
    documents,
    extractions,
    incoming,
    task_bodies,
    tasks,
)
from pipelines.store.schema import units as units_table
from pipelines.store.tracking import (
    TASK_STATES,
    due_soon_days,
    fold,
    parse_date,
    state_of,
    task_state,
)


class QueriesMixin(StoreBase):
    """Reading documents and tasks."""

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

    def task(self, task_id: int) -> dict:
        rows = self.tasks(include_inactive=True, include_dismissed=True, task_id=int(task_id))
        if not rows:
            raise StoreError(f"no task {task_id}")
        return rows[0]
