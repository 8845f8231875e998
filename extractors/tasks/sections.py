"""Step 3: tasks of sections (a section headed by a body, items that each name their own body, a
section of one body) and of unnumbered paragraphs (sentence-level assignments)."""
from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from extractors import nlp
from extractors.tasks.assignees import (
    _ASSIGN,
    _CONTEXT,
    _verb_words,
    heading_bodies,
    is_actor_head,
    leading_bodies,
    own_assignees,
)
from extractors.tasks.closing import _INFORMS, _NOT_WORK, _is_not_task
from extractors.tasks.common import Folded, fold
from extractors.tasks.paragraphs import _CUE_START, MARKER, Node, Para, closing_opener
from extractors.tasks.words import pattern

_SKIP_HEAD = Folded(r"^((thành\s+phần|thời\s+gian|địa\s+điểm)(\s+[\w\s]{0,25})?\s*(:|\(|$)|mục\s+đích|kinh\s+phí\s*:|căn\s+cứ|nơi\s+nhận|"
                        r"điều\s+kiện|hồ\s+sơ|đối\s+tượng|phạm\s+vi)")
_SPLIT_HEAD = Folded(r"(tổ\s+chức\s+thực\s+hiện|phân\s+công|trách\s+nhiệm|nhiệm\s+vụ\s+cụ\s+thể|giao\s+nhiệm\s+vụ)")


# a sentence that introduces what follows (`Sở Y tế xây dựng kế hoạch … như sau:`) or tells what
# happened (`Cục Thuế nhận được …`, `… xin trân trọng thông báo …`): no work
_INTRODUCES = Folded(r"(như\s+sau|sau\s+đây|(các|những)\s+(nội\s+dung|việc|công\s+việc|vấn\s+đề)(\s+[\w]+){0,2}\s+sau)\s*[:.]?\s*$")
_NARRATES = Folded(r"^((xin\s+)?trân\s+trọng|xin\s|nhận\s+được|đã\s|vừa\s|báo\s+cáo\s+(kết\s+quả|tình\s+hình))")

# the document reports or submits (báo cáo, tờ trình): its sentences tell what bodies did, and only
# an explicit request (`đề nghị`, `kiến nghị`, `giao`) gives work; set by `extract_tasks`
REPORT_DOC: ContextVar[bool] = ContextVar("REPORT_DOC", default=False)
# the issuing body: a sentence in which it is the subject without a marker of duty tells what the
# issuer itself does or did (`Thanh tra Sở xây dựng kế hoạch …`); set by `extract_tasks`
ISSUER: ContextVar[str] = ContextVar("ISSUER", default="")


def _issuer_itself(names: list[str]) -> bool:
    """A name that is the issuer's, whole or as its head (`Thanh tra Sở` of `Thanh tra Sở Y tế`);
    not a body under it (`Các đơn vị trực thuộc Sở Y tế`) nor a word inside it (`Ban` in `Ủy ban`)."""
    issuer = " ".join(fold(ISSUER.get()).split())
    if not issuer:
        return False
    for name in names:
        name = " ".join(fold(name).split())
        if not name or re.search(r"\bthuoc\b", name):
            continue
        if name == issuer or issuer.startswith(name + " ") and len(name.split()) >= 2 or name.startswith(issuer + " "):
            return True
    return False


@dataclass
class Draft:
    assignees: list[str]
    action: str
    text: str
    page: int
    lead: str | None = None
    table_cell: bool = False
    box: tuple[float, float, float, float] | None = None   # where on `page` it was read (page units)


def lines_box(lines, page: int) -> tuple[float, float, float, float] | None:
    """The box around the lines on `page` (a draft's source; the record gives it as page fractions)."""
    on = [ln for ln in lines if ln.page == page]
    if not on:
        return None
    return (min(ln.x0 for ln in on), min(ln.top for ln in on), max(ln.x1 for ln in on), max(ln.bottom for ln in on))


def node_lines(node: Node) -> list:
    """The lines of a section: its heading, continuation paragraphs and items."""
    return node.para.lines + [ln for p in node.cont for ln in p.lines] + [ln for c in node.children for ln in node_lines(c)]


