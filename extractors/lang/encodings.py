"""Legacy Vietnamese encodings (TCVN3/ABC, VNI-Windows, VIQR) to Unicode NFC.

Before Unicode (TCVN 6909:2001) Vietnamese text was typed in 8-bit font encodings whose
bytes show up as Latin-1 letters when the font is lost: TCVN3 (TCVN 5712:1993 VN3,
`.VnTime`: `B¶o Th¾ng` = Bảo Thắng) or VNI-Windows (`VNI-Times`: `Xin chaøo` = Xin
chào), or in VIQR, the ASCII mnemonic (`Vie^.t Nam`). `repair` runs on every line, so
it first looks for characters no Unicode Vietnamese text contains (one regex search),
and converts only when the conversion gives clearly more valid Vietnamese syllables.
Font-aware readers call `decode_font_text` directly (a `.VnTimeH` font is all capitals).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from extractors.lang.quality import text_quality
from extractors.lang.syllable import is_syllable
from extractors.lang.tones import TONE_ORDER

# ---------------------------------------------------------------- TCVN3 (TCVN 5712:1993, VN3)
# code point (as the byte shows in a Latin-1/cp1252 font) → Unicode letter
_TCVN3_LOWER = {
    "a": "a µ¸¶·¹", "ă": "¨»¾¼½Æ", "â": "©ÇÊÈÉË", "e": "eÌÐÎÏÑ", "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ", "o": "oßãáâä", "ô": "«åèæçé", "ơ": "¬êíëìî", "u": "uïóñòô",
    "ư": "\u00adõøö÷ù", "y": "yúýûüþ",
}


def _tcvn3_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, codes in _TCVN3_LOWER.items():
        codes = codes.replace(" ", "")
        if len(codes) == 5:                 # plain vowel: the first slot is the ASCII letter itself
            codes = base + codes
        for tone, code in zip(TONE_ORDER, codes):
            letter = unicodedata.normalize("NFC", base + tone)
            if code != letter:
                table[code] = letter
    table.update({"®": "đ", "¡": "Ă", "¢": "Â", "§": "Đ", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư"})
    return table


TCVN3_TO_UNICODE = _tcvn3_table()
UNICODE_TO_TCVN3 = {v: k for k, v in TCVN3_TO_UNICODE.items()}

# ---------------------------------------------------------------- VNI-Windows
# vowel letters followed by a modifier byte; a few letters are single bytes
_VNI_MARKS = {  # modifier byte → (vowel shape, tone)
    "ù": ("", "\u0301"), "ø": ("", "\u0300"), "û": ("", "\u0309"), "õ": ("", "\u0303"), "ï": ("", "\u0323"),
    "â": ("\u0302", ""), "á": ("\u0302", "\u0301"), "à": ("\u0302", "\u0300"), "å": ("\u0302", "\u0309"),
    "ã": ("\u0302", "\u0303"), "ä": ("\u0302", "\u0323"),
    "ê": ("\u0306", ""), "é": ("\u0306", "\u0301"), "è": ("\u0306", "\u0300"), "ú": ("\u0306", "\u0309"),
    "ü": ("\u0306", "\u0303"), "ë": ("\u0306", "\u0323"),
}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {}
    for single, letter in _VNI_SINGLE.items():
        for s, l in ((single, letter), (single.upper(), letter.upper())):
            if s != l:
                decode[s] = l
    bases = {"a": "\u0302\u0306", "e": "\u0302", "o": "\u0302", "u": "", "y": "", "ơ": "", "ư": ""}
    vowels_for_base = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ơ": "ô", "ư": "ö"}
    for base, shapes in bases.items():
        for mark, (shape, tone) in _VNI_MARKS.items():
            if shape and shape not in shapes:
                continue
            if not shape and not tone:
                continue
            letter = unicodedata.normalize("NFC", base + shape + tone)
            source = vowels_for_base[base] + mark
            decode[source] = letter
            decode[source.upper()] = letter.upper()
            decode.setdefault(source[0].upper() + source[1:], letter.upper())
    encode = {v: k for k, v in sorted(decode.items(), key=lambda kv: len(kv[0]))}
    return decode, encode


VNI_TO_UNICODE, UNICODE_TO_VNI = _vni_tables()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))

# ---------------------------------------------------------------- VIQR (RFC 1456)
_VIQR_SHAPES = {"^": "\u0302", "(": "\u0306", "+": "\u031b"}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_PATTERN = re.compile(r"(?:DD|Dd|dd)|([aAeEoOuUyYiI])([\^(+]?)([`'?~.]?)")
_VIQR_VALID_SHAPES = {"a": "^(", "e": "^", "o": "^+", "u": "+", "y": "", "i": ""}


def viqr_to_unicode(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return "Đ" if m.group(0)[0] == "D" else "đ"
        vowel, shape, tone = m.group(1), m.group(2), m.group(3)
        if shape and shape not in _VIQR_VALID_SHAPES[vowel.lower()]:
            return m.group(0)
        return unicodedata.normalize("NFC", vowel + (_VIQR_SHAPES.get(shape, "")) + _VIQR_TONES.get(tone, ""))
    return _VIQR_PATTERN.sub(sub, text)


def unicode_to_viqr(text: str) -> str:
    out = []
    inverse_shapes = {v: k for k, v in _VIQR_SHAPES.items()}
    inverse_tones = {v: k for k, v in _VIQR_TONES.items()}
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        shape = "".join(inverse_shapes.get(m, "") for m in marks)
        tone = "".join(inverse_tones.get(m, "") for m in marks)
        out.append(base + shape + tone if marks else ch)
    return "".join(out)


# ---------------------------------------------------------------- conversions

_HORN_O = re.compile(r"(?<![uưUƯ])([ơờớởỡợƠỜỚỞỠỢ])")


def _restore_u(word: str) -> str:
    """Put back an `ư` lost with TCVN3's soft-hyphen code (`l­îng` printed as `lîng`)."""
    if is_syllable(word):
        return word
    candidate = _HORN_O.sub(lambda m: ("Ư" if m.group(1).isupper() else "ư") + m.group(1), word, count=1)
    if candidate != word and is_syllable(candidate):
        return candidate
    if word.isalpha() and word.islower() and len(word) <= 3 and is_syllable(word + "ư"):
        return word + "ư"                  # `t t­ëng` = tư tưởng: a bare onset was `t` + ư
    return word


