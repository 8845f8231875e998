"""The fixed vocabulary of Nghị định 30/2020/NĐ-CP documents, and fuzzy matching of it in OCR'd text.

One place for: the kinds of document and their symbol abbreviations (Phụ lục III, plus
legal kinds and older/local forms), the national motto, `Kính gửi`, `Nơi nhận`, `Số`,
the `<place>, ngày … tháng … năm …` date line, the signing authority marks (TM., KT., TL.,
TUQ., Q.), academic degrees before a signer's name, and the words that start the name
of an agency. Matching works on a *folded* form (lower case, no diacritics, `đ`→`d`;
`extractors.lang.fold`) so OCR noise in the tone marks (`Kinh gứi`, `CHÚ NGHĨA`, `Nơi nhân`)
does not matter, plus an edit-distance ratio for letter errors.

The word lists (kinds, agency heads, abbreviations, levels, urgency, degrees, titles, phrases,
provinces) are data: `extractors/data/vocab.json`, validated by `extractors.vocab_data`; the
regular expressions of the format's grammar (the date line, `Số:`, the authority marks) stay here.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from extractors.lang.fold import SPACES as _SPACES
from extractors.lang.fold import fold, map_fold_offset
from extractors.lang.fold import fold_chars as fold_chars  # old import path
from extractors.lang.fold import sentence_case as sentence_case  # old import path
from extractors.lang.syllable import is_syllable_shape as is_syllable  # noqa: F401 (old name)
from extractors.vocab_data import Kind, vocabulary

_VOCAB = vocabulary()      # the word tables (extractors/data/vocab.json)

# --------------------------------------------------------------------------- kinds


KINDS: tuple[Kind, ...] = _VOCAB.kinds
KIND_NAMES = tuple(k.name for k in KINDS)
_KINDS_F = tuple((k, fold(k.name)) for k in KINDS)
_BY_ABBR: dict[str, Kind] = {}
for _kind in KINDS:
    for _abbr in _kind.abbrs:
        _BY_ABBR.setdefault(fold(_abbr), _kind)
# `TT-UBND` without a year is an old local form of Tờ trình (ND30 notes); with a year it is a Thông tư.
_ADMIN_TT = next(k for k in KINDS if k.name == "Tờ trình")


def repair_symbol(symbol: str) -> str:
    """OCR repair of a số, ký hiệu: its groups are Latin capitals, digits and `Đ` only, so other
    diacritics are OCR noise (`QĐ-ƯBND` → `QĐ-UBND`); spaces are removed."""
    out = []
    # `Ð`/`ð` (Icelandic eth) are OCR's reading of `Đ`/`đ`; a doubled `ĐĐ` is one letter read twice
    symbol = re.sub(r"Đ{2,}", "Đ", symbol.replace("Ð", "Đ").replace("ð", "đ"))
    for ch in symbol.replace(" ", ""):
        if ch in "Đđ" or ch.isascii():
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base.isascii() else ch)
    return "".join(out)


def kind_from_symbol(symbol: str) -> tuple[Kind | None, str | None]:
    """The kind named by the abbreviation in a số, ký hiệu (`15/QĐ-BNV` → Quyết định) and the
    printed abbreviation; (None, None) for a công văn's `1113/SLĐTBXH-BTXHTE`.

    The kind abbreviation is the first group of the ký hiệu (after the last `/`, before the
    first `-`); party-style `30-HD/BTCTW` puts it after the number."""
    if not symbol:
        return None, None
    symbol = symbol.replace(" ", "")
    has_year = bool(re.search(r"/(19|20)\d\d/", symbol))
    party = re.match(r"^\d*-([A-Za-zĐđ]+)/", symbol)
    if party:
        first = party.group(1)
    else:
        code = symbol.rsplit("/", 1)[-1]
        first = re.split(r"[-_.]", code, maxsplit=1)[0]
        if "/" in symbol.split("/", 1)[-1] and not has_year:
            # `889/2005/NQ/UBTVQH11`-like: kind between slashes
            parts = symbol.split("/")
            if len(parts) >= 3 and parts[-2]:
                first = parts[-2] if not re.fullmatch(r"\d{4}", parts[-2]) else first
    if has_year and not party:
        parts = symbol.split("/")
        if len(parts) >= 3:
            first = re.split(r"[-_.]", parts[2], maxsplit=1)[0]
    key = fold(first)
    kind = _BY_ABBR.get(key)
    if kind is None:
        return None, None
    if kind.name == "Thông tư" and not has_year:
        return _ADMIN_TT, first
    if kind.name == "Công văn":
        return kind, first
    return kind, first


def _length_bound(a: str, b: str) -> float:
    """`SequenceMatcher(None, a, b).real_quick_ratio()` (an upper bound of the ratio from the
    lengths alone), without building the matcher."""
    la, lb = len(a), len(b)
    return 2.0 * min(la, lb) / (la + lb) if la + lb else 1.0


@lru_cache(maxsize=4096)
def _letter_counts(text: str) -> Counter:
    """The letters of `text` as a multiset (a line is compared with many fixed phrases)."""
    return Counter(text)


def _count_bound(a: str, b: str) -> float:
    """`SequenceMatcher(None, a, b).quick_ratio()` (the bound from the letters both hold, as a
    multiset), counted without building the matcher."""
    counts_b = _letter_counts(b)
    matches = sum(min(n, counts_b[c]) for c, n in _letter_counts(a).items() if c in counts_b)
    length = len(a) + len(b)
    return 2.0 * matches / length if length else 1.0


@lru_cache(maxsize=8192)
def _ratio(a: str, b: str) -> float:
    """`SequenceMatcher(None, a, b, autojunk=False).ratio()` (a line is tested at several thresholds)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _ratio_at_least(a: str, b: str, threshold: float) -> bool:
    """SequenceMatcher(a, b).ratio() >= threshold, skipping the full match when an upper bound is below it."""
    if _length_bound(a, b) < threshold or _count_bound(a, b) < threshold:
        return False
    return _ratio(a, b) >= threshold


