"""Tasks (who must do what, by when) from the body. Placeholder until the task extractor lands."""
from __future__ import annotations

from models.layout import Document
from models.record import Task


def extract_tasks(doc: Document, fields: dict) -> list[Task]:
    return []
