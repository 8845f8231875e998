"""Folded forms of Vietnamese text: lower case, no diacritics, `đ`→`d` (what fuzzy matching compares)."""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache


@cache
def _strip_marks(ch: str) -> str | None:
    """`ch` decomposed (NFD) without its non-spacing marks; None when a kept character is itself a
    combining one (canonical reordering across characters could then matter)."""
    kept = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
    return None if any(unicodedata.combining(c) for c in kept) else kept


_NEEDS_NFD = "\uffff"     # in a `_STRIP_TABLE` result: a character `_strip_marks` cannot fold alone


class _StripTable(dict[int, str]):
    """`str.translate` table of `_strip_marks`, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        kept = _strip_marks(chr(code))
        value = self[code] = _NEEDS_NFD if kept is None else kept
        return value


_STRIP_TABLE = _StripTable()
SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, diacritics removed, `đ`→`d`, spaces folded: the form all fuzzy matching uses."""
    stripped = (text or "").translate(_STRIP_TABLE)
    if _NEEDS_NFD in stripped:
        text = unicodedata.normalize("NFD", text or "")
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    else:
        text = stripped
    text = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    return SPACES.sub(" ", text.lower()).strip()


@cache
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return "d" if base == "đ" else base if len(base) == 1 else ch


class _CharFoldTable(dict[int, str]):
    """`str.translate` table of `_fold_char`, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(chr(code))
        return value


_CHAR_FOLD_TABLE = _CharFoldTable()


def fold_chars(text: str) -> str:
    """Lower case without diacritics, `đ`→`d`, one character per character (offsets are kept, so a
    match on the folded text is a span of the printed one; spaces are not folded, unlike `fold`)."""
    return text.translate(_CHAR_FOLD_TABLE)


def map_fold_offset(text: str, offset: int) -> int:
    """Map an offset in fold(text) back to `text` (approximately, by counting kept characters)."""
    kept = 0
    prev_space = False
    for i, ch in enumerate(text):
        base = unicodedata.normalize("NFD", ch)[0]
        if unicodedata.category(base) == "Mn":
            continue
        is_space = ch.isspace()
        if is_space and prev_space:
            continue
        if kept >= offset:
            return i
        kept += 1
        prev_space = is_space
    return len(text)


def sentence_case(text: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH X` → `Ủy ban nhân dân tỉnh x`-style: first letter up, rest as printed
    but lowered when the whole text is in capitals (case is never scored; this is for display)."""
    text = text.strip()
    if not text:
        return text
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        text = text.lower()
    return text[0].upper() + text[1:]
