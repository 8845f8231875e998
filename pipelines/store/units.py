"""The directory of units (đơn vị): pure rules (keys, collectives, the gazetteer seed) and the
store-side operations on an open connection (seed, resolve a printed name, map, import).

- A unit is a body (`Sở Tài chính`), a collective (`Các sở, ban, ngành`, `UBND các huyện, thành phố`:
  a unit of its own kind that an office may expand to member units) or an internal unit of the office.
- Every printed name met (assignee, co-ordinating body, recipient, issuer) gets a row in `unit_names`,
  keyed by its folded form (`UBND` = `Ủy ban nhân dân`, accents and case ignored); a name the gazetteer
  does not know keeps `unit_id` NULL until the office maps it once (`congvan units map`).
- The 2025 mergers: a unit has validity dates and a successor; a name in a document dated after the
  unit ended links to its successor.
"""
from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select

from pipelines.store.schema import task_bodies, unit_members, unit_names, units
from pipelines.store.tracking import fold

KINDS = ("body", "collective", "internal")

# Collective names used across provinces (ND30 "Nơi nhận" and task lists) with their usual spellings.
SEED_COLLECTIVES = (
    ("Các sở, ban, ngành tỉnh", "province",
     ("Các sở, ban, ngành", "Các sở, ban, ngành thuộc tỉnh", "Các sở, ban, ngành cấp tỉnh", "Các sở, ngành", "Các sở, ban ngành", "Sở, ban, ngành",
      "Các cơ quan, đơn vị thuộc tỉnh", "Các sở, ban, ngành, đoàn thể tỉnh")),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "district",
     ("UBND các huyện, thành phố", "UBND các huyện, thị xã, thành phố", "UBND các huyện", "Ủy ban nhân dân các huyện",
      "UBND các huyện, thị xã", "UBND các huyện, thành phố, thị xã", "Ủy ban nhân dân các huyện, thành phố")),
    ("Ủy ban nhân dân các xã, phường, thị trấn", "commune",
     ("UBND các xã, phường, thị trấn", "UBND các xã", "Ủy ban nhân dân các xã", "UBND các xã, phường",
      "UBND cấp xã", "Ủy ban nhân dân cấp xã")),
    ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "central",
     ("Các bộ, ngành", "Các bộ, cơ quan ngang bộ", "Các Bộ, ngành Trung ương")),
)

_COLLECTIVE = re.compile(r"(^|\s)(cac|nhung)\s|\bcap (xa|huyen|tinh)\b|^(so|bo) ban nganh\b|\bdia phuong\b")


def _now() -> datetime:
    return datetime.now(UTC)


# the head of a body named for the body (`Chủ tịch UBND các huyện` is followed up as `UBND các huyện`)
_TITLES = ("thu truong", "lanh dao", "chu tich", "giam doc", "hieu truong", "thu truong cac co quan")
# qualifiers that do not change which group is meant (`… có liên quan`, `… trực thuộc Trung ương`)
_RELATED = re.compile(r"\s+((co\s+)?lien\s+quan|truc\s+(thuoc|tiep)|tren\s+dia\s+ban|thuoc\s+tinh|tham\s+gia)\b.*$")
# officials after the first one of a list (`Chủ tịch HĐQT, thành viên HĐQT, Tổng Giám đốc`): the same body
_MORE_OFFICIALS = re.compile(r"^(thanh vien|pho|tong giam doc|giam doc|pho giam doc|truong|uy vien|ke toan truong)\b")
_ACRONYM = re.compile(r"^[A-ZĐ]{2,6}$")


def _drop_title(name: str) -> str:
    parts = [p.strip() for p in name.split(",")]
    if len(parts) > 1 and all(_MORE_OFFICIALS.match(fold(p)) for p in parts[1:] if p):
        name = parts[0]                     # a list of officials of one body: the body of the first
    words = name.split()
    folded = [fold(w) for w in words]
    for title in _TITLES:
        n = len(title.split())
        if " ".join(folded[:n]) == title and len(words) > n:
            rest = " ".join(words[n:])
            try:
                from extractors.gazetteer import is_body_head
                if is_body_head(rest) or is_body_head(rest[:1].upper() + rest[1:]):
                    return rest
            except ImportError:  # pragma: no cover
                return name
    return name


