"""Analyst outputs from the store: the task table (XLSX with a summary, CSV, Parquet), the
incoming-document registers of ND30 Phụ lục IV (XLSX), and a JSON export with the electronic
metadata names of Phụ lục VI.

Every spreadsheet cell goes through `neutralize` (formula injection, OWASP "CSV injection").
The JSON export is data for e-office systems and keeps values as extracted.
"""
from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from pipelines.store import Store
from pipelines.store.tracking import TASK_STATES, parse_date

log = logging.getLogger("congvan.exports")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
DATE_FORMAT = "DD/MM/YYYY"
STATUS_NAMES = {"open": "Đang xử lý", "done": "Đã hoàn thành"}

# (key, Vietnamese header) of the task table, in sheet order.
TASK_COLUMNS = [
    ("id", "Mã nhiệm vụ"),
    ("symbol", "Số, ký hiệu văn bản"),
    ("doc_type", "Tên loại văn bản"),
    ("doc_date", "Ngày văn bản"),
    ("issuer", "Cơ quan ban hành"),
    ("subject", "Trích yếu"),
    ("assignee", "Đơn vị chủ trì / được giao"),
    ("assignee_id", "Đơn vị (theo danh mục)"),
    ("co", "Đơn vị phối hợp"),
    ("action", "Nội dung nhiệm vụ"),
    ("due_date", "Hạn xử lý"),
    ("recurrence", "Định kỳ"),
    ("status", "Trạng thái"),
    ("done_on", "Ngày hoàn thành"),
    ("state", "Tình trạng"),
    ("corrected", "Trường đã hiệu chỉnh"),
    ("conflict", "Cần đối chiếu"),
    ("file_name", "Tệp"),
]
REGISTER_COLUMNS = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
                    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
TRACKING_COLUMNS = ["Số đến", "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành", "Đơn vị hoặc người nhận",
                    "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú"]
WRAP_WIDTH = 60


def neutralize(value):
    """Make a cell value inert in a spreadsheet: text starting with `=`, `+`, `-`, `@`, tab or CR/LF
    (or their full-width forms) gets a leading apostrophe. Non-text values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value if v) or None
    return str(value)


def _cell_date(value):
    """A real date for a full ISO date, the text itself for a partial one (`2024-05`)."""
    parsed = parse_date(value)
    return parsed if parsed else (value or None)


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().date()


# ---- the task table ------------------------------------------------------------------------

def task_rows(store: Store, today: date | None = None, **filters) -> list[dict]:
    """Task rows keyed by the English keys of TASK_COLUMNS (values typed, not yet neutralised)."""
    rows = []
    for t in store.tasks(today=today, **filters):
        rows.append({
            "id": t["id"], "symbol": t["symbol"], "doc_type": t["doc_type"], "doc_date": _cell_date(t["doc_date"]),
            "issuer": t["issuer"], "subject": t["subject"], "assignee": t["assignee"],
            "assignee_id": t["assignee_id"], "co": _text(t["co"]), "action": t["action"], "due_date": t["due_date"],
            "recurrence": t["recurrence"], "status": STATUS_NAMES.get(t["status"], t["status"]),
            "done_on": t["done_on"], "state": t["state"], "corrected": _text(t["corrected"]),
            "conflict": "Có" if t["conflict"] else None, "file_name": t["file_name"],
        })
    return rows


def _frame(rows: list[dict], columns: list[tuple[str, str]], headers: bool = True) -> pd.DataFrame:
    data = [{(label if headers else key): neutralize(row.get(key)) for key, label in columns} for row in rows]
    return pd.DataFrame(data, columns=[label if headers else key for key, label in columns])


def summary_frame(rows: list[dict]) -> pd.DataFrame:
    """Counts by assignee (its gazetteer name when known, so variants group together) and state."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row["assignee_id"] or row["assignee"] or "(chưa xác định)"][row["state"]] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    data = [{"Đơn vị": neutralize(name), **{s: c.get(s, 0) for s in TASK_STATES}, "Tổng số": sum(c.values())}
            for name, c in ordered]
    total = Counter(row["state"] for row in rows)
    data.append({"Đơn vị": "Tổng cộng", **{s: total.get(s, 0) for s in TASK_STATES}, "Tổng số": len(rows)})
    return pd.DataFrame(data, columns=["Đơn vị", *TASK_STATES, "Tổng số"])


