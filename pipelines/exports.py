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
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from pipelines.messages import _, field_label
from pipelines.store import Store
from pipelines.store.tracking import TASK_STATES, parse_date

log = logging.getLogger("congvan.exports")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
DATE_FORMAT = "DD/MM/YYYY"
STATUS_NAMES = {"open": "Đang xử lý", "done": "Đã hoàn thành"}

# (key, Vietnamese header) of the task table, in sheet order: the one set of column names of the
# XLSX, CSV and Parquet exports.
TASK_COLUMNS = [
    ("id", "Mã nhiệm vụ"),
    ("symbol", "Số, ký hiệu văn bản"),
    ("doc_type", "Tên loại văn bản"),
    ("doc_date", "Ngày văn bản"),
    ("doc_date_precision", "Độ chính xác ngày văn bản"),
    ("issuer", "Cơ quan ban hành"),
    ("subject", "Trích yếu"),
    ("assignee", "Đơn vị chủ trì / được giao"),
    ("assignee_id", "Đơn vị (theo danh mục)"),
    ("co", "Đơn vị phối hợp"),
    ("mode", "Hình thức"),
    ("action", "Nội dung nhiệm vụ"),
    ("due_date", "Hạn xử lý"),
    ("recurrence", "Định kỳ"),
    ("status", "Trạng thái"),
    ("done_on", "Ngày hoàn thành"),
    ("state", "Tình trạng"),
    ("bodies", "Tình trạng từng đơn vị"),
    ("corrected", "Trường đã hiệu chỉnh"),
    ("conflict", "Cần đối chiếu"),
    ("file_name", "Tệp"),
]
TASK_DATE_KEYS = ("doc_date", "due_date", "done_on")
REGISTER_COLUMNS = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
                    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
TRACKING_COLUMNS = ["Số đến", "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành", "Đơn vị hoặc người nhận",
                    "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú"]
# Printed widths (characters) of the register columns on A4 landscape, and the marks of Phụ lục IV.
REGISTER_WIDTHS = [11, 7, 22, 15, 11, 42, 20, 11, 9, 20]
TRACKING_WIDTHS = [7, 40, 24, 12, 20, 18, 45]
PRECISION_NAMES = {10: "ngày", 7: "tháng", 4: "năm"}
PRECISION_FORMATS: dict[str | None, str] = {"tháng": "MM/YYYY", "năm": "YYYY"}    # a partial date shows only what is known
WRAP_WIDTH = 60
PRINT_FONT_SIZE = 10
CHARS_PER_WIDTH = 1.25     # characters of Vietnamese text at 10 pt per unit of column width
LINE_HEIGHT = 13           # points per line at 10 pt


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
    """A real date for an ISO date; a partial one (`2024-05`, `2024`) as the first day of its month or
    year (its precision goes in a column beside it); None for anything else."""
    return partial_date(value)[0]


def partial_date(value) -> tuple[date | None, str | None]:
    """`2024-05-03` → (date, "ngày"); `2024-05` → (2024-05-01, "tháng"); `2024` → (2024-01-01, "năm")."""
    parsed = parse_date(value)
    if parsed:
        return parsed, PRECISION_NAMES[10]
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1), PRECISION_NAMES[7]
        if len(text) == 4:
            return date(int(text), 1, 1), PRECISION_NAMES[4]
    except ValueError:
        pass
    return None, None


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


# ---- the task table ------------------------------------------------------------------------

def task_rows(store: Store, today: date | None = None, **filters) -> list[dict]:
    """Task rows keyed by the English keys of TASK_COLUMNS (values typed, not yet neutralised)."""
    from pipelines.store.tracking import MODE_NAMES, ROLE_NAMES
    rows = []
    for t in store.tasks(today=today, **filters):
        doc_date, precision = partial_date(t["doc_date"])
        co = [b["unit"] or b["name"] for b in t["bodies"] if b["role"] == "co"]
        rows.append({
            "id": t["id"], "symbol": t["symbol"], "doc_type": t["doc_type"], "doc_date": doc_date,
            "doc_date_precision": precision, "issuer": t["issuer"], "subject": t["subject"],
            "assignee": t["lead_unit"] or t["assignee"], "assignee_id": _text(t["units"]) or t["assignee_id"],
            "co": _text(co) or _text(t["co"]), "mode": MODE_NAMES.get(t["mode"]), "action": t["action"],
            "due_date": t["due_date"], "recurrence": t["recurrence"], "status": STATUS_NAMES.get(t["status"], t["status"]),
            "done_on": t["done_on"], "state": t["state"],
            "bodies": "; ".join(f"{b['unit'] or b['name']} ({ROLE_NAMES.get(b['role'], b['role'])}): {b['state']}"
                                for b in t["bodies"]) or None,
            "corrected": _text(t["corrected"]), "conflict": "Có" if t["conflict"] else None,
            "file_name": t["file_name"], "_bodies": t["bodies"],
        })
    return rows


