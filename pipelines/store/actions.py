"""Analyst actions other than corrections: task status per body, expanding collectives, dismissing and
adding tasks, the số đến/ngày đến and routing of an incoming document, regrouping copies, and the
directory of units (listing, mapping names, adding, importing)."""
from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import func, select

from pipelines.store import units as directory
from pipelines.store.base import (
    StoreError,
    _now,
)
from pipelines.store.corrections import CorrectionsMixin
from pipelines.store.fields import (
    coerce_value,
)
from pipelines.store.queries import QueriesMixin
from pipelines.store.schema import (
    corrections,
    documents,
    extractions,
    incoming,
    task_bodies,
    tasks,
    unit_names,
)
from pipelines.store.schema import units as units_table
from pipelines.store.tracking import (
    STATUSES,
    incoming_key,
    match_tasks,
    parse_date,
)

log = logging.getLogger("congvan.store")


class ActionsMixin(CorrectionsMixin, QueriesMixin):
    """Task status, manual tasks, incoming documents and units."""

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
