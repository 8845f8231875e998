"""Search and review flags in the database, task bodies by name.

- `documents.search`: the folded số ký hiệu, trích yếu, issuer and kind (accent- and case-free), searched
  with LIKE by the document list (SQLite and PostgreSQL alike); filled here for the stored documents and
  by the store on every write.
  Indexed (`ix_documents_search`): on SQLite the search scans this narrow index, not the wide rows.
- `documents.review`: the review flags no correction has answered (comma-separated; NULL: none), indexed.
- `ix_task_bodies_name`: tasks by any of their bodies (the task filter); `ix_task_bodies_follow`: the bodies
  of tasks (the overdue-by-body chart, read from the index alone); `ix_tasks_state` gets `dismissed_at`, so
  the state counts and the task list's filters read it alone too.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SEARCH_CHARS = 1000     # as `pipelines.store.fields.search_text`: indexable on PostgreSQL (a b-tree entry < 2.7 kB)


def upgrade() -> None:
    from pipelines.store.tracking import fold

    op.add_column("documents", sa.Column("search", sa.Text))
    op.add_column("documents", sa.Column("review", sa.String(300)))
    op.create_index("ix_documents_review", "documents", ["review"])
    op.create_index("ix_documents_search", "documents", ["search"])
    op.create_index("ix_task_bodies_name", "task_bodies", ["name_key", "task_id"])
    op.create_index("ix_task_bodies_follow", "task_bodies", ["task_id", "role", "status", "name_key"])
    op.drop_index("ix_tasks_state", "tasks")
    op.create_index("ix_tasks_state", "tasks", ["active", "status", "due_date", "done_on", "dismissed_at"])

    conn = op.get_bind()
    docs = sa.table("documents", sa.column("id", sa.Integer), sa.column("record", sa.JSON),
                    sa.column("search", sa.Text), sa.column("review", sa.String))
    corr = sa.table("corrections", sa.column("document_id", sa.Integer), sa.column("task_id", sa.Integer),
                    sa.column("field", sa.String), sa.column("active", sa.Boolean))
    answered: dict[int, set[str]] = {}
    for doc_pk, field in conn.execute(sa.select(corr.c.document_id, corr.c.field).where(
            corr.c.task_id.is_(None), corr.c.active.is_(True))):
        answered.setdefault(doc_pk, set()).add(field.split(".")[0])
    last = 0
    while True:
        rows = conn.execute(sa.select(docs.c.id, docs.c.record).where(docs.c.id > last)
                            .order_by(docs.c.id).limit(2000)).all()
        if not rows:
            break
        values = []
        for pk, record in rows:
            record = record or {}
            text = fold(" ".join(str(record.get(k)) for k in ("symbol", "subject", "issuer", "doc_type")
                                 if record.get(k)))
            flags = [f for f in record.get("needs_review") or [] if f.split(".")[0] not in answered.get(pk, ())]
            values.append({"pk": pk, "s": text[:SEARCH_CHARS], "r": ",".join(flags)[:300] or None})
        conn.execute(docs.update().where(docs.c.id == sa.bindparam("pk"))
                     .values(search=sa.bindparam("s"), review=sa.bindparam("r")), values)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_tasks_state", "tasks")
    op.create_index("ix_tasks_state", "tasks", ["active", "status", "due_date", "done_on"])
    op.drop_index("ix_task_bodies_follow", "task_bodies")
    op.drop_index("ix_task_bodies_name", "task_bodies")
    op.drop_index("ix_documents_search", "documents")
    op.drop_index("ix_documents_review", "documents")
    op.drop_column("documents", "review")       # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): the expression
    op.drop_column("documents", "search")       # indexes of the table stay (a batch copy would lose them)
