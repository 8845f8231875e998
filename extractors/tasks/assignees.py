"""Who a text gives work to: the bodies at its start (gazetteer spans, the POS subject), after
`giao`/`đề nghị`/`yêu cầu`, in a heading; the lead (`chủ trì`) and the co-bodies (`phối hợp`)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from extractors import nlp
from extractors.gazetteer import BODY_HEADS, expand_list, is_body_head, resolve
from extractors.tasks.common import Folded, _memo_per_nlp_state, fold
from extractors.tasks.paragraphs import _CUE_START
from extractors.tasks.words import pattern

_CONTEXT = Folded(r"^(thực\s+hiện|căn\s+cứ|xem\s+xét|theo\s+đề\s+nghị|để\s+(?!nghị)|ngày\s+\d|tham\s+dự|sau\s+khi|"
                      r"trên\s+cơ\s+sở\s+đề\s+xuất|nhằm|qua\s+|trên\s+đây|nhận\s+được)")


_ASSIGN = Folded(r"(?:^|[\s,;(])((?:kính\s+)?(?:đề\s+nghị|(?<=kính\s)trình|giao(?!\s+(?:dịch|thông|tiếp|lưu)\b)|yêu\s+cầu|(?<!hiện\s)(?<!theo\s)(?<!khai\s)(?<!triệt\s)(?<!các\s)(?<!của\s)(?<!tại\s)(?<!và\s)chỉ\s+thị(?!\s+số)))(?:\s+cho(?=\s))?\s+")
_CO = Folded(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+")
_LEAD_VERB = Folded(r"chủ\s+trì")
_DISTRICT = re.compile(r",\s*(?=(?:các\s+)?(?:huyện|thị\s+xã|thành\s+phố|quận)\b)", re.I)
_TITLE_GAP = re.compile(r"^\s*([,;]|và)?\s*(?P<t>(?:phó\s+)?(?:giám\s+đốc|thủ\s+trưởng|chủ\s+tịch|hiệu\s+trưởng|trưởng|"
                        r"lãnh\s+đạo|người\s+đứng\s+đầu)(?:\s+các)?)\s+$", re.I)
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


def is_actor_head(text: str) -> bool:
    """Does `text` start with the head of a body (gazetteer: `Sở`, `UBND`, `Các sở`, `Sinh viên`) or
    of a role or group of people that can be given work (data: `Thư ký`, `Tổ trưởng`, `Giám thị`,
    `Ban Giám đốc`, `Cơ sở …`)?"""
    if is_body_head(text):
        return True
    k = unicodedata.normalize("NFC", text or "").lstrip("-+•* ").lower()
    k = re.sub(r"^(các|những|toàn\s+bộ)\s+", "", k)
    each = re.match(r"^(từng|mỗi)\s+", k)
    if each:        # `Từng khoa …`, `Mỗi đơn vị …`: each of a kind of body
        return is_actor_head(k[each.end():])
    return bool(pattern("role_heads").match(k)) and not pattern("not_heads").match(k)


def _ends_name(tail: str, weak: bool = False) -> bool:
    """Does `tail` start with a verb or duty marker, where a subject noun phrase ends? `weak`: also
    with a verb of the work that may name a group's function (`thẩm định`, `kiểm tra`)."""
    if nlp.STOP_VERBS.match(tail):
        return True
    m = pattern("duty_verbs").match(tail) or weak and pattern("action_verbs").match(tail)
    if not m:
        # a duty marker of two or more syllables that OCR read with a wrong tone (`tiên hành`)
        m = pattern("duty_verbs", folded=True).match(fold(tail))
        if m and " " not in m.group(0).strip():
            m = None
        return bool(m) and tail[:m.end()].islower() if m else False
    return bool(m) and m.group(0).islower()


def _verb_words(text: str) -> int:
    """How many words the verb (or duty marker) at the start of `text` has; 0 when none starts it."""
    for m in (nlp.STOP_VERBS.match(text), pattern("duty_verbs").match(text), pattern("action_verbs").match(text)):
        if m and m.group(0).islower():
            return len(m.group(0).split())
    return 0


