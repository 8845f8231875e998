"""Initial schema (the skeleton's): documents, tasks, quarantine, runs.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_id", sa.String(255), nullable=False),
        sa.Column("file_name", sa.Text),
        sa.Column("doc_type", sa.String(100)),
        sa.Column("symbol", sa.String(200)),
        sa.Column("date", sa.String(10)),
        sa.Column("issuer", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("extractor_version", sa.String(20)),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("assignees", sa.JSON, nullable=False),
        sa.Column("lead", sa.Text),
        sa.Column("co", sa.JSON),
        sa.Column("action", sa.Text),
        sa.Column("deadline", sa.String(10)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("done_date", sa.String(10)),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64)),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("path", sa.Text),
        sa.Column("error_class", sa.String(40), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("summary", sa.JSON),
    )


def downgrade() -> None:
    for name in ("runs", "quarantine", "tasks", "documents"):
        op.drop_table(name)
