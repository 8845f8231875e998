"""All data access of the web workspace, in one place (the store's public methods and plain
SQLAlchemy queries on its tables), so that a change of the store's model is adapted here only.

List pages are built for 100,000 documents / 300,000 tasks: documents page by keyset (`id <`),
tasks by indexed filters with LIMIT/OFFSET; the accent-insensitive search and the review flags
come from an in-memory index of the documents refreshed incrementally by `documents.updated_at`.
"""
from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, create_engine, event, false, func, literal_column, or_, select, true

from pipelines.store import Store, StoreError
from pipelines.store.schema import corrections, documents, incoming, quarantine, runs, tasks, users
from pipelines.store.store import get_field, same_value
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
from pipelines.web.labels import vn_date

log = logging.getLogger("congvan.web")

PAGE_SIZE = 50
COUNT_CAP = 10_000          # list totals beyond this show as "hơn 10.000"
TASK_SORTS = {
    "han": "Hạn xử lý (sớm trước)",
    "han_giam": "Hạn xử lý (muộn trước)",
    "don_vi": "Đơn vị được giao",
    "van_ban": "Văn bản (mới trước)",
}


class Conflict(Exception):
    """Someone changed the field since the analyst's page was loaded."""

    def __init__(self, current):
        super().__init__("conflict")
        self.current = current


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _DocumentIndex:
    """Folded search text and open review flags per document, refreshed by `updated_at`."""

    OVERLAP = timedelta(seconds=5)   # re-read rows changed just before the mark (commit-order skew)

    def __init__(self):
        self.text: dict[int, str] = {}
        self._items: tuple | None = None     # (blob, starts, ids) of `_text_blob`; rebuilt after changes
        self.kind: dict[int, str] = {}
        self.issuer: dict[int, str] = {}
        self._choices: dict[str, tuple[int, list[str]]] = {}
        self.flagged: dict[int, tuple[str, ...]] = {}
        self.mark: datetime | None = None
        self.checked = 0.0
        self.lock = threading.Lock()

    def refresh(self, conn, force: bool = False) -> None:
        with self.lock:
            if not force and time.monotonic() - self.checked < 0.5:
                return
            query = select(documents.c.id, documents.c.symbol, documents.c.subject, documents.c.issuer,
                           documents.c.doc_type, documents.c.record["needs_review"].label("review"),
                           documents.c.updated_at)
            if self.mark is not None:
                query = query.where(documents.c.updated_at >= self.mark - self.OVERLAP)
            rows = conn.execute(query).all()
            if rows:
                ids = [r.id for r in rows]
                corrected: dict[int, set] = defaultdict(set)
                cquery = select(corrections.c.document_id, corrections.c.field).where(
                    corrections.c.task_id.is_(None), corrections.c.active.is_(True))
                if self.mark is None:
                    found = conn.execute(cquery).all()
                else:
                    found = [r for chunk in _chunks(ids) for r in conn.execute(
                        cquery.where(corrections.c.document_id.in_(chunk)))]
                for doc_pk, field in found:
                    corrected[doc_pk].add(field.split(".")[0])
                for r in rows:
                    text = fold(" ".join(x for x in (r.symbol, r.subject, r.issuer, r.doc_type) if x))
                    if self.text.get(r.id) != text:
                        self.text[r.id] = text
                        self._items = None
                    self.kind[r.id], self.issuer[r.id] = r.doc_type, r.issuer
                    open_flags = tuple(f for f in (r.review or []) if f not in corrected.get(r.id, ()))
                    if open_flags:
                        self.flagged[r.id] = open_flags
                    else:
                        self.flagged.pop(r.id, None)
                    if r.updated_at is not None and (self.mark is None or r.updated_at > self.mark):
                        self.mark = r.updated_at
                if self.mark is None:
                    self.mark = datetime(1970, 1, 1, tzinfo=UTC)
            self.checked = time.monotonic()

    def choices(self, name: str, limit: int | None = None) -> list[str]:
        """Distinct values of `kind` or `issuer`, most frequent first when cut to `limit`, then by name."""
        values = getattr(self, name)
        cached = self._choices.get(name)
        if cached and cached[0] == len(values) and time.monotonic() - self.checked < 60:
            return cached[1]
        counts: dict[str, int] = defaultdict(int)
        for v in values.values():
            if v:
                counts[v] += 1
        top = sorted(counts, key=lambda v: -counts[v])[:limit] if limit else list(counts)
        out = sorted(top, key=fold)
        self._choices[name] = (len(values), out)
        return out

    def _text_blob(self):
        """All folded texts in one string, newest first, with each text's start offset and id."""
        with self.lock:
            if self._items is None:
                ids = sorted(self.text, reverse=True)
                starts, offset = [], 0
                for i in ids:
                    starts.append(offset)
                    offset += len(self.text[i]) + 1
                self._items = ("\n".join(self.text[i] for i in ids), starts, ids, [-i for i in ids])
            return self._items

    def match(self, needle: str | None, review: bool, before: int | None = None,
              limit: int | None = None) -> list[int]:
        """Ids (newest first, below `before`, at most `limit`) whose folded text contains every word of
        `needle` and/or that have open flags.

        One word is looked up with `str.find` over one string of all texts (one step per
        matching document, not per document); the other words are checked on those."""
        words = set(fold(needle).split()) if needle else set()
        if not words:
            out = sorted((i for i in (self.flagged if review else self.text) if before is None or i < before),
                         reverse=True)
            return out[:limit] if limit else out
        blob, starts, ids, neg_ids = self._text_blob()
        # probe with the rarest word for a full scan; with a limit (an early stop) the longest will do
        ordered = sorted(words, key=(lambda w: -len(w)) if limit else (lambda w: (blob.count(w), -len(w))))
        first, rest = ordered[0], ordered[1:]
        k0 = bisect_right(neg_ids, -before) if before is not None else 0
        if k0 >= len(starts):
            return []
        found, pos = [], blob.find(first, starts[k0])
        while pos >= 0:
            k = bisect_right(starts, pos) - 1
            pk = ids[k]
            if (not rest or all(w in self.text.get(pk, "") for w in rest)) and (not review or pk in self.flagged):
                found.append(pk)
                if limit and len(found) >= limit:
                    break
            if k + 1 >= len(starts):
                break
            pos = blob.find(first, starts[k + 1])
        return found

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
        self.index = _DocumentIndex()
        self._assignees: tuple[float, list[tuple[str, str]]] = (0.0, [])

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

    @classmethod
    def _state_case(cls, today: date):
        done = tasks.c.status == "done"
        return case(
            (tasks.c.due_date.is_(None), KHONG_THOI_HAN),
            (and_(done, or_(tasks.c.done_on.is_(None), tasks.c.done_on <= tasks.c.due_date)), DUNG_HAN),
            (done, HOAN_THANH_QUA_HAN),
            (tasks.c.due_date < today, QUA_HAN),
            (tasks.c.due_date <= cls._soon_until(today), SAP_DEN_HAN),
            else_=TRONG_HAN)

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
            self.index.refresh(conn)
            state = self._state_case(today).label("state")
            counts = dict(conn.execute(select(state, func.count()).where(tasks.c.active == true(), tasks.c.dismissed_at.is_(None))
                                       .group_by(state)).all())
            overdue = conn.execute(
                select(tasks.c.assignee, func.count().label("n"))
                .where(tasks.c.active == true(), tasks.c.dismissed_at.is_(None), tasks.c.status == "open",
                       tasks.c.due_date < today)
                .group_by(tasks.c.assignee).order_by(func.count().desc(), tasks.c.assignee).limit(10)).all()
            n_docs = conn.execute(select(func.count()).select_from(documents)).scalar_one()
            n_quarantine = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
            last_runs = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(5)).mappings().all()
            queue_ids = sorted(self.index.flagged)[:15]
            queue = self._document_rows(conn, queue_ids) if queue_ids else []
        queue.sort(key=lambda d: d["id"])
        return {"today": today, "states": [(s, counts.get(s, 0)) for s in TASK_STATES],
                "overdue": [(a or "(chưa rõ đơn vị)", n) for a, n in overdue], "documents": n_docs,
                "quarantine": n_quarantine, "review_total": len(self.index.flagged), "review_queue": queue,
                "runs": [dict(r) for r in last_runs]}

    # ---- documents -------------------------------------------------------------------------

    _LIST_COLUMNS = (documents.c.id, documents.c.doc_id, documents.c.doc_type, documents.c.number,
                     documents.c.symbol, documents.c.date, documents.c.issuer, documents.c.subject,
                     documents.c.ingested_at, documents.c.file_name)

    def document_choices(self) -> dict:
        """Kinds and issuers for the filters (from the in-memory index; the 500 most frequent issuers)."""
        with self.engine.connect() as conn:
            self.index.refresh(conn)
        return {"kinds": self.index.choices("kind"), "issuers": self.index.choices("issuer", 500)}

    def list_documents(self, q: str | None = None, kind: str | None = None, issuer: str | None = None,
                       date_from: date | None = None, date_to: date | None = None, review: bool = False,
                       before: int | None = None, limit: int = PAGE_SIZE) -> dict:
        """One page of documents, newest first → {"rows", "next"} (`next`: the `before` of the next page)."""
        conds = []
        if kind:
            conds.append(documents.c.doc_type == kind)
        if issuer:
            conds.append(_equals_text(documents.c.issuer, [issuer]))
        if date_from:
            conds.append(documents.c.date >= date_from.isoformat())
        if date_to:
            conds.append(documents.c.date <= date_to.isoformat())
        with self.engine.connect() as conn:
            self.index.refresh(conn)
            rows: list = []
            if not (q and q.strip()) and not review:
                query = select(*self._LIST_COLUMNS).where(*conds).order_by(documents.c.id.desc()).limit(limit + 1)
                if before:
                    query = query.where(documents.c.id < before)
                rows = conn.execute(query).mappings().all()
            else:
                # without SQL filters the first limit + 1 matches make the page: stop there
                ids = self.index.match(q, review, before=before, limit=None if conds else limit + 1)
                for chunk in _chunks(ids, 1000):
                    query = (select(*self._LIST_COLUMNS).where(*conds, documents.c.id.in_(chunk))
                             .order_by(documents.c.id.desc()).limit(limit + 1 - len(rows)))
                    rows += conn.execute(query).mappings().all()
                    if len(rows) > limit:
                        break
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
            r["review"] = list(self.index.flagged.get(r["id"], ()))
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
        with self.engine.connect() as conn:
            self.index.refresh(conn)
            doc["arrival_number"] = self._arrival_numbers(conn, [doc]).get(doc["id"])
        doc["field_corrections"] = by_field
        doc["tasks"] = self.store.tasks(document=int(pk))
        doc["review"] = list(self.index.flagged.get(doc["id"], ()))
        return doc

    def correct_document(self, pk: int, field: str, value: str, expected: str | None, by: str) -> list[str]:
        """Store an analyst's value through the store's corrections (who/when) → the fields changed.

        `expected` is the value the analyst saw: when the field has changed since, nothing is written
        and `Conflict` carries the current value (two analysts never silently overwrite each other).
        The number and the symbol stay consistent: correcting one corrects the other (`số/ký hiệu`).
        """
        if field not in DOCUMENT_FIELDS:
            raise StoreError(f"unknown field {field!r}")
        doc = self.store.document(int(pk))
        record = doc["record"] or {}
        current = get_field(record, field)
        if expected is not None and not (same_value(_as_text(current), expected)
                                         or same_value(vn_date(current), expected)):
            raise Conflict(current)
        changes = [(field, value)]
        number, code = get_field(record, "number"), get_field(record, "code")
        if field == "number" and value.strip() and code:
            changes.append(("symbol", f"{value.strip()}/{code}"))
        elif field == "symbol" and "/" in value:
            new_number, new_code = (part.strip() for part in value.split("/", 1))
            if new_number and not same_value(new_number, number):
                changes.append(("number", new_number))
            if new_code and not same_value(new_code, code):
                changes.append(("code", new_code))
        done = []
        for name, new_value in changes:
            if name != field and same_value(_as_text(get_field(record, name)), new_value):
                continue
            self.store.correct_document(int(pk), name, new_value, by=by)
            done.append(name)
        with self.engine.connect() as conn:
            self.index.refresh(conn, force=True)
        return done

    # ---- tasks -----------------------------------------------------------------------------

    def _assignee_names(self) -> list[tuple[str, str]]:
        """(name, folded) of the distinct tracked assignees and gazetteer ids (cached for 10 s)."""
        at, names = self._assignees
        if time.monotonic() - at > 10:
            with self.engine.connect() as conn:   # the prefix: read from the index alone
                found = {a for (a,) in conn.execute(select(_prefix(tasks.c.assignee)).distinct()) if a}
            names = sorted((a, fold(a)) for a in found)
            self._assignees = (time.monotonic(), names)
        return names

    def assignee_choices(self) -> list[str]:
        return [a for a, _ in self._assignee_names()]

    def _task_conditions(self, assignee=None, state=None, due_from=None, due_to=None, document=None,
                         status=None, today=None) -> list:
        conds = [tasks.c.active == true(), tasks.c.dismissed_at.is_(None)]
        if assignee:
            needle = fold(assignee)
            names = [a for a, folded in self._assignee_names() if needle in folded]
            conds.append(_prefix(tasks.c.assignee).in_(names) if names else false())
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
        page = max(1, int(page))
        offset = (page - 1) * per_page
        with self.engine.connect() as conn:
            def count(*extra):
                return conn.execute(select(func.count()).select_from(tasks).where(*conds, *extra)).scalar_one()

            def ids(extra, order, skip, take):
                if take <= 0:
                    return []
                query = select(tasks.c.id).where(*conds, *extra).order_by(*order).limit(take).offset(skip)
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
        more = len(out) == per_page and (capped or page < pages)
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
        re-extraction by the store's task matching). `expected`: as in `correct_document`."""
        if field not in self.TASK_EDITABLE:
            raise StoreError(f"unknown task field {field!r}")
        with self.engine.connect() as conn:
            row = conn.execute(select(tasks.c.assignee, tasks.c.action, tasks.c.due_date)
                               .where(tasks.c.id == int(task_id))).first()
        if row is None:
            raise StoreError(f"no task {task_id}")
        current = {"assignee": row.assignee, "action": row.action, "deadline": row.due_date}[field]
        if expected is not None and not (same_value(_as_text(current), expected)
                                         or same_value(vn_date(current), expected)):
            raise Conflict(current)
        self.store.correct_task(int(task_id), field, value, by=by)

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


def _as_text(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)
