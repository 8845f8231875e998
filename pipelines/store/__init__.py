"""The tracking store: SQLite by default, PostgreSQL when a URL is given."""
from pipelines.store.store import DEFAULT_DB_URL, Store

__all__ = ["DEFAULT_DB_URL", "Store"]
