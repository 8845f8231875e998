"""Old Word `.doc` via LibreOffice headless conversion to DOCX. Placeholder until it lands."""
from __future__ import annotations

from pathlib import Path

from extractors.errors import DocumentError
from extractors.limits import Limits
from models.layout import Document


def read_doc(path: Path, limits: Limits) -> Document:
    raise DocumentError("unsupported_format", "old Word .doc needs LibreOffice conversion, not available in this build")
