"""Text normalisation shared by every reader: Unicode NFC, spaces, invisible characters."""
from __future__ import annotations

import re
import unicodedata

from extractors import encodings

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_text(text: str) -> str:
    """NFC, invisible characters removed, runs of spaces folded, legacy encodings repaired."""
    if not text:
        return ""
    text = encodings.repair(text)          # first: TCVN3 writes `ư` as a soft hyphen (U+00AD)
    if _HAS_INVISIBLE.search(text):       # (a search is much cheaper than translate)
        text = text.translate(_INVISIBLE)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()