def tcvn3_to_unicode(text: str, capitals: bool = False) -> str:
    """TCVN3 text (as Latin-1 characters) to Unicode; `capitals` for `.VnTimeH`-style fonts.

    TCVN3 writes `ư` as byte 0xAD, a soft hyphen that many tools drop; when the text
    has none, words made invalid by the loss get their `ư` back.
    """
    out = "".join(TCVN3_TO_UNICODE.get(ch, ch) for ch in text)
    if "\u00ad" not in text:
        out = re.sub(r"(?<![\w/])[^\W\d_]+(?![\w)/.])", lambda m: _restore_u(m.group(0)), out)
    return out.upper() if capitals else out


def unicode_to_tcvn3(text: str) -> str:
    """Unicode to TCVN3 (capital toned vowels, which VN3 lacks, are written lower-case)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = UNICODE_TO_TCVN3.get(ch)
        if code is None and ch.lower() != ch:
            code = UNICODE_TO_TCVN3.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (as Latin-1 characters) to Unicode NFC."""
    return _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


def unicode_to_vni(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(UNICODE_TO_VNI.get(ch, ch))
    return "".join(out)


# ---------------------------------------------------------------- detection

# Letters that Unicode Vietnamese never uses but TCVN3 / VNI bytes show as (one quick search).
_TCVN3_ONLY = "¸¶¹¨¾¼½ÆÇÈÉËÌÐÎÏÑÒÕÓÖØÜÞßäåæçëîïñö÷øûüþ¡¢£¤¥¦µ»«¬©ª®§\u00ad·"
_VNI_ONLY = "øûïäåëüæöñîØÛÏÄÅËÜÆÖÑÎ"
SUSPECT_CHARS = re.escape("".join(sorted(set(_TCVN3_ONLY + _VNI_ONLY))))   # for a regex character class
_SUSPECT = re.compile("[" + SUSPECT_CHARS + "]")
_VIQR_SUSPECT = re.compile(r"[aAeEoO]\^|[aA]\(|[oOuU]\+|[a-zA-Z][`~?'][a-zA-Z]")
_MIXED_CASE = re.compile("[a-z][\u00c0-\u00de]")


def _quality(text: str) -> float:
    q = text_quality(text)
    return q.tokens * q.valid * (1.0 + q.marked)


@lru_cache(maxsize=65536)
def _is_bad(token: str) -> bool:
    if _MIXED_CASE.search(token):          # `chÊt`, `viÖt`: a capital code inside a word
        return True
    if not (_SUSPECT.search(token) or _VIQR_SUSPECT.search(token)):
        return False
    core = token.strip(".,;:!\"()[]-–/")
    return not core or not is_syllable(core)


def detect(text: str) -> str | None:
    """Name of the legacy encoding `text` is in (`tcvn3`, `vni`, `viqr`), or None for Unicode.

    Accepted only when the text has legacy-looking tokens and converting clearly raises
    its share of Vietnamese syllables; with a single such token, the conversion may
    change nothing else (`Giá trị 5 µm` stays as it is).
    """
    if not text or text.isascii() and not _VIQR_SUSPECT.search(text):
        return None
    suspect, viqr = _SUSPECT.search(text), _VIQR_SUSPECT.search(text)
    if not suspect and not viqr:
        return None
    # the cheap test first: plainly Unicode text (no legacy-looking token) is not converted at all
    tokens = text.split()
    bad_tokens = {token for token in set(tokens) if _is_bad(token)}   # each distinct token once
    bad = [i for i, token in enumerate(tokens) if token in bad_tokens] if bad_tokens else []
    if not bad or all(len(tokens[i].strip("\u00ad")) < 2 for i in bad):
        return None                    # lone letters (`ä`, `ö ü`) are no evidence of a legacy font
    candidates = []
    if suspect:
        candidates += [("tcvn3", tcvn3_to_unicode(text)), ("vni", vni_to_unicode(text))]
    if viqr:
        candidates.append(("viqr", viqr_to_unicode(text)))
    base = _quality(text)
    best_name, best_score = None, base
    for name, converted in candidates:
        if len(bad) == 1:
            new_tokens = converted.split()
            if len(new_tokens) != len(tokens) or any(
                    new_tokens[i] != tokens[i] for i in range(len(tokens)) if i != bad[0]):
                continue
            if _is_bad(new_tokens[bad[0]]) or new_tokens[bad[0]] == tokens[bad[0]]:
                continue
        score = _quality(converted)
        if score > best_score:
            best_name, best_score = name, score
    if best_name is None:
        return None
    q = text_quality(dict(candidates)[best_name])
    if best_score < base * 1.3 + 0.5 or q.valid < 0.5:
        return None
    return best_name


def convert(text: str, encoding: str) -> str:
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text)
    if encoding == "vni":
        return vni_to_unicode(text)
    if encoding == "viqr":
        return viqr_to_unicode(text)
    return text


