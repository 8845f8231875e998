"""Gazetteer of Vietnamese state bodies: every printed variant → one canonical `Agency`.

Data: `extractors/data/agencies.tsv` (canonical name, level, kind, variants/abbreviations,
validity dates, successor). The 2025 restructuring (merged ministries and provincial
departments from 1 March 2025, district level abolished from 1 July 2025) is recorded as
validity dates plus a successor, so old documents still resolve to the body of their time.
Public service units and local bodies that no list can hold (`Bệnh viện Đa khoa tỉnh`,
`Trường THPT …`, `UBND huyện Ba Tơ`) resolve by their head word (`BODY_HEADS`). Head words,
abbreviations, unit phrases and acronyms come from `extractors/data/vocab.json` (`extractors.vocab_data`).

`resolve(name, on_date=None)` → `Agency | None`; `expand_list(text)` expands a printed list
(`các Sở: Tài chính, Kế hoạch và Đầu tư` → `Sở Tài chính`, `Sở Kế hoạch và Đầu tư`);
`surface_forms()` gives every variant for phrase matchers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from extractors.lang.fold import fold_chars as _fold
from extractors.lang.syllable import is_syllable_shape
from extractors.lang.tones import key_tones
from extractors.vocab_data import vocabulary

DATA = Path(__file__).parent / "data" / "agencies.tsv"

_VOCAB = vocabulary()      # the word tables (extractors/data/vocab.json)
# Head words that start the name of a body or a group that can be given work.
BODY_HEADS = tuple(h.head for h in _VOCAB.agency_heads if h.body)
# abbreviations spelled out in a lookup key, in the data's order
_ABBREV_RX = [(re.compile(r"\b" + re.escape(a.abbr.lower()) + r"\b"), a.full.lower())
              for a in _VOCAB.abbreviations if a.expand]
_ABBREV_ANY = re.compile("|".join(rx.pattern for rx, _ in _ABBREV_RX))   # none of them: nothing to expand
_KEY_PUNCT = re.compile(r"[-,.;:()\"'/]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Agency:
    name: str                  # canonical name
    level: str                 # central | province | district | commune | regional | unit
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    variant: str | None = None  # the printed form that resolved to it


def key(text: str) -> str:
    """Folded lookup key: NFC, lower case, new tone placement, abbreviations expanded, no punctuation."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = key_tones(text)
    text = text.replace("&", " và ").replace("–", "-")
    if _ABBREV_ANY.search(text):
        for pattern, full in _ABBREV_RX:
            text = pattern.sub(full, text)
    text = _KEY_PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


@lru_cache(maxsize=1)
def agencies() -> tuple[Agency, ...]:
    out = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t") + [""] * 7
        out.append(Agency(name=cols[0].strip(), level=cols[1].strip(), kind=cols[2].strip(),
                          valid_from=_date(cols[4]), valid_to=_date(cols[5]), successor=cols[6].strip() or None))
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> dict[str, Agency]:
    index: dict[str, Agency] = {}
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t") + [""] * 7
        agency = next(a for a in agencies() if a.name == cols[0].strip())
        for form in [cols[0]] + [v for v in cols[3].split("|") if v.strip()]:
            index.setdefault(key(form), agency)
    return index


@lru_cache(maxsize=1)
def surface_forms() -> tuple[str, ...]:
    """Every printed form of the gazetteer (canonical names and variants) for phrase matchers."""
    forms: list[str] = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t") + [""] * 7
        forms.append(cols[0].strip())
        forms.extend(v.strip() for v in cols[3].split("|") if v.strip() and len(v.strip()) > 3)
    return tuple(dict.fromkeys(forms))


_PLACE_TAIL = re.compile(r"\s+(" + "|".join(re.escape(level.word) for level in _VOCAB.admin_levels)
                         + r")(\s+[\wÀ-ỹ]+)*$")
# the kind of a unit by the head word its name starts with: the first in the data's order wins
_HEAD_KIND = [(h.head, h.kind) for h in _VOCAB.agency_heads if h.kind]


