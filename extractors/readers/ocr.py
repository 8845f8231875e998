"""OCR with tesseract (Vietnamese) for pages without a usable text layer, and for images.

Placeholder until the OCR reader lands.
"""
from __future__ import annotations

from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from models.layout import Document


def complete_with_ocr(doc: Document, path: Path, limits: Limits) -> Document:
    """Fill pages whose text layer is absent or garbage with OCR; returns the same document."""
    return doc


def read_image(path: Path, limits: Limits) -> Document:
    raise DocumentError("unsupported_format", "image input needs OCR, not available in this build")