def _same(a: list[str], b: list[str]) -> bool:
    norm = lambda xs: {re.sub(r"\b(các|những)\b|\s+", "", x.lower()) for x in xs}
    return norm(a) == norm(b)


def _unit_tasks(node: Node, inherited: list[str] | None) -> list[Draft]:
    """The tasks of one section: its heading's bodies, its items' own bodies, the body of its
    text, or (last) the bodies of the lead-in sentence above it (`inherited`)."""
    head = node.para.body
    if _SKIP_HEAD.match(head):
        return _info_section_tasks(node)
    hb = heading_bodies(head) if len(head) < 220 else None
    kids = [c for c in node.children if c.para.body]
    if hb and not hb[1] and len(kids) >= 2:
        # `6.2. Đoàn thẩm định:` whose items each name a member (`- Trưởng đoàn …`, `- Thư ký …`):
        # the members' tasks
        owns = [own_assignees(c.para.body)[0] for c in kids]
        if all(o and not _same(o, hb[0]) and all(_ROLE_HEAD.match(n.lower()) for n in o) for o in owns):
            return [d for c in kids for d in _unit_tasks(c, inherited)]
    if hb:
        return _headed_section(node, *hb)
    if kids:
        split = _split_items(node, kids, inherited)
        if split is not None:
            return split
    return _own_section(node, kids, inherited)


_ROLE_HEAD = pattern("role_heads")


def _info_section_tasks(node: Node) -> list[Draft]:
    """An information section (Thời gian, Địa điểm …) is not work, but a sub-section of notes
    inside it (`- Một số lưu ý:`) can assign work."""
    return [d for c in node.children if c.para.body.rstrip().endswith(":") and not _SKIP_HEAD.match(c.para.body)
            for g in c.children for d in _unit_tasks(g, None)]


def _closing_para(text: str) -> bool:
    """A paragraph after the last item that closes the document (`Bộ Y tế đề nghị Ủy ban nhân dân
    các tỉnh … quan tâm, chỉ đạo thực hiện./.`, `Trên đây là …`): never part of the item's action."""
    if closing_opener(text):
        return True
    names, action, cue = own_assignees(text)
    return bool(names) and (cue and _is_not_task(text, action) or bool(_INFORMS.match(action.strip())))


def _headed_section(node: Node, names: list[str], rest: str) -> list[Draft]:
    """`2. Sở Giáo dục và Đào tạo` (or `Sở Nội vụ: rà soát …`): the whole section is its task."""
    head = node.para.body
    # an item that names another body of its own (`2. Sở Y tế:` … `- Văn phòng Sở: Đảm bảo hậu
    # cần …`) is that body's task, not part of the section's
    own_items = [c for c in node.children if _other_body_item(c, names)]
    kids = [c for c in node.children if c not in own_items]
    others = _other_requests(node, names)
    conts = [p for p in node.cont if p not in others]
    body_text = (head + " " + " ".join([p.text for p in conts] + [c.full_text() for c in kids])).strip()
    action = (rest + " " + " ".join([p.text for p in conts if not _closing_para(p.text)] +
                                    [c.full_text() for c in kids])).strip()
    extra = [d for c in own_items for d in _unit_tasks(c, None)] + _closing_requests(others)
    if not action or _is_not_task(body_text, action):
        return extra
    return [Draft(names, action, body_text, node.para.page,
                  box=lines_box(node.para.lines + [ln for p in conts for ln in p.lines] +
                                [ln for c in kids for ln in node_lines(c)], node.para.page))] + extra


def _other_requests(node: Node, names: list[str]) -> list[Para]:
    """Continuation paragraphs of a body's section that ask other bodies (`Ủy ban nhân dân tỉnh yêu
    cầu Thủ trưởng các sở … triển khai thực hiện nghiêm túc Chỉ thị này. Giao cho Cục … theo dõi …`,
    the closing glued under the last item): never part of the section's action."""
    out = []
    for p in node.cont:
        other, _, cue = own_assignees(p.text)
        if cue and other and not _same(other, names) and not set(other) & set(names) and _ASSIGN.search(p.text).start() < 80:
            out.append(p)
    return out


