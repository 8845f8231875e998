"""Text normalisation shared by every reader: Unicode NFC, spaces, invisible characters."""
from __future__ import annotations

import re
import unicodedata

from extractors.lang import encodings

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# what folding runs of spaces changes: a run of two or more, or one space that is not " " (a
# pattern matching every single space would rebuild the string at each: ~5 µs a line)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")


def squash_spaces(text: str) -> str:
    """`re.sub(r"\\s+", " ", text)`: every run of white space (line breaks too) → one space."""
    if "  " not in text and text.isprintable():   # every white space but " " is unprintable
        return text
    return _WHITESPACE.sub(" ", text)


# any character that needs more than NFC: a legacy-encoding mark, an invisible one, an odd space
# (one character-class scan: ~0.5 µs a line, against ~4 µs for the separate checks)
_NEEDS_WORK = re.compile("[" + encodings.SUSPECT_CHARS + "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
                         "\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize_text(text: str) -> str:
    """NFC, invisible characters removed, runs of spaces folded, legacy encodings repaired."""
    if not text:
        return ""
    if _NEEDS_WORK.search(text) is None and "  " not in text and not encodings.viqr_suspect(text):
        return unicodedata.normalize("NFC", text).strip()   # the common line: nothing else to do
    text = encodings.repair(text)          # first: TCVN3 writes `ư` as a soft hyphen (U+00AD)
    if _HAS_INVISIBLE.search(text):       # (a search is much cheaper than translate)
        text = text.translate(_INVISIBLE)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()
