"""The store's plumbing: the engine (`make_engine`, SQLite pragmas, JSON serializer), the errors, the
clock, and `StoreBase` — opening a store (URL, migration, seeding the directory of units), closing it,
and the lookups every part uses (`_find_document`, `_find_task`, `_main_document`).

`Store` (pipelines.store.store) is `StoreBase` with the parts mixed in: ingest, queries, corrections, actions.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from models.settings import settings
from pipelines.store import units as directory
from pipelines.store.migrate import upgrade
from pipelines.store.schema import (
    documents,
    incoming,
    task_bodies,
    tasks,
)
from pipelines.store.tracking import (
    fold,
    incoming_key,
    parse_date,
)

log = logging.getLogger("congvan.store")

from pipelines import default_db_url  # noqa: E402

DEFAULT_DB_URL = default_db_url()      # under $CONGVAN_HOME (pipelines.home), not the current folder


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


class StoreBase:
    """Connection plumbing and lookups shared by the parts of `Store`."""

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

    @staticmethod
    def _main_document(conn, doc):
        """The main file of the document's incoming document (where its tasks and corrections live)."""
        if doc.get("copy_role") in ("copy", "replaced") and doc.get("incoming_id"):
            main = conn.execute(select(documents).where(documents.c.incoming_id == doc["incoming_id"],
                                                        documents.c.copy_role == "main")).mappings().first()
            if main is not None:
                return main
        return doc