def _cut_split_verb(text: str, pos: int) -> int:
    """A name that took in the first syllable of a verb (`Sở Y tế kiểm | tra …`): end it before."""
    m = re.search(r"\s([a-zà-ỹđ]+)$", text[:pos])
    if m and _ends_name(text[m.start(1):], weak=True) and not _ends_name(text[pos:].lstrip(), weak=True) and \
            len(text[:m.start()].split()) >= 2:
        return m.start()
    return pos


_NOUNISH = {"N", "Np", "Nc", "Nu", "Ny", "Nb", "M", "L"}
_LEAD = re.compile(r"^[-+•*\s]*((các|những|toàn\s+bộ|từng|mỗi)\s+)?")
_DUTY_MARK = re.compile(r"^\s*,?\s*(có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|có\s+nhiệm\s+vụ)\b", re.I)


def _role_subject_end(text: str) -> int:
    """End of a subject noun phrase headed by a role or group of people from the data (`Thư ký Hội
    đồng`, `Chánh Thanh tra Sở`, `Tổ khảo sát`, `Từng khoa của bệnh viện`): the head, then nouns,
    numbers, names and `của`/`thuộc` (underthesea POS) up to the first verb. A named person (`Ông
    Nguyễn Văn A`) is a subject only before a duty marker (`có trách nhiệm`)."""
    raw = unicodedata.normalize("NFC", text)
    low = raw.lower()
    lead = _LEAD.match(low)
    if lead is None:         # (the pattern matches every text)
        return 0
    start = lead.end()
    person = pattern("person_heads").match(low[start:])
    if person:
        m = re.match(r"(\s*[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)+", raw[start + person.end():])
        end = start + person.end() + (m.end() if m else 0)
        return end if m and _DUTY_MARK.match(raw[end:]) else 0
    head = pattern("role_heads").match(low[start:])
    if head and not pattern("not_heads").match(low[start:]):
        end = start + head.end()
    elif re.match(r"(từng|mỗi)\s", low[lead.start(1) if lead.group(1) else start:]) and is_actor_head(raw[start:]):
        end = start + len(raw[start:].split()[0])      # `Từng khoa …`: the body word after it
    else:
        return 0
    if not nlp.enabled("underthesea"):
        return end
    pos = end
    tagged = nlp.pos_tag(raw[end:end + 200])
    for k, (word, tag) in enumerate(tagged):
        at = raw.find(word, pos)
        if at < 0 or raw[pos:at].strip():
            break
        if _ends_name(raw[at:], weak=True) or tag == "V" and word[:1].islower():
            # a verb right before the verb of the sentence names the group's function
            # (`Trưởng đoàn thẩm định | phân công …`, `Tổ thẩm định | có trách nhiệm …`)
            after = raw[at + len(word):].lstrip()
            if not _ends_name(raw[at:]) and after and not is_body_head(after) and \
                    (_ends_name(after, weak=True) or k + 1 < len(tagged) and tagged[k + 1][1] == "V"):
                end = at + len(word)
            elif word.lower() == "có" and k + 2 < len(tagged) and tagged[k + 1][1] in _NOUNISH and \
                    tagged[k + 2][1] == "V" and not _ends_name(raw[at:]):
                # a relative `có` + noun before the sentence's verb (`bệnh viện có giường bệnh | báo cáo`)
                nxt = raw.find(tagged[k + 1][0], at + len(word))
                end = nxt + len(tagged[k + 1][0]) if nxt >= 0 else end
            break
        if tag == "E" and word.lower() in ("của", "thuộc") or tag == "CH" and word == "/":
            pos = at + len(word)        # the name runs on only if a noun follows
        elif tag in _NOUNISH or word[:1].isupper():
            pos = end = at + len(word)
        else:
            break
    return end


_PLACES = re.compile(r"\s+(các|những)\s+(huyện|thị\s+xã|thị|thành\s+phố|quận|xã|phường|tỉnh)"
                     r"(\s*,\s*(huyện|thị\s+xã|thị|thành\s+phố|quận|xã|phường|thị\s+trấn))*")


