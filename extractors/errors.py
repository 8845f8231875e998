"""Why a file could not be read: one exception type carrying a quarantine class.

Classes (stable strings, used in run summaries and `<name>.reason.json`); the message
of each error says what to do with that particular file:

| class | meaning | what the clerk does |
|---|---|---|
| empty | 0 bytes, or a PDF without pages | ask for the file again |
| corrupt | damaged or truncated file, bad ZIP/PDF structure | ask for the file again |
| encrypted | needs a password to open (PDF user password, protected Word file) | ask for a copy without a password |
| unsupported_format | not a document type (HTML page, ZIP, unknown binary, text in an unknown encoding) | ask for PDF/Word, or save as UTF-8 |
| too_large | over a configured limit (`extractors.limits.Limits`: size, pages, pixels, parts) | split the file, or raise the limit |
| timeout | reading or conversion took longer than its limit | retry later, or raise the limit |
| unsafe_content | built to attack a reader (zip bomb, XML DTD/entities) | do not open it; ask for a fresh copy |
| not_a_document | readable but not a Vietnamese administrative document (no text, other language) | register by hand if needed |
| conversion_failed | LibreOffice could not convert an old Word/RTF file | open and re-save it in Word |
| internal | a bug in congvan | report it (the file is kept in quarantine) |
"""
from __future__ import annotations

from models.enums import ErrorClass

ERROR_CLASSES = tuple(ErrorClass)


class DocumentError(Exception):
    """A file that cannot become a record; `error_class` says which quarantine reason."""

    def __init__(self, error_class: ErrorClass | str, message: str, stage: str = "read"):
        super().__init__(message)
        self.error_class = ErrorClass(error_class)      # an unknown class raises ValueError
        self.message = message
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.error_class}: {self.message}"