def unit_key(name: str | None) -> str:
    """Folded lookup key: a leading head title dropped (`Thủ trưởng các đơn vị` = `các đơn vị`), abbreviations
    expanded (`UBND` → `ủy ban nhân dân`), no accents, case or punctuation; a group's `(có) liên quan` dropped."""
    if not name:
        return ""
    name = _drop_title(" ".join(str(name).split()))
    try:
        from extractors.gazetteer import key
        name = key(name)
    except ImportError:  # pragma: no cover
        pass
    folded = fold(name)
    if folded in _bare_heads():             # `Khoa`, `đơn vị` alone: each of them, the group
        folded = "cac " + folded
    if _COLLECTIVE.search(folded):
        folded = _RELATED.sub("", folded) or folded
    return folded[:400]


@lru_cache(maxsize=1)
def _bare_heads() -> frozenset[str]:
    """Head words that name a kind of body, not one body (`khoa`, `đơn vị`, `cơ quan`, `phòng`)."""
    try:
        from extractors.gazetteer import BODY_HEADS
    except ImportError:  # pragma: no cover
        return frozenset()
    skip = {"cac", "bo", "so", "ubnd", "uy ban nhan dan", "hoi dong nhan dan", "cong an", "thanh tra", "tp",
            "ub", "p", "bv", "bhxh", "mttq", "tand", "vksnd", "bch", "bchqs", "ttyt", "hdnd", "bql"}
    return frozenset(f for f in (fold(h) for h in BODY_HEADS) if f and f not in skip and len(f) > 2)


def acronym_signature(name: str | None) -> str | None:
    """`Trung tâm QLCL` and `Trung tâm Quản lý chất lượng` → `ttqlcl`: the initials of the words, an
    acronym spelled out letter by letter; None for a name without an acronym (no signature to share)."""
    words = re.findall(r"[\wĐđ]+", _drop_title(str(name or "")))
    if not any(_ACRONYM.match(w) for w in words[1:]):
        return None
    return "".join(fold(w) if _ACRONYM.match(w) else fold(w)[:1] for w in words)


def same_by_acronym(a: str, b: str) -> bool:
    """One name is the other with its words abbreviated (`Trung tâm QLCL` = `Trung tâm Quản lý chất lượng`)."""
    sa, sb = acronym_signature(a), acronym_signature(b)
    initials = lambda n: "".join(fold(w)[:1] for w in re.findall(r"[\wĐđ]+", _drop_title(str(n or ""))))
    return bool((sa and (sa == sb or sa == initials(b))) or (sb and sb == initials(a)))


def is_collective(name: str) -> bool:
    """`Các sở, ban, ngành`, `UBND các huyện`, `UBND cấp xã`, `các địa phương`: a group, not one body."""
    return bool(_COLLECTIVE.search(unit_key(name)))


def display_name(name: str) -> str:
    """The name a unit created from a printed name shows: without a head title, spaces tidied."""
    name = _drop_title(" ".join(str(name).split()))
    return name[:1].upper() + name[1:]


def gazetteer_rows() -> list[dict]:
    """The gazetteer's bodies as directory rows (name, level, category, validity, successor, variants)."""
    from extractors.gazetteer import DATA
    rows = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t") + [""] * 7
        if cols[1].strip() == "unit":        # roles (`Giáo viên chủ nhiệm`), not bodies
            continue
        rows.append({"name": cols[0].strip(), "level": cols[1].strip(), "category": cols[2].strip(),
                     "variants": [v.strip() for v in cols[3].split("|") if v.strip()],
                     "valid_from": date.fromisoformat(cols[4].strip()) if cols[4].strip() else None,
                     "valid_to": date.fromisoformat(cols[5].strip()) if cols[5].strip() else None,
                     "successor": cols[6].strip() or None})
    return rows


# ---- store-side operations (on an open connection) ----------------------------------------------

def seeded(conn) -> bool:
    return bool(conn.execute(select(func.count()).select_from(units).where(units.c.source == "gazetteer")).scalar())


