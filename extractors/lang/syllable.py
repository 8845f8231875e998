"""The Vietnamese syllable grammar: an onset and a rhyme (vowel nucleus and final), one definition.

`is_syllable` checks a word against the full grammar, its vowel shapes included (`ươ`, `uyê`),
tone marks aside; `is_syllable_shape` checks the shape OCR leaves intact (letters folded: an
onset, one to three vowels, a consonant final) and so accepts a syllable whose marks OCR garbled
(`Giảám`), but still turns down fragments (`Eh`, `Đc`, `Pid`) and acronyms (`UBND`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from extractors.lang.fold import fold
from extractors.lang.tones import TONE_CHARS

ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
CONSONANT_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
VOWELS = "aăâeêioôơuưy"
# rhymes by nucleus, finals included (semivowel finals `i/y`, `o/u` too)
RHYME = (r"(?:"
         r"oă[cmnpt]|oa(?:ch|ng|nh|[cimnpty])?|oe[nt]?|oo[cn]g?|uâ[nty]|uâng|uyê[nt]|uy[chnpu]?|uy|"
         r"uê(?:ch|nh)?|uơ|"
         r"iê(?:ng|[cmnptu])|yê(?:ng|[mnptu])|ươ(?:ng|[cimnptu])|uô(?:ng|[cimnt])|"
         r"ia|ua|ưa|"
         r"a(?:ch|ng|nh|[cimnptuoy])?|ă(?:ng|[cmnpt])|â(?:ng|[cmnptuy])|"
         r"e(?:ng|[cmnpto])?|ê(?:ch|nh|[mnptu])?|i(?:ch|nh|[cmnptu])?|"
         r"o(?:ng|[cimnpt])?|ô(?:ng|[cimnpt])?|ơ(?:[imnpt])?|"
         r"u(?:ng|[cimnpt])?|ư(?:ng|[cimnptu])?|y(?:[ntu])?"
         r")")
MAX_VOWELS = 3                  # the longest nucleus with its glide: `uyê`, `ươi`


def _alternation(items: tuple[str, ...]) -> str:
    """`(?:ngh|ng|…|[bcd…])`: the longer items in order, single letters as one class."""
    longer = [i for i in dict.fromkeys(items) if len(i) > 1]
    single = "".join(i for i in dict.fromkeys(items) if len(i) == 1)
    return "(?:" + "|".join([*longer, f"[{single}]"]) + ")"


_ONSET = _alternation(ONSETS) + "?"
SYLLABLE = re.compile(f"^{_ONSET}{RHYME}$")              # on the tone-less, lower-case NFC form
FOLDED_SYLLABLE = re.compile(                           # on the folded form (`fold`)
    "^" + _alternation(tuple(fold(o) for o in ONSETS)) + "?"
    + f"[{''.join(dict.fromkeys(fold(v) for v in VOWELS))}]{{1,{MAX_VOWELS}}}"
    + _alternation(CONSONANT_FINALS) + "?$")
_TONES = dict.fromkeys(map(ord, TONE_CHARS), None)


def toneless(token: str) -> str:
    """Lower case NFC without the tone marks (the vowel shapes `ă â ê ô ơ ư` and `đ` stay)."""
    decomposed = unicodedata.normalize("NFD", token.lower()).translate(_TONES)
    return unicodedata.normalize("NFC", decomposed)


@lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """True when `token` (letters only) is a well-formed Vietnamese syllable."""
    return bool(SYLLABLE.match(toneless(token)))


def is_syllable_shape(word: str) -> bool:
    """A Vietnamese syllable's shape on the folded letters (`Nguyễn`, `Ưởng`, OCR's `Giảám`), not an
    OCR fragment (`Eh`, `Đc`, `Pid`) nor an acronym (`UBND`)."""
    return bool(FOLDED_SYLLABLE.match(fold(word)))