def _starts_verb(text: str) -> bool:
    """Does `text` start with a verb (the data's verbs, or underthesea's tag)?"""
    if _verb_words(text):
        return True
    tagged = nlp.pos_tag(text[:60]) if nlp.enabled("underthesea") else []
    return bool(tagged) and tagged[0][1] == "V"


def _pos_extend(text: str, pos: int, name: str) -> int:
    """A unit's name that runs on past where the matcher stopped, by the POS of the words up to the
    sentence's verb: a title-case word and the nouns after it (`Tổ | Quản lý chất lượng | khảo
    sát …`), an adjective (`Phòng Kế hoạch | tổng hợp | đưa …`), or — after a bare head — a verb
    and its object naming the group's function (`Hội đồng | đánh giá luận án | tổ chức …`). Only
    when a lower-case verb follows; `pos` otherwise."""
    if not nlp.enabled("underthesea") or not re.match(r"\s+\S", text[pos:]):
        return pos
    toks: list[tuple[str, str, int]] = []
    at = 0
    for word, tag in nlp.pos_tag(text[:pos + 120]):
        found = text.find(word, at)
        if found < 0:
            continue        # a word the tagger respelled (`hoá` → `hóa`): the next one aligns again
        if found >= pos:
            toks.append((word, tag, found))
        at = found + len(word)
    if len(toks) < 2:
        return pos

    def verb(k: int) -> bool:
        return k < len(toks) and toks[k][1] == "V" and toks[k][0][:1].islower() and not _NOT_NAME_WORDS & {toks[k][0]}

    def end(k: int) -> int:
        return toks[k - 1][2] + len(toks[k - 1][0])

    k = 0
    if toks[0][0][:1].isupper() and toks[0][1] in ("N", "Np", "V", "A") and not _ends_name(text[toks[0][2]:].lower()):
        while k < len(toks) and toks[k][0][:1].isupper() and toks[k][1] in ("N", "Np", "V", "A"):
            k += 1
        while k < len(toks) and toks[k][1] in ("N", "A") and toks[k][0][:1].islower():
            k += 1
        return end(k) if verb(k) and not text[pos:end(k)].count(",") else pos
    if toks[0][1] == "A" and toks[0][0][:1].islower() and verb(1) and not _ends_name(text[toks[0][2]:]):
        return end(1)
    # nouns that go on with a title-case name, then the places it covers (`Trung tâm Thể dục |
    # thể thao các huyện, thị, thành phố | ký kết …`)
    k = 0
    while k < len(toks) and k < 3 and toks[k][1] == "N" and toks[k][0][:1].islower() and not _ends_name(text[toks[k][2]:]):
        k += 1
    places = _PLACES.match(text[end(k) if k else pos:])
    stop = (end(k) if k else pos) + (places.end() if places else 0)
    if (k or places) and any(w[:1].isupper() for w in name.split()[1:]):
        rest = text[stop:].lstrip()
        if rest and rest[:1].islower() and _starts_verb(rest):
            return stop
    bare = len(name.split()) <= 2 and not any(w[:1].isupper() for w in name.split()[1:])
    if bare and verb(0) and not pattern("light_verbs").match(toks[0][0]) and pattern("action_verbs").match(toks[0][0]) \
            and len(toks) > 2 and \
            toks[1][1] == "N" and \
            toks[1][0][:1].islower():
        k = 1
        while k < len(toks) and toks[k][1] == "N" and toks[k][0][:1].islower() and k <= 3:
            k += 1
        if verb(k) and not re.search(r"[,;:]", text[pos:end(k)]):
            return end(k)
    if bare and verb(0) and pattern("action_verbs").match(toks[0][0]) and len(toks) > 2 and \
            toks[1][0].lower() in ("cho", "của") and toks[2][0][:1].isupper():
        # `Bộ phận | giúp việc cho Hội đồng Xét công nhận Sáng kiến năm 2017 | tổng hợp …`
        k = 2
        while k < len(toks) and k <= 14 and (toks[k][0][:1].isupper() or toks[k][1] in ("N", "M", "Np") or
                                             verb(k) and k + 1 < len(toks) and toks[k + 1][0][:1].isupper()) and \
                not (verb(k) and not (k + 1 < len(toks) and toks[k + 1][0][:1].isupper())):
            k += 1      # (a verb inside the title-case name, `Xét công nhận Sáng kiến`, stays in it)
        if verb(k) and not re.search(r"[,;:]", text[pos:end(k)]):
            return end(k)
    return pos