def seed(conn) -> int:
    """Insert the gazetteer's bodies and the usual collectives (once); → units inserted."""
    if seeded(conn):
        return 0
    now = _now()
    rows = gazetteer_rows()
    ids: dict[str, int] = {}
    for row in rows:
        k = unit_key(row["name"])
        found = conn.execute(select(units.c.id).where(units.c.key == k)).scalar()
        if found is None:
            found = conn.execute(units.insert().values(
                name=row["name"], key=k, kind="body", level=row["level"], category=row["category"],
                valid_from=row["valid_from"], valid_to=row["valid_to"], source="gazetteer",
                created_at=now)).inserted_primary_key[0]
        ids[row["name"]] = found
        for form in [row["name"], *row["variants"]]:
            _alias(conn, form, found, "gazetteer")
    for row in rows:
        if row["successor"] and row["successor"] in ids:
            conn.execute(units.update().where(units.c.id == ids[row["name"]])
                         .values(successor_id=ids[row["successor"]]))
    for name, level, aliases in SEED_COLLECTIVES:
        k = unit_key(name)
        found = conn.execute(select(units.c.id).where(units.c.key == k)).scalar()
        if found is None:
            found = conn.execute(units.insert().values(name=name, key=k, kind="collective", level=level,
                                                       source="gazetteer", created_at=now)).inserted_primary_key[0]
        for form in [name, *aliases]:
            _alias(conn, form, found, "gazetteer")
    return len(ids)


def _alias(conn, name: str, unit_id: int | None, source: str, overwrite: bool = False) -> None:
    k = unit_key(name)
    if not k:
        return
    row = conn.execute(select(unit_names.c.id, unit_names.c.unit_id).where(unit_names.c.key == k)).first()
    if row is None:
        conn.execute(unit_names.insert().values(key=k, name=name[:1000], unit_id=unit_id, source=source,
                                                seen=0, created_at=_now()))
    elif overwrite or (row.unit_id is None and unit_id is not None):
        conn.execute(unit_names.update().where(unit_names.c.id == row.id).values(unit_id=unit_id, source=source))


_PLACE_WORDS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran", "khu vuc", "tp")


def _place_tail_ok(name: str) -> bool:
    """A listed body followed by words must be followed by a place (`Sở Y tế tỉnh Lạng Sơn`, `UBND huyện Ba Tơ`),
    not by more of another name (`Sở Xây dựng và Kinh doanh dịch vụ …` cut out of a company's name)."""
    from extractors.gazetteer import agencies
    canonical = {a.name for a in agencies()}
    if name in canonical:
        return True
    base = max((c for c in canonical if name.startswith(c + " ")), key=len, default=None)
    if base is None:
        return True
    tail = fold(name[len(base):])
    return tail.startswith(_PLACE_WORDS) or not re.match(r"(va|cua|voi|ve|cho)\b", tail)