KIND_LINE_MIN = 0.84    # similarity of a title line to a kind name that makes it that kind


@lru_cache(maxsize=4096)
def match_kind_line(text: str, max_words: int = 6) -> tuple[Kind | None, float]:
    """A centred title line that is a kind name (`QUYẾT ĐỊNH`, OCR'd `QUYÉT ĐINH`), with its similarity."""
    words = text.strip().rstrip(":").split()
    if not words or len(words) > max_words:
        return None, 0.0
    folded = fold(" ".join(words))
    best, best_score = None, 0.0
    for kind, kind_f in _KINDS_F:
        if _length_bound(folded, kind_f) < best_score or _count_bound(folded, kind_f) < best_score:
            continue    # upper bounds of ratio(): this kind cannot reach the best one
        score = _ratio(folded, kind_f)
        if score > best_score or (score == best_score and best and len(kind.name) > len(best.name)):
            best, best_score = kind, score
    if best_score >= KIND_LINE_MIN:
        return best, best_score
    return None, best_score


@lru_cache(maxsize=4096)
def is_kind_line(text: str, max_words: int = 6) -> bool:
    """`match_kind_line(text)[0] is not None`, without the best kind's full match: a kind that
    reaches the threshold is enough, and the ratio's upper bounds reject the others."""
    words = text.strip().rstrip(":").split()
    if not words or len(words) > max_words:
        return False
    folded = fold(" ".join(words))
    return any(_ratio_at_least(folded, kind_f, KIND_LINE_MIN) for _, kind_f in _KINDS_F)


def kind_line(text: str) -> tuple[Kind | None, float]:
    """(kind, similarity) of a line that is a kind name, else (None, 0.0): most lines are turned
    away by `is_kind_line`'s bounds before the best kind is looked for."""
    return match_kind_line(text) if is_kind_line(text) else (None, 0.0)


