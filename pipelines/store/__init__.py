"""The tracking store: SQLite by default, PostgreSQL when a URL is given (Alembic-migrated).

The names are imported on first use (PEP 562), so `pipelines.store.tracking` — the pure rules and
the field vocabulary the CLI's parser needs — comes without SQLAlchemy (~0.3 s of start-up that
`congvan extract` would otherwise pay before its workers start).
"""
from __future__ import annotations

import importlib

_NAMES = {"DEFAULT_DB_URL": "store", "Store": "store", "StoreError": "store", "Conflict": "store", "make_engine": "store",
          "DOCUMENT_FIELDS": "tracking", "TASK_FIELDS": "tracking", "TASK_STATES": "tracking", "task_state": "tracking"}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
