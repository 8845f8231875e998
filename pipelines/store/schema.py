"""The store's tables at the head revision (migrations in `migrations/versions` build them).

Keep this file and the newest migration in step: `tests/test_store_migrations.py` compares them.
"""
from __future__ import annotations

from sqlalchemy import (
                        JSON,
                        Boolean,
                        Column,
                        Date,
                        DateTime,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
                        false,
                        func,
                        true,
)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),   # identity: SHA-256 of the bytes
    Column("doc_id", String(255), nullable=False),               # file name without extension
    Column("file_name", Text),
    Column("doc_type", String(100)),
    Column("symbol", String(200)),
    Column("date", String(10)),                                  # ISO, possibly partial (YYYY-MM, YYYY)
    Column("issuer", Text),
    Column("subject", Text),
    Column("extractor_version", String(20)),                     # version of the current extraction
    Column("record", JSON, nullable=False),                      # effective record: extraction + corrections
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("path", Text),
    Column("number", String(50)),
    Column("code", String(200)),
    Column("place", Text),
    Column("issuer_parent", Text),
    Column("updated_at", DateTime(timezone=True)),
    Column("incoming_id", Integer, ForeignKey("incoming.id", name="fk_documents_incoming")),   # the incoming document this file is of
    Column("copy_role", String(10)),                             # main | copy | replaced (an older version)
    Column("issuer_unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL", name="fk_documents_issuer_unit")),
    Column("search", Text),                                      # folded số ký hiệu, trích yếu, issuer, kind (LIKE)
    Column("review", String(300)),                               # open review flags, comma-separated; NULL: none
    Index("ix_documents_incoming", "incoming_id"),
    Index("ix_documents_review", "review"),
    Index("ix_documents_search", "search"),                      # a narrow copy scanned by the search (SQLite)
    Index("ix_documents_doc_type", "doc_type"),
    Index("ix_documents_date", "date"),
    Index("ix_documents_ingested_at", "ingested_at"),
    Index("ix_documents_updated_at", "updated_at"),
)

# One incoming document (văn bản đến) across its files: copies in other formats, re-sent versions.
incoming = Table(
    "incoming", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(400), nullable=False),                  # số ký hiệu + issuer + date (or text)
    Column("year", Integer, nullable=False),                     # the register's year
    Column("arrival_number", Integer, nullable=False),           # số đến, in order within the year
    Column("arrival_date", Date, nullable=False),                # ngày đến
    Column("routed_to", JSON),                                   # internal units it is routed to
    Column("routed_on", Date),                                   # ngày chuyển
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    UniqueConstraint("year", "arrival_number", name="uq_incoming_number"),
    Index("ix_incoming_key", "key"),
)

# The directory of units (đơn vị): bodies, collectives (`Các sở, ban, ngành`) and internal units.
units = Table(
    "units", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("key", String(400), nullable=False, unique=True),     # folded lookup key of the name
    Column("kind", String(20), nullable=False),                  # body | collective | internal
    Column("level", String(20)),                                 # central | province | district | commune | …
    Column("category", String(40)),                              # the gazetteer's kind (department, police, …)
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("successor_id", Integer, ForeignKey("units.id")),
    Column("source", String(20), nullable=False),                # gazetteer | office
    Column("email", String(320)),                                # where its daily digest goes
    Column("created_at", DateTime(timezone=True)),
)

# Every printed name met or declared → its unit; unit_id NULL: unknown, listed for the office to map.
unit_names = Table(
    "unit_names", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(400), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("source", String(20), nullable=False),                # gazetteer | office | seen
    Column("seen", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True)),
)

unit_members = Table(
    "unit_members", metadata,
    Column("collective_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)

extractions = Table(
    "extractions", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("extractor_version", String(20), nullable=False),
    Column("record", JSON, nullable=False),                      # the raw extracted record
    Column("extracted_at", DateTime(timezone=True), nullable=False),
    Column("is_current", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("document_id", "extractor_version", name="uq_extractions_document_version"),
)

tasks = Table(
    "tasks", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("assignees", JSON, nullable=False),                   # effective values (extracted + corrections)
    Column("lead", Text),
    Column("co", JSON),
    Column("action", Text),
    Column("status", String(10), nullable=False),                # open | done
    Column("assignee", Text),                                    # the tracked responsible body
    Column("assignee_id", String(100)),                          # its gazetteer id when known
    Column("recurrence", Text),
    Column("due_date", Date),
    Column("done_on", Date),
    Column("extracted", JSON),                                   # the raw extracted task
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("status_by", String(200)),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    Column("mode", String(10)),                                  # request (đề nghị) | order (giao, yêu cầu)
    Column("manual", Boolean, nullable=False, server_default=false()),   # added by staff, not extracted
    Column("dismissed_by", String(200)),                         # staff dismissed it (not a task)
    Column("dismissed_at", DateTime(timezone=True)),
    Index("ix_tasks_document", "document_id"),
    Index("ix_tasks_due_date", "due_date"),
    Index("ix_tasks_state", "active", "status", "due_date", "done_on", "dismissed_at"),
)

# One follow-up per body of a task: the lead body, each co-ordinating body, or each assignee.
task_bodies = Table(
    "task_bodies", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),                        # as printed (or corrected)
    Column("name_key", String(400), nullable=False),             # its folded key (groups variants)
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="SET NULL")),
    Column("role", String(10), nullable=False),                  # lead | co | assignee | member
    Column("parent_id", Integer, ForeignKey("task_bodies.id", ondelete="CASCADE")),   # member: its collective
    Column("status", String(10), nullable=False, server_default="open"),
    Column("done_on", Date),
    Column("status_by", String(200)),
    Column("updated_at", DateTime(timezone=True)),
    Index("ix_task_bodies_task", "task_id"),
    Index("ix_task_bodies_unit", "unit_id"),
    Index("ix_task_bodies_name", "name_key", "task_id"),
    Index("ix_task_bodies_follow", "task_id", "role", "status", "name_key"),
)

# long texts are indexed by their first 200 characters (a PostgreSQL b-tree entry must stay under ~2.7 kB)
Index("ix_documents_issuer", func.substr(documents.c.issuer, 1, 200))
Index("ix_tasks_assignee", func.substr(tasks.c.assignee, 1, 200), tasks.c.active, tasks.c.status, tasks.c.due_date,
      tasks.c.done_on)

corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", Integer, ForeignKey("tasks.id", ondelete="CASCADE")),   # null: a document field
    Column("field", String(60), nullable=False),
    Column("value", JSON),                                       # the analyst's value (shown)
    Column("extracted_value", JSON),                             # what was extracted when corrected
    Column("latest_extracted", JSON),                            # what the newest extraction says
    Column("latest_version", String(20)),
    Column("conflict", Boolean, nullable=False, server_default=false()),
    Column("active", Boolean, nullable=False, server_default=true()),   # false once superseded
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ended_by", String(200)),                             # who superseded or reverted it
    Column("ended_at", DateTime(timezone=True)),
    Index("ix_corrections_document", "document_id"),
    Index("ix_corrections_task", "task_id"),
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

users = Table(                                                   # accounts of the web workspace
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),       # scrypt$n$r$p$salt$hash
    Column("roles", String(100), nullable=False),               # comma-separated role keys
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