# --------------------------------------------------------------------------- fixed phrases

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
_MOTTO_1_F = fold(MOTTO_1)
_MOTTO_2_F = re.sub(r"[^a-z ]", " ", fold(MOTTO_2))


PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"      # the motto of party documents


@lru_cache(maxsize=4096)
def motto_score(text: str) -> float:
    """How much a line looks like one of the two lines of the national motto (or the party's) (0..1)."""
    f = fold(text)
    if _ratio_at_least(f, fold(PARTY_MOTTO), 0.85):
        return 1.0
    f2 = re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", f)).strip()
    s1 = SequenceMatcher(None, f.replace(" ", ""), _MOTTO_1_F.replace(" ", ""), autojunk=False).ratio()
    s2 = SequenceMatcher(None, f2.replace(" ", ""), _MOTTO_2_F.replace(" ", ""), autojunk=False).ratio()
    return max(s1, s2)


_PARTY_MOTTO_F = fold(PARTY_MOTTO)
_MOTTO_1_NS, _MOTTO_2_NS = _MOTTO_1_F.replace(" ", ""), _MOTTO_2_F.replace(" ", "")
_NON_LETTER = re.compile(r"[^a-z ]")


@lru_cache(maxsize=8192)
def motto_at_least(text: str, threshold: float) -> bool:
    """`motto_score(text) >= threshold` (threshold <= 1), rejecting most lines by the ratio's
    upper bounds (lengths, letter counts) without the full match."""
    f = fold(text)
    if _ratio_at_least(f, _PARTY_MOTTO_F, 0.85):
        return True
    if _ratio_at_least(f.replace(" ", ""), _MOTTO_1_NS, threshold):
        return True
    f2 = _SPACES.sub(" ", _NON_LETTER.sub(" ", f)).strip()
    return _ratio_at_least(f2.replace(" ", ""), _MOTTO_2_NS, threshold)


_SO = re.compile(r"^\W{0,2}s[o06]\s*(?:[:;.,]\s*|(?=[\d/.…_]))")
_MOTTO_START = re.compile(r"c[o0][nm]g\s*h[o0]a\s*x[a4]\s*h[o0]i|d[o0]c\s*l[a4]p\s*[-–—]?\s*t[uư]\s*do")


def find_motto_start(text: str) -> int | None:
    """Character offset where the national motto starts inside a line that also holds the
    left column (`TRƯỜNG ĐH X CỘNG HÒA XÃ HỘI …` merged by the reader); None if absent."""
    f = fold(text)
    m = _MOTTO_START.search(f)
    if not m or m.start() == 0:
        return None
    # fold() only drops combining marks, so offsets map back once the text is NFD-aligned
    return map_fold_offset(text, m.start())


_KINH_GUI = re.compile(r"^\W{0,3}k[i1l!]nh\s*g[uư][i1l!]\s*[:;.]?\s*", re.I)
_NOI_NHAN = re.compile(r"^\W{0,3}n[o0][i1l!]\s*nh[a4][nm]\s*[:;.]?\s*", re.I)
_KINH_MOI = re.compile(r"^\W{0,3}k[i1l!]nh\s*m[o0][i1l!]\b", re.I)


def match_kinh_gui(text: str) -> str | None:
    """The rest of a `Kính gửi:` line (possibly empty), or None when the line is not one."""
    f = fold(text)
    m = _KINH_GUI.match(f)
    if not m:
        return None
    return text[map_fold_offset(text, m.end()):].strip()


_NOI_NHAN_OCR = re.compile(r"^\W{0,3}\S{2,4}\s+nh[a4][nm]\s*:\s*")


def match_noi_nhan(text: str) -> str | None:
    """The rest of a `Nơi nhận:` line (possibly empty), or None; `ANH nhận:` (OCR) counts."""
    f = fold(text)
    m = _NOI_NHAN.match(f) or _NOI_NHAN_OCR.match(f)
    if not m:
        return None
    return text[map_fold_offset(text, m.end()):].strip()