def _at(agency: Agency, on_date: date | None) -> Agency:
    """The body as it stood on `on_date`: its successor when it had been merged or abolished."""
    seen = 0
    while on_date and agency.valid_to and on_date > agency.valid_to and agency.successor and seen < 5:
        nxt = _index().get(key(agency.successor))
        if nxt is None:
            break
        agency, seen = nxt, seen + 1
    return agency


def resolve(name: str, on_date: date | str | None = None) -> Agency | None:
    """The canonical body a printed name refers to, or None when it names no known kind of body.

    With `on_date`, a body merged or abolished before that date resolves to its successor
    (`Sở Kế hoạch và Đầu tư` on 2025-05-01 → `Sở Tài chính`); without it the printed body itself.
    """
    if not name or not name.strip():
        return None
    if isinstance(on_date, str):
        try:
            on_date = date.fromisoformat(on_date[:10]) if len(on_date) >= 10 else None
        except ValueError:
            on_date = None
    text = re.sub(r"^\s*(các|những)\s+", "", name.strip(), flags=re.I)
    k = key(text)
    index = _index()
    if k in index:
        return replace(_at(index[k], on_date), variant=name)
    # a known body followed by a place name: `UBND huyện Ba Tơ`, `Sở Y tế tỉnh Lạng Sơn`
    words = k.split()
    for n in range(len(words) - 1, 1, -1):
        prefix = " ".join(words[:n])
        if prefix in index and index[prefix].level != "central":
            base = _at(index[prefix], on_date)
            tail = " ".join(text.split()[-(len(words) - n):])
            name_ = f"{base.name} {tail}" if base.name == index[prefix].name else base.name
            return replace(base, name=name_, variant=name)
    stripped = _PLACE_TAIL.sub("", k)
    for cand in (stripped, stripped + " tỉnh"):
        if cand in index:
            return replace(_at(index[cand], on_date), variant=name)
    for head, kind in _HEAD_KIND:
        if k.startswith(head + " ") and len(words) > len(head.split()):
            return Agency(name=text[0].upper() + text[1:], level="unit", kind=kind, variant=name)
    return None


# words that begin like a body but are verbs or common nouns (`Tổ chức triển khai`, `Ban hành`)
_NOT_HEAD = re.compile(r"^(tổ\s+chức(?!\s+(chính\s+trị|đoàn\s+thể|xã\s+hội))|ban\s+hành|báo\s+cáo|phòng\s*,?\s*chống|"
                       r"phòng\s+ngừa|phòng\s+tránh|trường\s+hợp|hội\s+nghị|hội\s+thảo|hội\s+thi|khoa\s+học|cơ\s+sở\s+dữ|"
                       r"thanh\s+tra(?!\s+(tỉnh|huyện|sở|bộ|chính\s+phủ|thành\s+phố))|bộ\s+phận|vụ\s+việc|"
                       r"đoàn\s+kết|ngành\s+nghề|tổ\s+quốc|các\s+(nội\s+dung|giải\s+pháp|biện\s+pháp|hoạt\s+động|nhiệm\s+vụ|"
                       r"văn\s+bản|quy\s+định|tiến\s+bộ|chương\s+trình|kết\s+quả|vấn\s+đề|trường\s+hợp|đối\s+tượng))\b", re.I)


_NAMED_HEAD = re.compile(r"^(Thanh\s+tra|Bộ\s+phận)\s+[A-ZĐ]")
_PLURAL = re.compile(r"^(các|những)\s+(.*)$", re.S)


