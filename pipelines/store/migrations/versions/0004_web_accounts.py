"""Web workspace: accounts (`users`) and the indexes of its list pages.

- `users`: name, scrypt password hash, roles (comma-separated: van_thu, chuyen_vien, quan_tri), active.
- indexes: documents by kind / arrival / last change; tasks by assignee and by status + deadline.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
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
    op.create_index("ix_documents_ingested_at", "documents", ["ingested_at"])
    op.create_index("ix_documents_updated_at", "documents", ["updated_at"])
    op.create_index("ix_tasks_assignee", "tasks", ["assignee"])
    op.create_index("ix_tasks_status_due", "tasks", ["status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_tasks_status_due", "tasks")
    op.drop_index("ix_tasks_assignee", "tasks")
    op.drop_index("ix_documents_updated_at", "documents")
    op.drop_index("ix_documents_ingested_at", "documents")
    op.drop_index("ix_documents_doc_type", "documents")
    op.drop_table("users")
