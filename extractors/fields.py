"""Header and footer fields of the contract, as pure functions over the layout model.

`extract_fields(doc)` returns {field: FieldValue}. Placeholder until the field
extractors land.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.layout import Document


@dataclass
class FieldValue:
    value: object
    page: int | None = None
    text: str | None = None
    confidence: float = 1.0
    method: str | None = None


def extract_fields(doc: Document) -> dict[str, FieldValue]:
    return {}