def is_body_head(text: str) -> bool:
    """Does `text` start with the head word of a body or group (`Sở`, `UBND`, `Các sở`, `Sinh viên`)?"""
    raw = unicodedata.normalize("NFC", text or "").lstrip("-+•* ")
    if _NOT_HEAD.match(raw) and not _NAMED_HEAD.match(raw):
        return False
    k = raw.lower()
    plural = _PLURAL.match(k)
    if plural:
        # `các` + a head (`Các đơn vị`, `các sở`) or a group of people; not `Các khoản …`
        rest = plural.group(2)
        return bool(re.match(r"^(thành\s+viên|ông|bà|đồng\s+chí|cá\s+nhân|hộ|chủ\s|đại\s+biểu|tập\s+thể|cấp|tổ\s+chức|cơ\s+sở|điểm|lớp|đảng\s+viên)\b", rest)) \
            or is_body_head(rest)
    if _HEAD_START.match(k):
        return True
    words = key(raw[:80]).split()
    return any(" ".join(words[:n]) in _form_keys() for n in range(1, min(6, len(words)) + 1))


# `k` starts with a head word: `k == h`, `h ` or `h,` at its start, or a head ending in `.` (`p.`)
_HEAD_START = re.compile(
    r"(?:" + "|".join(re.escape(h) for h in BODY_HEADS if not h.endswith(".")) + r")(?:\Z|[ ,])"
    + "".join("|" + re.escape(h) for h in BODY_HEADS if h.endswith(".")))


@lru_cache(maxsize=1)
def _form_keys() -> frozenset[str]:
    """Lookup keys of every gazetteer form (a body named without a head word: `VNPT`)."""
    return frozenset(key(f) for f in surface_forms())


_LIST_INTRO = re.compile(r"^(?:các\s+)?(Sở|Bộ|Ban|Phòng|UBND|Ủy ban nhân dân|Uỷ ban nhân dân)"
                         r"(?:\s*,\s*(?:ban|ngành|ban\s+ngành))*\s*(?:các\s+)?(huyện|thị xã|thành phố|xã|phường)?"
                         r"(?:\s*,\s*(?:thị xã|thành phố))?\s*:\s*(.+)$", re.I | re.S)


def expand_list(text: str) -> list[str]:
    """Expand a printed list of bodies into one canonical name per body.

    `các Sở: Tài chính, Kế hoạch và Đầu tư` → [`Sở Tài chính`, `Sở Kế hoạch và Đầu tư`];
    `Sở A, Sở B` → both; a collective (`Các sở, ban, ngành`) stays one item.
    """
    text = re.sub(r"\s+", " ", text or "").strip(" ;.")
    m = _LIST_INTRO.match(text)
    if not m:
        agency = resolve(text)
        return [agency.name if agency and agency.level != "unit" else text]
    head = m.group(1)
    level = m.group(2)
    prefix = f"{head} {level}" if level else head
    pieces = [p.strip() for p in re.split(r"\s*[,;]\s*", m.group(3)) if p.strip()]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        # names that contain a comma: `Văn hóa, Thể thao và Du lịch`
        if i + 1 < len(pieces) and resolve(f"{prefix} {piece}, {pieces[i + 1]}") and \
                not resolve(f"{prefix} {piece}"):
            piece = f"{piece}, {pieces[i + 1]}"
            i += 1
        i += 1
        if is_body_head(piece) and not resolve(f"{prefix} {piece}"):
            out.append(piece)     # an item that names its own body (`Công ty …`, `Thanh tra tỉnh`)
            continue
        parts = [piece]
        if " và " in piece and not resolve(f"{prefix} {piece}"):
            left, right = piece.split(" và ", 1)
            if resolve(f"{prefix} {left}") or is_body_head(right):
                parts = [left, right]
        for part in parts:
            if is_body_head(part):
                out.append(part)
            else:
                agency = resolve(f"{prefix} {part}")
                out.append(agency.name if agency and agency.level != "unit" else f"{prefix} {part}")
    return out


# --------------------------------------------------------------------------- OCR repair of names

# Words of unit names that no list of bodies holds whole (printed casing).
UNIT_PHRASES = _VOCAB.unit_phrases
# acronyms of bodies that OCR prints with stray marks (`ƯBND`, `HDND` for `HĐND`)
ACRONYMS = tuple(a.abbr for a in _VOCAB.abbreviations if a.acronym)


