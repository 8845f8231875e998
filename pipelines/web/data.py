"""All data access of the web workspace, in one place (the store's public methods and plain
SQLAlchemy queries on its tables), so that a change of the store's model is adapted here only.

List pages are built for 100,000 documents / 300,000 tasks: documents page by keyset (`id <`),
tasks by indexed filters with LIMIT/OFFSET. The accent-insensitive search is a LIKE on the folded
`documents.search` column and the open review flags are `documents.review` (both written by the
store: migration 0006), so every process sees the same data at once.
"""
from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, create_engine, event, false, func, literal_column, or_, select, text, true

from pipelines.store import Store, StoreError
from pipelines.store.schema import documents, incoming, quarantine, runs, task_bodies, tasks, users
from pipelines.store.schema import units as units_table
from pipelines.store.tracking import (
    DOCUMENT_FIELDS,
    DUNG_HAN,
    HOAN_THANH_QUA_HAN,
    KHONG_THOI_HAN,
    QUA_HAN,
    SAP_DEN_HAN,
    TASK_STATES,
    TRONG_HAN,
    due_soon_days,
    fold,
    task_state,
    working_days_between,
)

log = logging.getLogger("congvan.web")

PAGE_SIZE = 50
COUNT_CAP = 10_000          # list totals beyond this show as "hơn 10.000"
MANY_TASKS = 3_000          # a body filter naming more tasks reads its page in deadline order, probing bodies
PROBE_ROWS = 2_000          # a search looks at the newest rows first (a frequent word fills a page there)
TASK_SORTS = {
    "han": "Hạn xử lý (sớm trước)",
    "han_giam": "Hạn xử lý (muộn trước)",
    "don_vi": "Đơn vị được giao",
    "van_ban": "Văn bản (mới trước)",
}


