"""Task tracking rules: the computed state, dates, assignee normalisation, task matching.

Pure functions, no database.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

from models.settings import setting

# The vocabulary of the Government Office's tracking system (ND30.md, "Registers").
TRONG_HAN = "trong hạn"                  # open, not yet due
QUA_HAN = "quá hạn"                      # open, past due
DUNG_HAN = "đúng hạn"                    # done on or before the deadline
HOAN_THANH_QUA_HAN = "hoàn thành quá hạn"  # done after the deadline
KHONG_THOI_HAN = "không thời hạn"        # no deadline
SAP_DEN_HAN = "sắp đến hạn"              # open, due within DUE_SOON working days
TASK_STATES = (TRONG_HAN, SAP_DEN_HAN, QUA_HAN, DUNG_HAN, HOAN_THANH_QUA_HAN, KHONG_THOI_HAN)
STATUSES = ("open", "done")
ROLES = ("lead", "co", "assignee", "member")
ROLE_NAMES = {"lead": "chủ trì", "co": "phối hợp", "assignee": "thực hiện", "member": "thành viên"}
MODE_NAMES = {"request": "đề nghị", "order": "giao"}


def due_soon_days() -> int:
    """Working days before a deadline from which an open task is `sắp đến hạn` ($CONGVAN_DUE_SOON_DAYS, 3)."""
    try:
        return max(0, setting("due_soon_days"))
    except ValueError:
        return 3


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (the calendar of extractors.deadlines)."""
    from extractors.deadlines import is_working_day
    n, d = 0, start
    while d < end:
        d += timedelta(days=1)
        n += is_working_day(d)
    return n

# Correctable fields and their kinds ("text", "list", "date" = ISO day, "docdate" = ISO, may be partial,
# "bool" = yes/no, "refs" = the số, ký hiệu of the cited documents).
DOCUMENT_FIELDS = {
    "official": "bool", "doc_type": "text", "number": "text", "symbol": "text", "code": "text", "date": "docdate",
    "place": "text", "issuer": "text", "issuer_parent": "text", "subject": "text",
    "recipients": "list", "distribution": "list",
    "signer.name": "text", "signer.title": "text", "signer.authority": "text",
    "urgency": "text", "confidentiality": "text", "references": "refs",
}
TASK_FIELDS = {
    "assignee": "text", "assignee_id": "text", "assignees": "list", "lead": "text", "co": "list",
    "action": "text", "deadline": "date", "recurrence": "text",
}


def task_state(due: date | None, status: str, done_on: date | None = None, today: date | None = None,
               soon: int | None = None) -> str:
    """The one place that computes a task's tracking state (`soon`: working days of `sắp đến hạn`)."""
    if due is None:
        return KHONG_THOI_HAN
    if status == "done":
        return DUNG_HAN if done_on is None or done_on <= due else HOAN_THANH_QUA_HAN
    today = today or date.today()
    if today > due:
        return QUA_HAN
    soon = due_soon_days() if soon is None else soon
    return SAP_DEN_HAN if working_days_between(today, due) <= soon else TRONG_HAN


def state_of(text: str | None) -> str | None:
    """A state typed by staff, accents optional (`qua han` → `quá hạn`); None when unknown."""
    wanted = fold(text)
    return next((s for s in TASK_STATES if fold(s) == wanted), None)


# `đề nghị` asks (a request to a body the issuer does not command); `giao`, `yêu cầu`, `chỉ đạo` order.
_REQUEST = re.compile(r"\b(kinh de nghi|de nghi|kien nghi|rat mong|xin|tran trong de nghi)\b")
_ORDER = re.compile(r"\b(giao|yeu cau|chi dao|chiu trach nhiem|chu tri|phan cong|buoc|nghiem cam|phai)\b")


def task_mode(text: str | None) -> str | None:
    """`request` (đề nghị) or `order` (giao, yêu cầu): the first marker in the task's source text."""
    folded = fold(text)
    r, o = _REQUEST.search(folded), _ORDER.search(folded)
    if r and (not o or r.start() <= o.start()):
        return "request"
    return "order" if o else None


