"""Vietnamese names shown by the workspace: record fields, task states, quarantine reasons, dates."""
from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.store.tracking import parse_date

FIELD_NAMES = {
    "official": "Là văn bản hành chính",
    "doc_type": "Tên loại văn bản",
    "number": "Số",
    "symbol": "Số, ký hiệu",
    "code": "Ký hiệu",
    "date": "Ngày văn bản",
    "place": "Địa danh",
    "issuer": "Cơ quan ban hành",
    "issuer_parent": "Cơ quan chủ quản",
    "subject": "Trích yếu",
    "recipients": "Kính gửi",
    "distribution": "Nơi nhận",
    "signer": "Người ký",
    "signer.name": "Họ tên người ký",
    "signer.title": "Chức vụ người ký",
    "signer.authority": "Thẩm quyền ký",
    "references": "Văn bản dẫn chiếu",
    "urgency": "Độ khẩn",
    "confidentiality": "Độ mật",
    "tasks": "Nhiệm vụ",
}
TASK_FIELD_NAMES = {
    "assignee": "Đơn vị được giao", "assignees": "Các đơn vị được giao", "lead": "Đơn vị chủ trì",
    "co": "Đơn vị phối hợp", "action": "Nội dung nhiệm vụ", "deadline": "Hạn xử lý", "recurrence": "Định kỳ",
}
OFFICIAL_SIGNS = {"motto": "quốc hiệu", "symbol": "số, ký hiệu", "kind": "tên loại", "issuer": "cơ quan ban hành",
                  "date": "ngày tháng", "signature": "chữ ký", "template": "mẫu để trống"}


def official_source(text: str | None) -> str | None:
    """The signs of an administrative document the extractor found (`motto, symbol; template`),
    in Vietnamese: `Thấy: quốc hiệu, số, ký hiệu; là mẫu để trống`."""
    if not text:
        return None
    found, _, rest = text.partition(";")
    names = [OFFICIAL_SIGNS.get(k.strip(), k.strip()) for k in found.split(",") if k.strip()]
    out = "Thấy: " + ", ".join(names) if names else "Không thấy dấu hiệu văn bản hành chính"
    if rest.strip():
        out += "; là " + OFFICIAL_SIGNS.get(rest.strip(), rest.strip())
    return out


STATUS_NAMES = {"open": "Đang xử lý", "done": "Đã hoàn thành"}
STATE_CLASSES = {"trong hạn": "ok", "quá hạn": "bad", "đúng hạn": "done", "hoàn thành quá hạn": "late",
                 "không thời hạn": "none", "sắp đến hạn": "soon"}
ERROR_CLASSES = {
    "corrupt": "Tệp hỏng", "encrypted": "Tệp có mật khẩu", "unsupported_format": "Định dạng không hỗ trợ",
    "too_large": "Tệp quá lớn", "timeout": "Xử lý quá thời gian", "unsafe_content": "Nội dung không an toàn",
    "not_a_document": "Không phải văn bản", "empty": "Tệp rỗng", "internal": "Lỗi nội bộ",
}
RECURRENCE_NAMES = {"daily": "hằng ngày", "weekly": "hằng tuần", "monthly": "hằng tháng", "quarterly": "hằng quý",
                    "yearly": "hằng năm", "annual": "hằng năm"}


def field_name(key: str) -> str:
    return FIELD_NAMES.get(key) or TASK_FIELD_NAMES.get(key) or key


def vn_date(value) -> str:
    """`dd/mm/yyyy` for a date, a datetime (local day) or an ISO text; partial ISO → `mm/yyyy`, `yyyy`."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone().strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    parsed = parse_date(value)
    if parsed:
        return parsed.strftime("%d/%m/%Y")
    text = str(value)
    if len(text) == 7 and text[4] == "-":
        return f"{text[5:]}/{text[:4]}"
    return text


def vn_datetime(value) -> str:
    if not isinstance(value, datetime):
        return vn_date(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%H:%M %d/%m/%Y")


def vn_number(value) -> str:
    """1234567 → `1.234.567` (Vietnamese thousands separator)."""
    return f"{int(value or 0):,}".replace(",", ".")


def show_value(value) -> str:
    """A field value as one line of text (lists joined by `; `, signer as its parts)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(show_value(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        if "symbol" in value:     # a reference
            return " ".join(str(value[k]) for k in ("doc_type", "symbol") if value.get(k)) + (
                f" ngày {vn_date(value['date'])}" if value.get("date") else "")
        return ", ".join(str(v) for v in value.values() if v)
    return str(value)


def shown_field(kind: str, value) -> str:
    """A document field as the page shows it and as its correction form expects it back: dates
    `dd/mm/yyyy`, yes/no `Có`/`Không`, references by their số, ký hiệu."""
    if kind == "docdate":
        return vn_date(value)
    if kind == "bool":
        return "" if value is None else ("Có" if value else "Không")
    if kind == "refs":
        return "; ".join(str(r.get("symbol") or "") if isinstance(r, dict) else str(r) for r in value or [])
    return show_value(value)
