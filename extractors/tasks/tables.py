"""Step 4: schedule-table rows (DOCX cells, or cells rebuilt by `positioned`) that name who acts and by when."""
from __future__ import annotations

import re
from datetime import date

from extractors.deadlines import find_deadline
from extractors.tasks.assignees import _split_names, is_actor_head, own_assignees
from extractors.tasks.common import Folded
from extractors.tasks.sections import Draft, lines_box
from models.layout import Line

_ROLE_WHEN = Folded(r"(thời\s+gian|thời\s+hạn|^\s*ngày|tiến\s+độ)")
_ROLE_WHAT = Folded(r"(nội\s+dung|công\s+việc|nhiệm\s+vụ|hoạt\s+động)")
_ROLE_WHO = Folded(r"(đơn\s+vị|chủ\s+trì|phối\s+hợp|người|bộ\s+phận|trách\s+nhiệm|thực\s+hiện)")


def _roles(header: dict[int, str]) -> dict[int, str]:
    """Column roles from a table's header row: `when` (Thời gian), `what` (Nội dung công việc),
    `who` (Đơn vị chủ trì/phối hợp, Người thực hiện)."""
    roles: dict[int, str] = {}
    for c, text in header.items():
        if _ROLE_WHEN.search(text):
            roles[c] = "when"
        elif _ROLE_WHAT.search(text):
            roles[c] = "what"
        elif _ROLE_WHO.search(text):
            roles[c] = "who"
    return roles


def _who_cell(text: str) -> list[str]:
    """The bodies of a `who` cell (`Phòng Đào tạo; Trung tâm QLCL`), or [] when it names none. OCR
    spill of the header's second line (lower-case words before the name) and specks after it go."""
    text = re.sub(r"^(?:[a-zà-ỹđ]+\s+)+(?=[A-ZĐÀ-Ỹ])", "", text.strip())
    text = re.sub(r"(?:\s+[^\s]{1})+$", "", text)
    names = [n for part in re.split(r"\s*;\s*", text.strip(" .;,")) if part for n in _split_names(part)]
    pieces = [p.strip() for n in names for p in n.split(",")]
    if len(pieces) > len(names) and all(len(p.split()) >= 2 and is_actor_head(p) for p in pieces):
        names = pieces        # `Các trường THPT, trung tâm GDNN-GDTX`
    if names and all(is_actor_head(n) for n in names):
        return names
    # the column says who acts: a short capitalised cell without figures is a name the gazetteer
    # lacks (`SYT`, `Tổ chuyên gia`)
    if names and len(text.split()) <= 10 and all(n[:1].isupper() and not re.search(r"\d", n) for n in names):
        return names
    return []


def _table_tasks(lines: list[Line], doc_date: date | None) -> list[Draft]:
    rows: dict[tuple[int, int], dict[int, str]] = {}
    pages: dict[tuple[int, int], int] = {}
    row_lines: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        if ln.cell is None:
            continue
        t, r, c = ln.cell
        cells = rows.setdefault((t, r), {})
        cells[c] = (cells.get(c, "") + " " + ln.text).strip()
        pages.setdefault((t, r), ln.page)
        row_lines.setdefault((t, r), []).append(ln)
    roles: dict[int, dict[int, str]] = {}
    out: list[Draft] = []
    for key_, cells in sorted(rows.items()):
        texts = [cells[c] for c in sorted(cells)]
        dates = [t for t in texts if find_deadline(t, doc_date, table_cell=True).date]
        if key_[0] not in roles and not dates:
            roles[key_[0]] = _roles(cells)   # the first row without dates: the header
            continue
        role = roles.get(key_[0], {})
        who = [c for c, r in role.items() if r == "who" and cells.get(c)]
        what = [c for c, r in role.items() if r == "what" and cells.get(c)]
        if who and what:
            # a schedule table (`Nội dung công việc | Thời gian | Đơn vị thực hiện`): each row that
            # names who acts is a task, its deadline from the time column (none when it gives a
            # duration only)
            names = _who_cell(cells[who[0]])
            if names:
                out.append(Draft(names, cells[what[0]], " | ".join(texts), pages[key_], table_cell=True,
                                 box=lines_box(row_lines[key_], pages[key_])))
                out[-1].lead = " ".join(cells[c] for c, r in role.items() if r == "when" and cells.get(c)) \
                    or " ".join(dates)
                continue
        if not dates or who and not any(r == "what" for r in role.values()):
            continue    # a table of who gets what (rooms, quotas by unit) without a column of work
        for cell_text in texts:
            if cell_text in dates or len(cell_text.split()) < 3:
                continue
            names, action, _ = own_assignees(cell_text)
            if names and len(action.split()) >= 2:
                out.append(Draft(names, action, " | ".join(texts), pages[key_], table_cell=True,
                                 box=lines_box(row_lines[key_], pages[key_])))
                out[-1].lead = " ".join(dates)   # carries the date cell text for the deadline
                break
    return out