def _joined_part(text: str, pos: int) -> int:
    """A name that runs on over `và (các) <Capitalised …>` naming no body of its own (`Ban Quản lý
    Khu kinh tế Dung Quất | và các Khu công nghiệp tỉnh`): where it ends — before the verb, `:` or
    other punctuation (at most eight words on)."""
    m = re.match(r"\s+và\s+(?:các\s+)?(?=[A-ZĐÀ-Ỹ])", text[pos:])
    if not m or is_actor_head(text[pos + m.end():]) or is_actor_head(text[pos:].split("và", 1)[1]):
        return pos
    end = pos + m.end()
    words = list(re.finditer(r"[^\s,;:.()]+", text[end:end + 120]))
    last = pos
    for k, w in enumerate(words[:8]):
        at = end + w.start()
        if text[end + (words[k - 1].end() if k else 0):at].strip() or _ends_name(text[at:], weak=True):
            break
        last = end + w.end()
    return last if last > pos else pos


def _collective_tail(text: str, pos: int) -> int:
    """A collective's qualifier runs on to the verb (`thủ trưởng các cơ sở | khám bệnh, chữa bệnh
    trong tỉnh | chỉ đạo …`): lower-case words and commas, at most eight words, only when a verb
    ends them; `pos` when none does."""
    last = pos
    n = 0
    verbs: set[int] = set()     # where a verb of two or more syllables starts (`nhắc nhở`; not `khám`)
    if nlp.enabled("underthesea"):
        at = 0      # tagged with the subject before it: a word's tag depends on its context
        for word, tag in nlp.pos_tag(text[:pos + 160]):
            found = text.find(word, at)
            if found < 0:
                break
            if tag == "V" and (" " in word or pattern("light_verbs").match(word.lower())):
                verbs.add(found)        # (`nhắc nhở`; a light verb `lập`, `gửi`; not `khám`)
            at = found + len(word)
    for m in re.finditer(r"\s*(,)?\s*([^\s,;:.()]+)", text[pos:pos + 160]):
        word = m.group(2)
        at = pos + m.start(2)
        if _ends_name(text[at:], weak=True) or at in verbs:
            return last if n else pos
        if not re.match(r"[a-zà-ỹđ]", word) or word in _NOT_NAME_WORDS - {"và", "của", "trong", "tại", "theo"} or n >= 8:
            return pos
        last = at + len(word)
        n += 1
    return pos


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
    # a bare head (`Tổ`, `Hội đồng`) takes a verb naming its function (`Tổ khảo sát | triển khai`);
    # a proper name (`Phòng Đào tạo | chuẩn bị báo cáo`) does not
    head = text[:pos].split()
    bare = len(head) <= 2 and not any(w[:1].isupper() for w in head[1:])
    for k in range(1, len(words) + 1):
        if _ends_name(tails[k], weak=True) and not any(
                _ends_name(tails[j], weak=not bare) or words[j] in _NOT_NAME_WORDS for j in range(k)):
            ext = " ".join(words[:k])
            verb = pattern("action_verbs").match(tails[0]) or pattern("duty_verbs").match(tails[0])
            if verb and verb.end() > len(ext):
                continue        # `Sinh viên | đăng | ký …`: never a cut inside a verb (`đăng ký`)
            if bare and _predicate_verb(text, pos, ext):
                return "", pos
            return " " + ext, text.find(ext, pos) + len(ext)
    return "", pos