def is_kinh_moi(text: str) -> bool:
    return bool(_KINH_MOI.match(fold(text)))


def match_so(text: str) -> str | None:
    """The text after `Số:` (OCR: `Sô:`, `S6:`) at the start of a line, or None (`Số lượng …` is not one)."""
    f = fold(text)
    m = _SO.match(f)
    if not m:
        return None
    return text[map_fold_offset(text, m.end()):].strip()


# The date line: `<place>, ngày DD tháng MM năm YYYY` (day/month may be blank on drafts)
_DIGITISH = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
             "ỉ": "1", "ì": "1", "í": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "§": "5", "g": "9"}
_DG = r"[0-9oOlIi|!zZsSbB§]"
_DATE_F = re.compile(
    rf"ng[a4][yw]?\s*(?P<d>{_DG}(?:\s?{_DG})?)?(?P<gd>(?:\S{{1,6}}\s?){{0,2}}?)[\s.,…_\-]*th[a4]ng\s*"
    rf"(?P<m>{_DG}(?:\s?{_DG})?)?(?P<gm>\S{{0,4}}?)[\s.,…_\-]*[nh][a4]m\s*"
    rf"(?P<y>{_DG}(?:\s?{_DG}){{3}})")
_NUM_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)(?![\d/])")


@dataclass
class DateMatch:
    iso: str | None            # YYYY-MM-DD, YYYY-MM or YYYY
    place: str | None          # text before ", ngày"
    start: int                 # offset of "ngày" in the line
    repaired: int              # characters changed to read digits (OCR repair)


def _digits(raw: str | None) -> tuple[str | None, int]:
    if not raw:
        return None, 0
    raw = raw.replace(" ", "")
    fixed = "".join(_DIGITISH.get(c, c) for c in raw)
    changed = sum(1 for a, b in zip(raw, fixed) if a != b)
    return (fixed if fixed.isdigit() else None), changed


def parse_date_line(text: str) -> DateMatch | None:
    """Parse `<place>, ngày DD tháng MM năm YYYY`; partial dates give `YYYY-MM` or `YYYY`."""
    f = fold(text)
    m = _DATE_F.search(f)
    if not m:
        return None
    year, c_y = _digits(m.group("y"))
    if not year or not (1945 <= int(year[:4]) <= 2100):
        return None
    year = year[:4]
    month, c_m = _digits(m.group("m"))
    day, c_d = _digits(m.group("d"))
    # an unreadable (handwritten) day or month: the value is unknown, not blank
    c_d += 3 * bool((m.group("gd") or "").strip(" .,…_-"))
    c_m += 3 * bool((m.group("gm") or "").strip(" .,…_-"))
    if (m.group("gd") or "").strip(" .,…_-"):
        day = None
    if (m.group("gm") or "").strip(" .,…_-"):
        month, day = None, None
    iso = year
    if month and 1 <= int(month) <= 12:
        iso = f"{year}-{int(month):02d}"
        if day and 1 <= int(day) <= 31:
            iso += f"-{int(day):02d}"
    start = map_fold_offset(text, m.start())
    before = text[:start].strip()
    place = re.sub(r"[,;.\s]+$", "", before).strip() or None
    if place:
        place = re.sub(r"^[^\wÀ-ỹ]+", "", place).strip() or None
    return DateMatch(iso=iso, place=place, start=start, repaired=c_y + c_m + c_d)


def parse_numeric_date(text: str) -> str | None:
    """`12/6/2023` → `2023-06-12` (used for dates cited in the body)."""
    m = _NUM_DATE.search(text)
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
    if 1 <= d <= 31 and 1 <= mo <= 12:
        return f"{y}-{mo:02d}-{d:02d}"
    return None


# --------------------------------------------------------------------------- signing block

