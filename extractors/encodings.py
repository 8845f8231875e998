"""Legacy Vietnamese encodings (TCVN3/ABC, VNI-Windows, VIQR) to Unicode.

Placeholder until the legacy-encoding converter lands: `repair` returns its input.
"""
from __future__ import annotations


def detect(text: str) -> str | None:
    """Name of the legacy encoding `text` is in (`tcvn3`, `vni`, `viqr`), or None for Unicode."""
    return None


def repair(text: str) -> str:
    """`text` converted to Unicode when it is in a legacy encoding, else unchanged."""
    return text
