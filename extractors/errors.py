"""Why a file could not be read: one exception type carrying a quarantine class.

Classes (stable strings, used in run summaries and `<name>.reason.json`):
corrupt, encrypted, unsupported_format, too_large, timeout, unsafe_content,
not_a_document, empty, conversion_failed, internal.
"""
from __future__ import annotations

ERROR_CLASSES = (
    "corrupt", "encrypted", "unsupported_format", "too_large", "timeout",
    "unsafe_content", "not_a_document", "empty", "conversion_failed", "internal",
)


class DocumentError(Exception):
    """A file that cannot become a record; `error_class` says which quarantine reason."""

    def __init__(self, error_class: str, message: str, stage: str = "read"):
        assert error_class in ERROR_CLASSES, error_class
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.error_class}: {self.message}"