def _tkey(token: str) -> str:
    """Matching key of one printed word: folded, letters and digits only, doubled letters once
    (OCR stacks two marks as two letters: `TRUYỀÈN`)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]", "", _fold(token)))


@lru_cache(maxsize=1)
def _name_phrases() -> tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]:
    """(keys, words, cased) of every known name phrase, the best-cased source first: gazetteer
    names, provinces, unit words, then the fixed vocabulary's lower-case agency phrases."""
    from extractors import vocab

    seen: dict[tuple[str, ...], int] = {}
    out: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []
    sources = ([(a.name, True) for a in agencies()] + [(p, True) for p in vocab.PROVINCES]
               + [(p, True) for p in UNIT_PHRASES] + [(p, False) for p in vocab.AGENCY_PHRASES])
    for phrase, cased in sources:
        words = tuple(w for w in phrase.replace(",", " ,").split() if w != ",")
        keys = tuple(_tkey(w) for w in words)
        if not all(keys) or keys in seen:
            continue
        seen[keys] = len(out)
        out.append((keys, words, cased))
    return tuple(out)


@lru_cache(maxsize=1)
def _acronyms() -> dict[str, str]:
    from extractors import vocab

    forms = set(ACRONYMS) | {k for k in vocab.AGENCY_ABBR if k.isupper()}
    return {_fold(a): a for a in sorted(forms, key=len)}