class Resolver:
    """Printed name → unit id within one transaction (cached); records unknown names."""

    def __init__(self, conn):
        self.conn = conn
        self.cache: dict[str, int | None] = {}
        self._units: dict[int, tuple] | None = None

    def _unit_rows(self) -> dict[int, tuple]:
        if self._units is None:
            self._units = {r.id: (r.valid_to, r.successor_id) for r in self.conn.execute(
                select(units.c.id, units.c.valid_to, units.c.successor_id))}
        return self._units

    def _at(self, unit_id: int | None, on_date: date | None) -> int | None:
        """The unit as it stood on `on_date` (its successor after a merger)."""
        seen = 0
        while unit_id is not None and on_date is not None and seen < 5:
            valid_to, successor = self._unit_rows().get(unit_id, (None, None))
            if valid_to is None or on_date <= valid_to or successor is None:
                break
            unit_id, seen = successor, seen + 1
        return unit_id

    def unit_id(self, name: str | None, on_date: date | None = None) -> int | None:
        k = unit_key(name)
        if not k or name is None:
            return None
        if k not in self.cache:
            self.cache[k] = self._lookup(name, k)
        return self._at(self.cache[k], on_date)

    def _lookup(self, name: str, k: str) -> int | None:
        conn = self.conn
        row = conn.execute(select(unit_names.c.unit_id).where(unit_names.c.key == k)).first()
        if row is not None:
            return row.unit_id
        unit_id = None
        if is_collective(name):
            unit_id = self._create(name, k, "collective", None, None)
        else:
            try:
                from extractors.gazetteer import resolve
                agency = resolve(display_name(name))
            except Exception:  # a gazetteer failure must not stop ingestion
                agency = None
            if agency is not None and agency.level != "unit" and _place_tail_ok(agency.name):
                ak = unit_key(agency.name)
                unit_id = conn.execute(select(units.c.id).where(units.c.key == ak)).scalar()
                if unit_id is None:   # a listed body with a place (`Sở Y tế tỉnh Lạng Sơn`)
                    unit_id = self._create(agency.name, ak, "body", agency.level, agency.kind)
            else:                     # an abbreviated form of a name the directory links (`Trung tâm QLCL`)
                head = k.split()[0]
                for other, other_unit in conn.execute(select(unit_names.c.name, unit_names.c.unit_id).where(
                        unit_names.c.unit_id.is_not(None), unit_names.c.key.startswith(head))):
                    if same_by_acronym(name, other):
                        unit_id = other_unit
                        break
        _alias(conn, name, unit_id, "seen")
        return unit_id

    def _create(self, name: str, k: str, kind: str, level, category) -> int:
        found = self.conn.execute(select(units.c.id).where(units.c.key == k)).scalar()
        if found is not None:
            return found
        new = self.conn.execute(units.insert().values(name=display_name(name)[:1000], key=k, kind=kind,
                                                      level=level, category=category, source="gazetteer",
                                                      created_at=_now())).inserted_primary_key[0]
        if self._units is not None:
            self._units[new] = (None, None)
        return new


def find_unit(conn, ref: str) -> dict | None:
    """A unit by id, name or any known alias (folded)."""
    ref = str(ref).strip()
    if ref.isdigit():
        row = conn.execute(select(units).where(units.c.id == int(ref))).mappings().first()
        if row:
            return dict(row)
    k = unit_key(ref)
    row = conn.execute(select(units).where(units.c.key == k)).mappings().first()
    if row is None:
        uid = conn.execute(select(unit_names.c.unit_id).where(unit_names.c.key == k)).scalar()
        if uid is not None:
            row = conn.execute(select(units).where(units.c.id == uid)).mappings().first()
    return dict(row) if row else None