def export_tasks(store: Store, path: str | Path, fmt: str | None = None, today: date | None = None,
                 **filters) -> int:
    """Write the task table as xlsx, csv or parquet (format from `fmt` or the file extension); → rows."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    today = today or date.today()
    rows = task_rows(store, today=today, **filters)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_workbook(path, [
            ("Tổng hợp", summary_frame(rows), {"note": f"Tình trạng tính đến ngày {today:%d/%m/%Y}",
                                                   "total_row": True}),
            ("Nhiệm vụ", _frame(rows, TASK_COLUMNS), {"dates": ["Ngày văn bản", "Hạn xử lý", "Ngày hoàn thành"]}),
        ])
    elif fmt == "csv":
        frame = _frame(rows, TASK_COLUMNS)
        frame.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
    elif fmt == "parquet":
        write_parquet(path, rows)
    else:
        raise ValueError(f"unknown task export format {fmt!r} (xlsx, csv, parquet)")
    log.info("exported %d tasks as %s", len(rows), fmt)
    return len(rows)


def write_parquet(path: Path, rows: list[dict]) -> None:
    """The task table with English column keys and explicit types (dates as date32)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"id": pa.int64(), "due_date": pa.date32(), "done_on": pa.date32()}
    columns = {}
    for key, _ in TASK_COLUMNS:
        values = [neutralize(row.get(key)) for row in rows]
        if key == "doc_date":
            values = [v.isoformat() if isinstance(v, date) else v for v in values]
        columns[key] = pa.array(values, type=types.get(key, pa.string()))
    pq.write_table(pa.table(columns), path)


# ---- registers -----------------------------------------------------------------------------

def register_rows(store: Store) -> tuple[list[dict], list[dict]]:
    """Rows of the incoming register (sổ đăng ký văn bản đến) and of the tracking register
    (sổ theo dõi giải quyết văn bản đến), from ND30 Phụ lục IV."""
    tasks_by_doc: dict[int, list[dict]] = defaultdict(list)
    for t in store.tasks():
        tasks_by_doc[t["document_id"]].append(t)
    register, tracking = [], []
    for doc in store.documents():
        record = doc["record"] or {}
        if record.get("official") is False:
            continue            # a file that is no administrative document: recorded, not registered
        doc_tasks = tasks_by_doc.get(doc["id"], [])
        units = list(dict.fromkeys(t["assignee"] for t in doc_tasks if t["assignee"]))
        notes = []
        if record.get("needs_review"):
            notes.append("cần kiểm tra: " + ", ".join(record["needs_review"]))
        notes.append(doc["file_name"] or doc["doc_id"])
        kind_subject = " ".join(x for x in (doc["doc_type"], doc["subject"] and f"về {doc['subject']}") if x)
        register.append({
            "Ngày đến": _local_date(doc["ingested_at"]), "Số đến": doc["arrival_number"], "Tác giả": doc["issuer"],
            "Số, ký hiệu": doc["symbol"], "Ngày tháng": _cell_date(doc["date"]),
            "Tên loại và trích yếu nội dung": kind_subject or None, "Đơn vị hoặc người nhận": "; ".join(units) or None,
            "Ngày chuyển": None, "Ký nhận": None, "Ghi chú": "; ".join(notes),
        })
        doc_date = parse_date(doc["date"])
        described = ", ".join(x for x in (doc["doc_type"], doc["symbol"] and f"số {doc['symbol']}",
                                          doc_date and f"ngày {doc_date:%d/%m/%Y}", doc["issuer"]) if x)
        for t in doc_tasks:
            tracking.append({
                "Số đến": doc["arrival_number"], "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành": described,
                "Đơn vị hoặc người nhận": t["assignee"], "Thời hạn giải quyết": t["due_date"],
                "Tiến độ giải quyết": t["state"] + (f" ({t['done_on']:%d/%m/%Y})" if t["done_on"] else ""),
                "Số, ký hiệu văn bản trả lời": None, "Ghi chú": t["action"],
            })
    return register, tracking


def export_register(store: Store, path: str | Path) -> int:
    """The incoming register and its tracking register as one XLSX; → documents written."""
    register, tracking = register_rows(store)
    neutral = lambda rows, cols: pd.DataFrame([{c: neutralize(r[c]) for c in cols} for r in rows], columns=cols)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_workbook(Path(path), [
        ("Sổ đăng ký văn bản đến", neutral(register, REGISTER_COLUMNS), {"dates": ["Ngày đến", "Ngày tháng", "Ngày chuyển"]}),
        ("Sổ theo dõi giải quyết", neutral(tracking, TRACKING_COLUMNS), {"dates": ["Thời hạn giải quyết"]}),
    ])
    log.info("exported register: %d documents, %d tracked tasks", len(register), len(tracking))
    return len(register)