def _frame(rows: list[dict], columns: list[tuple[str, str]], headers: bool = True) -> pd.DataFrame:
    data = [{(label if headers else key): neutralize(row.get(key)) for key, label in columns} for row in rows]
    return pd.DataFrame(data, columns=[label if headers else key for key, label in columns])


def summary_frame(rows: list[dict]) -> pd.DataFrame:
    """Counts by unit and state, one follow-up per body: a task given to three bodies counts once for
    each (variants of a name count as one unit; a name not in the directory counts under its folded form)."""
    from pipelines.store.units import group_by_acronym, unit_key

    counts: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    unlinked = sorted({b["name"] for row in rows for b in row.get("_bodies") or [] if not b["unit_id"]}, key=len,
                      reverse=True)
    grouped = group_by_acronym(unlinked)        # a name not in the directory and its abbreviated form count once
    for row in rows:
        bodies = row.get("_bodies") or []
        if not bodies:
            key = row["assignee"] or "(chưa xác định)"
            names.setdefault(key, key)
            counts[key][row["state"]] += 1
        for b in bodies:
            name = b["unit"] or grouped.get(b["name"], b["name"])
            key = f"u{b['unit_id']}" if b["unit_id"] else unit_key(name)
            names.setdefault(key, name)
            counts[key][b["state"]] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), names[kv[0]]))
    data = [{"Đơn vị": neutralize(names[key]), **{s: c.get(s, 0) for s in TASK_STATES}, "Tổng số": sum(c.values())}
            for key, c in ordered]
    total = Counter(row["state"] for row in rows)
    data.append({"Đơn vị": "Tổng cộng (nhiệm vụ)", **{s: total.get(s, 0) for s in TASK_STATES}, "Tổng số": len(rows)})
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
            ("Nhiệm vụ", _frame(rows, TASK_COLUMNS), {"dates": [dict(TASK_COLUMNS)[k] for k in TASK_DATE_KEYS],
                                                    "precision": {"Ngày văn bản": [r["doc_date_precision"] for r in rows]}}),
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
    """The task table with the Vietnamese column names of the XLSX/CSV and explicit types (dates as date32)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"id": pa.int64(), **{k: pa.date32() for k in TASK_DATE_KEYS}}
    columns = {}
    for key, label in TASK_COLUMNS:
        values = [neutralize(row.get(key)) for row in rows]
        columns[label] = pa.array(values, type=types.get(key, pa.string()))
    pq.write_table(pa.table(columns), path)


# ---- registers -----------------------------------------------------------------------------

def marks_text(record: dict) -> str | None:
    """`Hỏa tốc`, `Mật` … of a record (`urgency`, `confidentiality`), as the register shows them."""
    parts = [record.get("urgency"), record.get("confidentiality")]
    return ", ".join(p for p in parts if p) or None


def register_rows(store: Store, year: int | None = None, month: int | None = None) -> tuple[list[dict], list[dict]]:
    """Rows of the incoming register (sổ đăng ký văn bản đến) and of the tracking register
    (sổ theo dõi giải quyết văn bản đến), from ND30 Phụ lục IV: one row per incoming document (its
    copies in other formats count once), filtered by the year / month of ngày đến."""
    tasks_by_doc: dict[int, list[dict]] = defaultdict(list)
    for t in store.tasks():
        tasks_by_doc[t["document_id"]].append(t)
    register, tracking = [], []
    for doc in store.documents(main_only=True, year=year, month=month):
        record = doc["record"] or {}
        if record.get("official") is False or doc["arrival_number"] is None:
            continue            # a file that is no administrative document: recorded, not registered (no số đến)
        doc_tasks = tasks_by_doc.get(doc["id"], [])
        notes: list[str] = []
        marks = marks_text(record)
        if marks:
            notes.append(marks)
        if record.get("needs_review"):
            notes.append(_("to check: {fields}").format(
                fields=", ".join(dict.fromkeys(field_label(f) for f in record["needs_review"]))))
        files = doc.get("files") or [doc["file_name"] or doc["doc_id"]]
        if len(files) > 1:
            notes.append(_("{n} files").format(n=len(files)))
        kind_subject = " ".join(x for x in (doc["doc_type"], doc["subject"] and f"về {doc['subject']}") if x)
        register.append({
            "Ngày đến": doc["arrival_date"] or _local_date(doc["ingested_at"]), "Số đến": doc["arrival_number"],
            "Tác giả": doc["issuer"], "Số, ký hiệu": doc["symbol"], "Ngày tháng": _cell_date(doc["date"]),
            "Tên loại và trích yếu nội dung": kind_subject or None,
            "Đơn vị hoặc người nhận": "; ".join(doc.get("routed_to") or []) or None,
            "Ngày chuyển": doc.get("routed_on"), "Ký nhận": None, "Ghi chú": "; ".join(notes),
            "_precision": partial_date(doc["date"])[1],
        })
        doc_date = parse_date(doc["date"])
        described = ", ".join(x for x in (doc["doc_type"], doc["symbol"] and f"số {doc['symbol']}",
                                          doc_date and f"ngày {doc_date:%d/%m/%Y}", doc["issuer"]) if x)
        for t in doc_tasks:
            tracking.append({
                "Số đến": doc["arrival_number"], "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành": described,
                "Đơn vị hoặc người nhận": "; ".join(t["units"]) or t["assignee"], "Thời hạn giải quyết": t["due_date"],
                "Tiến độ giải quyết": t["state"] + (f" ({t['done_on']:%d/%m/%Y})" if t["done_on"] else ""),
                "Số, ký hiệu văn bản trả lời": None, "Ghi chú": t["action"],
            })
    return register, tracking


def export_register(store: Store, path: str | Path, fmt: str | None = None, year: int | None = None,
                    month: int | None = None) -> int:
    """The incoming register and its tracking register as one XLSX printed on A4 landscape (fit to
    width, wrapped rows, header row repeated), or the incoming register alone as CSV; → documents written.
    The format comes from `fmt` or the file name; anything else is refused (never an XLSX named .csv)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"the register is written as xlsx or csv, not {fmt!r}")
    if fmt != (path.suffix.lstrip(".").lower() or fmt):
        raise ValueError(f"--format {fmt} does not match the file name {path.name}")
    register, tracking = register_rows(store, year, month)
    neutral = lambda rows, cols: pd.DataFrame([{c: neutralize(r[c]) for c in cols} for r in rows], columns=cols)
    path.parent.mkdir(parents=True, exist_ok=True)
    period = f"tháng {month:02d}/{year}" if year and month else f"năm {year}" if year else None
    if fmt == "csv":
        neutral(register, REGISTER_COLUMNS).to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
    else:
        write_workbook(path, [
            ("Sổ đăng ký văn bản đến", neutral(register, REGISTER_COLUMNS),
             {"dates": ["Ngày đến", "Ngày tháng", "Ngày chuyển"], "print": REGISTER_WIDTHS,
              "precision": {"Ngày tháng": [r["_precision"] for r in register]},
              "title": "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" + (f" — {period}" if period else "")}),
            ("Sổ theo dõi giải quyết", neutral(tracking, TRACKING_COLUMNS),
             {"dates": ["Thời hạn giải quyết"], "print": TRACKING_WIDTHS,
              "title": "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" + (f" — {period}" if period else "")}),
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
                precision = options.get("precision", {}).get(column) or []
                for i, cell in enumerate(ws[letter][1:]):
                    if column in date_columns and isinstance(cell.value, (date, datetime)):
                        cell.number_format = PRECISION_FORMATS.get(precision[i] if i < len(precision) else None,
                                                                   DATE_FORMAT)
                    elif longest > WRAP_WIDTH:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
            if options.get("print"):
                _print_layout(ws, frame, options["print"], options.get("title"), date_columns)
            if options.get("note"):
                ws.cell(row=ws.max_row + 2, column=1, value=options["note"]).font = Font(italic=True)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell of `width` characters needs (word wrap, explicit line breaks)."""
    total = 0
    for paragraph in str(text).split("\n"):
        line, count = 0, 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > width:
                count, line = count + 1, len(word)
            else:
                line += (1 if line else 0) + len(word)
            while line > width:            # a word longer than the column
                count, line = count + 1, line - width
        total += count
    return max(total, 1)


def _print_layout(ws, frame: pd.DataFrame, widths: list[int], title: str | None, date_columns: set) -> None:
    """A register sheet as it is printed: A4 landscape, fit to the page width, every cell wrapped with
    the row tall enough for its longest cell, the header row repeated on every page, a title above."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(widths)):
        height = 1
        for cell, width in zip(row, widths):
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if cell.row == 1 else None)
            cell.border = border
            cell.font = Font(size=PRINT_FONT_SIZE, bold=cell.row == 1)
            if cell.value is not None and not isinstance(cell.value, (date, datetime)):
                height = max(height, _lines(cell.value, max(int(width * CHARS_PER_WIDTH) - 1, 1)))
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * height + 4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title:
        ws.oddHeader.center.text = title
        ws.oddHeader.center.size = 12
        ws.oddFooter.right.text = "Trang &P/&N"


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
        "SecurityLevel": record.get("confidentiality"),
        "ToPlaces": record.get("recipients") or [],
        "ArrivalDate": (doc.get("arrival_date") or _local_date(doc["ingested_at"]) or date.today()).isoformat(),
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
    items = [phu_luc_vi(doc, tasks_by_doc.get(doc["id"], [])) for doc in store.documents(main_only=True)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(items, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.info("exported %d documents as JSON", len(items))
    return len(items)