def task_bodies_of(task: dict) -> list[tuple[str, str]]:
    """(name, role) of each body a task names: its lead, its co-ordinating bodies, its other assignees."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(name, role):
        name = " ".join(str(name or "").split())
        if name and fold(name) not in seen:
            seen.add(fold(name))
            out.append((name, role))
    add(task.get("lead"), "lead")
    for name in task.get("co") or []:
        add(name, "co")
    for name in task.get("assignees") or []:
        add(name, "assignee")
    return out


def derived_status(bodies: list[dict]) -> tuple[str, date | None]:
    """A task's status from its bodies': done (on the last body's date) when every body is done."""
    if not bodies or any(b["status"] != "done" for b in bodies):
        return "open", None
    dates = [b["done_on"] for b in bodies if b.get("done_on")]
    return "done", max(dates) if dates else None


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_date(value) -> date | None:
    """ISO `YYYY-MM-DD` (or `DD/MM/YYYY` as Vietnamese write it) → date; None for anything partial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _DMY.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def version_key(version: str | None) -> tuple[int, ...]:
    """`0.10.2` → (0, 10, 2); comparable extractor versions."""
    return tuple(int(n) for n in re.findall(r"\d+", version or "")) or (0,)


def fold(text: str | None) -> str:
    """Case-, accent- and space-insensitive form for comparisons (and the documents' `search` column)."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.findall(r"\w+", text))


def resolve_assignee(name: str | None) -> str | None:
    """The gazetteer's canonical name of a body (`extractors.gazetteer.resolve`), used as its id;
    None when the gazetteer does not list it (a body guessed from its head word only) or is absent."""
    if not name or ";" in name:
        return None
    try:
        from extractors.gazetteer import resolve
    except ImportError:
        return None
    try:
        hit = resolve(name)
    except Exception:  # a gazetteer failure must not stop ingestion
        return None
    if hit is None:
        return None
    if isinstance(hit, str):
        return hit
    if isinstance(hit, dict):
        return hit.get("id") or hit.get("name")
    if getattr(hit, "level", None) == "unit":     # only its head word is known
        return None
    return str(getattr(hit, "id", None) or getattr(hit, "name", None) or "") or None


def tracked_assignee(lead: str | None, assignees: list[str] | None) -> str | None:
    """The body a task is tracked under: its lead (chủ trì), else its assignees together."""
    return lead or "; ".join(a for a in (assignees or []) if a) or None


# ---- matching tasks across re-extraction -------------------------------------------------

MATCH_THRESHOLD = 0.5


def _assignee_similarity(a: list[str], b: list[str]) -> float:
    fa, fb = {fold(x) for x in a if x}, {fold(x) for x in b if x}
    if not fa and not fb:
        return 1.0
    if not fa or not fb:
        return 0.0
    small, large = sorted((fa, fb), key=len)
    best = [max(SequenceMatcher(None, x, y).ratio() for y in large) for x in small]
    return sum(best) / len(best) * (len(small) / len(large)) ** 0.5


def _action_similarity(a: str, b: str) -> float:
    """Word-sequence similarity; a text that contains the other (one extraction cut it short) scores high."""
    wa, wb = fold(a).split(), fold(b).split()
    if not wa and not wb:
        return 1.0
    if not wa or not wb:
        return 0.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    return max(matcher.ratio(), 0.9 * common / min(len(wa), len(wb)))


MIN_ACTION_SIMILARITY = 0.3


def task_similarity(old: dict, new: dict) -> float:
    """0..1 from assignees (40%) and action (60%) of two task dicts (`assignees`, `lead`, `action`);
    0 when the actions have too little in common (another task of the same body)."""
    old_bodies = list(old.get("assignees") or []) or ([old["lead"]] if old.get("lead") else [])
    new_bodies = list(new.get("assignees") or []) or ([new["lead"]] if new.get("lead") else [])
    action = _action_similarity(old.get("action") or "", new.get("action") or "")
    if action < MIN_ACTION_SIMILARITY:
        return 0.0
    return 0.4 * _assignee_similarity(old_bodies, new_bodies) + 0.6 * action


def match_tasks(old: list[list[dict]], new: list[dict], threshold: float = MATCH_THRESHOLD) -> dict[int, int]:
    """Greedy best-first matching of new tasks to old ones → {new index: old index}.

    `old[i]` lists the forms of old task i to compare with (its extracted and its corrected form);
    the best form counts. Pairs below `threshold` stay unmatched.
    """
    pairs = []
    for j, n in enumerate(new):
        for i, forms in enumerate(old):
            score = max(task_similarity(f, n) for f in forms)
            if score >= threshold:
                pairs.append((score, -abs(i - j), i, j))
    pairs.sort(reverse=True)
    used_old, result = set(), {}
    for _, _, i, j in pairs:
        if i not in used_old and j not in result:
            used_old.add(i)
            result[j] = i
    return result


# ---- one incoming document across its files ---------------------------------------------

def incoming_key(record: dict, issuer_unit: int | None = None) -> str | None:
    """The identity of an incoming document across copies and re-sent versions: its số ký hiệu (folded,
    leading zeros of the number dropped), its issuer (its unit when the directory knows it) and its date;
    without a number, the text it carries (subject and tasks) instead. None: too little to tell copies apart."""
    import hashlib

    symbol = fold(record.get("symbol")).replace(" ", "")
    symbol = re.sub(r"^0+(?=\d)", "", symbol)
    issuer = f"u{issuer_unit}" if issuer_unit else fold(record.get("issuer")).replace(" ", "")
    day = record.get("date") or ""
    if symbol and (issuer or day):
        basis = f"s|{symbol}|{issuer}|{day}"
    else:
        words = " ".join([record.get("subject") or ""] + [t.get("action") or "" for t in record.get("tasks") or []])
        text = fold(words)
        if len(text) < 20 or not (issuer or day):
            return None
        basis = f"t|{text}|{issuer}|{day}"
    return hashlib.sha256(basis.encode()).hexdigest()
