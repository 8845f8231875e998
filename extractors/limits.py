"""Resource limits for reading untrusted files (all configurable through env vars)."""
from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 300                 # pages read per document
    max_page_pixels: int = 60_000_000    # rendered pixels per page (OCR)
    max_image_pixels: int = 120_000_000  # decoded pixels of an embedded/input image
    max_decompressed_bytes: int = 300 * 1024 * 1024  # sum of a DOCX's zip members
    max_zip_ratio: float = 200.0         # decompressed/compressed per member (members over 1 MiB)
    max_zip_members: int = 10_000        # parts in a DOCX archive
    max_text_bytes: int = 20 * 1024 * 1024  # a plain-text file (every line becomes an object)
    max_docx_elements: int = 300_000     # paragraphs + tables + table cells in word/document.xml
    ocr_timeout: float = 120.0           # seconds per OCR'd page
    convert_timeout: float = 120.0       # seconds per LibreOffice conversion
    document_timeout: float = 600.0      # seconds per document overall

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            max_file_bytes=int(_env("CONGVAN_MAX_FILE_BYTES", d.max_file_bytes)),
            max_pages=int(_env("CONGVAN_MAX_PAGES", d.max_pages)),
            max_page_pixels=int(_env("CONGVAN_MAX_PAGE_PIXELS", d.max_page_pixels)),
            max_image_pixels=int(_env("CONGVAN_MAX_IMAGE_PIXELS", d.max_image_pixels)),
            max_decompressed_bytes=int(_env("CONGVAN_MAX_DECOMPRESSED_BYTES", d.max_decompressed_bytes)),
            max_zip_ratio=_env("CONGVAN_MAX_ZIP_RATIO", d.max_zip_ratio),
            max_zip_members=int(_env("CONGVAN_MAX_ZIP_MEMBERS", d.max_zip_members)),
            max_text_bytes=int(_env("CONGVAN_MAX_TEXT_BYTES", d.max_text_bytes)),
            max_docx_elements=int(_env("CONGVAN_MAX_DOCX_ELEMENTS", d.max_docx_elements)),
            ocr_timeout=_env("CONGVAN_OCR_TIMEOUT", d.ocr_timeout),
            convert_timeout=_env("CONGVAN_CONVERT_TIMEOUT", d.convert_timeout),
            document_timeout=_env("CONGVAN_DOCUMENT_TIMEOUT", d.document_timeout),
        )
