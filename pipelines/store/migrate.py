"""Run the Alembic migrations in `migrations/` programmatically, on the store's own connection.

`upgrade(engine)` brings any database to the head revision in place: a new database is created,
a database of an older revision is upgraded, and a database made by the skeleton's
`create_all` (tables but no `alembic_version`) is stamped as revision 0001 first.
Concurrent openers are serialised (PostgreSQL advisory lock; SQLite `BEGIN IMMEDIATE`).
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 7_418_223_001  # PostgreSQL advisory lock id for congvan migrations


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (default: head) in one locked transaction."""
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        names = set(inspect(conn).get_table_names())
        cfg.attributes["connection"] = conn
        if "documents" in names and "alembic_version" not in names:
            command.stamp(cfg, "0001")          # a database of the skeleton, before Alembic
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