def _predicate_verb(text: str, pos: int, ext: str) -> bool:
    """Does the extension start with a verb that is the sentence's own (`NCS | làm giấy đăng ký …`)
    rather than a function naming the group (`Tổ | khảo sát`, `Hội đồng | chấm luận án`)? Only a
    general verb of the data (`light_verbs`: `làm`, `gửi`, `nộp` …) tagged as a verb is."""
    action = pattern("action_verbs").match(ext)
    if not nlp.enabled("underthesea") or not pattern("light_verbs").match(ext) or action and " " in action.group(0):
        return False
    at = 0
    for word, tag in nlp.pos_tag(text[:pos + len(ext) + 40]):
        found = text.find(word, at)
        if found < 0:
            return False
        if found >= pos:
            return tag == "V" and ext.startswith(word)
        at = found + len(word)
    return False


def _span_end(text: str, s: int, e: int) -> int:
    """A matched body span that ran over the sentence's verb (`Trường | báo cáo về Phòng …`) ends
    before it."""
    for m in re.finditer(r"(?<=\s)[a-zà-ỹđ]", text[s:e]):
        before = text[s:s + m.start()].split()
        if nlp.STOP_VERBS.match(text[s + m.start():]) and before and \
                before[-1].lower() not in ("các", "những", "và", "hoặc") and not before[-1].endswith((",", ";")):
            return s + m.start() - 1    # (`các | tổ chức chính trị - xã hội` is a noun)
    return e


