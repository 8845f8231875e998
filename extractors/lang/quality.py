"""How much a text looks like Vietnamese print: one measure for text layers, OCR results and lines.

`text_quality(text)` counts the letter tokens that are Vietnamese syllables (`valid`), that carry
Vietnamese diacritics (`marked`), the `(cid:N)` glyph codes of a broken PDF font (`cid`), and the
share of whitespace tokens that no Vietnamese print holds (`odd`, when asked for: foreign symbols
`⁄ÖÊ`, `0§`, or two tone marks on one token). Abbreviations in capitals (`UBND`, `QĐ`) are neither valid nor invalid.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extractors.lang.syllable import is_syllable
from extractors.lang.tones import TONE_CHARS

_VIET_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ") | set(TONE_CHARS)
TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)        # a letter token
CID = re.compile(r"\(cid:\d+\)")
_PRINT_CHARS = r"\wÀ-ỹĐđ.,;:!?()\[\]/\\\-–—'\"“”‘’%&+*=<>@#…°"
_VI_TOKEN = re.compile(f"^[{_PRINT_CHARS}]+$")
_FOREIGN = "ÖÜËÏÄöüëïäÅåßØø§¤Ÿÿ"
# a line none of whose tokens can be odd: only the characters of print (and spaces), no foreign
# letter, no run without a space holding two tone marks
ODD_IN_LINE = re.compile(f"[^\\s{_PRINT_CHARS}]|[{_FOREIGN}]")
TWO_TONES = re.compile(f"[{TONE_CHARS}][^\\s{TONE_CHARS}]*[{TONE_CHARS}]")   # on NFD text


@lru_cache(maxsize=65536)
def has_marks(token: str) -> bool:
    """Does `token` carry a Vietnamese diacritic (a tone, a vowel shape, `đ`)?"""
    return any(ch in _VIET_MARKS for ch in unicodedata.normalize("NFD", token))


@dataclass
class TextQuality:
    tokens: int = 0            # letter tokens considered
    valid: float = 0.0         # share of tokens that are Vietnamese syllables
    marked: float = 0.0        # share of tokens carrying Vietnamese diacritics
    cid: int = 0               # `(cid:N)` glyph codes seen
    odd: float | None = None   # share of whitespace tokens no Vietnamese print holds (when asked for)

    @property
    def trusted(self) -> bool:
        """Looks like real Vietnamese text (decided only with enough tokens)."""
        if self.cid > max(3, self.tokens // 20):
            return False
        if self.tokens < 8:
            return self.valid >= 0.6
        return self.valid >= 0.7 and self.marked >= 0.2


@lru_cache(maxsize=65536)
def token_class(token: str) -> tuple[bool, bool, bool]:
    """(ignored, syllable, marked) of one letter token: all-caps tokens that are not syllables
    are abbreviations (UBND, QĐ, TTg) and are ignored."""
    syllable = is_syllable(token)
    ignored = token.isupper() and len(token) > 1 and not has_marks(token.replace("Đ", "D")) and not syllable
    return ignored, syllable, has_marks(token)


def odd_token(token: str) -> bool:
    """A token no Vietnamese print holds: foreign symbols (`⁄ÖÊ`, `0§`) or two tone marks."""
    if not _VI_TOKEN.match(token) or re.search(f"[{_FOREIGN}]", token):
        return True
    return sum(1 for ch in unicodedata.normalize("NFD", token) if ch in TONE_CHARS) > 1


def odd_share(text: str) -> float:
    """Share of the whitespace tokens of `text` that no Vietnamese print holds (0.0 without tokens)."""
    n_tokens = n_odd = 0
    for line in text.splitlines():
        tokens = line.split()
        n_tokens += len(tokens)
        if tokens and (ODD_IN_LINE.search(line) or TWO_TONES.search(unicodedata.normalize("NFD", line))):
            n_odd += sum(odd_token(t) for t in tokens)     # only lines that may hold one look per token
    return n_odd / n_tokens if n_tokens else 0.0


def text_quality(text: str, odd_tokens: bool = False) -> TextQuality:
    """Syllable validity, diacritic share and glyph codes of `text`; with `odd_tokens`, also the share
    of odd tokens (a second pass over the text, which page triage does without)."""
    odd = odd_share(text) if odd_tokens else None
    cid = len(CID.findall(text)) if "(cid:" in text else 0
    if cid:
        text = CID.sub(" ", text)
    count = valid = marked = 0
    for token, n in Counter(TOKEN.findall(text)).items():   # each distinct token once
        ignored, syllable, has_mark = token_class(token)
        if not ignored:
            count += n
            valid += syllable * n
            marked += has_mark * n
    if not count:
        return TextQuality(cid=cid, odd=odd)
    return TextQuality(tokens=count, valid=valid / count, marked=marked / count, cid=cid, odd=odd)
