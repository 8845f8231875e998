"""Documents, extractions, tasks, corrections, quarantined files and runs in one SQLAlchemy schema.

- Identity by content: a document is keyed by the SHA-256 of its bytes. Storing the same bytes
  again changes nothing; a record from a newer extractor version re-extracts in place: the new
  extraction becomes current, the previous one stays in `extractions` as history.
- Concurrency: the unique `documents.sha256` and `(document, extractor_version)` constraints decide
  who wins; the loser's transaction rolls back whole and it reports the document as unchanged.
- Corrections: an analyst's value for a field is an override row (who/when); the effective value
  (shown everywhere) is the override, the extracted value is kept beside it, and a re-extraction
  that disagrees with the override sets `conflict`. Tasks are matched across re-extractions by
  assignee + action similarity so their corrections and status stay attached.
- Schema changes go through Alembic (`migrations/`), applied when a `Store` opens.

API for the flow: `Store(url)`, `known_hashes(hashes, version=EXTRACTOR_VERSION)`,
`save_batch(records) -> outcomes` (one transaction per batch; what the ingest flow uses),
`save_record(record) -> bool`, `ingest_record(record) -> "new" | "unchanged" | "reextracted"`,
`save_quarantine`, `save_quarantine_once`, `save_run`, `count`. For analysts: `tasks(...)`, `set_task_status`,
`correct_document`, `correct_task`, `corrections`, `documents`, `document`, `extractions`.

The class is split by step, one module each: `base` (engine, errors, `StoreBase`: opening, closing,
lookups), `fields` (pure record/row helpers), `ingest`, `queries`, `corrections`, `actions` (task status,
manual tasks, incoming documents, units). This module composes them and keeps the public names (`Store`,
`StoreError`, `Conflict`, `make_engine`, `DEFAULT_DB_URL`) importable from `pipelines.store.store`.
"""
from __future__ import annotations

from pipelines.store.actions import ActionsMixin
from pipelines.store.base import DEFAULT_DB_URL, StoreError, make_engine
from pipelines.store.corrections import CorrectionsMixin
from pipelines.store.fields import Conflict
from pipelines.store.ingest import IngestMixin
from pipelines.store.queries import QueriesMixin

__all__ = ["DEFAULT_DB_URL", "Conflict", "Store", "StoreError", "make_engine"]


class Store(ActionsMixin, CorrectionsMixin, IngestMixin, QueriesMixin):
    """The tracking store: `StoreBase` (engine, lookups) with ingest, queries, corrections and actions."""