def _names_run(text: str, spans: list[tuple[int, int]], pos: int) -> tuple[list[str], int]:
    """The run of body spans from `pos` joined by `,` `;` `và` (an office holder before a body,
    a collective's qualifier stay in its name) and where it ends."""
    names: list[str] = []
    spans = [(s, _span_end(text, s, e)) for s, e in spans]
    for s, e in spans:
        if s < pos:
            continue
        if not is_body_head(text[s:e]):
            break
        title = _TITLE_GAP.match(text[pos:s])
        if title and (names or not title.group(1)):
            s = pos + title.start("t")      # `…; Giám đốc | Trung tâm Y tế …`: the office holder of the body
        elif not _CONNECT.match(text[pos:s]) and not (not names and text[pos:s].strip() == ""):
            break
        if names and (re.search(r"\b(trực\s+thuộc|thuộc)\s*$", names[-1]) or re.match(r"(các|những)\s", text[s:e])) and \
                not text[pos:s].strip() and text.find(names[-1]) >= 0:
            # `Các đơn vị trực thuộc | Sở Y tế`, `Trung tâm Y tế | các huyện`: one name
            names[-1] = text[text.find(names[-1]):e].strip()
        elif names and text[pos:s].strip() == "," and re.match(r"[a-zà-ỹđ]", text[s:e]) and \
                not re.match(r"(các|những)\s", text[s:e]) and len(text[s:e].split()) <= 3 and \
                not re.match(r"(các|những)\s", names[-1], re.I):
            names[-1] = text[text.find(names[-1]):e].strip()   # `Cơ quan, đơn vị`: one collective
        else:
            names.append(text[s:e].strip())
        pos = e
    return names, pos


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
    lead = re.match(r"^\s*(các\s+đồng\s+chí\s+)?", text, re.I)
    names, pos = _names_run(text, spans, lead.end() if lead else 0)
    if names:
        pos = _joined_part(text, pos)
        names[-1] = text[text.find(names[-1]):pos].strip() if text.find(names[-1]) >= 0 else names[-1]
    known = resolve(names[-1]) if names else None
    if names and re.match(r"^(?:\S+\s+){0,3}?(các|những)\s", names[-1], re.I) and \
            text.find(names[-1]) >= 0:
        tail = _collective_tail(text, pos)
        if tail > pos:
            names[-1] = text[text.find(names[-1]):tail].strip()
            pos = tail
    if names and (known is None or known.level == "unit" and known.kind != "role"):
        ext, pos = _extend(text, pos)
        names[-1] += ext
    whole = known is not None and known.level != "unit" and re.match(r"^\s*[a-zà-ỹđ]", text[pos:]) and \
        not re.match(r"^\s*(tỉnh|huyện|thành\s+phố|thị\s+xã|quận|xã|phường|thị\s+trấn)\b", text[pos:])
    # `Sở Tài chính | cân đối, tham mưu …`: the gazetteer name is whole. The POS tagger (the
    # costly part) runs only on text that starts with a body head.
    subj = nlp.subject_end(text) if allow_subject and not whole and is_actor_head(text) and \
        not _PERSON_TITLE.match(text) else 0
    if allow_subject and not whole and not _PERSON_TITLE.match(text):
        # a role of the data runs further than the gazetteer's head (`Giảng viên hướng dẫn`)
        role = _role_subject_end(text) if not names and not subj and not is_body_head(text) or \
            pattern("role_heads").match(unicodedata.normalize("NFC", text).lower()) else 0
        subj = role or subj
    else:
        role = 0
    if subj > pos and subj != role:
        # a body name the subject ends inside (`Giám đốc Trung tâm | Kiểm soát bệnh tật`) runs on
        subj = next((e for s_, e in spans if s_ < subj < e), subj)
    if subj > pos:
        # the POS subject runs further than the matched names (an unlisted body name)
        known_subj = resolve(text[:subj].strip(" ,;:"))
        ext, subj2 = _extend(text, subj) if (known_subj is None or known_subj.level == "unit") and subj != role \
            else ("", subj)
        chunk = (text[:subj] + ext).strip(" ,;:")
        if not names or len(chunk) > len(", ".join(names)):
            names = _split_names(chunk)
            pos = subj2
    if names and pos > 0 and text.find(names[-1]) >= 0:
        # a verb a collective regex took in (`Các sở, ban, ngành tổ chức | triển khai`)
        m = re.search(r"(?<![,;])\s+((?:[a-zà-ỹđ]+\s+)?[a-zà-ỹđ]+)$", names[-1])
        if m and len(names[-1][:m.start()].split()) >= 2 and _verb_words(m.group(1)) == len(m.group(1).split()) and \
                re.match(r"^(?:\S+\s+){0,3}?(các|những)\s", names[-1], re.I):
            names[-1] = names[-1][:m.start()]
            pos = text.find(names[-1]) + len(names[-1])
    if names and pos > 0 and text.find(names[-1]) >= 0 and not (known is not None and known.level != "unit"):
        more = _pos_extend(text, pos, names[-1])
        if more > pos:
            names[-1] = text[text.find(names[-1]):more].strip()
            pos = more
    if names and pos > 0 and text.find(names[-1]) >= 0 and resolve(names[-1]) is None:
        # a duty marker misread by OCR (`đơn vị | tiên hành …`) that the POS subject took in: the name ends before it
        start = text.find(names[-1])
        for m in re.finditer(r"(?<=\s)[a-zà-ỹđ]", names[-1]):
            at = text[start + m.start():]
            if m.start() > 0 and not pattern("duty_verbs").match(at) and _ends_name(at) and not nlp.STOP_VERBS.match(at):
                names[-1] = names[-1][:m.start()].rstrip(" ,")
                pos = start + m.start()
                break
    if names and pos > 0:
        cut = _cut_split_verb(text, pos)
        word = text[cut:pos].strip()
        if cut < pos and names[-1].endswith(word) and len(names[-1]) > len(word):
            names[-1] = names[-1][:-len(word)].rstrip()
            pos = cut
    if names and _PERSON_TITLE.match(names[0]) and not re.match(r"^(chủ\s+tịch)\s+(ủy|uỷ)\s+ban\s+nhân\s+dân\s+các", names[0], re.I):
        return [], 0
    if names and allow_subject and text.find(names[-1]) >= 0:
        names, pos = _more_names(text, names, pos)
    out: list[str] = []
    for n in names:
        out.extend(_split_collective(n))
    return out, pos


_BELONGS = re.compile(r"\s+((?:trực\s+)?thuộc(?:\s*,\s*(?:trực\s+)?thuộc)?)\s+(?=\S)", re.I)
_APPOSED = re.compile(r"^(các|những)\s+(đơn\s+vị|cơ\s+quan|cơ\s+sở)\s+(?=[A-ZĐÀ-Ỹ])", re.I)