def _closing_requests(paras: list[Para]) -> list[Draft]:
    """The requests in such paragraphs, sentence by sentence (the closing formula itself is none)."""
    return [d for p in paras for d in _paragraph_tasks(p.text, p.page, lines_box(p.lines, p.page))]


def _other_body_item(node: Node, names: list[str]) -> bool:
    """Is the item a duty of another body than the section's (`- Văn phòng Sở: Đảm bảo …`,
    `- Phòng Nghiệp vụ Y làm đầu mối …`)?"""
    text = node.para.body
    if node.children or len(names) != 1:
        return False        # a lead-in to a list of its own (`- Bệnh viện … cử cán bộ như sau:`)
    hb = heading_bodies(text)
    own = hb[0] if hb and hb[1] else leading_bodies(text)[0] if not _CUE_START.match(text) else own_assignees(text)[0]
    if not own or _same(own, names) or set(own) & set(names) or {_head_noun(o) for o in own} & {_head_noun(names[0])}:
        return False        # also the members of the section's group (`Các khoa …`: `Khoa Công nghệ …`)
    if hb and hb[1]:
        return _starts_with_verb(hb[1][:1].lower() + hb[1][1:])
    return _duty_sentence(Draft(own, text, text, node.para.page), [text])


def _head_noun(name: str) -> str:
    words = re.sub(r"^(các|những|từng|mỗi)\s+", "", name.strip().lower()).split()
    return words[0] if words else ""


def _split_items(node: Node, kids: list[Node], inherited: list[str] | None) -> list[Draft] | None:
    """Items that each name their own body are tasks of their own; items of one and the same body
    make one task. None when the section is not split."""
    head = node.para.body
    split_head = _SPLIT_HEAD.search(head)
    owns: list[list[str]] = [own_assignees(c.para.body)[0] or (heading_bodies(c.para.body) or ([], ""))[0] for c in kids]
    if all(owns) and (len(kids) >= 2 or split_head):
        if len(kids) >= 2 and all(_same(o, owns[0]) or set(o) & set(owns[0]) for o in owns) and not split_head:
            body_text = (head + " " + node.full_text(with_heading=False).strip()).strip()
            longest = max(owns, key=lambda o: len(" ".join(o)))
            return [Draft(longest, body_text, body_text, node.para.page, box=lines_box(node_lines(node), node.para.page))]
        return _opening_tasks(node) + [d for c in kids for d in _unit_tasks(c, inherited)]
    if not any(owns) and not split_head and own_assignees(head)[0]:
        return None     # `Điều 2. Tổ … có nhiệm vụ …:` + its content items: the head's body's task
    if split_head or not any(owns):
        nested = [d for c in kids for d in _unit_tasks(c, None)]
        if nested and (split_head or all(_SPLIT_HEAD.search(c.para.body) or heading_bodies(c.para.body) or _items_named(c)
                                         for c in kids if _unit_tasks(c, None))):
            return nested
        # a section of mixed content (`II. Nội dung, phương pháp`: aims, methods, and a sentence
        # `Từng khoa … báo cáo …`): only what a duty sentence gives its subject is work
        # (in a report's section only what `giao`/`đề nghị`/`yêu cầu` asks for)
        report = _report_head(head)
        duty = [d for c in kids for d in _unit_tasks(c, None) if _duty_sentence(d, _paragraph_texts(c), cue_only=report)]
        if duty and inherited is None:
            return duty
    if any(owns) and inherited is None and not _agenda(node) and not _report_head(head):
        # some items name their own body, others only add detail (`- Tổ khảo sát triển khai …`,
        # `- Các khoa cung cấp …`, `- Báo cáo của các khoa phải …`): the duty items are tasks, one
        # per body, its items joined in order
        merged: list[Draft] = []
        for c in kids:
            for d in _unit_tasks(c, None):
                if not _duty_sentence(d, _paragraph_texts(c)):
                    continue
                same = next((m for m in merged if _same(m.assignees, d.assignees)), None)
                if same is None:
                    merged.append(d)
                else:
                    same.action += " " + d.action
                    same.text += " " + d.text
        if merged:
            return _opening_tasks(node) + merged
    return None


