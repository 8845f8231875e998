"""The Vietnamese word list: Viet74K, shipped with underthesea (an installed dependency).

Without underthesea the list is empty and its users change nothing (`is_known_syllable` says None).
Words are kept lower case, NFC, in the new tone placement.
"""
from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

from extractors.lang.tones import modern_tones


def bare(text: str) -> str:
    """Lower case letters without any mark (`đ` → `d`): the key of words that differ only in marks."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _wordlist_path() -> Path | None:
    try:
        spec = importlib.util.find_spec("underthesea")
    except Exception:
        return None
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], dict[str, list[str]]]:
    """(every word, the words of 2-3 syllables by their `bare` form); empty without the list."""
    path = _wordlist_path()
    words: set[str] = set()
    by_bare: dict[str, list[str]] = {}
    if path is None:
        return frozenset(), {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        word = modern_tones(unicodedata.normalize("NFC", raw.strip().lower()))
        if not word or " " not in word or len(word.split()) > 3:
            if word:
                words.add(word)
            continue
        if word in words:
            continue
        words.add(word)
        by_bare.setdefault(bare(word), []).append(word)
    return frozenset(words), by_bare


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    words, _ = lexicon()
    out: set[str] = set()
    for word in words:
        out.update(word.split())
    return frozenset(out)


@lru_cache(maxsize=65536)
def is_known_syllable(token: str) -> bool | None:
    """Is `token` a syllable of some word in the Vietnamese word list? None without the list."""
    syllables = _syllables()
    if not syllables:
        return None
    return modern_tones(unicodedata.normalize("NFC", token.lower())) in syllables
