"""Directory of units, one follow-up per body, one incoming document across its files.

- `units`, `unit_names` (every printed name → unit; NULL: unknown), `unit_members` (collectives).
- `task_bodies`: one row per body of a task (lead / co / assignee) with its own status; the task's
  status derives from them. Existing tasks get their bodies, each with the task's status.
- `incoming`: the incoming document (số đến, ngày đến, routing) a file belongs to; each existing
  document becomes its own incoming document with the số đến it showed (arrival order per year).
- `tasks`: `mode` (request/order), `manual`, `dismissed_by/at`; `documents`: `incoming_id`,
  `copy_role`, `issuer_unit_id`.

The gazetteer seed and the linking of bodies to units happen when the store opens (`Store`).

Revision ID: 0004
Revises: 0003
"""
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("level", sa.String(20)),
        sa.Column("category", sa.String(40)),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.Column("successor_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "unit_names",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL")),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("seen", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "unit_members",
        sa.Column("collective_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "incoming",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("arrival_number", sa.Integer, nullable=False),
        sa.Column("arrival_date", sa.Date, nullable=False),
        sa.Column("routed_to", sa.JSON),
        sa.Column("routed_on", sa.Date),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("year", "arrival_number", name="uq_incoming_number"),
    )
    op.create_index("ix_incoming_key", "incoming", ["key"])
    op.create_table(
        "task_bodies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.String(400), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL")),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("task_bodies.id", ondelete="CASCADE")),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column("done_on", sa.Date),
        sa.Column("status_by", sa.String(200)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_task_bodies_task", "task_bodies", ["task_id"])
    op.create_index("ix_task_bodies_unit", "task_bodies", ["unit_id"])
    with op.batch_alter_table("documents") as b:
        b.add_column(sa.Column("incoming_id", sa.Integer))
        b.add_column(sa.Column("copy_role", sa.String(10)))
        b.add_column(sa.Column("issuer_unit_id", sa.Integer))
        b.create_foreign_key("fk_documents_incoming", "incoming", ["incoming_id"], ["id"])
        b.create_foreign_key("fk_documents_issuer_unit", "units", ["issuer_unit_id"], ["id"], ondelete="SET NULL")
        b.create_index("ix_documents_incoming", ["incoming_id"])
    with op.batch_alter_table("tasks") as b:
        b.add_column(sa.Column("mode", sa.String(10)))
        b.add_column(sa.Column("manual", sa.Boolean, nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("dismissed_by", sa.String(200)))
        b.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True)))
    _carry_over()


def _carry_over() -> None:
    from pipelines.store.tracking import task_bodies_of, task_mode
    from pipelines.store.units import unit_key

    bind = op.get_bind()
    meta = sa.MetaData()
    documents = sa.Table("documents", meta, autoload_with=bind)
    tasks = sa.Table("tasks", meta, autoload_with=bind)
    incoming = sa.Table("incoming", meta, autoload_with=bind)
    bodies = sa.Table("task_bodies", meta, autoload_with=bind)
    now = datetime.now(UTC)
    counters: dict[int, int] = {}
    for pk, ingested in bind.execute(sa.select(documents.c.id, documents.c.ingested_at).order_by(documents.c.id)).all():
        year = ingested.year
        counters[year] = counters.get(year, 0) + 1
        inserted = bind.execute(incoming.insert().values(key=f"doc:{pk}", year=year, arrival_number=counters[year],
                                                         arrival_date=ingested.date(), created_at=now,
                                                         updated_at=now)).inserted_primary_key
        inc = cast(Any, inserted)[0]
        bind.execute(documents.update().where(documents.c.id == pk).values(incoming_id=inc, copy_role="main"))
    rows = bind.execute(sa.select(tasks.c.id, tasks.c.lead, tasks.c.co, tasks.c.assignees, tasks.c.extracted,
                                  tasks.c.status, tasks.c.done_on, tasks.c.status_by)).all()
    for row in rows:
        extracted = row.extracted or {}
        source = (extracted.get("source") or {}).get("text") if isinstance(extracted.get("source"), dict) else None
        bind.execute(tasks.update().where(tasks.c.id == row.id).values(
            mode=task_mode(source or extracted.get("action"))))
        named = task_bodies_of({"lead": row.lead, "co": row.co, "assignees": row.assignees})
        for position, (name, role) in enumerate(named):
            bind.execute(bodies.insert().values(task_id=row.id, position=position, name=name,
                                                name_key=unit_key(name), role=role, status=row.status,
                                                done_on=row.done_on, status_by=row.status_by, updated_at=now))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as b:
        b.drop_column("dismissed_at")
        b.drop_column("dismissed_by")
        b.drop_column("manual")
        b.drop_column("mode")
    with op.batch_alter_table("documents") as b:
        b.drop_index("ix_documents_incoming")
        b.drop_constraint("fk_documents_issuer_unit", type_="foreignkey")
        b.drop_constraint("fk_documents_incoming", type_="foreignkey")
        b.drop_column("issuer_unit_id")
        b.drop_column("copy_role")
        b.drop_column("incoming_id")
    op.drop_index("ix_task_bodies_unit", "task_bodies")
    op.drop_index("ix_task_bodies_task", "task_bodies")
    op.drop_table("task_bodies")
    op.drop_index("ix_incoming_key", "incoming")
    op.drop_table("incoming")
    op.drop_table("unit_members")
    op.drop_table("unit_names")
    op.drop_table("units")