# TM. (on behalf of), KT. (deputy for), TL. (by order), TUQ. (authorised), Q. (acting); T/M old form
_AUTHORITY = re.compile(r"^\s*(T\s*/\s*M|TM|KT|TL|TUQ|Q)\s*[.,:]\s*(?=\S)|^\s*(T/M|TM|KT|TL|TUQ)\s+(?=[A-ZĐÀ-Ỹ])")


# OCR'd marks: `V“T.GIÁM ĐỐC`, `K.T. CHỦ TỊCH`, `T.L CHỦ TỊCH`
_AUTHORITY_OCR = ((re.compile(r"^\s*[KVX][^\w\s]{0,2}\.?\s?T\s*[.,:]\s*(?=[A-ZĐÀ-Ỹ])"), "KT."),
                  (re.compile(r"^\s*T[^\w\s]{0,2}\.?\s?L\s*[.,:]\s*(?=[A-ZĐÀ-Ỹ])"), "TL."),
                  (re.compile(r"^\s*T[^\w\s]{0,2}\.?\s?M\s*[.,:]\s*(?=[A-ZĐÀ-Ỹ])"), "TM."))


_AUTHORITY_FIRST = frozenset("TKQVX")


def match_authority(text: str) -> tuple[str, str] | None:
    """(`KT.`, `CHỦ TỊCH`) for an authority line, else None."""
    if text.lstrip()[:1] not in _AUTHORITY_FIRST:
        return None     # every mark, printed or OCR'd, starts with one of these letters
    return _match_authority_marks(text)


def _match_authority_marks(text: str) -> tuple[str, str] | None:
    """`match_authority` by the mark patterns alone (no first-letter pre-test)."""
    m = _AUTHORITY.match(text)
    if not m:
        for pattern, mark in _AUTHORITY_OCR:
            mo = pattern.match(text)
            if mo and text[mo.end():].strip():
                rest = text[mo.end():].strip()
                letters = [c for c in rest if c.isalpha()]
                if letters and all(c.isupper() for c in letters):
                    return mark, rest
        return None
    mark = (m.group(1) or m.group(2)).replace(" ", "")
    if mark.upper() == "T/M":
        mark = "TM"
    return mark.upper() + ".", text[m.end():].strip()


DEGREES = _VOCAB.degrees
_DEGREE = re.compile(r"^(?:(?:" + "|".join(re.escape(d) for d in sorted(DEGREES, key=len, reverse=True))
                     + r")(?:\s*[.,]\s*|\s+))+", re.I)
SIGNED_MARK = re.compile(r"\(\s*đ[ãa]\s*k[ýy]\s*\)|\bđ[ãa]\s*k[ýy]\b", re.I)


def strip_degrees(name: str) -> str:
    """`TS. Nguyễn Văn A` → `Nguyễn Văn A`; `(đã ký)` removed."""
    name = SIGNED_MARK.sub("", name).strip()
    return _DEGREE.sub("", name).strip(" .,;")


# --------------------------------------------------------------------------- agencies

# Words that start the name of an agency (a new body in the header's left column).
AGENCY_HEADS = tuple(h.head for h in _VOCAB.agency_heads if h.agency)
# Known abbreviations in an issuer's ký hiệu or name → full words
AGENCY_ABBR = {a.abbr: a.full for a in _VOCAB.abbreviations if a.symbol}
# Level words after `Ủy ban nhân dân` (province, city, district, commune)
ADMIN_LEVELS = tuple(level.word for level in _VOCAB.admin_levels)
_AGENCY_HEADS_LOW = sorted({h.lower() for h in AGENCY_HEADS}, key=len, reverse=True)
# folded heads that are also other words (`bản`, `số`, `bảo`, `đại`) are matched with their tone marks only
_AGENCY_HEADS_F = sorted({fold(h.head) for h in _VOCAB.agency_heads if h.agency and not h.marks_only},
                         key=len, reverse=True)