_NOT_DUTY = Folded(r"^(đã|đang|được|bị|vẫn|chưa|không|là(?!\s+(đơn\s+vị\s+|cơ\s+quan\s+)?(đầu\s+mối|chủ\s+trì|thường\s+trực))|cũng\s+đã|có\s+(?!trách\s+nhiệm|nhiệm\s+vụ|kế\s+hoạch|văn\s+bản|báo\s+cáo))\b")


_DAYTIME = Folded(r"^\s*((buổi\s+)?(sáng|chiều|trưa|tối)(\s+ngày\b[^:]{0,20})?|\d{1,2}\s*(h|giờ)\s*\d{0,2}(\s*-\s*\d{1,2}\s*(h|giờ)\s*\d{0,2})?)\s*:?\s*$")


def _agenda(node: Node) -> bool:
    """Is the section the running order of a meeting or visit (`Sáng:`, `Chiều:`, `8h00 - 9h00`
    between its items)? Who speaks at a meeting is no task."""
    paras = [p.text for p in node.cont] + [p.text for c in node.children for p in c.cont]
    return any(_DAYTIME.match(t) for t in paras)


def _report_head(head: str) -> bool:
    """A section that reports or explains (`I. KẾT QUẢ THỰC HIỆN`, `Khó khăn, vướng mắc`)."""
    return bool(pattern("report_heads", folded=True).match(fold(head.strip())))


_INTRO = Folded(r"^(căn\s+cứ|trên\s+cơ\s+sở|riêng|đối\s+với|ngoài\s+ra|đồng\s+thời|sau\s+khi|trong|theo|để|từ\s+ngày|"
                r"hằng\s+(năm|quý|tháng)|hàng\s+(năm|quý|tháng)|định\s+kỳ|khi)\b")


def _paragraph_texts(node: Node) -> list[str]:
    return [node.para.body] + [p.text for p in node.cont] + [t for c in node.children for t in _paragraph_texts(c)]


def _duty_sentence(d: Draft, paragraphs: list[str], cue_only: bool = False) -> bool:
    """Does a sentence of the paragraphs give the draft's bodies work: after `giao`/`đề nghị`/`yêu
    cầu`, or as the subject at the sentence's start followed by a verb (`Từng khoa … báo cáo …`),
    not by a report of what was done or a state (`… đã khám`, `… được hỗ trợ`, `… là …`)?"""
    for s in (s for p in paragraphs for s in _sentences(p)):
        s = MARKER.sub("", s, count=1).strip()
        names, action, cue = own_assignees(s)
        if not names or not set(names) & set(d.assignees) and not _same(names, d.assignees):
            continue
        if cue:
            return True
        if cue_only or _INTRODUCES.search(s) or _issuer_itself(names):
            continue    # (`Sở Y tế xây dựng kế hoạch …, cụ thể như sau:`: the issuer introduces its plan)
        lead, _ = leading_bodies(s)
        at = s.find(names[0])
        intro = s[:at].strip() if at > 0 else ""
        # the subject at the start, or after an introductory phrase (`Căn cứ vào chương trình phối
        # hợp, | Liên đoàn Lao động … ký kết …`)
        if (lead or intro.endswith(",") and len(intro.split()) <= 12 and _INTRO.match(intro)) and \
                not _NOT_DUTY.match(action.strip()) and \
                _starts_with_verb(action):
            return True
    return False


_PRE_VERB = re.compile(r"^((tự|sẽ|cần|phải|nên|cùng|đồng\s+thời|tiếp\s+tục|thường\s+xuyên|kịp\s+thời|trực\s+tiếp)\s+)+")


def _starts_with_verb(text: str) -> bool:
    """Does `text` start with a verb (after an adverb or modal: `tự giám sát`, `cần rà soát`)?"""
    text = text.strip()
    pre = _PRE_VERB.match(text)     # exact syllables (folded, `cùng` would take `cung cấp`)
    text = text[pre.end():] if pre else text
    if not text or not text[:1].islower():
        return False
    if _verb_words(text):
        return True
    tagged = nlp.pos_tag(text[:80]) if nlp.enabled("underthesea") else []
    return bool(tagged) and tagged[0][1] == "V"


