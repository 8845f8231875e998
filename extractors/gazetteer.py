"""Gazetteer of Vietnamese state bodies: every printed variant → one canonical `Agency`.

Data: `extractors/data/agencies.tsv` (canonical name, level, kind, variants/abbreviations,
validity dates, successor). The 2025 restructuring (merged ministries and provincial
departments from 1 March 2025, district level abolished from 1 July 2025) is recorded as
validity dates plus a successor, so old documents still resolve to the body of their time.
Public service units and local bodies that no list can hold (`Bệnh viện Đa khoa tỉnh`,
`Trường THPT …`, `UBND huyện Ba Tơ`) resolve by their head word (`BODY_HEADS`).

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

DATA = Path(__file__).parent / "data" / "agencies.tsv"

# Head words that start the name of a body or a group that can be given work.
BODY_HEADS = (
    "ủy ban nhân dân", "uỷ ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd", "ủy ban", "uỷ ban", "ub",
    "bộ chỉ huy", "bch", "bchqs", "ban chỉ huy", "bộ đội", "bộ", "sở", "ban", "ngành", "cục", "tổng cục", "chi cục",
    "vụ", "viện", "học viện", "tòa án", "toà án", "tand", "vksnd", "viện kiểm sát", "công an", "thanh tra",
    "văn phòng", "phòng", "p.", "khoa", "bộ môn", "trung tâm", "ttyt", "trạm", "bệnh viện", "bv", "trường",
    "đại học", "công ty", "tổng công ty", "tập đoàn", "ngân hàng", "kho bạc", "bảo hiểm", "bhxh", "đài", "báo",
    "hội", "liên đoàn", "đoàn", "tỉnh đoàn", "huyện đoàn", "mặt trận", "mttq", "tỉnh ủy", "tỉnh uỷ", "huyện ủy",
    "đảng ủy", "chi bộ", "quân khu", "bộ tư lệnh", "kiểm toán", "hải quan", "cảng vụ", "đơn vị", "cơ quan",
    "địa phương", "huyện", "thị xã", "thành phố", "tp", "quận", "xã", "phường", "thị trấn", "doanh nghiệp",
    "tổ", "nhóm", "hội đồng", "thường trực", "lãnh đạo", "chủ tịch", "giám đốc", "thủ trưởng", "trưởng",
    "hiệu trưởng", "người đứng đầu", "cán bộ", "công chức", "viên chức", "giáo viên", "giảng viên",
    "sinh viên", "học viên", "học sinh", "nghiên cứu sinh", "cố vấn học tập", "các", "ban quản lý", "bql", "quỹ",
    "lực lượng", "chính quyền", "ủy ban mttq", "mặt trận tổ quốc",
)
_ABBREV = [
    (r"\bubnd\b", "ủy ban nhân dân"), (r"\bhđnd\b", "hội đồng nhân dân"), (r"\btand\b", "tòa án nhân dân"),
    (r"\bvksnd\b", "viện kiểm sát nhân dân"), (r"\bviện ksnd\b", "viện kiểm sát nhân dân"),
    (r"\bmttqvn\b", "mặt trận tổ quốc việt nam"), (r"\bmttq\b", "mặt trận tổ quốc"),
    (r"\bbchqs\b", "bộ chỉ huy quân sự"), (r"\bbhxh\b", "bảo hiểm xã hội"), (r"\btp\b", "thành phố"),
    (r"\bub\b", "ủy ban"), (r"\bđbqh\b", "đại biểu quốc hội"),
]
_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
              "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


@dataclass(frozen=True)
class Agency:
    name: str                  # canonical name
    level: str                 # central | province | district | commune | regional | unit
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    variant: str | None = None  # the printed form that resolved to it

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def key(text: str) -> str:
    """Folded lookup key: NFC, lower case, new tone placement, abbreviations expanded, no punctuation."""
    text = unicodedata.normalize("NFC", text or "").lower()
    for old, new in _OLD_TONES.items():
        text = text.replace(old, new)
    text = text.replace("&", " và ").replace("–", "-")
    for pattern, full in _ABBREV:
        text = re.sub(pattern, full, text)
    text = re.sub(r"[-,.;:()\"'/]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


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


_PLACE_TAIL = re.compile(r"\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(\s+[\wÀ-ỹ]+)*$")
_HEAD_KIND = [("bệnh viện", "hospital"), ("trường", "school"), ("đại học", "school"), ("học viện", "school"),
              ("trung tâm", "service_unit"), ("trạm y tế", "service_unit"), ("công ty", "enterprise"),
              ("tổng công ty", "enterprise"), ("ngân hàng", "bank"), ("phòng", "department"), ("khoa", "faculty"),
              ("chi cục", "agency"), ("cục", "agency"), ("ban", "board"), ("hội", "mass_org"),
              ("công an", "police"), ("tòa án nhân dân", "court"), ("viện kiểm sát nhân dân", "procuracy"),
              ("ủy ban nhân dân", "people_committee"), ("hội đồng nhân dân", "council")]


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


def _fold(text: str) -> str:
    return "".join("d" if c in "đĐ" else unicodedata.normalize("NFD", c)[0].lower() for c in text)


_FOLDED_HEADS = tuple(dict.fromkeys(_fold(h) for h in BODY_HEADS))


def is_body_head(text: str) -> bool:
    """Does `text` start with the head word of a body or group (`Sở`, `UBND`, `Các sở`, `Sinh viên`)?"""
    raw = unicodedata.normalize("NFC", text or "").lstrip("-+•* ")
    if _NOT_HEAD.match(raw) and not re.match(r"^Thanh\s+tra\s+[A-ZĐ]", raw):
        return False
    k = raw.lower()
    plural = re.match(r"^(các|những)\s+(.*)$", k, re.S)
    if plural:
        # `các` + a head (`Các đơn vị`, `các sở`) or a group of people; not `Các khoản …`
        rest = plural.group(2)
        return bool(re.match(r"^(thành\s+viên|ông|bà|đồng\s+chí|cá\s+nhân|hộ|chủ\s|đại\s+biểu|tập\s+thể|cấp|tổ\s+chức|cơ\s+sở|điểm|lớp|đảng\s+viên)\b", rest)) \
            or is_body_head(rest)
    if any(k == h or k.startswith(h + " ") or k.startswith(h + ",") or (h.endswith(".") and k.startswith(h))
           for h in BODY_HEADS):
        return True
    words = key(raw[:80]).split()
    return any(" ".join(words[:n]) in _form_keys() for n in range(1, min(6, len(words)) + 1))


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