def add_unit(conn, name: str, kind: str = "body", aliases=(), members=(), level=None, email=None) -> dict:
    """Create (or extend) an office unit with aliases, its digest e-mail and, for a collective, members."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of: {', '.join(KINDS)}")
    unit = find_unit(conn, name)
    if unit is None:
        k = unit_key(name)
        uid = conn.execute(units.insert().values(name=" ".join(name.split()), key=k, kind=kind, level=level,
                                                 source="office", created_at=_now())).inserted_primary_key[0]
        unit = dict(conn.execute(select(units).where(units.c.id == uid)).mappings().first())
    _alias(conn, name, unit["id"], "office", overwrite=True)
    if email:
        conn.execute(units.update().where(units.c.id == unit["id"]).values(email=email.strip()[:320]))
        unit["email"] = email.strip()
    for alias in aliases:
        _alias(conn, alias, unit["id"], "office", overwrite=True)
    for member in members:
        m = find_unit(conn, member)
        if m is None:                        # a body the gazetteer knows gets its canonical unit
            uid = Resolver(conn).unit_id(member)
            m = {"id": uid} if uid is not None else add_unit(conn, member)
        exists = conn.execute(select(unit_members).where(unit_members.c.collective_id == unit["id"],
                                                         unit_members.c.member_id == m["id"])).first()
        if not exists:
            conn.execute(unit_members.insert().values(collective_id=unit["id"], member_id=m["id"]))
    relink(conn)
    return unit


def map_name(conn, name: str, unit_ref: str) -> dict:
    """Map a printed name (an unknown one, or a wrong link) to a unit once; every body with it follows."""
    unit = find_unit(conn, unit_ref)
    if unit is None:
        raise LookupError(f"no unit {unit_ref!r} (add it with `congvan units add`)")
    _alias(conn, name, unit["id"], "office", overwrite=True)
    relink(conn)
    return unit


def relink(conn) -> int:
    """Re-link every task body to the unit its name maps to now; → bodies changed."""
    mapping = {k: u for k, u in conn.execute(select(unit_names.c.key, unit_names.c.unit_id))}
    changed = 0
    for body_id, k, uid in conn.execute(select(task_bodies.c.id, task_bodies.c.name_key, task_bodies.c.unit_id)).all():
        new = mapping.get(k, uid)
        if new != uid:
            conn.execute(task_bodies.update().where(task_bodies.c.id == body_id).values(unit_id=new))
            changed += 1
    return changed


def import_csv(conn, path: str | Path) -> int:
    """Rows `name,kind,aliases,members,email` (aliases and members separated by `;`; kind defaults to body,
    `map` maps the name to the unit in `aliases`) → rows applied."""
    n = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or row.get("tên") or "").strip()
            if not name:
                continue
            kind = (row.get("kind") or "body").strip() or "body"
            split = lambda v: [x.strip() for x in (v or "").split(";") if x.strip()]
            if kind == "map":
                map_name(conn, name, (row.get("aliases") or "").strip())
            else:
                add_unit(conn, name, kind, split(row.get("aliases")), split(row.get("members")),
                         email=(row.get("email") or "").strip() or None)
            n += 1
    return n


def unknown_names(conn) -> list[dict]:
    """Names met in documents that no unit holds, with how many task bodies carry them."""
    counts: dict[str, int] = {}
    for (k,) in conn.execute(select(task_bodies.c.name_key).where(task_bodies.c.unit_id.is_(None))):
        counts[k] = counts.get(k, 0) + 1
    rows = conn.execute(select(unit_names.c.key, unit_names.c.name).where(unit_names.c.unit_id.is_(None))
                        .order_by(unit_names.c.name)).all()
    known = [(k, name) for k, name in conn.execute(select(units.c.key, units.c.name))]
    out = [{"name": name, "key": k, "tasks": counts.get(k, 0),
            "suggestion": _suggest(name, k, known) or next(
                (other for ok, other in rows if ok != k and same_by_acronym(name, other)), None)}
           for k, name in rows]
    return sorted(out, key=lambda r: (-r["tasks"], r["name"]))


def _suggest(name: str, k: str, known: list[tuple[str, str]]) -> str | None:
    """The unit an unknown name most likely is (its abbreviated form, or a spelling within OCR distance)."""
    from difflib import SequenceMatcher
    best, score = None, 0.0
    for other_key, other in known:
        if same_by_acronym(name, other):
            return other
        if other_key[:1] != k[:1]:
            continue
        ratio = SequenceMatcher(None, k, other_key, autojunk=False).ratio()
        if ratio > score:
            best, score = other, ratio
    return best if score >= 0.88 else None


def members_of(conn, unit_id: int) -> list[int]:
    return [m for (m,) in conn.execute(select(unit_members.c.member_id)
                                       .where(unit_members.c.collective_id == unit_id))]


def matching_unit_ids(conn, ref: str) -> set[int] | None:
    """Unit ids a `--assignee` filter means: the unit of `ref` (name or alias, accents optional), its
    predecessors and successors, and the collectives it is a member of. None when `ref` names no unit."""
    unit = find_unit(conn, ref)
    if unit is None:
        return None
    ids = {unit["id"]}
    rows = conn.execute(select(units.c.id, units.c.successor_id)).all()
    changed = True
    while changed:
        changed = False
        for uid, succ in rows:
            if succ in ids and uid not in ids:
                ids.add(uid)
                changed = True
    ids |= {c for (c,) in conn.execute(select(unit_members.c.collective_id)
                                       .where(unit_members.c.member_id.in_(ids)))}
    return ids


def group_by_acronym(names: list[str]) -> dict[str, str]:
    """name → the name it is grouped under: a name and its abbreviated form (`Trung tâm QLCL`) together."""
    out: dict[str, str] = {}
    for i, name in enumerate(names):
        out[name] = next((other for other in names[:i] if out.get(other) == other and same_by_acronym(name, other)),
                         name)
    return out