def viqr_suspect(text: str) -> bool:
    return ("^" in text or "(" in text or "+" in text or "`" in text or "~" in text or "?" in text
            or "'" in text) and _VIQR_SUSPECT.search(text) is not None


def repair(text: str) -> str:
    """`text` converted to Unicode when it is in a legacy encoding, else unchanged (NFC not applied)."""
    if not text:
        return text
    if not _SUSPECT.search(text) and not viqr_suspect(text):
        return text
    encoding = detect(text)
    return convert(text, encoding) if encoding else text


class HasText(Protocol):
    text: str


def repair_words(words: Sequence[HasText]) -> str | None:
    """Decode a page's words (objects with `.text`) in place when the page is in TCVN3/VNI.

    The encoding is decided on the whole page, where the evidence is strong; then each
    line-level ambiguity (`Chi bé Thanh tra` = Chi bộ Thanh tra, all valid-looking
    letters) is converted too unless that lowers its share of Vietnamese syllables.
    Returns the encoding found, or None.
    """
    text = " ".join([w.text for w in words])
    if not _SUSPECT.search(text):
        return None
    encoding = detect(text)
    if encoding not in ("tcvn3", "vni"):
        return None
    soft_hyphens = "\u00ad" in text
    for word in words:
        original = word.text
        if original.isascii():
            continue
        converted = convert(original, encoding)
        if encoding == "tcvn3" and soft_hyphens:
            converted = "".join(TCVN3_TO_UNICODE.get(ch, ch) for ch in original)
        if converted != original and _quality(converted) >= _quality(original):
            word.text = converted
    return encoding


# ---------------------------------------------------------------- fonts

_TCVN3_FONT = re.compile(r"(^|[+.,\s])\.?vn[a-z0-9]*", re.I)       # .VnTime, .VnTimeH, .VnArial, ABCDEE+.VnTime
_VNI_FONT = re.compile(r"(^|[+,\s])vni[-_ ]", re.I)                 # VNI-Times, VNI-Helve


def font_encoding(font_name: str | None) -> tuple[str | None, bool]:
    """(`tcvn3` | `vni` | None, all-capitals font) for a font name."""
    if not font_name:
        return None, False
    name = font_name.split("+", 1)[-1]
    if _VNI_FONT.search(name) or name.lower().startswith("vni"):
        return "vni", False
    if name.startswith(".Vn") or name.lower().startswith(".vn") or re.match(r"^vn[a-z]+h?$", name, re.I) and \
            name.lower() not in ("vnarial",):
        base = re.split(r"[,\-]", name)[0]
        return "tcvn3", base.endswith("H")
    return None, False


def decode_font_text(text: str, font_name: str | None) -> str:
    """Text drawn in a legacy Vietnamese font, decoded by the font's encoding."""
    encoding, capitals = font_encoding(font_name)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, capitals)
    if encoding == "vni":
        return vni_to_unicode(text)
    return text