def _more_names(text: str, names: list[str], pos: int) -> tuple[list[str], int]:
    """The rest of a run of names the matcher missed: a qualifier of belonging (`Thủ trưởng đơn vị |
    thuộc, trực thuộc Sở Y tế`), further bodies after `,` `;` `và` (`…, Bệnh viện đa khoa tỉnh |
    chuẩn bị …`); a generic collective before the bodies it lists (`Các đơn vị | Trung tâm …`) goes."""
    m = _BELONGS.match(text[pos:])
    if m and is_body_head(text[pos + m.end():]):
        owner, end = leading_bodies(text[pos + m.end():], allow_subject=False)
        if owner:
            start = text.find(names[-1])
            names[-1] = text[start:pos + m.end() + end].strip()
            pos = pos + m.end() + end
    for _ in range(6):
        sep = re.match(r"\s*(,|;|và)\s+(?=\S)", text[pos:])
        if not sep or not is_body_head(text[pos + sep.end():]) or \
                re.match(r"(các|những)?\s*[a-zà-ỹđ]", text[pos + sep.end():]) and sep.group(1) == ",":
            break
        more, end = leading_bodies(text[pos + sep.end():])
        if not more or end <= 0:
            break
        names.extend(more)
        pos = pos + sep.end() + end
    apposed = _APPOSED.match(names[0]) if len(names) > 1 else None
    if apposed and is_body_head(names[0][apposed.end():]):
        names[0] = names[0][apposed.end():]
    return names, pos


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


_NOT_NAME_WORDS = {"và", "với", "của", "có", "được", "đã", "sẽ", "là", "giao", "đề", "yêu", "cần", "phải", "không", "tự", "đều", "cũng", "nên", "chưa",
                   "các", "những", "trong", "theo", "tại", "để", "thì", "cùng", "về"}


def _split_names(chunk: str) -> list[str]:
    pieces = re.split(r"(\s*(?:;|,|\bvà\b)\s*)(?=(?:các\s+|Các\s+)?(?:[A-ZĐÀ-Ỹ]|UBND|ủy\s+ban|(?:giám\s+đốc|hiệu\s+trưởng|"
                      r"thủ\s+trưởng|chủ\s+tịch|trưởng\s+(?:các|ban|phòng|khoa))\b))", chunk)
    merged: list[str] = []
    sep = ""
    for k, p in enumerate(pieces):
        if k % 2:
            sep = p     # the separator as printed, kept when the next piece is no name of its own
            continue
        p = p.strip(" ,;")
        if not p:
            continue
        lower_tail = sep.strip() == "," and re.match(r"[a-zà-ỹđ]", p) and not re.match(r"(các|những)\s", p) and \
            len(p.split()) <= 3     # `Cơ quan, đơn vị`: one collective (not a list of `các …`)
        if merged and (not is_actor_head(p) or lower_tail and not re.match(r"(các|những)\s", merged[-1], re.I)):
            merged[-1] = f"{merged[-1]}{' và ' if sep.strip() == 'và' else ', '}{p}"
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
    head, sep, rest = t.partition(":")
    head = head.strip(" .")
    if not head or len(head.split()) > 18 or not is_actor_head(head):
        return None
    if re.search(r"\b(chủ\s+trì|phối\s+hợp|thực\s+hiện|triển\s+khai|tổ\s+chức\s+\w+\s+\w+|khẩn\s+trương|căn\s+cứ)\b", head, re.I) \
            and not rest:
        return None
    if _PERSON_TITLE.match(head) and (not rest or sep) and _is_label_name(head):
        # `2. Giám đốc Sở Giao thông vận tải` heads the section: the office holder acts
        spans = bodies_in(head)
        if len(spans) == 1 and spans[0][1] >= len(head) - 1 and not _ASSIGN.search(head):
            return [head], rest.strip()
    names, end = leading_bodies(head)
    covered = head[end:].strip(" ,;.")
    if names and not covered:
        return names, rest.strip()
    if names and not sep and _ends_name(covered):
        return None     # a sentence (`UBND các huyện tích cực hỗ trợ …`) that wraps, no heading
    if not rest and text.rstrip().endswith(".") and not sep:
        return None     # a sentence (`Các khoa phổ biến lịch thi đến sinh viên.`), no heading
    if not rest and not nlp.subject_end(head) == 0 and nlp.subject_end(head) >= len(head) - 1:
        return _split_names(head), ""
    if not rest and resolve(head) is not None and not re.search(r"\s(là|được|đã)\s", head):
        return [head], ""
    if sep and names and _is_label_name(head) and not _ends_name(covered, weak=True) and \
            not re.match(r"^[a-zà-ỹđ]+\s+(các|những)\b", covered) and \
            (covered.split() or [""])[0].lower() not in _NOT_NAME_WORDS - {"và", "của"}:
        # `Cơ sở khám bệnh, chữa bệnh được thẩm định:`, `Ban Quản lý Khu kinh tế … và các Khu công
        # nghiệp tỉnh: Tuyên truyền …`: a unit name before `:` is the assignee, whole
        return _split_names(head), rest.strip()
    return None


