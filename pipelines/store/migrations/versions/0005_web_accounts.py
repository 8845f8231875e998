"""Web workspace: accounts (`users`) and the indexes of its list pages.

- `users`: name, scrypt password hash, roles (comma-separated: van_thu, chuyen_vien, quan_tri), active.
- indexes of the list pages (covering, so that counts and page ids are read from the index alone):
  documents by kind, issuer, arrival and last change; tasks by state columns and by assignee.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_doc_type", "documents", ["doc_type"])
    # long texts: the first 200 characters (a PostgreSQL b-tree entry must stay under ~2.7 kB)
    op.create_index("ix_documents_issuer", "documents", [sa.text("substr(issuer, 1, 200)")])
    op.create_index("ix_documents_date", "documents", ["date"])
    op.create_index("ix_documents_ingested_at", "documents", ["ingested_at"])
    op.create_index("ix_documents_updated_at", "documents", ["updated_at"])
    op.create_index("ix_tasks_state", "tasks", ["active", "status", "due_date", "done_on"])
    op.create_index("ix_tasks_assignee", "tasks",
                    [sa.text("substr(assignee, 1, 200)"), "active", "status", "due_date", "done_on"])


def downgrade() -> None:
    op.drop_index("ix_tasks_assignee", "tasks")
    op.drop_index("ix_tasks_state", "tasks")
    op.drop_index("ix_documents_date", "documents")
    op.drop_index("ix_documents_issuer", "documents")
    op.drop_index("ix_documents_updated_at", "documents")
    op.drop_index("ix_documents_ingested_at", "documents")
    op.drop_index("ix_documents_doc_type", "documents")
    op.drop_table("users")