def starts_with_agency(text: str) -> bool:
    """True when the text starts with an agency head word (`SỞ Y TẾ`, `UBND TỈNH X`, `TRƯỜNG …`)."""
    low = re.sub(r"\s+", " ", re.sub(r"[^\w ]", " ", unicodedata.normalize("NFC", text).lower())).strip()
    for head in _AGENCY_HEADS_LOW:
        if low == head or low.startswith(head + " "):
            return True
    f = re.sub(r"[^a-z0-9 ]", " ", fold(text)).strip()
    f = re.sub(r"\s+", " ", f)
    for head in _AGENCY_HEADS_F:
        if f == head or f.startswith(head + " "):
            return True
    return False


# --------------------------------------------------------------------------- markers in the header

# Incoming stamp and e-signature box: never the document's number/date/issuer.
_MARKS_F = frozenset(fold(mark.name) for mark in _VOCAB.marks)     # độ khẩn and độ mật


_STAMP_START = re.compile(r"^(den|so den|ngay den|chuyen|luu ho so|ky boi|nguoi ky|thoi gian ky|email|co quan)\b")
_STAMP_TIME = re.compile(r"\d{2}\.\d{2}\.\d{4}\s+\d{1,2}:\d{2}")
_STAMP_EMAIL = re.compile(r"\S+@\S+\.[a-z]{2,}")
_STAMP_WORDS = re.compile(r"\b(ky boi|thoi gian ky|nguoi ky)\b")


def is_stamp_text(text: str) -> bool:
    """A line of an incoming `ĐẾN` stamp or an e-signature box."""
    t = text.strip()
    f = fold(t)
    if _STAMP_START.match(f):
        return True
    if (":" in t and _STAMP_TIME.search(t)) or ("@" in t and _STAMP_EMAIL.search(t)):
        return True
    if _STAMP_WORDS.search(f):
        return True
    return False


def is_urgency(text: str) -> bool:
    return fold(text).strip(" .:") in _MARKS_F


# Words of a signer's title (`PHÓ CHÁNH VĂN PHÒNG`, `HIỆU TRƯỞNG`): tell a title line from a name line.
TITLE_WORDS = _VOCAB.title_words
_TITLE_F = {fold(w) for w in TITLE_WORDS}