def _items_named(node: Node) -> bool:
    """Does every item of the section (two or more) name a body of its own (`2.2. Lập danh sách:`
    `- Cơ quan, đơn vị lập …`, `- Bộ phận giúp việc … tổng hợp …`)?"""
    kids = [c for c in node.children if c.para.body]
    return len(kids) >= 2 and all(own_assignees(c.para.body)[0] for c in kids)


def _opening_tasks(node: Node) -> list[Draft]:
    """The sentence that opens a split section and gives work to a body of its own (`Sở Y tế chủ
    trì, hướng dẫn …` before the items `a) Trung tâm …:`)."""
    out: list[Draft] = []
    head = node.para.body
    if not head.rstrip().endswith(":") and not heading_bodies(head):
        # the item's own sentence (`4. Đẩy mạnh …: Khi …, yêu cầu các sở, ngành … có trách nhiệm
        # trả lời …`) before its lettered items
        names, action, cue = own_assignees(head)
        if names and cue and len(action.split()) >= 6 and not _is_not_task(head, action):
            out.append(Draft(names, action, head, node.para.page, box=lines_box(node.para.lines, node.para.page)))
    for p in node.cont:
        names, action, cue = own_assignees(p.text)
        subject = not cue and leading_bodies(p.text)[0] and not _NOT_DUTY.match(action.strip()) and \
            _starts_with_verb(action) and not _CONTEXT.match(p.text)
        if names and (cue or _DUTY.match(action) or subject) and not _is_not_task(p.text, action) and \
                not _closing_para(p.text):
            out.append(Draft(names, action, p.text, p.page, box=lines_box(p.lines, p.page)))
    return out


_DUTY = Folded(r"^\s*(chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|có\s+nhiệm\s+vụ|là\s+(đơn\s+vị|cơ\s+quan)\s+(đầu\s+mối|"
               r"thường\s+trực|chủ\s+trì)|tham\s+mưu)\b")


def _other_body_sentence(names: list[str], action: str, page: int, box=None) -> tuple[str, list[Draft]]:
    """A later sentence of the item whose subject is another body (`Từ đó, Trung tâm … chuẩn bị
    dữ liệu`) is that body's task: (the action without it, [its task])."""
    sents = _sentences(action)
    for k in range(1, len(sents)):
        other, other_action, other_cue = own_assignees(sents[k])
        if other and not other_cue and not _same(other, names) and not set(other) & set(names) and \
                all(len(o.split()) >= 2 and o[:1].isupper() and any(w[:1].isupper() for w in o.split()[1:])
                    for o in other) and \
                not _is_not_task(sents[k], other_action) and not _CONTEXT.match(sents[k]):
            rest = " ".join(sents[k:])
            return " ".join(sents[:k]), [Draft(other, other_action + rest[len(sents[k]):], rest, page, box=box)]
    return action, []


def _own_section(node: Node, kids: list[Node], inherited: list[str] | None) -> list[Draft]:
    """A section of one body: the body its heading text gives work to, else the one its first
    continuation paragraph names, else the one body all its items name, else `inherited`."""
    head = node.para.body
    page = node.para.page
    box = lines_box(node_lines(node), page)
    body_text = (head + " " + node.full_text(with_heading=False).strip()).strip()
    names, action, cue = own_assignees(head)
    extra: list[Draft] = []
    if names:
        action, extra = _other_body_sentence(names, action, page, box)
        # a continuation paragraph that gives work to another body is a task of its own
        kept = []
        for p in node.cont:
            other, other_action, _ = own_assignees(p.text)
            if other and not _same(other, names) and not _is_not_task(p.text, other_action):
                extra.append(Draft(other, other_action, p.text, p.page, box=lines_box(p.lines, p.page)))
            elif not _closing_para(p.text):
                kept.append(p.text)
        full = " ".join(kept + [c.full_text() for c in node.children])
        body_text = (head + " " + full).strip()
        action = (action + " " + full).strip()
    else:
        action = body_text
        for p in node.cont:
            names, rest, cue = own_assignees(p.text)
            if names and (_NOT_WORK.match(rest.strip()) or _NOT_DUTY.match(rest.strip()) or
                          not _duty_sentence(Draft(names, rest, p.text, p.page), [p.text])):
                names = []      # `Tổ trưởng … có quyền …`: a right; `Sở … đã tổ chức …`: a report; no work
            if names:
                break
    if not names and kids:
        owns = [own_assignees(c.para.body)[0] for c in kids]
        found = [o for o in owns if o]
        if found and all(_same(o, found[0]) for o in found) and (inherited is None or len(found) == len(owns)):
            names = max(found, key=lambda o: len(" ".join(o)))
    if not names and inherited:
        names = inherited
    if not names:
        return []
    if _is_not_task(body_text, action):
        return extra
    return [Draft(names, action, body_text, page, box=box)] + extra


