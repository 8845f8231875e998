"""The five tone marks and their placement: the old style (`hoà`, `thuỷ`) puts the tone of the open
syllables `oa`, `oe`, `uy` on the second vowel, the new style (`hòa`, `thủy`) on the first."""
from __future__ import annotations

import re
import unicodedata

# combining marks, in the order of the legacy code tables: grave, acute, hook, tilde, dot
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
TONE_ORDER = ("", *TONE_MARKS)          # no tone first
TONE_CHARS = "".join(TONE_MARKS)
GLIDE_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))   # the open syllables whose tone moved


def _toned(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


# `oà` → `òa`, … for every pair and tone
OLD_TO_NEW = {a + _toned(b, t): _toned(a, t) + b for a, b in GLIDE_PAIRS for t in TONE_MARKS}
_OLD_TONE = re.compile(
    r"(?i)(?<![gq])("
    + "|".join("[" + "".join(_toned(a, t) for t in TONE_ORDER) + "][" + "".join(_toned(b, t) for t in TONE_ORDER) + "]"
               for a, b in GLIDE_PAIRS)
    + r")(?![a-zđ\u00C0-\u1EF9])")


def modern_tones(text: str) -> str:
    """Old tone placement → new (`hoà` → `hòa`, `thuỷ` → `thủy`) for open syllables `oa`, `oe`, `uy`
    (not after `g`/`q`, where `o`/`u` belong to the onset); the result is NFC."""
    def move(m: re.Match[str]) -> str:
        pair = unicodedata.normalize("NFD", m.group(1))
        tones = [c for c in pair if c in TONE_CHARS]
        if not tones:
            return m.group(1)
        letters = [c for c in pair if c not in TONE_CHARS]
        # old style puts the tone on the second vowel; the new style on the first
        return unicodedata.normalize("NFC", letters[0] + tones[0] + "".join(letters[1:]))
    return _OLD_TONE.sub(move, unicodedata.normalize("NFC", text))


def key_tones(text: str) -> str:
    """Every old-style pair (`oà`, `uỷ`) moved to the new style wherever it stands, closed syllables
    too (lower-case NFC text): for lookup keys, which both sides build the same way."""
    for old, new in OLD_TO_NEW.items():
        text = text.replace(old, new)
    return text
