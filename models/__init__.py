"""Record types: the normalised layout model readers produce and the extracted records."""
from models.layout import Document, Line, Page, Word
from models.record import DocumentRecord, FieldProvenance, Reference, Signer, Task

__all__ = ["Document", "Line", "Page", "Word", "DocumentRecord", "FieldProvenance",
           "Reference", "Signer", "Task"]
