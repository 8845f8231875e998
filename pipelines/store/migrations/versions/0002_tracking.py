"""Tracking: extraction history, analyst corrections, task tracking columns.

- `extractions`: one row per (document, extractor version); the current one is flagged.
- `corrections`: analyst overrides with who/when, the extracted value beside them and a conflict flag.
- `documents`: number, code, place, issuer_parent, path, updated_at.
- `tasks`: tracked assignee (+ gazetteer id), real dates (`due_date`, `done_on`), the raw
  extracted task, `active` (false once a re-extraction no longer finds the task), who set the status.

Existing rows are carried over: each document gets its extraction row, task deadlines become dates.

Revision ID: 0002
Revises: 0001
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _as_date(value):
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def upgrade() -> None:
    with op.batch_alter_table("documents") as b:
        b.add_column(sa.Column("path", sa.Text))
        b.add_column(sa.Column("number", sa.String(50)))
        b.add_column(sa.Column("code", sa.String(200)))
        b.add_column(sa.Column("place", sa.Text))
        b.add_column(sa.Column("issuer_parent", sa.Text))
        b.add_column(sa.Column("updated_at", sa.DateTime(timezone=True)))

    with op.batch_alter_table("tasks") as b:
        b.add_column(sa.Column("assignee", sa.Text))
        b.add_column(sa.Column("assignee_id", sa.String(100)))
        b.add_column(sa.Column("recurrence", sa.Text))
        b.add_column(sa.Column("due_date", sa.Date))
        b.add_column(sa.Column("done_on", sa.Date))
        b.add_column(sa.Column("extracted", sa.JSON))
        b.add_column(sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
        b.add_column(sa.Column("status_by", sa.String(200)))
        b.add_column(sa.Column("created_at", sa.DateTime(timezone=True)))
        b.add_column(sa.Column("updated_at", sa.DateTime(timezone=True)))

    op.create_table(
        "extractions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("extractor_version", sa.String(20), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("document_id", "extractor_version", name="uq_extractions_document_version"),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE")),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("extracted_value", sa.JSON),
        sa.Column("latest_extracted", sa.JSON),
        sa.Column("latest_version", sa.String(20)),
        sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_corrections_document", "corrections", ["document_id"])
    op.create_index("ix_corrections_task", "corrections", ["task_id"])
    op.create_index("ix_tasks_document", "tasks", ["document_id"])
    op.create_index("ix_tasks_due_date", "tasks", ["due_date"])

    # Carry the data of revision 0001 over.
    conn = op.get_bind()
    meta = sa.MetaData()
    documents = sa.Table("documents", meta, autoload_with=conn)
    tasks = sa.Table("tasks", meta, autoload_with=conn)
    extractions = sa.Table("extractions", meta, autoload_with=conn)
    for row in conn.execute(sa.select(documents.c.id, documents.c.extractor_version, documents.c.record,
                                      documents.c.ingested_at)).mappings().all():
        record = row["record"] or {}
        conn.execute(extractions.insert().values(
            document_id=row["id"], extractor_version=row["extractor_version"] or "0", record=record,
            extracted_at=row["ingested_at"], is_current=True))
        conn.execute(documents.update().where(documents.c.id == row["id"]).values(
            number=record.get("number"), code=record.get("code"), place=record.get("place"),
            issuer_parent=record.get("issuer_parent"), path=(record.get("file") or {}).get("path"),
            updated_at=row["ingested_at"]))
    for row in conn.execute(sa.select(tasks)).mappings().all():
        assignees = row["assignees"] or []
        extracted = {"assignees": assignees, "lead": row["lead"], "co": row["co"] or [],
                     "action": row["action"] or "", "deadline": row["deadline"], "recurrence": None}
        conn.execute(tasks.update().where(tasks.c.id == row["id"]).values(
            assignee=row["lead"] or "; ".join(assignees) or None, due_date=_as_date(row["deadline"]),
            done_on=_as_date(row["done_date"]), extracted=extracted, active=True))

    with op.batch_alter_table("tasks") as b:
        b.drop_column("deadline")
        b.drop_column("done_date")


def downgrade() -> None:
    with op.batch_alter_table("tasks") as b:
        b.add_column(sa.Column("deadline", sa.String(10)))
        b.add_column(sa.Column("done_date", sa.String(10)))
    conn = op.get_bind()
    meta = sa.MetaData()
    tasks = sa.Table("tasks", meta, autoload_with=conn)
    for row in conn.execute(sa.select(tasks.c.id, tasks.c.due_date, tasks.c.done_on)).all():
        conn.execute(tasks.update().where(tasks.c.id == row[0]).values(
            deadline=row[1].isoformat() if row[1] else None, done_date=row[2].isoformat() if row[2] else None))
    op.drop_index("ix_tasks_due_date", "tasks")
    op.drop_index("ix_tasks_document", "tasks")
    op.drop_table("corrections")
    op.drop_table("extractions")
    with op.batch_alter_table("tasks") as b:
        for name in ("updated_at", "created_at", "status_by", "active", "extracted", "done_on", "due_date",
                     "recurrence", "assignee_id", "assignee"):
            b.drop_column(name)
    with op.batch_alter_table("documents") as b:
        for name in ("updated_at", "issuer_parent", "place", "code", "number", "path"):
            b.drop_column(name)