_LEAD_IN_TAIL = Folded(r"\s+(tập\s+trung\s+|khẩn\s+trương\s+)?(thực\s+hiện|triển\s+khai|quán\s+triệt)[^:]*(sau|như\s+sau|sau\s+đây)\s*:\s*$")


def _lead_in(text: str) -> str | None:
    """The addressees of a lead-in sentence (`… yêu cầu X, Y thực hiện các nội dung sau:`)."""
    if not text.rstrip().endswith(":"):
        return None
    for m in _ASSIGN.finditer(text):
        verb = text[m.start(1):m.end(1)].lower()
        if fold(verb).endswith("giao") and verb.split()[-1] != "giao" or \
                fold(verb).startswith("chi thi") and not text[m.start(1):m.end(1)].islower():
            continue
        rest = text[m.end():]
        t = _LEAD_IN_TAIL.search(rest)
        if t:
            return rest[:t.start()]
    return None


def _names_own(node: Node) -> bool:
    """Does a section (or any part of it) name a body of its own?"""
    if heading_bodies(node.para.body) or own_assignees(node.para.body)[0]:
        return True
    return any(own_assignees(p.text)[0] for p in node.cont) or any(_names_own(c) for c in node.children)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ])", text) if s.strip()]


def _paragraph_tasks(para_text: str, page: int, box=None) -> list[Draft]:
    """Sentence-level tasks of an unnumbered paragraph."""
    out: list[Draft] = []
    sents = _sentences(para_text)
    k = 0
    while k + 1 < len(sents):
        # `Yêu cầu Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện … thực hiện …`: a list of
        # addressees split at `;` is one sentence
        names_k, action_k, cue_k = own_assignees(sents[k])
        assign = _ASSIGN.search(sents[k])
        if sents[k].rstrip().endswith(";") and cue_k and not _starts_with_verb(action_k.strip(" ;,.")) and is_actor_head(sents[k + 1]) \
                and assign is not None and assign.start() < 60:
            sents[k:k + 2] = [sents[k] + " " + sents[k + 1]]
            continue
        k += 1
    i = 0
    while i < len(sents):
        s = sents[i]
        names, action, cue = own_assignees(s)
        marker = cue or re.search(r"\b(chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương|tham\s+mưu)\b", s, re.I)
        # a body as the subject of a sentence at its start, with a verb of work (`Các khoa thông báo
        # lịch thi đến sinh viên.`), outside a report or submission (which tells what was done)
        subject = names and not marker and not REPORT_DOC.get() and leading_bodies(s)[0] and \
            not _NOT_DUTY.match(action.strip()) and not _NARRATES.match(action.strip()) and \
            not _INTRODUCES.search(s) and _starts_with_verb(action) and len(action.split()) >= 4 and \
            not _issuer_itself(names)
        if names and (marker or subject) and _lead_in(s) is None and not (_CONTEXT.match(s) and not cue):
            j = i + 1
            while j < len(sents) and not own_assignees(sents[j])[0]:
                action += " " + sents[j]
                j += 1
            if subject and _INTRODUCES.search(action):
                i = j
                continue
            if not _is_not_task(s, action):
                out.append(Draft(names, action.strip(), " ".join(sents[i:j]), page, box=box))
            i = j
            continue
        i += 1
    return out