def _edit1(a: str, b: str) -> bool:
    """Levenshtein distance of at most 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


def _align(tkeys: list[str], start: int, pkeys: tuple[str, ...], fuzzy: bool) -> tuple[int, int, list] | None:
    """Match a phrase at token `start`: (tokens used, letters changed, [(token index, word indexes)]).
    A token may hold two words run together (`BÉNTRE`); with `fuzzy`, one word of a phrase of two
    or more may differ by one letter."""
    pairs: list[tuple[int, tuple[int, ...]]] = []
    t, p, errors = start, 0, 0
    while p < len(pkeys):
        if t >= len(tkeys):
            return None
        key = tkeys[t]
        if key == pkeys[p]:
            pairs.append((t, (p,)))
            p, t = p + 1, t + 1
            continue
        if p + 1 < len(pkeys) and key == pkeys[p] + pkeys[p + 1]:
            pairs.append((t, (p, p + 1)))
            p, t, errors = p + 2, t + 1, errors + 1
            continue
        if fuzzy and len(pkeys) >= 2 and errors == 0 and len(pkeys[p]) >= 4 and _edit1(key, pkeys[p]):
            pairs.append((t, (p,)))
            p, t, errors = p + 1, t + 1, 1
            continue
        return None
    return t - start, errors, pairs


def _restyle(word: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    if like[:1].islower():
        return word[:1].lower() + word[1:] if not word[1:2].isupper() else word
    return word


@dataclass
class Repair:
    text: str
    marks: int = 0             # words whose marks changed (`PHÓ` → `PHỐ`)
    letters: int = 0           # words whose letters changed or that were split (`BÉNTRE` → `BẾN TRE`)

    @property
    def distance(self) -> float:
        return self.marks + 3 * self.letters


def repair_name(text: str, places: tuple[str, ...] = (), ocr: bool = True) -> Repair:
    """Put an OCR'd agency name back into the words of the gazetteer, in the printed order and case.

    Known phrases (gazetteer names, provinces, unit words, `places` — proper names the document
    itself prints, e.g. in its body) match on folded words, so OCR's tone and vowel marks
    (`THÀNH PHÓ`, `TRUYỀÈN`, `ME LINH`) are taken from the known word; two words run together
    (`BÉNTRE`) are split; one letter off is accepted inside a phrase of two or more words.
    Acronyms with stray marks (`ƯBND`) are always fixed; without `ocr` nothing else changes."""
    tokens = text.split()
    out: list[str] = []
    marks = letters = 0
    acronyms = _acronyms()
    for i, tok in enumerate(tokens):
        core = re.sub(r"^[^\wÀ-ỹĐđ&]+|[^\wÀ-ỹĐđ&]+$", "", tok)
        fixed = acronyms.get(_fold(core)) if core and core.isupper() and len(core) >= 2 else None
        if fixed and fixed != core and not is_syllable_shape(core):
            tokens[i] = tok.replace(core, fixed)
            marks += 1
    if not ocr:
        return Repair(" ".join(tokens), marks, letters)
    phrases = list(_name_phrases())
    known = {keys for keys, _, _ in phrases}
    for place in places:                # the gazetteer's spelling of a name it knows wins
        words = tuple(place.split())
        keys = tuple(_tkey(w) for w in words)
        if all(keys) and keys not in known:
            phrases.append((keys, words, True))
    by_first: dict[str, list] = {}
    for keys, words, _cased in phrases:
        by_first.setdefault(keys[0][:2], []).append((keys, words))
    tkeys = [_tkey(t) for t in tokens]
    i = 0
    while i < len(tokens):
        best = None
        for fuzzy in (False, True):
            for keys, words in by_first.get(tkeys[i][:2], []):
                if len(keys) == 1 and len(tkeys[i]) != len(keys[0]) and tkeys[i] != keys[0]:
                    continue
                hit = _align(tkeys, i, keys, fuzzy)
                if hit and (best is None or (len(keys), -hit[1]) > (len(best[0]), -best[1][1])):
                    best = (keys, hit, words)
            if best:
                break
        if not best or not tkeys[i]:
            out.append(tokens[i])
            i += 1
            continue
        keys, (used, errors, pairs), words = best
        letters += errors
        for t, ws in pairs:
            tok = tokens[t]
            core = re.sub(r"^[^\wÀ-ỹĐđ]+|[^\wÀ-ỹĐđ]+$", "", tok)
            if not core:
                out.append(tok)
                continue
            new = " ".join(_restyle(words[w], core) for w in ws)
            if new != core and len(ws) == 1 and _tkey(new) == tkeys[t]:
                marks += 1
            out.append(tok.replace(core, new, 1))
        i += used
    return Repair(" ".join(out), marks, letters)


_EDGE_PUNCT = re.compile(r"^[^\wÀ-ỹĐđ]+|[^\wÀ-ỹĐđ]+$")


@lru_cache(maxsize=1)
def _cased_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The cased name phrases (their words), by their first word in lower case, in order."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for _, words, cased in _name_phrases():
        if cased and words:
            index.setdefault(words[0].lower(), []).append(words)
    return {k: tuple(v) for k, v in index.items()}


def canonical_case(text: str, places: tuple[str, ...] = ()) -> str:
    """The gazetteer's casing of known phrases (and of `places`) inside a display name (`Sở thông
    tin và truyền thông` → `Sở Thông tin và Truyền thông`); the first letter stays a capital."""
    tokens = text.split()
    cores = [_EDGE_PUNCT.sub("", t) for t in tokens]
    low = [unicodedata.normalize("NFC", c).lower() for c in cores]
    by_first = _cased_by_first()
    extra: dict[str, list[tuple[str, ...]]] = {}
    for p in places:
        words = tuple(p.split())
        if words:
            extra.setdefault(words[0].lower(), []).append(words)
    i = 0
    while i < len(tokens):
        best = None
        # the cased phrases whose first word is this token's, in their order (the first of the
        # longest that match wins)
        for words in by_first.get(low[i], ()) + tuple(extra.get(low[i], ())):
            if len(words) > len(tokens) - i or (best and len(words) <= len(best)):
                continue
            if all(low[i + k] == w.lower() for k, w in enumerate(words)):
                best = words
        if best:
            for k, w in enumerate(best):
                if cores[i + k]:
                    tokens[i + k] = tokens[i + k].replace(cores[i + k], w if (i + k) else w[:1].upper() + w[1:], 1)
            i += len(best)
        else:
            i += 1
    return " ".join(tokens)
