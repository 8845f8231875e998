"""Server time of the review workspace's pages on a big SQLite store.

Builds (once, reused with --keep) a store of N generated documents and 3 tasks each, inserted in
bulk straight into the tables (migrated by `Store`), then times pages through FastAPI's TestClient
(routing, queries and template rendering; no network): p50/p95 over --requests requests each.

    .venv/bin/python benchmarks/web.py --documents 100000 --requests 200
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = ["Công văn", "Quyết định", "Kế hoạch", "Thông báo", "Báo cáo", "Chỉ thị", "Giấy mời", "Tờ trình"]
PROVINCES = ["Thanh Hóa", "Nghệ An", "Lạng Sơn", "Quảng Bình", "Cà Mau", "Vĩnh Long", "Bình Định", "Lâm Đồng",
             "Hà Giang", "Đắk Nông", "Tây Ninh", "Quảng Trị", "Hải Dương", "Thái Bình", "Sơn La"]
DEPARTMENTS = ["Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Xây dựng", "Công an tỉnh",
               "Sở Kế hoạch và Đầu tư", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải",
               "Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp",
               "Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi trường", "Thanh tra tỉnh"]
ACTIONS = ["báo cáo kết quả thực hiện", "rà soát, tổng hợp số liệu", "tham mưu phương án phân bổ kinh phí",
           "kiểm tra, xử lý vi phạm", "xây dựng kế hoạch triển khai", "phối hợp tổ chức hội nghị sơ kết",
           "hướng dẫn các đơn vị thực hiện", "đề xuất giải pháp tháo gỡ khó khăn"]
SUBJECTS = ["triển khai nhiệm vụ trọng tâm quý", "tăng cường công tác phòng, chống thiên tai",
            "hướng dẫn thực hiện chế độ báo cáo", "tổ chức kiểm tra công tác cải cách hành chính",
            "phân bổ dự toán ngân sách năm", "đẩy mạnh chuyển đổi số", "bảo đảm trật tự an toàn giao thông",
            "tổng kết công tác năm và phương hướng nhiệm vụ"]


def build(url: str, n_docs: int, seed: int = 7) -> None:
    from pipelines.store import Store
    from pipelines.store.fields import search_text
    from pipelines.store.schema import documents, task_bodies, tasks
    from pipelines.store.units import unit_key

    rng = random.Random(seed)
    bodies = [f"{d} tỉnh {p}" if d.startswith(("Công an", "Thanh tra")) else f"{d} {p}"
              for p in PROVINCES for d in DEPARTMENTS]                       # 225 bodies
    store = Store(url)
    now = datetime.now(UTC)
    today = date.today()
    start = now - timedelta(days=730)
    t0 = time.perf_counter()
    doc_rows, task_rows, body_rows = [], [], []
    keys = {b: unit_key(b) for b in bodies}
    for i in range(1, n_docs + 1):
        province, kind = rng.choice(PROVINCES), rng.choice(KINDS)
        issuer = f"Ủy ban nhân dân tỉnh {province}" if rng.random() < 0.5 else rng.choice(bodies)
        number = str(rng.randint(1, 9999))
        code = f"UBND-{rng.choice(['KT', 'VX', 'NC', 'TH'])}"
        arrived = start + timedelta(seconds=i * 730 * 86400 / n_docs)
        doc_date = (arrived - timedelta(days=rng.randint(1, 10))).date().isoformat()
        subject = f"{rng.choice(SUBJECTS)} {rng.randint(2023, 2025)}"
        review = ["number", "subject"] if rng.random() < 0.1 else []
        provenance = {k: {"page": 1, "text": v, "confidence": 0.55 if k in review else 0.97,
                          "needs_review": k in review, "method": "ocr" if review else "text"}
                      for k, v in (("number", number), ("subject", subject), ("issuer", issuer))}
        doc_tasks = []
        for position in range(3):
            lead = rng.choice(bodies)
            due = today + timedelta(days=rng.randint(-400, 200)) if rng.random() < 0.8 else None
            done = rng.random() < 0.3
            action = f"{rng.choice(ACTIONS)} về {rng.choice(SUBJECTS)}"
            extracted = {"assignees": [lead], "lead": lead, "co": [], "action": action,
                         "deadline": due.isoformat() if due else None, "recurrence": None,
                         "source": {"page": 1, "text": f"{lead} {action}", "confidence": 0.8}}
            co = [rng.choice(bodies)] if rng.random() < 0.3 else []
            co = [c for c in co if c != lead]
            extracted["co"] = co
            doc_tasks.append(extracted)
            task_id = 3 * (i - 1) + position + 1
            status = "done" if done else "open"
            for k, (name, role) in enumerate([(lead, "lead")] + [(c, "co") for c in co]):
                body_rows.append({"task_id": task_id, "position": k, "name": name, "name_key": keys[name],
                                  "unit_id": None, "role": role, "status": status, "updated_at": arrived})
            task_rows.append({"id": task_id, "document_id": i, "position": position, "assignees": json.dumps([lead], ensure_ascii=False),
                              "lead": lead, "co": json.dumps(co, ensure_ascii=False), "action": action, "status": status,
                              "assignee": lead, "assignee_id": None, "recurrence": None, "due_date": due,
                              "done_on": (due - timedelta(days=rng.randint(-5, 10))) if done and due else None,
                              "extracted": json.dumps(extracted, ensure_ascii=False), "active": True,
                              "status_by": None, "created_at": arrived, "updated_at": arrived})
        record = {"id": f"doc-{i}", "doc_type": kind, "number": number, "symbol": f"{number}/{code}", "code": code,
                  "date": doc_date, "place": province, "issuer": issuer, "issuer_parent": None, "subject": subject,
                  "recipients": [rng.choice(bodies)], "distribution": ["Như trên", "Lưu: VT"],
                  "signer": {"name": "Nguyễn Văn A", "title": "Phó Chủ tịch", "authority": "KT. CHỦ TỊCH"},
                  "references": [], "tasks": doc_tasks, "provenance": provenance, "needs_review": review,
                  "file": {"path": f"/srv/inbox/doc-{i}.pdf", "name": f"doc-{i}.pdf", "sha256": f"{i:064x}",
                           "format": "pdf", "pages": 1}, "extractor_version": "0.2.1"}
        doc_rows.append({"id": i, "sha256": f"{i:064x}", "doc_id": f"doc-{i}", "file_name": f"doc-{i}.pdf",
                         "doc_type": kind, "symbol": f"{number}/{code}", "date": doc_date, "issuer": issuer,
                         "subject": subject, "extractor_version": "0.2.1",
                         "record": json.dumps(record, ensure_ascii=False), "ingested_at": arrived,
                         "path": f"/srv/inbox/doc-{i}.pdf", "number": number, "code": code, "place": province,
                         "issuer_parent": None, "updated_at": arrived, "search": search_text(record),
                         "review": ",".join(review) or None})
        if len(doc_rows) >= 5000:
            _flush(store, documents, tasks, task_bodies, doc_rows, task_rows, body_rows)
    _flush(store, documents, tasks, task_bodies, doc_rows, task_rows, body_rows)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"built {n_docs} documents, {3 * n_docs} tasks in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    store.close()


def _flush(store, documents, tasks, task_bodies, doc_rows, task_rows, body_rows) -> None:
    """Bulk insert through the driver (JSON columns given as text, as the store writes them)."""
    if not doc_rows:
        return
    with store.engine.begin() as conn:
        for table, rows in ((documents, doc_rows), (tasks, task_rows), (task_bodies, body_rows)):
            columns = list(rows[0])
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            conn.exec_driver_sql(sql, [tuple(_plain(r[c]) for c in columns) for r in rows])
    doc_rows.clear()
    task_rows.clear()
    body_rows.clear()


def _plain(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def measure(client, label: str, paths: list[str]) -> dict:
    """Wall time and this process's CPU time per request (the CPU figure is what the request costs on a
    machine whose cores other jobs share: wall time there includes waiting for a core)."""
    times, cpu = [], []
    for path in paths:
        t, c = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} → {response.status_code}")
    times.sort()
    cpu.sort()
    p95 = int(0.95 * (len(times) - 1))
    result = {"page": label, "requests": len(times), "p50_ms": round(statistics.median(times), 1),
              "p95_ms": round(times[p95], 1), "max_ms": round(times[-1], 1),
              "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(cpu[p95], 1)}
    print(f"{label:<50} wall p50 {result['p50_ms']:6.1f} p95 {result['p95_ms']:6.1f} max {result['max_ms']:6.1f} ms"
          f" | CPU p50 {result['cpu_p50_ms']:6.1f} p95 {result['cpu_p95_ms']:6.1f} ms  ({len(times)} requests)")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", default="outputs/bench-web/congvan.sqlite", help="SQLite file of the generated store")
    parser.add_argument("--keep", action="store_true", help="reuse the store when it exists")
    args = parser.parse_args()
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    from pipelines.web.app import Settings, create_app

    path = Path(args.db)
    if path.exists() and not args.keep:
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(url, args.documents)
    app = create_app(Settings(db_url=url, outputs=path.parent, secret=b"bench" * 8, local_user="bench"))
    client = TestClient(app, base_url="https://127.0.0.1")
    rng = random.Random(1)
    bodies = app.state.data.assignee_choices()
    n = args.requests
    client.get("/")                   # warm-up: the search index, templates
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    results = [
        measure(client, "tasks: body + state (quá hạn), page 1",
                [f"/nhiem-vu?donvi={quote(rng.choice(bodies))}&tinhtrang={quote('quá hạn')}" for _ in range(n)]),
        measure(client, "tasks: body (accent-free part of name), page 1",
                [f"/nhiem-vu?donvi={quote(rng.choice(['so y te', 'cong an', 'so tai chinh nghe an']))}" for _ in range(n)]),
        measure(client, "tasks: state (quá hạn) + deadline range, page 3",
                [f"/nhiem-vu?tinhtrang={quote('quá hạn')}&hantu=01/01/{date.today().year - 1}&trang=3" for _ in range(n)]),
        measure(client, "tasks: unfiltered, page 1", ["/nhiem-vu" for _ in range(n)]),
        measure(client, "document page", [f"/van-ban/{rng.randint(1, args.documents)}" for _ in range(n)]),
        measure(client, "documents: page 1", ["/van-ban" for _ in range(n)]),
        measure(client, "documents: kind filter, deep keyset page",
                [f"/van-ban?loai={quote('Chỉ thị')}&truoc={rng.randint(1000, args.documents)}" for _ in range(n)]),
        measure(client, "documents: search (accent-insensitive)",
                [f"/van-ban?q={quote(rng.choice(['chuyen doi so', 'thien tai', 'ngan sach nghe an']))}" for _ in range(n)]),
        measure(client, "documents: search for a số ký hiệu (few matches: a whole scan)",
                [f"/van-ban?q={quote(f'{rng.randint(1, 9999)}/UBND-VX')}" for _ in range(n)]),
        measure(client, "documents: needs review", ["/van-ban?canxem=1" for _ in range(n)]),
        measure(client, "overview (counts, overdue by body, review queue)", ["/" for _ in range(max(1, n // 4))]),
    ]
    print(json.dumps({"documents": args.documents, "tasks": 3 * args.documents, "results": results}, ensure_ascii=False))
    app.state.data.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
