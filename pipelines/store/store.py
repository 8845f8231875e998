"""Documents, tasks, quarantined files and runs in one SQLAlchemy schema.

Idempotent by content: a document is keyed by the SHA-256 of its bytes.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from sqlalchemy import (JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
                        create_engine, select)
from sqlalchemy.exc import IntegrityError

from models.record import DocumentRecord

DEFAULT_DB_URL = "sqlite:///outputs/congvan.sqlite"

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("doc_id", String(255), nullable=False),
    Column("file_name", Text),
    Column("doc_type", String(100)),
    Column("symbol", String(200)),
    Column("date", String(10)),
    Column("issuer", Text),
    Column("subject", Text),
    Column("extractor_version", String(20)),
    Column("record", JSON, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("assignees", JSON, nullable=False),
    Column("lead", Text),
    Column("co", JSON),
    Column("action", Text),
    Column("deadline", String(10)),
    Column("status", String(10), nullable=False, default="open"),
    Column("done_date", String(10)),
)

quarantine = Table(
    "quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64)),
    Column("file_name", Text, nullable=False),
    Column("path", Text),
    Column("error_class", String(40), nullable=False),
    Column("message", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("summary", JSON),
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or os.environ.get("CONGVAN_DB_URL") or DEFAULT_DB_URL
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:////"):
            folder = os.path.dirname(self.url[len("sqlite:///"):])
            if folder:
                os.makedirs(folder, exist_ok=True)
        self.engine = create_engine(self.url, future=True)
        metadata.create_all(self.engine)

    def known_hashes(self, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.sha256).where(documents.c.sha256.in_(hashes)))
            return {row[0] for row in rows}

    def save_record(self, record: DocumentRecord) -> bool:
        """Insert a document and its tasks; False when its bytes were already stored."""
        sha = record.file.sha256 if record.file else None
        data = record.contract()
        try:
            with self.engine.begin() as conn:
                doc_pk = conn.execute(documents.insert().values(
                    sha256=sha, doc_id=record.id, file_name=record.file.name if record.file else None,
                    doc_type=record.doc_type, symbol=record.symbol, date=record.date, issuer=record.issuer,
                    subject=record.subject, extractor_version=record.extractor_version,
                    record=data, ingested_at=_now())).inserted_primary_key[0]
                for position, task in enumerate(record.tasks):
                    conn.execute(tasks.insert().values(
                        document_id=doc_pk, position=position, assignees=task.assignees, lead=task.lead,
                        co=task.co, action=task.action, deadline=task.deadline, status="open"))
        except IntegrityError:
            return False
        return True

    def save_quarantine(self, record: DocumentRecord) -> None:
        with self.engine.begin() as conn:
            conn.execute(quarantine.insert().values(
                sha256=record.file.sha256 if record.file else None,
                file_name=record.file.name if record.file else record.id,
                path=record.file.path if record.file else None,
                error_class=record.error_class or "internal", message=record.error, at=_now()))

    def save_run(self, summary: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(runs.insert().values(
                started_at=datetime.fromisoformat(summary["started_at"]),
                finished_at=datetime.fromisoformat(summary["finished_at"]),
                summary=json.loads(json.dumps(summary, default=str))))

    def count(self, table: str) -> int:
        from sqlalchemy import func
        t = metadata.tables[table]
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t)).scalar_one()
