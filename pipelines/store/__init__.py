"""The tracking store: SQLite by default, PostgreSQL when a URL is given (Alembic-migrated)."""
from pipelines.store.store import (DEFAULT_DB_URL, DOCUMENT_FIELDS, TASK_FIELDS, Store, StoreError,
                                   make_engine)
from pipelines.store.tracking import TASK_STATES, task_state

__all__ = ["DEFAULT_DB_URL", "DOCUMENT_FIELDS", "TASK_FIELDS", "TASK_STATES", "Store", "StoreError",
           "make_engine", "task_state"]
