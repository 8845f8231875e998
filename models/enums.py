"""The closed vocabularies of the layout model and the record, as `StrEnum`s.

A member is its string (`InputFormat.PDF == "pdf"`, `json.dumps` writes `"pdf"`), so records and
stores keep the strings they always had; building one from an unknown string raises `ValueError`.
"""
from __future__ import annotations

from enum import StrEnum


class InputFormat(StrEnum):
    """The format a reader read a file as (`Document.format`, the record's `file.format`)."""
    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"         # old Word (and RTF) through LibreOffice
    HTML = "html"       # Word "web page" saved as .doc/.htm
    TXT = "txt"
    IMAGE = "image"     # a scan as an image file


class ErrorClass(StrEnum):
    """Why a file could not become a record (the quarantine reason; see `extractors.errors`)."""
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    UNSAFE_CONTENT = "unsafe_content"
    NOT_A_DOCUMENT = "not_a_document"
    EMPTY = "empty"
    CONVERSION_FAILED = "conversion_failed"
    INTERNAL = "internal"


class ExtractionMethod(StrEnum):
    """How a field's value was found (`FieldProvenance.method`)."""
    TEXT = "text"                 # read from a PDF text layer (the line's reader, `Line.source`)
    OCR = "ocr"                   # read from OCR'd lines
    DOCX = "docx"                 # read from a Word file
    TXT = "txt"                   # read from plain text (or a Word "web page")
    RULE = "rule"                 # a rule of the format (a `Công văn` by its V/v line, official, tasks)
    SYMBOL = "symbol"             # the kind from the ký hiệu's abbreviation
    INFERRED = "inferred"         # the issuer from the symbol, signer and text
    HANDWRITING = "handwriting"   # the handwriting recogniser (a handwritten number or day)
    FILE_DATE = "file-date"       # a date completed from the file's dates
    MISSING = "missing"           # not found