# ---- XLSX layout ---------------------------------------------------------------------------

def write_workbook(path: Path, sheets: list[tuple[str, pd.DataFrame, dict]]) -> None:
    """Sheets with a bold frozen header, an autofilter, DD/MM/YYYY date cells, readable widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame, options in sheets:
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            if options.get("total_row") and ws.max_row > 2:   # the totals stay out of the filter and sort
                ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row - 1}"
            date_columns = set(options.get("dates", []))
            for idx, column in enumerate(frame.columns, start=1):
                letter = get_column_letter(idx)
                values = [str(v) for v in frame[column].tolist() if v is not None and not pd.isna(v)]
                longest = max([len(str(column))] + [len(v) for v in values[:2000]])
                width = 12 if column in date_columns else min(max(longest + 2, 8), WRAP_WIDTH)
                ws.column_dimensions[letter].width = width
                for cell in ws[letter][1:]:
                    if column in date_columns and isinstance(cell.value, (date, datetime)):
                        cell.number_format = DATE_FORMAT
                    elif longest > WRAP_WIDTH:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
            if options.get("note"):
                ws.cell(row=ws.max_row + 2, column=1, value=options["note"]).font = Font(italic=True)


# ---- JSON with the names of Phụ lục VI -----------------------------------------------------

# Maximum lengths of Phụ lục VI; longer values are kept whole and listed in `congvan.over_length`.
PLVI_LIMITS = {"CodeNumber": 11, "CodeNotation": 30, "OrganName": 200, "Subject": 500, "ToPlaces": 1000}

def phu_luc_vi(doc: dict, doc_tasks: list[dict]) -> dict:
    """One document in the electronic metadata names of ND30 Phụ lục VI (plus a `congvan` block)."""
    record = doc["record"] or {}
    signer = record.get("signer") or {}
    due = [t["due_date"] for t in doc_tasks if t["due_date"]]
    item = {
        "TypeName": doc["doc_type"],
        "CodeNumber": doc["number"],
        "CodeNotation": doc["code"],
        "IssuedDate": doc["date"],
        "OrganName": doc["issuer"],
        "Subject": doc["subject"],
        "SignerInfo": {"Position": "; ".join(x for x in (signer.get("authority"), signer.get("title")) if x) or None,
                       "FullName": signer.get("name")},
        "Priority": record.get("priority") or record.get("urgency"),
        "ToPlaces": record.get("recipients") or [],
        "ArrivalDate": (_local_date(doc["ingested_at"]) or date.today()).isoformat(),
        "ArrivalNumber": doc["arrival_number"],
        "DueDate": min(due).isoformat() if due else None,
        "TraceHeaderList": [{
            "OrganId": t["assignee_id"], "OrganName": t["assignee"], "Coordinators": t["co"] or [],
            "Action": t["action"], "DueDate": t["due_date"].isoformat() if t["due_date"] else None,
            "Status": t["status"], "StatusName": t["state"],
            "CompletedDate": t["done_on"].isoformat() if t["done_on"] else None,
        } for t in doc_tasks],
        "congvan": {"id": doc["doc_id"], "store_id": doc["id"], "sha256": doc["sha256"], "symbol": doc["symbol"],
                    "place": doc["place"], "issuer_parent": doc["issuer_parent"],
                    "distribution": record.get("distribution") or [],
                    "extractor_version": doc["extractor_version"], "needs_review": record.get("needs_review") or []},
    }
    item["congvan"]["over_length"] = [
        key for key, limit in PLVI_LIMITS.items()
        if len("; ".join(item[key]) if isinstance(item[key], list) else str(item[key] or "")) > limit]
    return item


def export_json(store: Store, path: str | Path) -> int:
    """All documents as a JSON array in the Phụ lục VI names; → documents written."""
    tasks_by_doc: dict[int, list[dict]] = defaultdict(list)
    for t in store.tasks():
        tasks_by_doc[t["document_id"]].append(t)
    items = [phu_luc_vi(doc, tasks_by_doc.get(doc["id"], [])) for doc in store.documents()]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(items, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.info("exported %d documents as JSON", len(items))
    return len(items)
