"""Tasks (who must do what, by when) from the body of a document.

Steps, all pure functions over the layout model:
1. `build_paragraphs(lines)`: wrapped visual lines (PDF/OCR) → paragraphs, each with its
   numbering marker (`Điều N`, `I.`, `1.`, `1.2.`, `a)`, `-`, `+`); DOCX/TXT lines already are
   paragraphs. Table cells (DOCX) are kept apart as rows.
2. `build_tree(paragraphs)`: numbered sections nest by marker rank; unmarked paragraphs
   continue the open section.
3. `_unit_tasks`: a section headed by a body (`2. Sở Giáo dục và Đào tạo`) is one task; a
   section whose sub-items each name their own body is split; otherwise a section is one task
   of the body it names (as subject, or after `giao`/`đề nghị`/`yêu cầu`), or of the bodies of
   the lead-in sentence (`… yêu cầu các sở, ban, ngành … thực hiện các nội dung sau:`).
   Unnumbered paragraphs give sentence-level tasks. Not tasks: execution articles, closing
   formulas, invitations, attendance lists.
4. Schedule-table rows in the body that name who acts and by when.
Bodies come from `extractors.nlp` (spaCy matcher over the gazetteer, underthesea POS for the
subject's end), deadlines from `extractors.deadlines`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, wraps

from extractors import nlp
from extractors.deadlines import find_deadline
from extractors.gazetteer import expand_list, is_body_head, resolve
from extractors.normalize import squash_spaces
from extractors.vocab import fold_chars
from extractors.zones import split_zones
from models.layout import Document, Line
from models.record import FieldProvenance, Task

# ---------------------------------------------------------------- paragraphs
MARKER = re.compile(
    r"^\s*(?:(?P<chuong>Chương\s+[IVXLC\d]+)\b\.?|(?P<dieu>Điều\s+\d+)\s*[.:]?|(?P<roman>[IVX]{1,4})\s*[.)/](?!\d)|"
    r"(?P<dotted>(?:\d{1,2}|[$Š§])(?:\.\d{1,2})+)\.?(?=\s)|(?P<arabic>\d{1,2}|[$Š§](?=\.\s+[A-ZĐÀ-Ỹ]))\s*[.)](?!\d)|(?P<letter>[a-zđ])\s*\)|"
    r"(?P<letterdot>[a-zđ])\.(?=\s)|(?P<bullet>[-–—‒•*·])(?=\s|[A-ZĐÀ-Ỹa-zà-ỹ])|(?P<plus>\+)(?=\s))\s*")
RANK = {"chuong": 0, "dieu": 1, "roman": 1, "arabic": 2, "dotted": 3, "letter": 4, "letterdot": 4,
        "bullet": 5, "plus": 6}
_PAGE_NO = re.compile(r"^\s*[-–]?\s*\d{1,3}\s*[-–]?\s*$")
_SENT_END = re.compile(r"[.;:!?…)]\s*(\./?\.?)?\s*$")


@dataclass
class Para:
    text: str
    page: int
    kind: str | None = None      # marker kind (see RANK) or None
    marker: str = ""
    bold: bool = False
    lines: list[Line] = field(default_factory=list)

    @property
    def body(self) -> str:
        return self.text[len(self.marker):].strip() if self.marker else self.text.strip()


def _marker(text: str) -> tuple[str | None, str]:
    m = MARKER.match(text)
    if not m:
        return None, ""
    kind = next(k for k, v in m.groupdict().items() if v)
    if kind == "letterdot" and not re.match(r"^\s*[a-zđ]\.\s+[A-ZĐÀ-Ỹ]", text):
        return None, ""
    return kind, m.group(0)


_SPACES = re.compile(r"\s+")
_KINH_GUI_F = re.compile(r"^\s*kinh\s+gui")


def build_paragraphs(lines: list[Line]) -> list[Para]:
    """Rebuild paragraphs from lines: one paragraph per line for DOCX/TXT; for PDF/OCR a new
    paragraph starts at a numbering marker or bullet, at an indented line, or after a line that
    ends a sentence short of the right margin."""
    lines = [ln for ln in lines if ln.text.strip() and not _PAGE_NO.match(ln.text)]
    if not lines:
        return []
    flowing = [ln for ln in lines if ln.source not in ("docx", "txt")]
    left = right = 0.0
    if flowing:
        xs = sorted(ln.x0 for ln in flowing)
        left = xs[len(xs) // 10]
        rs = sorted(ln.x1 for ln in flowing)
        right = rs[int(len(rs) * 0.8)]
    paras: list[Para] = []
    prev: Line | None = None
    for ln in lines:
        text = _SPACES.sub(" ", ln.text).strip()
        kind, marker = _marker(text)
        new = True
        if ln.source not in ("docx", "txt") and paras and prev is not None and kind is None and prev.page <= ln.page:
            indented = ln.x0 > left + 12
            ended = _SENT_END.search(prev.text) and prev.x1 < right - 25
            centered = ln.x0 > left + 60 and ln.x1 < right - 60
            new = bool(indented or ended or centered) or (prev.bold != ln.bold and len(paras[-1].text) < 120 and prev.bold)
        if new:
            paras.append(Para(text=text, page=ln.page, kind=kind, marker=marker, bold=ln.bold, lines=[ln]))
        else:
            joined = paras[-1].text + (" " if not paras[-1].text.endswith("-") else "") + text
            paras[-1].text = joined
            paras[-1].lines.append(ln)
            paras[-1].bold = paras[-1].bold and ln.bold
        prev = ln
    # OCR reads `1.` as `I.`: a lone `I.` among arabic items without any `II.` is item 1
    romans = [p for p in paras if p.kind == "roman"]
    if romans and all(p.marker.strip().rstrip(".)/ ") in ("I", "l") for p in romans) and \
            any(p.kind == "arabic" and p.marker.strip().startswith("2") for p in paras):
        for p in romans:
            p.kind = "arabic"
    return paras


@dataclass
class Node:
    para: Para
    children: list["Node"] = field(default_factory=list)
    cont: list[Para] = field(default_factory=list)   # unmarked paragraphs that continue it

    @property
    def rank(self) -> int:
        return RANK.get(self.para.kind or "", 99)

    def full_text(self, with_heading: bool = True) -> str:
        parts = [self.para.text] if with_heading else []
        parts += [p.text for p in self.cont]
        parts += [c.full_text() for c in self.children]
        return " ".join(p for p in parts if p)

    def pages(self) -> list[int]:
        return [self.para.page] + [p.page for p in self.cont] + [pg for c in self.children for pg in c.pages()]


# cue words are matched on folded text so they survive OCR tone errors (`yêu câu` → `yeu cau`)
fold = lru_cache(maxsize=4096)(fold_chars)


def _memo_per_nlp_state(func):
    """Memoise a text analysis whose result holds lists of body names, per arguments and NLP
    state (`nlp.state()`: switches, the document's learned names): a section's text is asked
    about again by its parent, its lead-in and the co-bodies. Every caller gets its own lists;
    `.uncached` is the analysis itself."""
    @lru_cache(maxsize=4096)
    def cached(state: tuple, args: tuple, kwargs: tuple):
        return func(*args, **dict(kwargs))

    @wraps(func)
    def memoised(*args, **kwargs):
        found = cached(nlp.state(), args, tuple(sorted(kwargs.items())))
        return None if found is None else tuple(list(v) if isinstance(v, list) else v for v in found)

    memoised.uncached = func
    memoised.cache_clear, memoised.cache_parameters = cached.cache_clear, cached.cache_parameters
    return memoised


class Folded:
    """A regex written in Vietnamese, matched on folded text (see `fold`)."""

    def __init__(self, pattern: str):
        self.rx = re.compile(fold(pattern), re.I)

    def match(self, text: str):
        return self.rx.match(fold(text))

    def search(self, text: str):
        return self.rx.search(fold(text))

    def finditer(self, text: str):
        return self.rx.finditer(fold(text))


_CUE_START = Folded(r"^(kính\s+)?(đề\s+nghị|giao|yêu\s+cầu)\s+")


def build_tree(paras: list[Para]) -> list[Node]:
    roots: list[Node] = []
    stack: list[Node] = []
    for p in paras:
        if p.kind is None:
            heading_like = p.bold and len(p.text) < 90 and not _SENT_END.search(p.text)
            if heading_like or _CUE_START.match(p.text) or not stack:
                node = Node(p)
                roots.append(node)
                stack = [node] if heading_like else []
                continue
            stack[-1].cont.append(p)
            continue
        node = Node(p)
        while stack and stack[-1].rank >= node.rank:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


# ---------------------------------------------------------------- assignees
_SKIP_HEAD = Folded(r"^((thành\s+phần|thời\s+gian|địa\s+điểm)(\s+[\w\s]{0,25})?\s*(:|\(|$)|mục\s+đích|kinh\s+phí\s*:|căn\s+cứ|nơi\s+nhận|"
                        r"điều\s+kiện|hồ\s+sơ|đối\s+tượng|phạm\s+vi)")
_SPLIT_HEAD = Folded(r"(tổ\s+chức\s+thực\s+hiện|phân\s+công|trách\s+nhiệm|nhiệm\s+vụ\s+cụ\s+thể|giao\s+nhiệm\s+vụ)")
_EXECUTION = Folded(r"(chịu\s+trách\s+nhiệm\s+thi\s+hành|thi\s+hành\s+(quyết\s+định|nghị\s+quyết|chỉ\s+thị)\s+này|"
                        r"có\s+hiệu\s+lực\s+(thi\s+hành\s+)?(kể\s+)?từ)")
_CLOSING = Folded(r"^(?:(?:các|những|cơ\s+quan|đơn\s+vị|địa\s+phương|sở|ban|ngành|có\s+liên\s+quan|liên\s+quan|"
                      r"để|[\s,])*)(nghiêm\s+túc|khẩn\s+trương)?\s*(tổ\s+chức\s+)?(triển\s+khai\s+)?(thực\s+hiện|triển\s+khai)"
                      r"(\s+nghiêm\s+túc)?(\s+(các\s+)?(nội\s+dung|văn\s+bản|chỉ\s+thị|công\s+văn|thông\s+báo|kế\s+hoạch|quyết\s+định|"
                      r"yêu\s+cầu)(\s+chỉ\s+đạo)?)?(\s+(này|trên|nêu\s+trên|như\s+trên))?(\s*(\.\s*/\s*\.|\./\.|\.)?\s*)$")
_INVITE = Folded(r"(kính\s+mời|trân\s+trọng\s+kính\s+mời|đến\s+dự|tham\s+dự\s+(cuộc\s+)?họp)")
_CONTEXT = Folded(r"^(thực\s+hiện|căn\s+cứ|xem\s+xét|theo\s+đề\s+nghị|để\s+(?!nghị)|ngày\s+\d|tham\s+dự|sau\s+khi|"
                      r"trên\s+cơ\s+sở\s+đề\s+xuất|nhằm|qua\s+)")
_LEAD_IN = Folded(r"(yêu\s+cầu|đề\s+nghị|giao)\s+(.+?)\s+(tập\s+trung\s+)?(thực\s+hiện|triển\s+khai|quán\s+triệt)"
                      r"[^:]*(sau|như\s+sau|sau\s+đây)\s*:\s*$")
_ASSIGN = Folded(r"(?:^|[\s,;(])((?:kính\s+)?(?:đề\s+nghị|(?<=kính\s)trình|giao(?!\s+(?:dịch|thông|tiếp|lưu)\b)|yêu\s+cầu))\s+")
_CO = Folded(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+")
_LEAD_VERB = Folded(r"chủ\s+trì")
_DISTRICT = re.compile(r",\s*(?=(?:các\s+)?(?:huyện|thị\s+xã|thành\s+phố|quận)\b)", re.I)
_CONNECT = re.compile(r"^\s*(,|;|và|với|cùng|:)?\s*$", re.I)
_PERSON_TITLE = re.compile(r"^(phó\s+)?(chủ\s+tịch|bí\s+thư|thủ\s+tướng|bộ\s+trưởng|giám\s+đốc|hiệu\s+trưởng)\s+(ubnd|ủy\s+ban|uỷ\s+ban|sở|trường|chính\s+phủ)", re.I)


def _strip_cue(text: str) -> str:
    m = _CUE_START.match(text)
    return (text[m.end():] if m else text).strip()


def _split_collective(name: str) -> list[str]:
    """`Các sở, ban, ngành, huyện, thị xã` → the provincial and the district collectives."""
    if re.match(r"^(các\s+)?(sở|ban|ngành)\b", name, re.I):
        parts = _DISTRICT.split(name, maxsplit=1)
        if len(parts) == 2:
            return [parts[0].strip(), parts[1].strip()]
    return [name]


def bodies_in(text: str) -> list[tuple[int, int]]:
    return list(nlp.bodies(text))


def _extend(text: str, pos: int) -> tuple[str, int]:
    """A name cut short at a lower-case syllable (`Trung tâm Quản lý | chất lượng thực hiện`):
    extend over up to three lower-case words when an action verb follows them. With underthesea,
    word segmentation decides first (`nlp.name_end`)."""
    new = nlp.name_end(text, pos)
    if new > pos:
        more, end = _extend(text, new) if new < len(text) and new != pos else ("", new)
        return text[pos:new].rstrip() + more, end
    m = re.match(r"^((?:\s+[a-zà-ỹđ]+){1,3})(?=\s+\S)", text[pos:])
    if not m:
        return "", pos
    words = m.group(1).split()
    tails = [" ".join(text[pos:].split()[j:]) for j in range(len(words) + 1)]
    for k in range(1, len(words) + 1):
        if nlp.STOP_VERBS.match(tails[k]) and not any(
                nlp.STOP_VERBS.match(tails[j]) or words[j] in _NOT_NAME_WORDS for j in range(k)):
            ext = " ".join(words[:k])
            return " " + ext, text.find(ext, pos) + len(ext)
    return "", pos


@_memo_per_nlp_state
def leading_bodies(text: str, allow_subject: bool = True) -> tuple[list[str], int]:
    """The bodies named at the start of `text` (a run of bodies joined by `,`, `và`, `;`) and
    where they end. Falls back to the POS subject noun phrase when it starts with a body head."""
    lm = _LIST_HEAD.match(text)
    if lm:
        end = _list_end(text, lm.end())
        if end > lm.end():
            return expand_list(text[:end].strip(" ,;")), end
    spans = [s for s in bodies_in(text) if s[0] < 250]
    names: list[str] = []
    pos = 0
    lead = re.match(r"^\s*(các\s+đồng\s+chí\s+)?", text, re.I)
    pos = lead.end() if lead else 0
    for s, e in spans:
        if s < pos:
            continue
        if not is_body_head(text[s:e]):
            break
        if not _CONNECT.match(text[pos:s]) and not (not names and text[pos:s].strip() == ""):
            break
        names.append(text[s:e].strip())
        pos = e
    known = resolve(names[-1]) if names else None
    if names and (known is None or known.level == "unit" and known.kind != "role"):
        ext, pos = _extend(text, pos)
        names[-1] += ext
    whole = known is not None and known.level != "unit" and re.match(r"^\s*[a-zà-ỹđ]", text[pos:]) and \
        not re.match(r"^\s*(tỉnh|huyện|thành\s+phố|thị\s+xã|quận|xã|phường|thị\s+trấn)\b", text[pos:])
    # `Sở Tài chính | cân đối, tham mưu …`: the gazetteer name is whole. The POS tagger (the
    # costly part) runs only on text that starts with a body head.
    subj = nlp.subject_end(text) if allow_subject and not whole and is_body_head(text) and \
        not _PERSON_TITLE.match(text) else 0
    if subj > pos:
        # the POS subject runs further than the matched names (an unlisted body name)
        known_subj = resolve(text[:subj].strip(" ,;:"))
        ext, subj2 = _extend(text, subj) if known_subj is None or known_subj.level == "unit" else ("", subj)
        chunk = (text[:subj] + ext).strip(" ,;:")
        if not names or len(chunk) > len(", ".join(names)):
            names = _split_names(chunk)
            pos = subj2
    if names and _PERSON_TITLE.match(names[0]) and not re.match(r"^(chủ\s+tịch)\s+(ủy|uỷ)\s+ban\s+nhân\s+dân\s+các", names[0], re.I):
        return [], 0
    out: list[str] = []
    for n in names:
        out.extend(_split_collective(n))
    return out, pos


_LIST_HEAD = re.compile(r"^\s*[cC]ác\s+(?:Sở|Bộ|Ban|Phòng|Trung\s+tâm|UBND(?:\s+các)?\s+(?:huyện|xã|phường)|"
                        r"(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân(?:\s+các)?\s+(?:huyện|xã|phường))\s*:\s*")


def _list_end(text: str, start: int) -> int:
    """End of a printed list of names after `các Sở:` (capitalised syllables, the lower-case
    syllable of a compound, `và`, commas) — before the verb that follows."""
    end = start
    prev = ""
    for m in re.finditer(r"[\wÀ-ỹ&-]+|,", text[start:]):
        tok = m.group(0)
        if tok[:1].isupper() or tok == "," or tok == "và" or tok == "-":
            pass
        elif tok.islower() and prev[:1].isupper():
            pass
        else:
            break
        if tok not in (",", "và", "-"):
            end = start + m.end()
        prev = tok
    return end


_NOT_NAME_WORDS = {"và", "với", "của", "có", "được", "đã", "sẽ", "là", "giao", "đề", "yêu", "cần", "phải", "không",
                   "các", "những", "trong", "theo", "tại", "để", "thì", "cùng", "về"}


def _split_names(chunk: str) -> list[str]:
    pieces = re.split(r"\s*(?:;|,|\bvà\b)\s*(?=(?:các\s+|Các\s+)?(?:[A-ZĐÀ-Ỹ]|UBND|ủy\s+ban|(?:giám\s+đốc|hiệu\s+trưởng|"
                      r"thủ\s+trưởng|chủ\s+tịch|trưởng\s+(?:các|ban|phòng|khoa))\b))", chunk)
    merged: list[str] = []
    for p in pieces:
        p = p.strip(" ,;")
        if not p:
            continue
        if merged and not is_body_head(p):
            merged[-1] = f"{merged[-1]}, {p}"
        else:
            merged.append(p)
    # keep names that the gazetteer knows whole (`Sở Kế hoạch và Đầu tư`)
    return merged or [chunk]


@_memo_per_nlp_state
def heading_bodies(text: str) -> tuple[list[str], str] | None:
    """A heading that names bodies: `Sở Giáo dục và Đào tạo`, `Đề nghị Công an tỉnh`,
    `Sở Nội vụ: rà soát …` → (bodies, the text after them)."""
    t = _strip_cue(text)
    t = re.sub(r"^(?:đối\s+với|về\s+phía)\s+(?=\S)", "", t, flags=re.I)   # `Đối với các trường …`
    if _LIST_HEAD.match(t):
        return None
    head, _, rest = t.partition(":")
    head = head.strip(" .")
    if not head or len(head.split()) > 18 or not is_body_head(head):
        return None
    if re.search(r"\b(chủ\s+trì|phối\s+hợp|thực\s+hiện|triển\s+khai|tổ\s+chức\s+\w+\s+\w+|khẩn\s+trương|căn\s+cứ)\b", head, re.I) \
            and not rest:
        return None
    names, end = leading_bodies(head)
    covered = head[end:].strip(" ,;.")
    if names and not covered:
        return names, rest.strip()
    if not rest and not nlp.subject_end(head) == 0 and nlp.subject_end(head) >= len(head) - 1:
        return _split_names(head), ""
    if not rest and resolve(head) is not None and not re.search(r"\s(là|được|đã)\s", head):
        return [head], ""
    return None


_MEMBER_LINE = Folded(r"[-–]\s*(thành\s+viên|tổ\s+trưởng|tổ\s+phó|(phó\s+)?trưởng\s+(ban|đoàn)|thư\s+ký|ủy\s+viên|"
                      r"uỷ\s+viên)\s*[;.,]?\s*$")
_LABEL_VALUE = re.compile(r"^\s*:\s*(?:[A-ZĐÀ-Ỹ0-9][\wÀ-ỹ.]*[\s,]+){2}[A-ZĐÀ-Ỹ0-9]")


@_memo_per_nlp_state
def own_assignees(text: str) -> tuple[list[str], str, bool]:
    """Bodies a paragraph gives work to: after `giao`/`đề nghị`/`yêu cầu`, or as the subject of
    the sentence (optionally after a label `Tiêu chuẩn …: UBND huyện …`). Returns (bodies,
    action text without them, explicit cue)."""
    for m in _ASSIGN.finditer(text):
        after = text[m.end():]
        verb = text[m.start(1):m.end(1)].lower()
        if fold(verb).endswith("giao") and verb.split()[-1] != "giao":
            continue    # `giáo`, `giào`: not the verb giao
        if after.startswith("ban ") and text[m.start(1):m.end(1)].lower() == "giao":
            continue    # `giao ban` is a meeting
        names, end = leading_bodies(after)
        if names and verb.endswith("trình") and len(after[end:].split()) <= 6:
            continue    # `kính trình UBND tỉnh dự thảo …`: a submission, not a request
        if names:
            prefix = text[:m.start()].rstrip(" ,")
            requester = (is_body_head(prefix) or _PERSON_TITLE.match(prefix)) and len(prefix.split()) <= 8
            action = (prefix + " " + after[end:].lstrip(" ,:")).strip() \
                if not _CONTEXT.match(text) and m.start() < 120 and not requester else after[end:].lstrip(" ,:")
            return names, action, True
    if _MEMBER_LINE.search(text):
        return [], text, False      # `Ông …, Trưởng phòng … - Thành viên;`: a member of a body being set up
    body = text
    names, end = leading_bodies(body)
    if names and _LABEL_VALUE.match(body[end:]):
        return [], text, False      # `Học viên: Nguyễn Văn A, Khóa …`: a field of a list, not work
    if names:
        return names, body[end:].lstrip(" ,:"), False
    intro = re.match(r"^([^,:;]{3,40}),\s+(?=\S)", body)
    if intro and not is_body_head(intro.group(1)):
        names, end = leading_bodies(body[intro.end():])
        if names:
            return names, body[intro.end() + end:].lstrip(" ,:"), False
    label, sep, rest = body.partition(":")
    if sep and len(label.split()) <= 10 and rest.strip():
        names, end = leading_bodies(rest.strip())
        if names:
            return names, rest.strip()[end:].lstrip(" ,:"), False
    return [], text, False


_CLOSING_SENTENCE = Folded(r"(yêu\s+cầu|đề\s+nghị)\s+[^.;]{0,80}?(nghiêm\s+túc|khẩn\s+trương)?\s*(tổ\s+chức\s+)?(triển\s+khai\s+)?"
                           r"thực\s+hiện(\s+nghiêm\s+túc)?(\s+(các\s+)?(nội\s+dung|văn\s+bản|chỉ\s+thị|công\s+văn|thông\s+báo|"
                           r"kế\s+hoạch|quyết\s+định)(\s+chỉ\s+đạo)?)?(\s+(này|trên|nêu\s+trên))?\s*([./]+.{0,12})?\s*$")


_GENERIC_REQUEST = Folded(r"^\s*(xem\s+xét|cho\s+ý\s+kiến|phê\s+duyệt|quyết\s+định|chỉ\s+đạo)[\s,]*([\w]+[\s,]*){0,4}[./]*\s*$")


_CLOSING_WORDS = Folded(
    r"nghiêm\s+túc|nghiêm|khẩn\s+trương|tập\s+trung|tổ\s+chức|triển\s+khai|thực\s+hiện|chỉ\s+đạo|nội\s+dung|văn\s+bản|"
    r"công\s+điện|công\s+văn|chỉ\s+thị|thông\s+báo|kế\s+hoạch|quyết\s+định|nghị\s+quyết|hướng\s+dẫn|yêu\s+cầu|"
    r"nêu\s+trên|như\s+trên|này|trên|của|các|tại|biết|và|để|đúng|quy\s+định|hiệu\s+quả|kịp\s+thời|đến|được|"
    r"đơn\s+vị|cơ\s+quan|địa\s+phương|học\s+viên|sinh\s+viên|cá\s+nhân|có\s+liên\s+quan|liên\s+quan|tinh\s+thần|"
    r"theo|phối\s+hợp|chủ\s+động|trân\s+trọng|tốt|thời\s+gian|xin|thông\s+báo|cùng|nhau|căn\s+cứ|bảo\s+đảm|đảm\s+bảo|"
    r"tiến\s+độ|chất\s+lượng|chặt\s+chẽ")
_CLOSING_VERB = Folded(r"thực\s+hiện|triển\s+khai|biết")


def _closing_bag(action: str) -> bool:
    """An action made only of the closing vocabulary (`tập trung triển khai thực hiện nghiêm chỉ
    đạo của Công điện này`, `thông báo đến các đơn vị được biết và thực hiện`), bodies aside."""
    text = re.split(r"\./\.|\.\s*/\s*\.", action)[0]
    for s_, e_ in sorted(nlp.bodies(text), reverse=True):
        text = text[:s_] + " " + text[e_:]
    if not _CLOSING_VERB.search(text) or len(text.split()) > 24:
        return False
    rest = re.sub(r"[^\w]+", " ", _CLOSING_WORDS.rx.sub(" ", fold(text)))
    return not re.sub(r"\b(thi|ubnd|uy\s+ban\s+nhan\s+dan|huyen|thi\s+xa|thanh\s+pho|so|ban|nganh|tinh)\b", " ", rest).strip()


_NOT_WORK = Folded(r"^(là\s+(?!(đơn\s+vị\s+|cơ\s+quan\s+)?(đầu\s+mối|chủ\s+trì|thường\s+trực))|được\s+(ưu\s+tiên|hưởng|hỗ\s+trợ|miễn|giảm|"
                   r"phép|công\s+nhận|xét)\b)")


_INFORMS = Folded(r"^thông\s+báo\s+(đến|để|cho|tới)\b.{0,100}(biết|thực\s+hiện)")


def _is_not_task(text: str, action: str) -> bool:
    if _EXECUTION.search(text) or _INVITE.search(text):
        return True
    if _NOT_WORK.match(action.strip()) or _closing_bag(action) or \
            _INFORMS.match(action.strip()) and len(action.split()) <= 20:
        return True    # a definition (`… là doanh nghiệp …`), an entitlement (`được ưu tiên …`), a closing
    if len(text.split()) <= 35 and _CLOSING_SENTENCE.search(text):
        return True
    if _CLOSING.match(action.strip()) and len(action.split()) <= 14:
        return True
    return False


# ---------------------------------------------------------------- drafts
@dataclass
class Draft:
    assignees: list[str]
    action: str
    text: str
    page: int
    lead: str | None = None
    table_cell: bool = False


def _same(a: list[str], b: list[str]) -> bool:
    norm = lambda xs: {re.sub(r"\b(các|những)\b|\s+", "", x.lower()) for x in xs}
    return norm(a) == norm(b)


def _unit_tasks(node: Node, inherited: list[str] | None) -> list[Draft]:
    head = node.para.body
    if _SKIP_HEAD.match(head):
        # an information section (Thời gian, Địa điểm …) is not work, but a sub-section of
        # notes inside it (`- Một số lưu ý:`) can assign work
        return [d for c in node.children if c.para.body.rstrip().endswith(":") and not _SKIP_HEAD.match(c.para.body)
                for g in c.children for d in _unit_tasks(g, None)]
    full = node.full_text(with_heading=False).strip()
    body_text = (head + " " + full).strip()
    page = node.para.page
    hb = heading_bodies(head) if len(head) < 220 else None
    if hb:
        names, rest = hb
        action = (rest + " " + " ".join([p.text for p in node.cont] + [c.full_text() for c in node.children])).strip()
        if not action or _is_not_task(body_text, action):
            return []
        return [Draft(names, action, body_text, page)]
    kids = [c for c in node.children if c.para.body]
    if kids:
        owns = [own_assignees(c.para.body)[0] or (heading_bodies(c.para.body) or ([], ""))[0] for c in kids]
        if all(owns) and (len(kids) >= 2 or _SPLIT_HEAD.search(head)):
            if len(kids) >= 2 and all(_same(o, owns[0]) or set(o) & set(owns[0]) for o in owns) and \
                    not _SPLIT_HEAD.search(head):
                longest = max(owns, key=lambda o: len(" ".join(o)))
                return [Draft(longest, body_text, body_text, page)]
            out: list[Draft] = []
            for c in kids:
                out.extend(_unit_tasks(c, inherited))
            return out
        if _SPLIT_HEAD.search(head) or not any(owns):
            nested = [d for c in kids for d in _unit_tasks(c, None)]
            if nested and (_SPLIT_HEAD.search(head) or all(_SPLIT_HEAD.search(c.para.body) or heading_bodies(c.para.body)
                                                            for c in kids if _unit_tasks(c, None))):
                return nested
    names, action, cue = own_assignees(head)
    extra: list[Draft] = []
    if names:
        # a later sentence of the item whose subject is another body (`Từ đó, Trung tâm … chuẩn
        # bị dữ liệu`) is that body's task
        sents = _sentences(action)
        for k in range(1, len(sents)):
            other, other_action, other_cue = own_assignees(sents[k])
            if other and not other_cue and not _same(other, names) and not set(other) & set(names) and \
                    all(len(o.split()) >= 2 and o[:1].isupper() for o in other) and \
                    not _is_not_task(sents[k], other_action) and not _CONTEXT.match(sents[k]):
                rest = " ".join(sents[k:])
                extra.append(Draft(other, other_action + rest[len(sents[k]):], rest, page))
                action = " ".join(sents[:k])
                break
        # a continuation paragraph that gives work to another body is a task of its own
        kept = []
        for p in node.cont:
            other, other_action, _ = own_assignees(p.text)
            if other and not _same(other, names) and not _is_not_task(p.text, other_action):
                extra.append(Draft(other, other_action, p.text, p.page))
            else:
                kept.append(p.text)
        full = " ".join(kept + [c.full_text() for c in node.children])
        body_text = (head + " " + full).strip()
        action = (action + " " + full).strip()
    else:
        action = body_text
        for p in node.cont:
            names, _, cue = own_assignees(p.text)
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
    return [Draft(names, action, body_text, page)] + extra


_LEAD_IN_TAIL = Folded(r"\s+(tập\s+trung\s+|khẩn\s+trương\s+)?(thực\s+hiện|triển\s+khai|quán\s+triệt)[^:]*(sau|như\s+sau|sau\s+đây)\s*:\s*$")


def _lead_in(text: str) -> str | None:
    """The addressees of a lead-in sentence (`… yêu cầu X, Y thực hiện các nội dung sau:`)."""
    if not text.rstrip().endswith(":"):
        return None
    for m in _ASSIGN.finditer(text):
        verb = text[m.start(1):m.end(1)].lower()
        if fold(verb).endswith("giao") and verb.split()[-1] != "giao":
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


def _paragraph_tasks(para_text: str, page: int) -> list[Draft]:
    """Sentence-level tasks of an unnumbered paragraph."""
    out: list[Draft] = []
    sents = _sentences(para_text)
    i = 0
    while i < len(sents):
        s = sents[i]
        names, action, cue = own_assignees(s)
        if names and (cue or re.search(r"\b(chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương|tham\s+mưu)\b", s, re.I)) \
                and _lead_in(s) is None and not (_CONTEXT.match(s) and not cue):
            j = i + 1
            while j < len(sents) and not own_assignees(sents[j])[0]:
                action += " " + sents[j]
                j += 1
            if not _is_not_task(s, action):
                out.append(Draft(names, action.strip(), " ".join(sents[i:j]), page))
            i = j
            continue
        i += 1
    return out


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
    """The bodies of a `who` cell (`Phòng Đào tạo; Trung tâm QLCL`), or [] when it names none."""
    names = [n for part in re.split(r"\s*;\s*", text.strip(" .;,")) if part for n in _split_names(part)]
    pieces = [p.strip() for n in names for p in n.split(",")]
    if len(pieces) > len(names) and all(len(p.split()) >= 2 and is_body_head(p) for p in pieces):
        names = pieces        # `Các trường THPT, trung tâm GDNN-GDTX`
    return names if names and all(is_body_head(n) for n in names) else []


def _table_tasks(lines: list[Line], doc_date: date | None) -> list[Draft]:
    rows: dict[tuple[int, int], dict[int, str]] = {}
    pages: dict[tuple[int, int], int] = {}
    for ln in lines:
        if ln.cell is None:
            continue
        t, r, c = ln.cell
        cells = rows.setdefault((t, r), {})
        cells[c] = (cells.get(c, "") + " " + ln.text).strip()
        pages.setdefault((t, r), ln.page)
    roles: dict[int, dict[int, str]] = {}
    out: list[Draft] = []
    for key_, cells in sorted(rows.items()):
        texts = [cells[c] for c in sorted(cells)]
        dates = [t for t in texts if find_deadline(t, doc_date, table_cell=True).date]
        if key_[0] not in roles and not dates:
            roles[key_[0]] = _roles(cells)   # the first row without dates: the header
        if not dates:
            continue
        role = roles.get(key_[0], {})
        who = [c for c, r in role.items() if r == "who" and cells.get(c)]
        what = [c for c, r in role.items() if r == "what" and cells.get(c)]
        if who and what:
            names = _who_cell(cells[who[0]])
            if names and not own_assignees(cells[what[0]])[0]:
                out.append(Draft(names, cells[what[0]], " | ".join(texts), pages[key_], table_cell=True))
                out[-1].lead = " ".join(cells[c] for c, r in role.items() if r == "when" and cells.get(c)) \
                    or " ".join(dates)
                continue
        for t in texts:
            if t in dates or len(t.split()) < 3:
                continue
            names, action, _ = own_assignees(t)
            if names and len(action.split()) >= 2:
                out.append(Draft(names, action, " | ".join(texts), pages[key_], table_cell=True))
                out[-1].lead = " ".join(dates)   # carries the date cell text for the deadline
                break
    return out


# ---------------------------------------------------------------- positioned tables
# A schedule table in a PDF text layer or an OCR'd scan comes as positioned words without
# cells. `positioned_tables` finds a table by its `STT`/`TT` header, cuts rows at the numbers
# of the STT column and columns at the empty vertical bands between the rows' words, and
# returns the lines with the table replaced by one cell line per (row, column) — the same
# shape the DOCX reader gives, so `_table_tasks` reads both.
_TT_HEAD = re.compile(r"^(s?tt|số\s*tt)\.?$", re.I)
_HEADER_WORDS = Folded(r"(nội\s+dung|công\s+việc|thời\s+gian|thời\s+hạn|ngày|đơn\s+vị|thực\s+hiện|chủ\s+trì|"
                       r"phối\s+hợp|người|bộ\s+phận|trách\s+nhiệm|ghi\s+chú|hoạt\s+động|nhiệm\s+vụ|tiến\s+độ)")


def _is_anchor(ln: Line, band: tuple[float, float], prev: int) -> bool:
    """Does the line start a row: a short number (or OCR speck of one) in the STT column, the
    rest of the line (if any) right of that column?"""
    if not ln.words:
        return False
    w = ln.words[0]
    centre = (w.x0 + w.x1) / 2
    tok = w.text.strip(".)")
    if not (band[0] - 10 <= centre <= band[1] + 10 or tok.isdigit() and w.x1 <= band[1] + 10):
        return False
    if len(tok) > 3 or w.x1 > band[1] + 12:
        return False
    if len(ln.words) > 1 and ln.words[1].x0 < band[1] + 6:
        return False
    if tok.isdigit():
        return int(tok) == prev + 1 or prev == 0 and int(tok) == 1
    return len(tok) <= 2 and prev > 0      # an OCR'd number (`Ạ` for `4`)


def _columns(words: list, header_x0: list[float]) -> list[tuple[float, float]]:
    """Column x-ranges: runs of x covered by the rows' words, cut at an empty band wider than a
    word space, or at a narrower one where a header word starts (a left-aligned header)."""
    spans = sorted((w.x0, w.x1) for w in words)
    gaps = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]) if 0 < b.x0 - a.x1 < 30 and abs(a.top - b.top) < 3)
    space = gaps[len(gaps) // 2] if gaps else 4.0
    cols: list[list[float]] = []
    for x0, x1 in spans:
        gap = x0 - cols[-1][1] if cols else 0
        if cols and (gap < 2 or gap <= 1.8 * space and not any(cols[-1][1] - 1 <= h <= x0 + 4 for h in header_x0)):
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def positioned_tables(lines: list[Line]) -> list[Line]:
    """Lines with each positioned schedule table (PDF/OCR) replaced by cell lines."""
    out: list[Line] = []
    i = 0
    table_no = 1000
    while i < len(lines):
        ln = lines[i]
        if ln.source in ("docx", "txt") or ln.cell is not None or not ln.words:
            out.append(ln)
            i += 1
            continue
        if not (_TT_HEAD.match(ln.words[0].text) and _header_near(lines, i)):
            gap_table = _rows_by_gap(lines, i)
            if gap_table is None:
                out.append(ln)
                i += 1
                continue
            header, rows, i = gap_table
            out.extend(_cells(table_no, header, rows, (-1.0, -1.0)))
            table_no += 1
            continue
        band = (ln.words[0].x0, ln.words[0].x1)
        rows: list[list[Line]] = []
        header: list[Line] = []
        anchors: list[Line] = []
        j = i
        prev = 0
        pending: list[Line] = []     # lines above the first anchor of a page
        top_aligned = False
        while j < len(lines):
            cur = lines[j]
            if cur.cell is not None or not cur.words:
                break
            if cur.words and _TT_HEAD.match(cur.words[0].text) and _header_near(lines, j):
                band = (cur.words[0].x0, cur.words[0].x1)
                hdr_top, hdr_page = cur.top, cur.page
                k = j
                while k < len(lines) and lines[k].page == hdr_page and lines[k].top <= hdr_top + 15:
                    header.append(lines[k])
                    k += 1
                # garbage just above the repeated header (OCR of the ruling) belongs to it
                while pending and pending[-1].page == hdr_page and pending[-1].top >= hdr_top - 8:
                    header.append(pending.pop())
                if pending and rows:
                    rows[-1].extend(pending)
                pending = []
                j = k
                continue
            if _is_anchor(cur, band, prev):
                tok = cur.words[0].text.strip(".)")
                prev = int(tok) if tok.isdigit() else prev + 1
                rows.append([cur])
                anchors.append(cur)
                # lines above the anchor on its page since the previous anchor: nearer to this one
                keep: list[Line] = []
                prev_anchor = anchors[-2] if len(anchors) > 1 else None
                if prev_anchor is None:
                    # rows whose text starts level with the number (nothing above the first one)
                    top_aligned = not pending
                for p in pending:
                    if prev_anchor is None:
                        nearer_prev = False
                    elif top_aligned:
                        nearer_prev = True
                    elif p.page == prev_anchor.page == cur.page:
                        nearer_prev = p.top - prev_anchor.top < cur.top - p.top
                    elif p.page == cur.page:
                        nearer_prev = cur.top - p.top > 20     # a row running on from the page before
                    else:
                        nearer_prev = True                     # under the previous row on its page
                    (rows[-2] if nearer_prev else keep).append(p)
                rows[-1][:0] = keep
                pending = []
                j += 1
                continue
            if anchors and cur.words[0].x0 < band[1] + 3:
                break     # a line starting in the STT column that is no row number: the text after the table
            if not anchors and cur.top > (header[0].top if header else cur.top) + 60:
                break
            pending.append(cur)
            j += 1
        if len(rows) < 1:
            out.append(ln)
            i += 1
            continue
        # the last row keeps its trailing lines while they follow closely under it
        for p in pending:
            last = rows[-1][-1]
            if p.page == last.page and 0 <= p.top - last.top < 25:
                rows[-1].append(p)
            else:
                j = lines.index(p)
                break
        out.extend(_cells(table_no, header, rows, band))
        table_no += 1
        i = j
    return out


def _rows_by_gap(lines: list[Line], i: int):
    """A table without an STT column: a header of two or more header phrases side by side
    (`Công việc | Người thực hiện | Thời hạn`), rows cut where the line pitch widens.
    Returns (header lines, rows, index after the table) or None."""
    ln = lines[i]
    same = [x for x in lines[i:i + 6] if x.page == ln.page and abs(x.top - ln.top) <= 3]
    if len(same) < 2 or not all(_HEADER_WORDS.match(x.text) for x in same) or \
            len({round(x.x0) for x in same}) < len(same):
        return None
    j = i + len(same)
    header = list(same)
    while j < len(lines) and lines[j].page == ln.page and 0 < lines[j].top - ln.top <= 15 and \
            len(lines[j].text.split()) <= 3:
        header.append(lines[j])
        j += 1
    body: list[Line] = []
    while j < len(lines):
        cur = lines[j]
        if cur.cell is not None or not cur.words or _marker(cur.text)[0] or cur.bold or \
                body and cur.page == body[-1].page and cur.top - body[-1].top > 40:
            break
        body.append(cur)
        j += 1
    tops = sorted({round(x.top, 1) for x in body})
    diffs = [b - a for a, b in zip(tops, tops[1:]) if b - a > 4]
    if not body or not diffs:
        return None
    pitch = min(diffs)
    rows: list[list[Line]] = [[body[0]]]
    for prev, cur in zip(body, body[1:]):
        if cur.page != prev.page or cur.top - prev.top > 1.25 * pitch:
            rows.append([cur])
        else:
            rows[-1].append(cur)
    return header, rows, j


def _header_near(lines: list[Line], i: int) -> bool:
    ln = lines[i]
    text = " ".join(x.text for x in lines[max(0, i - 2):i + 4] if x.page == ln.page and abs(x.top - ln.top) <= 15)
    return bool(_HEADER_WORDS.search(text))


def _cells(table_no: int, header: list[Line], rows: list[list[Line]], band) -> list[Line]:
    out: list[Line] = []
    for page in sorted({ln.page for r in rows for ln in r}):
        words = [w for r in rows for ln in r if ln.page == page for w in ln.words
                 if not (ln.words[0] is w and w.x1 <= band[1] + 12 and len(w.text.strip(".)")) <= 3)]
        hdr = [ln for ln in header if ln.page == page]
        cols = _columns(words, [w.x0 for ln in hdr for k, w in enumerate(ln.words)
                                if _HEADER_WORDS.match(" ".join(x.text for x in ln.words[k:k + 2]))])
        if not cols:
            continue
        if hdr:
            cells: dict[int, list[str]] = {}
            for ln in hdr:
                for w in ln.words:
                    c = _col_of(w, cols, band)
                    cells.setdefault(c, []).append(w.text)
            for c, ws in sorted(cells.items()):
                out.append(Line(text=" ".join(ws), page=page, x0=0, top=hdr[0].top, x1=0, bottom=hdr[0].bottom,
                                cell=(table_no, 0, c), source=hdr[0].source))
        for r, row in enumerate(rows, start=1):
            cells = {}
            top = None
            for ln in sorted((x for x in row if x.page == page), key=lambda x: x.top):
                top = ln.top if top is None else top
                for w in ln.words:
                    cells.setdefault(_col_of(w, cols, band), []).append(w.text)
            for c, ws in sorted(cells.items()):
                out.append(Line(text=" ".join(ws), page=page, x0=0, top=top or 0, x1=0, bottom=top or 0,
                                cell=(table_no, r, c), source=row[0].source))
    return out


def _col_of(w, cols, band) -> int:
    centre = (w.x0 + w.x1) / 2
    if centre <= band[1] + 8:
        return 0
    for k, (a, b) in enumerate(cols, start=1):
        if a - 1 <= centre <= b + 1:
            return k
    return min(range(len(cols)), key=lambda k: min(abs(centre - cols[k][0]), abs(centre - cols[k][1]))) + 1


# ---------------------------------------------------------------- public
_HDR_DATE = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.I)


def document_date(doc: Document, fields: dict) -> date | None:
    fv = fields.get("date") if fields else None
    value = getattr(fv, "value", None) if fv is not None else None
    if isinstance(value, str) and re.match(r"^\d{4}", value):
        y, m, d = (value.split("-") + ["", ""])[:3]
        try:
            return date(int(y), int(m or 1), int(d or 1))
        except ValueError:
            pass
    for ln in doc.lines[:40]:
        m = _HDR_DATE.search(ln.text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1) or 1))
            except ValueError:
                continue
    return None


def _co(text: str) -> list[str]:
    out: list[str] = []
    for m in _CO.finditer(text):
        after = text[m.end():]
        lm = re.match(r"^(các\s+(Sở|Bộ|Ban|Phòng)\s*:\s*)", after, re.I)
        if lm:
            stop = re.search(r"\s(và\s+các\s+cơ\s+quan|khẩn\s+trương|rà\s+soát|tổ\s+chức|triển\s+khai|thực\s+hiện)", after)
            chunk = after[:stop.start()] if stop else after[:200]
            out.extend(expand_list(chunk.split(";")[0]))
            rest = after[stop.start():] if stop else ""
            names, _ = leading_bodies(re.sub(r"^\s*và\s+", "", rest), allow_subject=False)
            out.extend(names)
            continue
        names, _ = leading_bodies(after, allow_subject=False)
        out.extend(n for n in names if n not in out)
    return list(dict.fromkeys(out))


def _lead(names: list[str], text: str) -> str | None:
    if len(names) == 1:
        return names[0]
    for n in names:
        i = text.find(n)
        if i >= 0 and _LEAD_VERB.match(text[i + len(n):].lstrip(" ,")):
            return n
    return None


def _normalized(names: list[str], on: date | None) -> list[str]:
    out: list[str] = []
    for n in names:
        for item in expand_list(n):
            agency = resolve(item, on)
            out.append(agency.name if agency and agency.level != "unit" else item)
    return list(dict.fromkeys(out))


def extract_tasks(doc: Document, fields: dict) -> list[Task]:
    """Every assignment of work in the body (CONTRACT: Tasks)."""
    zones = split_zones(doc)
    body = zones.body
    # the Kính gửi block is addressing, not work
    start = 0
    for i, ln in enumerate(body[:40]):
        if _KINH_GUI_F.match(fold(ln.text)):
            start = i + 1
            while start < len(body) and re.match(r"^\s*[-–+•]", body[start].text) and body[start].text.rstrip().endswith((";", ".", ",")):
                start += 1
            break
    body = body[_addressees_end(body, start):]
    doc_date = document_date(doc, fields)
    body = positioned_tables(body)
    paras = build_paragraphs([ln for ln in body if ln.cell is None])
    roots = build_tree(paras)
    try:
        nlp.learn_names(_heading_names(roots))
        return _tasks_of(roots, body, doc_date)
    finally:
        nlp.learn_names(())


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
                items = []
                for j in range(i + 1, len(roots)):
                    if roots[j].para.kind is None:
                        break
                    items.append(j)
                if names and items and not any(_names_own(roots[j]) for j in items):
                    # one request to one addressee with content items: one task
                    tail = text[text.find(lead_in) + len(lead_in):].strip()
                    action = " ".join([tail] + [roots[j].full_text() for j in items])
                    if not _is_not_task(action, action):
                        drafts.append(Draft(names, action, text + " " + action, node.para.page))
                    skip.update(items)
                continue
            found = _paragraph_tasks(text, node.para.page)
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
    drafts.extend(_table_tasks([ln for ln in body if ln.cell is not None], doc_date))
    # a short repeat of a request to the same body (`Kính trình HĐND tỉnh xem xét, quyết định`)
    drafts = [d for d in drafts if not _GENERIC_REQUEST.match(d.action) or not any(
        o is not d and _same(o.assignees, d.assignees) and len(o.action.split()) > 6 for o in drafts)]
    tasks: list[Task] = []
    for d in drafts:
        names = [squash_spaces(n).strip(" ,;:.-") for n in d.assignees if n.strip(" ,;:.-")]
        if not names:
            continue
        if d.table_cell:
            dl = find_deadline(d.lead or "", doc_date, table_cell=True)
        else:
            dl = find_deadline(d.action, doc_date)
        action = squash_spaces(d.action).strip(" ,;:")
        tasks.append(Task(
            assignees=names, assignees_normalized=_normalized(names, doc_date),
            lead=_lead(names, d.text), co=[c for c in _co(d.action) if c not in names],
            action=action, deadline=dl.date, recurrence=dl.recurrence,
            source=FieldProvenance(page=d.page, text=d.text[:2000], confidence=0.8, method="rules")))
    return tasks
