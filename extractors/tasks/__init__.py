"""Tasks (who must do what, by when) from the body of a document.

Steps, all pure functions over the layout model, one module each:
1. `paragraphs.build_paragraphs(lines)`: wrapped visual lines (PDF/OCR) → paragraphs, each with its
   numbering marker (`Điều N`, `I.`, `1.`, `1.2.`, `a)`, `-`, `+`); DOCX/TXT lines already are
   paragraphs. Table cells (DOCX) are kept apart as rows.
2. `paragraphs.build_tree(paragraphs)`: numbered sections nest by marker rank; unmarked paragraphs
   continue the open section.
3. `sections`: a section headed by a body (`2. Sở Giáo dục và Đào tạo`) is one task; a section
   whose sub-items each name their own body is split; otherwise a section is one task of the body
   it names (as subject, or after `giao`/`đề nghị`/`yêu cầu`), or of the bodies of the lead-in
   sentence (`… yêu cầu các sở, ban, ngành … thực hiện các nội dung sau:`). Unnumbered
   paragraphs give sentence-level tasks. `closing` says what is not a task: execution articles,
   closing formulas, invitations, attendance lists.
4. `tables`: schedule-table rows in the body that name who acts and by when (`positioned` rebuilds
   the cells of PDF/OCR tables from word positions).
Bodies come from `assignees` over `extractors.nlp` (spaCy matcher over the gazetteer, underthesea
POS for the subject's end), deadlines from `extractors.deadlines`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from extractors import nlp
from extractors.analysis import Analysis, as_analysis
from extractors.deadlines import find_deadline
from extractors.fields.groups import Fields
from extractors.gazetteer import is_body_head
from extractors.normalize import squash_spaces
from extractors.tasks.assignees import (
    _ASSIGN,
    _co,
    _lead,
    _normalized,
    _split_names,
    heading_bodies,
    leading_bodies,
    own_assignees,
)
from extractors.tasks.closing import _GENERIC_REQUEST, _INVITE, _is_not_task
from extractors.tasks.common import fold
from extractors.tasks.paragraphs import MARKER, Node, Para, build_paragraphs, build_tree, cut_closing
from extractors.tasks.positioned import positioned_tables
from extractors.tasks.sections import (
    ISSUER,
    REPORT_DOC,
    Draft,
    _lead_in,
    _names_own,
    _paragraph_tasks,
    _same,
    _unit_tasks,
    lines_box,
    node_lines,
)
from extractors.tasks.spelling import respell
from extractors.tasks.tables import _table_tasks
from extractors.tasks.words import pattern
from models.enums import ExtractionMethod
from models.layout import Document, Line
from models.record import FieldProvenance, Task

__all__ = ["extract_tasks", "build_paragraphs", "build_tree", "positioned_tables", "leading_bodies", "heading_bodies",
           "own_assignees", "document_date", "Para", "Node"]

_KINH_GUI_F = re.compile(r"^\s*kinh\s+gui")


# ---------------------------------------------------------------- public
_HDR_DATE = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.I)


def document_date(doc: Document, value: object) -> date | None:
    """The document's date: the header's `date` field (`value`), else a `ngày … tháng … năm` line."""
    if isinstance(value, str) and re.match(r"^\d{4}", value):
        y, m, d = (value.split("-") + ["", ""])[:3]
        try:
            return date(int(y), int(m or 1), int(d or 1))
        except ValueError:
            pass
    for ln in doc.lines[:40]:
        found = _HDR_DATE.search(ln.text)
        if found:
            try:
                return date(int(found.group(3)), int(found.group(2)), int(found.group(1) or 1))
            except ValueError:
                continue
    return None


def extract_tasks(source: Analysis | Document, fields: Fields | Mapping[str, Any] | None = None) -> list[Task]:
    """Every assignment of work in the body (CONTRACT: Tasks) of the document (its `Analysis`, or a
    bare `Document` analysed here), given its fields (the date, the kind; a test may give a
    {name: value-with-`.value`} map). A file that is not an administrative document (`official`
    false) gives none."""
    if _field(fields, "official") is False:
        return []
    analysis = as_analysis(source)
    doc = analysis.doc
    body = list(analysis.zones.body)
    # the Kính gửi block is addressing, not work
    start = 0
    for i, ln in enumerate(body[:40]):
        if _KINH_GUI_F.match(fold(ln.text)):
            start = i + 1
            while start < len(body) and re.match(r"^\s*[-–+•]", body[start].text) and body[start].text.rstrip().endswith((";", ".", ",")):
                start += 1
            break
    body = body[_addressees_end(body, start):]
    doc_date = document_date(doc, _field(fields, "date"))
    body = positioned_tables(body)
    paras = build_paragraphs([ln for ln in body if ln.cell is None])
    roots = build_tree(paras)
    kind = _field(fields, "doc_type")
    report = REPORT_DOC.set(isinstance(kind, str) and fold(kind).strip() in _REPORT_KINDS)
    issuer = _field(fields, "issuer")
    issuer_token = ISSUER.set(issuer if isinstance(issuer, str) else "")
    try:
        with nlp.document_names(_heading_names(roots)):
            tasks = _tasks_of(roots, body, doc_date)
    finally:
        REPORT_DOC.reset(report)
        ISSUER.reset(issuer_token)
    if _is_invitation(_field(fields, "doc_type"), body):
        # the invited bodies (`Thành phần`, `Kính mời`) are no tasks; a request made in the
        # invitation (`Đề nghị Phòng … chuẩn bị tài liệu`) still is
        tasks = [t for t in tasks if t.source and t.source.text and _ASSIGN.search(t.source.text)
                 and not _INVITE.search(t.source.text)]
    if any(ln.source == "ocr" for ln in body):
        tasks = respell(tasks, [ln.text for ln in doc.lines])
    return tasks


_REPORT_KINDS = ("bao cao", "to trinh")
_INVITATION_KINDS = ("giay moi", "thu moi")


def _field(fields: Fields | Mapping[str, Any] | None, name: str) -> object:
    """The value of one field (`official`, `date`, `doc_type`, `issuer`) of the typed groups or of a map."""
    if isinstance(fields, Fields):
        group = fields.header if name in ("date", "doc_type", "issuer") else fields
        return getattr(group, name).value
    fv = fields.get(name) if fields else None
    return getattr(fv, "value", fv)


def _is_invitation(kind: object, body: list[Line]) -> bool:
    """An invitation to attend: the kind `Giấy mời`/`Thư mời`, or a body that invites (`trân
    trọng kính mời`, `kính mời … đến dự`)."""
    if isinstance(kind, str) and kind.strip():
        if fold(kind).strip() in _INVITATION_KINDS:
            return True
        if fold(kind).strip() not in ("cong van", "thong bao"):
            return False        # a plan or a decision that invites someone still assigns work
    rx = pattern("invitation_markers", anchored=False, folded=True)
    return any(rx.search(fold(ln.text)) for ln in body[:15] if ln.cell is None)


def _addressees_end(body: list[Line], start: int) -> int:
    """After the addressee block at the top of the body: dash lines that each name a body and end
    with `,` `;` `.` (`- Bộ trưởng, Thủ trưởng cơ quan ngang Bộ,`), OCR specks between them, also
    when the `Kính gửi:` label itself was lost to OCR."""
    i, end = start, start
    while i < len(body) and i < start + 14:
        t = body[i].text.strip()
        item = re.sub(r"^[-–+•]\s*", "", t)
        if item != t and len(t.split()) <= 16 and is_body_head(item):
            if t.endswith((",", ";", ".")):
                end = i = i + 1
                continue
            nxt = body[i + 1].text.strip() if i + 1 < len(body) else ""
            if nxt and not re.match(r"^[-–+•]", nxt) and len(nxt.split()) <= 10 and nxt.endswith((",", ";", ".")):
                end = i = i + 2
                continue

        if len(t.split()) <= 3 and (not MARKER.match(t) or len(re.sub(r"\W", "", t)) <= 2) or \
                i == start and t.endswith(":") and len(t.split()) <= 14 and not MARKER.match(t):
            i += 1      # an OCR speck, or the address line (`CHỦ TỊCH UBND TỈNH … điện:`)
            continue
        break
    return end


def _heading_names(roots: list[Node]) -> list[str]:
    """Names that a numbered heading prints alone (`5.1. Trung tâm Quản lý chất lượng`)."""
    out: list[str] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        head = node.para.body
        if node.para.kind and (node.children or node.cont) and len(head) < 120 and ":" not in head:
            hb = heading_bodies(head)
            if hb and not hb[1]:
                out.extend(n for name in hb[0] for n in _split_names(name) if not re.match(r"^(các|những)\s", n, re.I))
    return out


def _tasks_of(roots: list[Node], body: list[Line], doc_date: date | None) -> list[Task]:
    drafts = _section_drafts(roots, doc_date)
    drafts.extend(_table_tasks([ln for ln in body if ln.cell is not None], doc_date))
    # a short repeat of a request to the same body (`Kính trình HĐND tỉnh xem xét, quyết định`)
    drafts = [d for d in drafts if d.table_cell or not _GENERIC_REQUEST.match(d.action) or not any(
        o is not d and _same(o.assignees, d.assignees) and len(o.action.split()) > 6 for o in drafts)]
    return [t for t in (_to_task(d, doc_date) for d in drafts) if t is not None]


def _section_drafts(roots: list[Node], doc_date: date | None) -> list[Draft]:
    """Drafts of the top-level sections in order: numbered sections (`_unit_tasks`, with the
    bodies of the last lead-in sentence), unnumbered paragraphs (sentence-level tasks)."""
    drafts: list[Draft] = []
    inherited: list[str] | None = None
    skip: set[int] = set()
    prev_para_task: Draft | None = None
    for i, node in enumerate(roots):
        if i in skip:
            continue
        if node.para.kind is None and not node.children:
            text = node.full_text()
            lead_in = _lead_in(text)
            if lead_in is not None:
                names, _ = leading_bodies(lead_in)
                inherited = names or inherited
                drafts.extend(_lead_in_request(roots, i, text, lead_in, names, skip))
                continue
            found = _paragraph_tasks(text, node.para.page, lines_box(node_lines(node), node.para.page))
            if not found and prev_para_task is not None and len(text.split()) <= 60 and \
                    not own_assignees(text)[0] and find_deadline(text, doc_date).date:
                # `Văn bản báo cáo … gửi về Sở Y tế chậm nhất ngày 14/11/2017`: the due date of the
                # request just made
                prev_para_task.action += " " + text
                prev_para_task.text += " " + text
                prev_para_task = None
                continue
            drafts.extend(found)
            prev_para_task = found[-1] if found else None
            continue
        prev_para_task = None
        drafts.extend(_unit_tasks(node, inherited))
    return drafts


def _lead_in_request(roots: list[Node], i: int, text: str, lead_in: str, names: list[str],
                     skip: set[int]) -> list[Draft]:
    """One request to one addressee with content items that name no body of their own
    (`Đề nghị X thực hiện các nội dung sau:` + items): one task; the items are consumed (`skip`)."""
    items = []
    for j in range(i + 1, len(roots)):
        if roots[j].para.kind is None:
            break
        items.append(j)
    own = [j for j in items if _names_own(roots[j])]
    if not (names and items) or len(own) == len(items):
        return []
    # the items that name no body of their own are the addressees' work; an item that names its
    # own body (`- Trung tâm … chuẩn bị …`) stays that body's task
    items = [j for j in items if j not in own]
    tail = text[text.find(lead_in) + len(lead_in):].strip()
    action = " ".join([tail] + [roots[j].full_text() for j in items])
    skip.update(items)
    if _is_not_task(action, action):
        return []
    page = roots[i].para.page
    return [Draft(names, action, text + " " + action, page,
                  box=lines_box(node_lines(roots[i]) + [ln for j in items for ln in node_lines(roots[j])], page))]


def _to_task(d: Draft, doc_date: date | None) -> Task | None:
    """The contract's task of a draft: cleaned names, gazetteer names, lead, co-bodies, deadline."""
    names = [re.sub(r"\s+(và|với|cùng)$", "", squash_spaces(n).strip(" ,;:.-")) for n in d.assignees if n.strip(" ,;:.-")]
    if not names:
        return None
    if d.table_cell:
        dl = find_deadline(d.lead or "", doc_date, table_cell=True)
    else:
        dl = find_deadline(d.action, doc_date)
    action = squash_spaces(cut_closing(d.action)).strip(" ,;:")
    if not action:
        return None
    return Task(
        assignees=names, assignees_normalized=_normalized(names, doc_date),
        lead=_lead(names, d.text), co=[c for c in _co(d.action) if c not in names],
        action=action, deadline=dl.date, recurrence=dl.recurrence,
        source=FieldProvenance(page=d.page, text=d.text[:2000], confidence=0.8, method=ExtractionMethod.RULE,
                               box=list(d.box) if d.box else None))
