"""Task tracking rules: the computed state, dates, assignee normalisation, task matching.

Pure functions, no database.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from difflib import SequenceMatcher

# The vocabulary of the Government Office's tracking system (ND30.md, "Registers").
TRONG_HAN = "trong hạn"                  # open, not yet due
QUA_HAN = "quá hạn"                      # open, past due
DUNG_HAN = "đúng hạn"                    # done on or before the deadline
HOAN_THANH_QUA_HAN = "hoàn thành quá hạn"  # done after the deadline
KHONG_THOI_HAN = "không thời hạn"        # no deadline
TASK_STATES = (TRONG_HAN, QUA_HAN, DUNG_HAN, HOAN_THANH_QUA_HAN, KHONG_THOI_HAN)
STATUSES = ("open", "done")

# Correctable fields and their kinds ("text", "list", "date" = ISO day, "docdate" = ISO, may be partial).
DOCUMENT_FIELDS = {
    "doc_type": "text", "number": "text", "symbol": "text", "code": "text", "date": "docdate",
    "place": "text", "issuer": "text", "issuer_parent": "text", "subject": "text",
    "recipients": "list", "distribution": "list",
    "signer.name": "text", "signer.title": "text", "signer.authority": "text",
}
TASK_FIELDS = {
    "assignee": "text", "assignee_id": "text", "assignees": "list", "lead": "text", "co": "list",
    "action": "text", "deadline": "date", "recurrence": "text",
}


def task_state(due: date | None, status: str, done_on: date | None = None, today: date | None = None) -> str:
    """The one place that computes a task's tracking state."""
    if due is None:
        return KHONG_THOI_HAN
    if status == "done":
        return DUNG_HAN if done_on is None or done_on <= due else HOAN_THANH_QUA_HAN
    return TRONG_HAN if (today or date.today()) <= due else QUA_HAN


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
    """Case-, accent- and space-insensitive form for comparisons (never stored)."""
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