@lru_cache(maxsize=4096)
def is_title_text(text: str) -> bool:
    """True when a line holds a title or agency word (`PHÓ CHỦ TỊCH`, `GIÁM ĐỐC SỞ`), i.e. it is not a name."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) >= 0.85 * len(letters):
        # a line in capitals: compare folded, OCR may have changed the tone marks (`GIÁM ĐÓC`)
        f = " " + re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", fold(text))) + " "
        return any(f" {w} " in f for w in _TITLE_F)
    # mixed case (a name is printed so): exact words, `Trương` is a surname, `trưởng` a title;
    # two-word titles also when OCR changed the marks (`Giảám Đóc`)
    f = re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", fold(text))).strip()
    if any(len(p.split()) >= 2 and _ratio_at_least(f, fold(p), 0.8) for p in TITLE_PHRASES):
        return True
    low = " " + re.sub(r"\s+", " ", re.sub(r"[^\wÀ-ỹđĐ ]", " ", unicodedata.normalize("NFC", text).lower())) + " "
    return any(f" {w} " in low for w in TITLE_WORDS)


# --------------------------------------------------------------------------- OCR diacritic repair

PROVINCES = tuple(p.name for p in _VOCAB.provinces)     # before the 2025 merger too: older names stay in print
# Phrases of agency names and titles, for putting back tone marks OCR lost or changed
# (`Sơ giáo dục và dao tạo` → `Sở giáo dục và đào tạo`, `PHO HIỆU TRƯỞNG` → `PHÓ HIỆU TRƯỞNG`).
AGENCY_PHRASES = _VOCAB.agency_phrases
TITLE_PHRASES = _VOCAB.title_phrases


def _phrase_index(phrases) -> dict[tuple[str, ...], list[str]]:
    index = {}
    for phrase in phrases:
        words = phrase.split()
        index[tuple(fold(w) for w in words)] = words
    return index


_AGENCY_INDEX = _phrase_index(AGENCY_PHRASES + tuple(p for p in PROVINCES))
_TITLE_INDEX = _phrase_index(TITLE_PHRASES)
_TITLE_PHRASES_F = tuple((p, fold(p)) for p in TITLE_PHRASES)
_PLACE_INDEX = _phrase_index(PROVINCES + tuple(level.word for level in _VOCAB.admin_levels if not level.marks_only))


def _key_token(token: str) -> str:
    # doubled letters come from OCR stacking two marks (`Quáảng`)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9\-]", "", fold(token)))


def _restyle(word: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def repair_phrase(text: str, kind: str = "agency") -> tuple[str, int]:
    """Put back the tone marks of known words (agency names, provinces, titles) in OCR'd text.
    Returns (text, number of words changed). Words match on their folded form, so only
    diacritics change, never letters."""
    if not text:
        return text, 0
    index = {"agency": _AGENCY_INDEX, "title": _TITLE_INDEX, "place": _PLACE_INDEX}[kind]
    tokens = text.split()
    keys = [_key_token(t) for t in tokens]
    out: list[str] = []
    changed = 0
    i = 0
    max_n = max(len(k) for k in index)
    while i < len(tokens):
        for n in range(min(max_n, len(tokens) - i), 0, -1):
            words = index.get(tuple(keys[i:i + n]))
            if not words:
                continue
            for tok, word in zip(tokens[i:i + n], words):
                core = re.sub(r"^[^\wÀ-ỹĐđ]+|[^\wÀ-ỹĐđ]+$", "", tok)
                if not core:
                    out.append(tok)
                    continue
                fixed = _restyle(word, core)
                if fixed != core:
                    changed += 1
                out.append(tok.replace(core, fixed))
            i += n
            break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out), changed


def snap_title(text: str, threshold: float = 0.8) -> tuple[str, float]:
    """An OCR'd title cut or smudged (`Phó Giảm`, `Phó Chủ Tịc`, `Kệ giám đốc`) → the known title it
    is closest to, with the similarity; the text itself when nothing is close enough."""
    f = re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", fold(text))).strip()
    best, score = None, 0.0
    for phrase, phrase_f in _TITLE_PHRASES_F:
        if _length_bound(f, phrase_f) < score or _count_bound(f, phrase_f) < score:
            continue    # upper bounds of ratio(): cannot reach the best phrase
        r = _ratio(f, phrase_f)
        if r > score or (r == score and best and len(phrase) > len(best)):
            best, score = phrase, r
    if best and score >= threshold:
        letters = [c for c in text if c.isalpha()]
        upper = letters and sum(c.isupper() for c in letters) >= 0.85 * len(letters)
        return (best.upper() if upper else best[:1].upper() + best[1:]), score
    return text, 0.0


# --------------------------------------------------------------------------- signing block on scans

# An authority mark OCR garbled before a head's title (`KỆ GIÁM ĐỐC`, `“T. GIÁM ĐỐC`, `tŒ, HIỆU TRƯỞNG`):
# the folded letters of the mark token → the mark.
GARBLED_MARKS = _VOCAB.garbled_marks


def match_garbled_authority(text: str) -> tuple[str, str] | None:
    """(`KT.`, `GIÁM ĐỐC`) for a line holding a garbled mark (a short token, not a title word) and a
    known head's title in capitals (not a deputy's `PHÓ …`); None otherwise."""
    tokens = text.split()
    if len(tokens) < 2 or len(tokens[0]) > 4:
        return None
    mark = GARBLED_MARKS.get(re.sub(r"[^a-z]", "", fold(tokens[0])))
    rest = " ".join(tokens[1:]).strip()
    letters = [c for c in rest if c.isalpha()]
    if not mark or not letters or sum(c.isupper() for c in letters) < 0.85 * len(letters) or not is_title_text(rest):
        return None
    snapped, score = snap_title(rest, 0.85)
    if not score or fold(snapped).startswith("pho "):
        return None
    return mark, snapped
