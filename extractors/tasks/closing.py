"""What is not a task: execution articles, closing formulas, invitations, definitions, entitlements."""
from __future__ import annotations

import re
import unicodedata

from extractors import nlp
from extractors.tasks.common import Folded, fold
from extractors.tasks.words import pattern

_EXECUTION = Folded(r"(chịu\s+trách\s+nhiệm\s+thi\s+hành|thi\s+hành\s+(quyết\s+định|nghị\s+quyết|chỉ\s+thị)\s+này|"
                        r"có\s+hiệu\s+lực\s+(thi\s+hành\s+)?(kể\s+)?từ)")
_CLOSING = Folded(r"^(?:(?:các|những|cơ\s+quan|đơn\s+vị|địa\s+phương|sở|ban|ngành|có\s+liên\s+quan|liên\s+quan|"
                      r"để|[\s,])*)(nghiêm\s+túc|khẩn\s+trương)?\s*(tổ\s+chức\s+)?(triển\s+khai\s+)?(thực\s+hiện|triển\s+khai)"
                      r"(\s+nghiêm\s+túc)?(\s+(các\s+)?(nội\s+dung|văn\s+bản|chỉ\s+thị|công\s+văn|thông\s+báo|kế\s+hoạch|quyết\s+định|"
                      r"yêu\s+cầu)(\s+chỉ\s+đạo)?)?(\s+(này|trên|nêu\s+trên|như\s+trên))?(\s*(\.\s*/\s*\.|\./\.|\.)?\s*)$")
_INVITE = Folded(r"(kính\s+mời|trân\s+trọng\s+kính\s+mời|đến\s+dự\b(?!\s+(án|toán|kiến|thảo|báo|trù|phòng|thi|tuyển))|"
                 r"tham\s+dự\s+(cuộc\s+)?họp)")


_CLOSING_SENTENCE = Folded(r"(yêu\s+cầu|đề\s+nghị)\s+[^.]{0,120}?(nghiêm\s+túc|khẩn\s+trương)?\s*(tổ\s+chức\s+)?(triển\s+khai\s+)?"
                           r"thực\s+hiện(\s+nghiêm\s+túc)?(\s+(các\s+)?(nội\s+dung|văn\s+bản|chỉ\s+thị|công\s+văn|thông\s+báo|"
                           r"kế\s+hoạch|quyết\s+định)(\s+chỉ\s+đạo)?)?(\s+(này|trên|nêu\s+trên))?\s*([./]+.{0,12})?\s*$")


_GENERIC_REQUEST = Folded(r"^\s*(xem\s+xét|cho\s+ý\s+kiến|phê\s+duyệt|quyết\s+định|chỉ\s+đạo)[\s,]*([\w]+[\s,]*){0,4}[./]*\s*$")


_CLOSING_WORDS = Folded(
    r"nghiêm\s+túc|nghiêm|khẩn\s+trương|tập\s+trung|tổ\s+chức|triển\s+khai|thực\s+hiện|chỉ\s+đạo|nội\s+dung|văn\s+bản|"
    r"công\s+điện|công\s+văn|chỉ\s+thị|thông\s+báo|kế\s+hoạch|quyết\s+định|nghị\s+quyết|hướng\s+dẫn|yêu\s+cầu|"
    r"nêu\s+trên|như\s+trên|này|trên|của|các|tại|biết|và|để|đúng|quy\s+định|hiệu\s+quả|kịp\s+thời|đến|được|"
    r"đơn\s+vị|cơ\s+quan|địa\s+phương|học\s+viên|sinh\s+viên|cá\s+nhân|có\s+liên\s+quan|liên\s+quan|tinh\s+thần|"
    r"theo|phối\s+hợp|chủ\s+động|trân\s+trọng|tốt|thời\s+gian|xin|thông\s+báo|cùng|nhau|căn\s+cứ|bảo\s+đảm|đảm\s+bảo|"
    r"tiến\s+độ|chất\s+lượng|chặt\s+chẽ|quan\s+tâm")
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
                   r"phép|công\s+nhận|xét)\b|có\s+quyền\b)")


_INFORMS = Folded(r"^((xin|trân\s+trọng)\s+)*thông\s+báo\s+(đến|để|cho|tới)\b.{0,100}(biết|thực\s+hiện)")


_CLOSING_TAIL = Folded(r"\s(nghiêm\s+túc\s+|khẩn\s+trương\s+)?(tổ\s+chức\s+)?(triển\s+khai\s+)?thực\s+hiện(\s+(tốt|nghiêm\s+túc|nghiêm))?"
                       r"(\s+(các\s+)?nội\s+dung(\s+của)?)?\s+(văn\s+bản|chỉ\s+thị|công\s+văn|công\s+điện|thông\s+báo|kế\s+hoạch|quyết\s+định)"
                       r"(\s+(này|trên|nêu\s+trên))?\s*[./\s]*[^\s]{0,3}\s*$")
_REQUEST_CUE = Folded(r"^(kính\s+)?(đề\s+nghị|yêu\s+cầu)\s+")


def _closing_request(text: str) -> bool:
    """`Đề nghị lãnh đạo các phòng …; Phòng Y tế …; Thủ trưởng các đơn vị … triển khai thực hiện
    tốt kế hoạch này./.`: a request to everyone named to carry out the document, however long its
    list of addressees (every `;` part names a body)."""
    from extractors.tasks.assignees import is_actor_head
    cue = _REQUEST_CUE.search(text.strip())
    if not cue:
        return False
    stripped = text.strip()
    tail = _CLOSING_TAIL.search(stripped)
    if not tail:
        return False
    parts = [p.strip(" ,") for p in stripped[cue.end():tail.start()].split(";") if p.strip(" ,")]
    if not parts or not all(is_actor_head(p) for p in parts):
        return False
    # the last addressee runs on to the closing verb: no verb of work of its own (`Sở Y tế báo cáo
    # kết quả thực hiện kế hoạch này` asks for a report)
    last = _lower(parts[-1])
    return not any(pattern(k, anchored=False).search(last) for k in ("action_verbs", "duty_verbs"))


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


_CONTACT = Folded(r"[;,.]?\s*(nếu\s+cần\s+(thêm\s+)?|mọi\s+|để\s+biết\s+(thêm\s+)?)?thông\s+tin\s+(chi\s+tiết|cụ\s+thể|thêm)?"
                  r"[^.;]{0,40}?(xin\s+)?(vui\s+lòng\s+)?liên\s+hệ\b.*$")


def _is_not_task(text: str, action: str) -> bool:
    if _EXECUTION.search(text) or _INVITE.search(text):
        return True
    contact = _CONTACT.search(action)
    if contact and contact.start() > 0:
        # `… quan tâm thực hiện; nếu cần thông tin chi tiết, xin liên hệ …`: the contact is no work
        action = action[:contact.start()]
        if _closing_bag(action) or not action.strip(" ,;."):
            return True
    if _NOT_WORK.match(action.strip()) or _closing_bag(action) or \
            _INFORMS.match(action.strip()) and len(action.split()) <= 20:
        return True    # a definition (`… là doanh nghiệp …`), an entitlement (`được ưu tiên …`), a closing
    if len(text.split()) <= 35 and _CLOSING_SENTENCE.search(text) or _closing_request(text):
        return True
    if _CLOSING.match(action.strip()) and len(action.split()) <= 14:
        return True
    return False