def _read_engine(store: Store):
    """The engine for the pages' reads. On SQLite, a plain one: the store's engine begins every
    transaction with `BEGIN IMMEDIATE` (the write lock), which readers in WAL mode do not need."""
    if store.engine.dialect.name != "sqlite" or ":memory:" in store.url:
        return store.engine
    engine = create_engine(store.url, future=True, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=30000")
        dbapi_conn.execute("PRAGMA query_only=1")
    return engine


def _prefix(column):
    """The indexed form of a long text column (its first 200 characters: migration 0004)."""
    return func.substr(column, literal_column("1"), literal_column("200"))   # literals: match the index


def _equals_text(column, values: list[str]):
    """`column IN values` through the prefix index (exact on the prefix; the full text is compared
    only for values of 200 characters or more)."""
    cond = _prefix(column).in_([v[:200] for v in values])
    long_values = [v for v in values if len(v) >= 200]
    if long_values:
        cond = and_(cond, or_(func.length(column) < 200, column.in_(long_values)))
    return cond


class WebData:
    def __init__(self, url: str | None = None):
        self.store = Store(url)
        self.write_engine = self.store.engine
        self.engine = _read_engine(self.store)
        self._assignees: tuple[float, list[tuple[str, str, str, int]]] = (0.0, [])
        self._choices: tuple[float, dict] = (0.0, {})

    def close(self) -> None:
        if self.engine is not self.store.engine:
            self.engine.dispose()
        self.store.close()

    # ---- accounts --------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users).where(users.c.active.is_(True))).scalar_one() > 0

    def user(self, name: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        return dict(row) if row else None

    def users(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(users).order_by(users.c.name)).mappings()]

    def save_user(self, name: str, password_hash: str | None, roles: list[str], active: bool = True) -> str:
        """Create the account, or update its password (when given), roles and state → "new" | "updated"."""
        with self.write_engine.begin() as conn:
            row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
            values = {"roles": ",".join(roles), "active": active}
            if password_hash:
                values["password_hash"] = password_hash
            if row is None:
                if not password_hash:
                    raise StoreError("a new account needs a password")
                conn.execute(users.insert().values(name=name, created_at=datetime.now(UTC), **values))
                return "new"
            conn.execute(users.update().where(users.c.id == row.id).values(**values))
            return "updated"

    # ---- overview --------------------------------------------------------------------------

    @staticmethod
    def _soon_until(today: date) -> date:
        """The last deadline that is `sắp đến hạn` today: within `due_soon_days()` working days
        (the store's rule, `tracking.task_state`), as a date the SQL filters can compare with."""
        soon, day = due_soon_days(), today
        while working_days_between(today, day + timedelta(days=1)) <= soon:
            day += timedelta(days=1)
        return day

    FILTERABLE_STATES = (TRONG_HAN, SAP_DEN_HAN, QUA_HAN, DUNG_HAN, HOAN_THANH_QUA_HAN, KHONG_THOI_HAN)

    @classmethod
    def _state_condition(cls, state: str, today: date):
        done = tasks.c.status == "done"
        due = tasks.c.due_date.is_not(None)
        is_open = tasks.c.status == "open"
        soon_until = cls._soon_until(today)
        conditions = {
            KHONG_THOI_HAN: tasks.c.due_date.is_(None),
            DUNG_HAN: and_(due, done, or_(tasks.c.done_on.is_(None), tasks.c.done_on <= tasks.c.due_date)),
            HOAN_THANH_QUA_HAN: and_(due, done, tasks.c.done_on > tasks.c.due_date),
            TRONG_HAN: and_(due, is_open, tasks.c.due_date > soon_until),
            SAP_DEN_HAN: and_(due, is_open, tasks.c.due_date >= today, tasks.c.due_date <= soon_until),
            QUA_HAN: and_(due, is_open, tasks.c.due_date < today),
        }
        if state not in conditions:
            raise StoreError(f"unknown state {state!r}")
        return conditions[state]

    def overview(self, today: date | None = None) -> dict:
        today = today or date.today()
        with self.engine.connect() as conn:
            # one index range count per state (the list filter's conditions), not a CASE over every task
            live = (tasks.c.active == true(), tasks.c.dismissed_at.is_(None))
            counts = {s: conn.execute(select(func.count()).select_from(tasks).where(
                *live, self._state_condition(s, today))).scalar_one() for s in self.FILTERABLE_STATES}
            # overdue by body: each responsible body of a task (its lead, or each assignee without a
            # lead; not the co-ordinating ones) whose own part is still open counts the task once; the
            # overdue open tasks come from the state index, their bodies by task, grouped by folded name
            overdue_ids = select(tasks.c.id).where(tasks.c.active == true(), tasks.c.status == "open",
                                                   tasks.c.due_date < today, tasks.c.dismissed_at.is_(None))
            top = conn.execute(
                select(task_bodies.c.name_key, func.count().label("n"))
                .where(task_bodies.c.task_id.in_(overdue_ids), task_bodies.c.role.in_(("lead", "assignee")),
                       task_bodies.c.status == "open")
                .group_by(task_bodies.c.name_key).order_by(func.count().desc(), task_bodies.c.name_key)
                .limit(10)).all()
            shown: dict[str, str] = {}
            for key, name, unit in conn.execute(
                    select(task_bodies.c.name_key, task_bodies.c.name, units_table.c.name)
                    .join(units_table, units_table.c.id == task_bodies.c.unit_id, isouter=True)
                    .where(task_bodies.c.name_key.in_([k for k, _ in top])).distinct()):
                shown.setdefault(key, unit or name)      # the unit's name, else the name as printed
            overdue = [(shown.get(key) or key, n) for key, n in top]
            n_docs = conn.execute(select(func.count()).select_from(documents)).scalar_one()
            n_quarantine = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
            last_runs = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(5)).mappings().all()
            flagged = documents.c.review.is_not(None)
            review_total = conn.execute(select(func.count()).select_from(documents).where(flagged)).scalar_one()
            queue_ids = [i for (i,) in conn.execute(select(documents.c.id).where(flagged)
                                                      .order_by(documents.c.id).limit(15))]
            queue = self._document_rows(conn, queue_ids) if queue_ids else []
        queue.sort(key=lambda d: d["id"])
        return {"today": today, "states": [(s, counts.get(s, 0)) for s in TASK_STATES],
                "overdue": [(a or "(chưa rõ đơn vị)", n) for a, n in overdue], "documents": n_docs,
                "quarantine": n_quarantine, "review_total": review_total, "review_queue": queue,
                "runs": [dict(r) for r in last_runs]}

    # ---- documents -------------------------------------------------------------------------

    _LIST_COLUMNS = (documents.c.id, documents.c.doc_id, documents.c.doc_type, documents.c.number,
                     documents.c.symbol, documents.c.date, documents.c.issuer, documents.c.subject,
                     documents.c.ingested_at, documents.c.file_name, documents.c.review)

    def document_choices(self) -> dict:
        """Kinds and issuers for the filters (the 500 most frequent issuers), cached for a minute."""
        at, choices = self._choices
        if time.monotonic() - at > 60 or not choices:
            with self.engine.connect() as conn:
                kinds = [k for (k,) in conn.execute(select(documents.c.doc_type).where(documents.c.doc_type.is_not(None))
                                                     .distinct()) if k]
                issuer = _prefix(documents.c.issuer)
                issuers = [i for (i,) in conn.execute(select(issuer).where(documents.c.issuer.is_not(None))
                                                       .group_by(issuer).order_by(func.count().desc()).limit(500)) if i]
            choices = {"kinds": sorted(kinds, key=fold), "issuers": sorted(issuers, key=fold)}
            self._choices = (time.monotonic(), choices)
        return choices

    def list_documents(self, q: str | None = None, kind: str | None = None, issuer: str | None = None,
                       date_from: date | None = None, date_to: date | None = None, review: bool = False,
                       before: int | None = None, limit: int = PAGE_SIZE) -> dict:
        """One page of documents, newest first → {"rows", "next"} (`next`: the `before` of the next page).

        `q`: every word of it (accent- and case-insensitive) in the số ký hiệu, trích yếu, issuer or kind."""
        conds = []
        if kind:
            conds.append(documents.c.doc_type == kind)
        if issuer:
            conds.append(_equals_text(documents.c.issuer, [issuer]))
        if date_from:
            conds.append(documents.c.date >= date_from.isoformat())
        if date_to:
            conds.append(documents.c.date <= date_to.isoformat())
        if review:
            conds.append(documents.c.review.is_not(None))
        if before:
            conds.append(documents.c.id < before)
        words = list(dict.fromkeys(fold(q).split())) if q else []
        patterns = {f"w{i}": "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    for i, w in enumerate(words)}
        if patterns:
            # the matching ids first, from the narrow search index on SQLite (not a scan of the wide rows)
            where = " AND ".join(f"search LIKE :{k} ESCAPE '\\'" for k in patterns)
            where += " AND id < :before" if before else ""
            hint = " INDEXED BY ix_documents_search" if self.engine.dialect.name == "sqlite" else ""
            hits = text(f"SELECT id FROM documents{hint} WHERE {where} ORDER BY id DESC LIMIT 5001").bindparams(
                **patterns, **({"before": before} if before else {}))
        with self.engine.connect() as conn:
            rows = []
            if patterns:
                # a frequent word fills the page from the newest rows: try the newest PROBE_ROWS first
                likes = [documents.c.search.like(p, escape="\\") for p in patterns.values()]
                top = before or (conn.execute(select(func.max(documents.c.id))).scalar() or 0) + 1
                rows = conn.execute(select(*self._LIST_COLUMNS).where(*conds, *likes, documents.c.id >= top - PROBE_ROWS)
                                    .order_by(documents.c.id.desc()).limit(limit + 1)).mappings().all()
            if len(rows) > limit:
                pass
            elif patterns:
                ids = [i for (i,) in conn.execute(hits)]
                if len(ids) <= 5000:      # a few matches: looked up by id
                    conds.append(documents.c.id.in_(ids))
                else:                     # many: the newest rows are scanned, stopping at a page
                    conds.extend(likes)
                query = select(*self._LIST_COLUMNS).where(*conds).order_by(documents.c.id.desc()).limit(limit + 1)
                rows = conn.execute(query).mappings().all()
            else:
                query = select(*self._LIST_COLUMNS).where(*conds).order_by(documents.c.id.desc()).limit(limit + 1)
                rows = conn.execute(query).mappings().all()
            more = len(rows) > limit
            rows = [dict(r) for r in rows[:limit]]
            self._enrich(conn, rows)
        return {"rows": rows, "next": rows[-1]["id"] if more and rows else None}

    def _document_rows(self, conn, ids: list[int]) -> list[dict]:
        rows = [dict(r) for r in conn.execute(select(*self._LIST_COLUMNS).where(documents.c.id.in_(ids))
                                              .order_by(documents.c.id.desc())).mappings()]
        self._enrich(conn, rows)
        return rows

    def _enrich(self, conn, rows: list[dict]) -> None:
        """Arrival numbers, open tasks and open review flags of the rows of a page."""
        if not rows:
            return
        ids = [r["id"] for r in rows]
        open_tasks = dict(conn.execute(select(tasks.c.document_id, func.count())
                                       .where(tasks.c.document_id.in_(ids), tasks.c.active == true(), tasks.c.dismissed_at.is_(None),
                                              tasks.c.status == "open")
                                       .group_by(tasks.c.document_id)).all())
        numbers = self._arrival_numbers(conn, rows)
        for r in rows:
            r["open_tasks"] = open_tasks.get(r["id"], 0)
            r["review"] = (r.get("review") or "").split(",") if r.get("review") else []
            r["arrival_number"] = numbers.get(r["id"])

    @staticmethod
    def _arrival_numbers(conn, rows: list[dict]) -> dict[int, int]:
        """Số đến of each row: the number of the incoming document its file belongs to (copies of one
        document in other formats share it; the store assigns it in order within the year)."""
        ids = [r["id"] for r in rows]
        found = conn.execute(select(documents.c.id, incoming.c.arrival_number)
                             .join(incoming, incoming.c.id == documents.c.incoming_id)
                             .where(documents.c.id.in_(ids))).all()
        return {pk: number for pk, number in found}

    def document(self, pk: int) -> dict:
        """One document: its row, effective record, active corrections (by field), tasks, arrival number."""
        doc = self.store.document(int(pk))
        by_field = {c["field"]: c for c in doc["corrections"] if c["task_id"] is None}
        doc["field_corrections"] = by_field
        doc["tasks"] = self.store.tasks(document=int(pk))
        doc["review"] = doc["review"].split(",") if doc.get("review") else []
        return doc

    def correct_document(self, pk: int, field: str, value: str, expected: str | None, by: str) -> list[str]:
        """Store an analyst's value through the store's corrections (who/when) → the fields changed.

        `expected` is the value the analyst saw: the store checks it in its write transaction and
        raises `Conflict` (with the current value) when the field changed since, writing nothing.
        The number and the symbol stay consistent (`linked`: correcting one corrects the other)."""
        if field not in DOCUMENT_FIELDS:
            raise StoreError(f"unknown field {field!r}")
        return self.store.correct_document(int(pk), field, value, by=by, expected=expected, linked=True)["changed"]

    # ---- tasks -----------------------------------------------------------------------------

    def _body_names(self) -> list[tuple[str, str, str, int]]:
        """(name, folded name, key, how many tasks) of the distinct bodies of the tasks (cached for 10 s)."""
        at, names = self._assignees
        if time.monotonic() - at > 10:
            with self.engine.connect() as conn:
                found = conn.execute(select(task_bodies.c.name, task_bodies.c.name_key, func.count())
                                     .group_by(task_bodies.c.name, task_bodies.c.name_key)).all()
            names = sorted((n, fold(n), k, c) for n, k, c in found if n)
            self._assignees = (time.monotonic(), names)
        return names

    def assignee_choices(self) -> list[str]:
        return list(dict.fromkeys(n for n, *_ in self._body_names()))

    def _task_conditions(self, assignee=None, state=None, due_from=None, due_to=None, document=None,
                         status=None, today=None, ordered: bool = False) -> list:
        """The task list's filters. `ordered`: for reading a page in index order (a body filter that
        names many tasks probes each task's bodies instead of listing its tasks first)."""
        conds = [tasks.c.active == true(), tasks.c.dismissed_at.is_(None)]
        if assignee:
            # any of the task's bodies (lead, co-ordinating, assignees, members) whose name contains it
            needle = fold(assignee)
            matched = [(k, n) for _, folded, k, n in self._body_names() if needle in folded]
            keys = sorted({k for k, _ in matched})
            if not keys:
                conds.append(false())
            elif ordered and sum(n for _, n in matched) > MANY_TASKS:
                conds.append(select(task_bodies.c.id).where(task_bodies.c.task_id == tasks.c.id,
                                                            task_bodies.c.name_key.in_(keys)).exists())
            else:
                conds.append(tasks.c.id.in_(select(task_bodies.c.task_id).where(task_bodies.c.name_key.in_(keys))))
        if state:
            conds.append(self._state_condition(state, today or date.today()))
        if status:
            conds.append(tasks.c.status == status)
        if due_from:
            conds.append(tasks.c.due_date >= due_from)
        if due_to:
            conds.append(tasks.c.due_date <= due_to)
        if document:
            conds.append(tasks.c.document_id == int(document))
        return conds

    def list_tasks(self, page: int = 1, sort: str = "han", per_page: int = PAGE_SIZE, today: date | None = None,
                   **filters) -> dict:
        """One page of tasks → {"rows", "total", "capped", "page", "pages" (None when capped), "more"}.

        The page's ids come first from the covering indexes (migration 0004), then its rows; sorting by
        deadline puts tasks without one last, as two index-ordered segments (dated, then undated)."""
        today = today or date.today()
        conds = self._task_conditions(today=today, **filters)
        ordered = self._task_conditions(today=today, ordered=True, **filters)
        page = max(1, int(page))
        offset = (page - 1) * per_page
        with self.engine.connect() as conn:
            def count(*extra):
                return conn.execute(select(func.count()).select_from(tasks).where(*conds, *extra)).scalar_one()

            def ids(extra, order, skip, take):
                if take <= 0:
                    return []
                query = select(tasks.c.id).where(*ordered, *extra).order_by(*order).limit(take).offset(skip)
                return [i for (i,) in conn.execute(query)]

            # counted up to COUNT_CAP + 1 rows: a page of a huge filter costs no full count
            total = conn.execute(select(func.count()).select_from(
                select(tasks.c.id).where(*conds).limit(COUNT_CAP + 1).subquery())).scalar_one()
            if sort in ("han", "han_giam"):
                order = (tasks.c.due_date, tasks.c.id) if sort == "han" else (tasks.c.due_date.desc(), tasks.c.id.desc())
                page_ids = ids([tasks.c.due_date.is_not(None)], order, offset, per_page)
                if len(page_ids) < per_page:          # past the dated tasks: the undated ones follow
                    dated = count(tasks.c.due_date.is_not(None))
                    page_ids += ids([tasks.c.due_date.is_(None)], [tasks.c.id], max(0, offset - dated),
                                    per_page - len(page_ids))
            elif sort == "don_vi":
                page_ids = ids([], [_prefix(tasks.c.assignee), tasks.c.due_date, tasks.c.id], offset, per_page)
            else:   # van_ban: newest documents first
                page_ids = ids([], [tasks.c.document_id.desc(), tasks.c.position], offset, per_page)
            rows = {}
            if page_ids:
                query = (select(tasks.c.id, tasks.c.document_id, tasks.c.assignee, tasks.c.co, tasks.c.action,
                                tasks.c.due_date, tasks.c.status, tasks.c.done_on, tasks.c.recurrence,
                                tasks.c.status_by, documents.c.symbol, documents.c.doc_type, documents.c.doc_id)
                         .join(documents, documents.c.id == tasks.c.document_id).where(tasks.c.id.in_(page_ids)))
                rows = {r["id"]: dict(r) for r in conn.execute(query).mappings()}
        out = [rows[i] for i in page_ids if i in rows]
        for r in out:
            r["state"] = task_state(r["due_date"], r["status"], r["done_on"], today)
        capped = total > COUNT_CAP
        pages = None if capped else max(1, (total + per_page - 1) // per_page)
        more = len(out) == per_page and (pages is None or page < pages)    # pages is None: capped
        return {"rows": out, "total": min(total, COUNT_CAP), "capped": capped, "page": page, "pages": pages,
                "more": more}

    def set_task_status(self, task_id: int, status: str, by: str) -> None:
        """Mark a task done (today) or open again, with who: every body of it (`Store.set_task_status`;
        the task's status derives from its bodies')."""
        self.store.set_task_status(int(task_id), status, by=by)
        log.info("task %s: status %s by %s", task_id, status, by)

    def dismiss_task(self, task_id: int, by: str) -> None:
        """A wrongly extracted task dismissed through the store (kept across re-extraction)."""
        self.store.dismiss_task(int(task_id), by=by)
        log.info("task %s: dismissed by %s", task_id, by)

    def add_task(self, pk: int, action: str, by: str, lead: str | None = None, deadline: str | None = None) -> int:
        """A missed task added through the store; returns its id."""
        added = self.store.add_task(int(pk), action=action, by=by, lead=lead, deadline=deadline)
        log.info("document %s: task %s added by %s", pk, added.get("id"), by)
        return added.get("id")

    TASK_EDITABLE = ("assignee", "action", "deadline")

    def correct_task(self, task_id: int, field: str, value: str, expected: str | None, by: str) -> None:
        """An analyst's value for a task field, through the store's corrections (who/when; kept across
        re-extraction by the store's task matching; the responsible body updates the task's lead and
        bodies). `expected`: as in `correct_document`, checked in the store's write transaction."""
        if field not in self.TASK_EDITABLE:
            raise StoreError(f"unknown task field {field!r}")
        self.store.correct_task(int(task_id), field, value, by=by, expected=expected)

    def task_document(self, task_id: int) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(tasks.c.document_id).where(tasks.c.id == int(task_id))).scalar()

    def export_tasks(self, path, fmt: str, assignee=None, state=None, due_from=None, due_to=None, document=None,
                     status=None, today: date | None = None) -> int:
        """The current filter through `pipelines.exports` (the same workbook as `congvan export tasks`)."""
        from pipelines.exports import export_tasks
        return export_tasks(self.store, path, fmt, today=today, assignee=assignee, state=state,
                            due_after=due_from, due_before=due_to, document=document, status=status)

    def export_register(self, path) -> int:
        """The incoming register (sổ đăng ký văn bản đến) and its tracking register, as `congvan export register`."""
        from pipelines.exports import export_register
        return export_register(self.store, path)

    # ---- quarantine ------------------------------------------------------------------------

    def quarantine(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(quarantine).order_by(quarantine.c.id.desc()).limit(500))
                    .mappings()]

    def quarantine_entry(self, entry_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(quarantine).where(quarantine.c.id == int(entry_id))).mappings().first()
        return dict(row) if row else None

