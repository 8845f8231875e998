"""Steps 1-2: wrapped lines → paragraphs with their numbering marker; paragraphs → a section tree
(numbered sections nest by marker rank; unmarked paragraphs continue the open section)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.tasks.common import Folded, fold
from extractors.tasks.words import pattern
from models.layout import Line

MARKER = re.compile(
    r"^\s*(?:(?P<chuong>Chương\s+[IVXLC\d]+)\b\.?|(?P<dieu>Điều\s+\d+)\s*[.:]?|(?P<roman>[IVX]{1,4})\s*[.)/](?!\d)|"
    r"(?P<dotted>(?:\d{1,2}|[$Š§])(?:\.\d{1,2})+)\.?(?=\s)|(?P<arabic>\d{1,2}|[$Š§](?=\.\s+[A-ZĐÀ-Ỹ]))\s*[.)](?!\d)|(?P<letter>[a-zđ])\s*\)|"
    r"(?P<letterdot>[a-zđ])\.(?=\s)|(?P<step>Bước\s+\d{1,2})\s*[:.)]|(?P<bullet>[-–—‒•*·])(?=\s|[A-ZĐÀ-Ỹa-zà-ỹ])|(?P<plus>\+)(?=\s))\s*")
RANK = {"chuong": 0, "dieu": 1, "roman": 1, "arabic": 2, "dotted": 3, "letter": 4, "letterdot": 4, "step": 5,
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


# a part heading in capitals whose roman number OCR misread (`H.` for `II.`, `HI.` for `III.`)
_OCR_ROMAN = re.compile(r"^\s*(?:[IHl1]{1,3}[VX]?|[VX][IHl1]{0,3})\s*\.\s+(?=[A-ZĐÀ-Ỹ]{2,}[,:]?\s+[A-ZĐÀ-Ỹ]{2,})")


# a part heading whose roman number lost its dot (`II Nội dung kế hoạch:`)
_BARE_ROMAN = re.compile(r"^\s*(?:X{0,2}(?:IX|IV|V?I{1,3}|V))\s+(?=[A-ZĐÀ-Ỹ][a-zà-ỹđA-ZĐÀ-Ỹ]*\s)")


def _marker(text: str) -> tuple[str | None, str]:
    m = MARKER.match(text)
    if not m or m.lastgroup != "roman" and m.group(0).strip()[:1] in "Hl1":
        ocr = _OCR_ROMAN.match(text)
        if ocr and re.search(r"[HlIVX]", ocr.group(0)) and not re.match(r"^\s*\d+\s*\.", text):
            return "roman", ocr.group(0)
    if not m:
        bare = _BARE_ROMAN.match(text)
        if bare and len(text) <= 90 and (text.rstrip().endswith(":") or text.upper() == text):
            return "roman", bare.group(0)     # `VIII Tổ chức thực hiện:`: the dot lost (OCR)
        return None, ""
    kind = next(k for k, v in m.groupdict().items() if v)
    if kind == "letterdot" and not re.match(r"^\s*[a-zđ]\.\s+[A-ZĐÀ-Ỹ]", text):
        return None, ""
    return kind, m.group(0)


_SPACES = re.compile(r"\s+")


def _margins(lines: list[Line]) -> tuple[float, float]:
    """The text block's left edge (most lines start there) and right edge (where full lines end)."""
    xs = sorted(ln.x0 for ln in lines)
    rs = sorted(ln.x1 for ln in lines)
    # the left edge: the first x where a good share of lines start (OCR specks and stamps in the
    # margin start anywhere left of it)
    buckets: dict[int, int] = {}
    for x in xs:
        buckets[int(x // 6)] = buckets.get(int(x // 6), 0) + 1
    need = max(3, len(xs) * 0.15)
    edge = next((b for b in sorted(buckets) if buckets[b] + buckets.get(b + 1, 0) >= need), None)
    left = min((x for x in xs if int(x // 6) >= edge), default=xs[len(xs) // 10]) if edge is not None else xs[len(xs) // 10]
    return left, rs[int(len(rs) * 0.8)]


def build_paragraphs(lines: list[Line]) -> list[Para]:
    """Rebuild paragraphs from lines: one paragraph per line for DOCX/TXT; for PDF/OCR a new
    paragraph starts at a numbering marker or bullet, at an indented line, or after a line that
    ends a sentence short of the right margin."""
    # OCR specks (`à`, `ý`, `l` alone on a line) are no paragraphs: they would end the sentence
    # before them
    lines = [ln for ln in lines if ln.text.strip() and not _PAGE_NO.match(ln.text) and
             not (ln.source == "ocr" and len(re.sub(r"[\W_]", "", ln.text)) <= 2 and not _marker(ln.text.strip())[0])]
    if not lines:
        return []
    flowing = [ln for ln in lines if ln.source not in ("docx", "txt")]
    margins = {0: _margins(flowing)} if flowing else {0: (0.0, 0.0)}
    for page in {ln.page for ln in flowing}:
        on_page = [ln for ln in flowing if ln.page == page]
        if len(on_page) >= 8:
            margins[page] = _margins(on_page)     # a scanned page sits shifted on its sheet
    paras: list[Para] = []
    prev: Line | None = None
    for ln in lines:
        text = _SPACES.sub(" ", ln.text).strip()
        kind, marker = _marker(text)
        new = True
        if closing_opener(text):
            kind = None     # `Trên đây là …` opens the closing: a paragraph of its own
        if ln.source not in ("docx", "txt") and paras and prev is not None and kind is None and prev.page <= ln.page:
            left, right = margins.get(ln.page, margins[0])
            if prev.page != ln.page:
                right = margins.get(prev.page, margins[0])[1]
            indented = ln.x0 > left + 12
            ended = _SENT_END.search(prev.text) and prev.x1 < right - 25
            centered = ln.x0 > left + 60 and ln.x1 < right - 60
            new = bool(indented or ended or centered or closing_opener(text)) or (prev.bold != ln.bold and len(paras[-1].text) < 120 and prev.bold)
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
    children: list[Node] = field(default_factory=list)
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


_CUE_START = Folded(r"^(kính\s+)?(đề\s+nghị|giao|yêu\s+cầu)\s+")


def closing_opener(text: str) -> bool:
    """Does `text` open the closing of the document (`Trên đây là kế hoạch …`, `Nhận được công văn
    này …`)? A section ends before it; it is never part of a task's action."""
    return bool(pattern("closing_openers", folded=True).match(fold(text.strip(" -–+•"))))


def cut_closing(action: str) -> str:
    """The action up to a closing sentence that OCR or the text run glued onto it."""
    folded = fold(action)
    rx = pattern("closing_openers", anchored=False, folded=True)
    for m in rx.finditer(folded):
        if m.start() > 0 and re.search(r"[.;:]\s*$", folded[:m.start()]):
            return action[:m.start()].rstrip()
    return action


def build_tree(paras: list[Para]) -> list[Node]:
    roots: list[Node] = []
    stack: list[Node] = []
    for p in paras:
        if p.kind is None:
            heading_like = p.bold and len(p.text) < 90 and not _SENT_END.search(p.text)
            if heading_like or _CUE_START.match(p.text) or not stack or closing_opener(p.text):
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
