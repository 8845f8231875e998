"""`congvan` store commands: documents, tasks, task done/reopen, correct, corrections, export, load.

Every command takes `--db` (SQLAlchemy URL; default `CONGVAN_DB_URL`, else SQLite under outputs/).
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
import unicodedata
from datetime import date
from pathlib import Path

from pipelines.store.tracking import DOCUMENT_FIELDS, TASK_FIELDS, TASK_STATES


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL (default: $CONGVAN_DB_URL, else outputs/congvan.sqlite under $CONGVAN_HOME or the project folder)")


def _open(args):
    """The store of `--db` (SQLAlchemy is imported here, not when the parser is built)."""
    from pipelines.store import Store
    return Store(args.db)


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _date_arg(text: str) -> date:
    from pipelines.store.tracking import parse_date
    parsed = parse_date(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD or DD/MM/YYYY): {text!r}")
    return parsed


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--assignee", help="tracked assignee, assignee or gazetteer id (accent-insensitive part)")
    parser.add_argument("--state", choices=TASK_STATES, help="computed state")
    parser.add_argument("--status", choices=("open", "done"))
    parser.add_argument("--due-before", type=_date_arg, help="deadline on or before this date")
    parser.add_argument("--due-after", type=_date_arg, help="deadline on or after this date")
    parser.add_argument("--document", help="store id, file stem or SHA-256 prefix of the document")
    parser.add_argument("--today", type=_date_arg, help=argparse.SUPPRESS)


def _filter_kwargs(args) -> dict:
    return {"assignee": args.assignee, "state": args.state, "status": args.status, "due_before": args.due_before,
            "due_after": args.due_after, "document": args.document}


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _clip(text, width: int) -> str:
    text = " ".join(str(text or "").split())
    if _width(text) > width:
        text = text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def print_table(rows: list[list], headers: list[str], widths: list[int], out=None) -> None:
    out = out or sys.stdout
    print("  ".join(_clip(h, w) for h, w in zip(headers, widths)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(_clip(v, w) for v, w in zip(row, widths)).rstrip(), file=out)


def cmd_tasks(args) -> int:
    with _open(args) as store:
        rows = store.tasks(include_inactive=args.all, today=args.today, **_filter_kwargs(args))
    if args.json:
        for r in rows:
            print(json.dumps({k: r[k] for k in ("id", "doc_id", "symbol", "assignee", "assignee_id", "lead",
                                                "assignees", "co", "action", "due_date", "status", "done_on",
                                                "state", "corrected", "conflict", "active")},
                             ensure_ascii=False, default=str))
        return 0
    table = [[r["id"], r["symbol"] or r["doc_id"], r["assignee"] or "", r["due_date"].strftime("%d/%m/%Y")
              if r["due_date"] else "", r["state"] + (" *" if r["corrected"] else "") + ("!" if r["conflict"] else ""),
              r["action"]] for r in rows]
    print_table(table, ["ID", "Văn bản", "Đơn vị", "Hạn", "Tình trạng", "Nội dung"], [6, 24, 30, 10, 20, 60])
    print(f"{len(rows)} nhiệm vụ" + ("  (* đã hiệu chỉnh, ! xung đột với trích xuất mới)"
                                     if any(r["corrected"] or r["conflict"] for r in rows) else ""))
    return 0


def cmd_documents(args) -> int:
    with _open(args) as store:
        docs = store.documents()
        open_tasks: dict[int, int] = {}
        for t in store.tasks(status="open"):
            open_tasks[t["document_id"]] = open_tasks.get(t["document_id"], 0) + 1
        corrected = {c["document_id"] for c in store.corrections()}
    table = [[d["id"], d["arrival_number"], d["doc_id"], d["symbol"] or "", d["date"] or "", d["doc_type"] or "",
              d["issuer"] or "", open_tasks.get(d["id"], 0), "*" if d["id"] in corrected else "",
              d["extractor_version"]] for d in docs]
    print_table(table, ["ID", "Số đến", "Tệp", "Số, ký hiệu", "Ngày", "Loại", "Cơ quan ban hành", "NV mở", "*",
                        "Phiên bản"], [5, 6, 28, 22, 10, 12, 36, 5, 1, 9])
    print(f"{len(docs)} văn bản")
    return 0


def cmd_task_status(args) -> int:
    with _open(args) as store:
        t = store.set_task_status(args.id, "done" if args.action == "done" else "open",
                                  on=args.date, by=args.by or _who())
    when = f" ngày {t['done_on']:%d/%m/%Y}" if t["done_on"] else ""
    print(f"task {t['id']}: {t['status']}{when} → {t['state']}")
    return 0


def cmd_correct(args) -> int:
    with _open(args) as store:
        if args.target == "document":
            c = store.correct_document(args.ref, args.field, args.value, by=args.by or _who())
        else:
            c = store.correct_task(int(args.ref), args.field, args.value, by=args.by or _who())
    print(f"{args.target} {args.ref}: {args.field} = {json.dumps(c['value'], ensure_ascii=False)} "
          f"(extracted: {json.dumps(c['extracted_value'], ensure_ascii=False)}; by {c['by']})")
    return 0


def cmd_corrections(args) -> int:
    with _open(args) as store:
        if args.revert is not None:
            c = store.revert_correction(args.revert, by=args.by or _who())
            print(f"correction {c['id']} ({c['field']}) reverted: the extracted value is shown again")
            return 0
        rows = store.corrections(conflicts_only=args.conflicts)
    dump = lambda v: json.dumps(v, ensure_ascii=False)
    table = [[c["id"], c["doc_id"], c["task_id"] or "", c["field"], dump(c["value"]), dump(c["extracted_value"]),
              dump(c["latest_extracted"]) + (f" ({c['latest_version']})" if c["latest_version"] else ""),
              "!" if c["conflict"] else "", c["by"], f"{c['at']:%Y-%m-%d %H:%M}"] for c in rows]
    print_table(table, ["ID", "Văn bản", "Task", "Trường", "Giá trị hiệu chỉnh", "Trích xuất lúc sửa",
                        "Trích xuất mới nhất", "!", "Người sửa", "Lúc"], [5, 22, 6, 14, 26, 22, 30, 1, 12, 16])
    print(f"{len(rows)} hiệu chỉnh, {sum(bool(c['conflict']) for c in rows)} xung đột")
    return 0


def cmd_export(args) -> int:
    from pipelines import exports
    from pipelines.store import StoreError

    with _open(args) as store:
        if args.what == "tasks":
            fmt = args.format or Path(args.output).suffix.lstrip(".").lower() or "xlsx"
            if fmt not in ("xlsx", "csv", "parquet"):
                raise StoreError(f"unknown format {fmt!r} (xlsx, csv, parquet)")
            n = exports.export_tasks(store, args.output, fmt, today=args.today, **_filter_kwargs(args))
            print(f"{n} tasks → {args.output}")
        elif args.what == "register":
            n = exports.export_register(store, args.output)
            print(f"{n} documents → {args.output}")
        else:
            n = exports.export_json(store, args.output)
            print(f"{n} documents → {args.output}")
    return 0


def cmd_load(args) -> int:
    """Store records from a JSONL file of `congvan extract` (records with `file.sha256`)."""
    from models.record import DocumentRecord

    from pydantic import ValidationError

    outcomes: dict[str, int] = {}
    with _open(args) as store, open(args.jsonl, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:     # a bad line (malformed, too deeply nested, wrong types) is reported and skipped
                record = DocumentRecord.model_validate(json.loads(line))
                if not record.error and not (record.file and record.file.sha256):
                    raise ValueError("no file.sha256")
            except (ValueError, ValidationError, RecursionError, TypeError) as exc:
                print(f"congvan: line {number} skipped / bỏ qua dòng {number}: {type(exc).__name__}",
                      file=sys.stderr)
                outcomes["skipped"] = outcomes.get("skipped", 0) + 1
                continue
            if record.error:
                store.save_quarantine(record)
                outcome = "quarantined"
            else:
                outcome = store.ingest_record(record)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing to load")
    return 0


def _guard(func):
    def run(args) -> int:
        from pipelines.store import StoreError
        try:
            return func(args)
        except StoreError as exc:
            print(f"congvan: {exc}", file=sys.stderr)
            return 2
    return run


def register(sub) -> None:
    """Add the store commands to the `congvan` sub-parsers."""
    p = sub.add_parser("tasks", help="list tracked tasks (filters: assignee, state, due dates, document)")
    _filters(p)
    p.add_argument("--all", action="store_true", help="include tasks a re-extraction no longer finds")
    p.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    _db(p)
    p.set_defaults(func=_guard(cmd_tasks))

    p = sub.add_parser("documents", help="list stored documents (store id, số đến, symbol, open tasks)")
    _db(p)
    p.set_defaults(func=_guard(cmd_documents))

    p = sub.add_parser("task", help="mark a task done (or reopen it)")
    p.add_argument("action", choices=("done", "reopen"))
    p.add_argument("id", type=int, help="task id (see `congvan tasks`)")
    p.add_argument("--date", type=_date_arg, help="completion date (default: today)")
    p.add_argument("--by", help="who (default: login name)")
    _db(p)
    p.set_defaults(func=_guard(cmd_task_status))

    p = sub.add_parser("correct", help="override an extracted field (kept across re-extraction)",
                       description="document fields: " + ", ".join(DOCUMENT_FIELDS) +
                       "; task fields: " + ", ".join(TASK_FIELDS) +
                       ". List values are separated by ';' (or a JSON list); an empty value clears the field.")
    p.add_argument("target", choices=("document", "task"))
    p.add_argument("ref", help="document: store id, file stem or SHA-256 prefix; task: task id")
    p.add_argument("field")
    p.add_argument("value")
    p.add_argument("--by", help="who corrects (default: login name)")
    _db(p)
    p.set_defaults(func=_guard(cmd_correct))

    p = sub.add_parser("corrections", help="list analysts' corrections (and conflicts with newer extractions)")
    p.add_argument("--conflicts", action="store_true", help="only corrections a newer extraction disagrees with")
    p.add_argument("--revert", type=int, metavar="ID", help="end correction ID (show the extracted value again)")
    p.add_argument("--by", help="who reverts (default: login name)")
    _db(p)
    p.set_defaults(func=_guard(cmd_corrections))

    p = sub.add_parser("export", help="export tasks (xlsx/csv/parquet), the incoming register (xlsx) or JSON")
    p.add_argument("what", choices=("tasks", "register", "json"))
    p.add_argument("-o", "--output", required=True, help="output file")
    p.add_argument("--format", choices=("xlsx", "csv", "parquet"), help="tasks only (default: from the file name)")
    _filters(p)
    _db(p)
    p.set_defaults(func=_guard(cmd_export))

    p = sub.add_parser("load", help="store records from a JSONL of `congvan extract`")
    p.add_argument("jsonl")
    _db(p)
    p.set_defaults(func=_guard(cmd_load))
