"""Corrections: who ended a correction and when (superseded by a newer one, or reverted).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("corrections") as b:
        b.add_column(sa.Column("ended_by", sa.String(200)))
        b.add_column(sa.Column("ended_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("corrections") as b:
        b.drop_column("ended_at")
        b.drop_column("ended_by")