def _is_label_name(head: str) -> bool:
    """Is `head` (the text before `:`) a name and nothing else: at most 16 words, no verb of duty
    after its first word, no sentence punctuation?"""
    if len(head.split()) > 16 or re.search(r"[.;()]", head):
        return False
    return not any(_ends_name(head[m.start():]) for m in re.finditer(r"(?<=\s)\S", head))


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
        if fold(verb).startswith("chi thi") and not text[m.start(1):m.end(1)].islower():
            continue    # `Chỉ thị 04/CT-UBND`: the kind of document, not the verb (`UBND tỉnh chỉ thị các sở …`)
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
    marked = _marked_subject(body)
    listed = _split_names(body[:marked].strip()) if marked and "," in body[:marked] else []
    if marked and (not names or end < marked and (not re.search(r"[,;]", body[:marked]) or
                                                   len(listed) > 1 and all(is_actor_head(p) for p in listed))):
        # `Tổ xây dựng Đề án tổ chức lại … | có nhiệm vụ …`, `Hiệu trưởng các trường …, giám đốc các
        # trung tâm … | có trách nhiệm …`: the whole noun phrase before a duty marker
        subject = body[:marked].strip()
        parts = listed if len(listed) > 1 else re.split(r"\s+và\s+", subject)
        names, end = (parts if len(parts) > 1 and all(is_actor_head(p) for p in parts) else [subject]), marked
    if names and _LABEL_VALUE.match(body[end:]):
        return [], text, False      # `Học viên: Nguyễn Văn A, Khóa …`: a field of a list, not work
    if names:
        return names, body[end:].lstrip(" ,:"), False
    intro = re.match(r"^([^,:;]{3,40}),\s+(?=\S)", body)
    tail_words = [w.lower() for w in intro.group(1).split()[-2:]] if intro else []
    if intro and not is_body_head(intro.group(1)) and " ".join(tail_words) not in BODY_HEADS and \
            tail_words[-1] not in BODY_HEADS:
        # (`Văn bản … cử công chức, | viên chức …`: a list of nouns, no introductory phrase)
        names, end = leading_bodies(body[intro.end():])
        if names:
            return names, body[intro.end() + end:].lstrip(" ,:"), False
    label, sep, rest = body.partition(":")
    if sep and len(label.split()) <= 10 and rest.strip():
        names, end = leading_bodies(rest.strip())
        if names:
            return names, rest.strip()[end:].lstrip(" ,:"), False
    return [], text, False


_STRONG_MARK = re.compile(r"\s(có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|có\s+nhiệm\s+vụ)\b")


def _marked_subject(text: str) -> int:
    """Where the subject ends when a strong duty marker (`có trách nhiệm`, `chịu trách nhiệm`, `có
    nhiệm vụ`) follows an actor's noun phrase of at most 16 words without punctuation; 0 if none."""
    m = _STRONG_MARK.search(text[:220])
    if not m or not is_actor_head(text) or _PERSON_TITLE.match(text):
        return 0
    subject = text[:m.start()]
    if len(subject.split()) > (24 if "," in subject else 16) or re.search(r"[.;:()]", subject) or \
            pattern("person_heads").match(subject.lower()):
        return 0
    return m.start()


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
