"""Run the Alembic migrations in `migrations/` programmatically, on the store's own connection.

`upgrade(engine)` brings any database to the head revision in place: a new database is created,
a database of an older revision is upgraded, and a database made by the skeleton's
`create_all` (tables but no `alembic_version`) is stamped as revision 0001 first.
Concurrent openers are serialised (PostgreSQL advisory lock; SQLite `BEGIN IMMEDIATE`).
Alembic is imported only when a migration has to run.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0006"              # newest revision in migrations/versions (checked by the tests)
LOCK_KEY = 7_418_223_001   # PostgreSQL advisory lock id for congvan migrations


def alembic_config():
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (default: head) in one locked transaction."""
    if revision in ("head", HEAD) and current_revision(engine) == HEAD:
        return
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    if not alembic_log.isEnabledFor(logging.DEBUG):
        alembic_log.setLevel(logging.WARNING)
    try:
        from alembic import command

        cfg = alembic_config()
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
            names = set(inspect(conn).get_table_names())
            cfg.attributes["connection"] = conn
            if "documents" in names and "alembic_version" not in names:
                command.stamp(cfg, "0001")          # a database of the skeleton, before Alembic
            command.upgrade(cfg, revision)
        logging.getLogger("congvan.store").info("store schema at revision %s", current_revision(engine))
    finally:
        alembic_log.setLevel(level)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
