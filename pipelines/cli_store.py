"""`congvan` store commands: documents, tasks, show, task done/reopen/dismiss/add, arrival, units, correct,
corrections, export, load, digest.

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

from pipelines.messages import _, field_label
from pipelines.store.tracking import DOCUMENT_FIELDS, ROLE_NAMES, TASK_FIELDS, TASK_STATES


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


def _state_arg(text: str) -> str:
    from pipelines.store.tracking import state_of
    state = state_of(text)
    if state is None:
        raise argparse.ArgumentTypeError(f"unknown state {text!r} (one of: {', '.join(TASK_STATES)})")
    return state


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--assignee", help="a body: its name or an alias of its unit (UBND, MTTQ, …), accents "
                        "optional; also matches the collectives it belongs to")
    parser.add_argument("--state", type=_state_arg, help="computed state, accents optional: " + ", ".join(TASK_STATES))
    parser.add_argument("--status", choices=("open", "done"))
    parser.add_argument("--due-before", type=_date_arg, help="deadline on or before this date")
    parser.add_argument("--due-after", type=_date_arg, help="deadline on or after this date")
    parser.add_argument("--document", help="store id, file stem, SHA-256 prefix or số ký hiệu of the document")
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
            item = {k: r[k] for k in ("id", "doc_id", "symbol", "assignee", "assignee_id", "lead", "assignees", "co",
                                      "action", "mode", "due_date", "status", "done_on", "state", "units",
                                      "corrected", "conflict", "active")}
            item["bodies"] = [{k: b[k] for k in ("name", "unit", "role", "status", "done_on", "state")}
                              for b in r["bodies"]]
            print(json.dumps(item, ensure_ascii=False, default=str))
        return 0
    table = [[r["id"], r["symbol"] or r["doc_id"], "; ".join(r["units"]) or r["assignee"] or "",
              r["due_date"].strftime("%d/%m/%Y")
              if r["due_date"] else "", r["state"] + (" *" if r["corrected"] else "") + ("!" if r["conflict"] else ""),
              r["action"]] for r in rows]
    print_table(table, ["ID", "Văn bản", "Đơn vị", "Hạn", "Tình trạng", "Nội dung"], [6, 24, 30, 10, 20, 60])
    print(f"{len(rows)} nhiệm vụ" + ("  (* đã hiệu chỉnh, ! xung đột với trích xuất mới)"
                                     if any(r["corrected"] or r["conflict"] for r in rows) else ""))
    return 0


def cmd_documents(args) -> int:
    with _open(args) as store:
        if args.regroup:
            print(f"{store.regroup(by=_who())} tệp được gộp vào văn bản đến đã có (bản sao)")
        docs = store.documents()
        open_tasks: dict[int, int] = {}
        for t in store.tasks(status="open"):
            open_tasks[t["document_id"]] = open_tasks.get(t["document_id"], 0) + 1
        corrected = {c["document_id"] for c in store.corrections()}
    roles = {"main": "", "copy": "bản sao", "replaced": "bản cũ"}
    table = [[d["id"], d["arrival_number"], d["doc_id"], roles.get(d["copy_role"], ""), d["symbol"] or "",
              d["date"] or "", d["doc_type"] or "", d["issuer"] or "", open_tasks.get(d["id"], 0),
              "*" if d["id"] in corrected else "", d["extractor_version"]] for d in docs]
    print_table(table, ["ID", "Số đến", "Tệp", "", "Số, ký hiệu", "Ngày", "Loại", "Cơ quan ban hành", "NV mở", "*",
                        "Phiên bản"], [5, 6, 28, 7, 22, 10, 12, 36, 5, 1, 9])
    incoming = len({d["incoming_id"] for d in docs})
    print(f"{incoming} văn bản" + (f" ({len(docs)} tệp)" if incoming != len(docs) else ""))
    return 0


def cmd_task_status(args) -> int:
    from pipelines.store import StoreError
    with _open(args) as store:
        if args.action == "add":
            if not args.document or not args.text:
                raise StoreError("task add needs --document and --action")
            t = store.add_task(args.document, args.text, by=args.by or _who(), lead=args.lead, co=args.co or [],
                               assignees=args.assignee or [], deadline=args.deadline)
            print(_("task {id}: added to {document} → {state}").format(id=t["id"], document=t["symbol"] or t["doc_id"],
                                                                     state=t["state"]))
            return 0
        if args.id is None:
            raise StoreError(f"task {args.action} needs a task id")
        if args.action == "expand":
            t = store.expand_task(args.id, by=args.by or _who())
            for b in t["bodies"]:
                print(f"  {ROLE_NAMES.get(b['role'], b['role']):10} {b['unit'] or b['name']}: {b['state']}")
            return 0
        if args.action == "dismiss":
            t = store.dismiss_task(args.id, by=args.by or _who(), undo=args.undo)
            print(_("task {id}: restored").format(id=t["id"]) if args.undo else
                  _("task {id}: dismissed by {by}").format(id=t["id"], by=t["dismissed_by"]))
            return 0
        t = store.set_task_status(args.id, "done" if args.action == "done" else "open",
                                  on=args.date, by=args.by or _who(), body=args.body)
    when = _(" on {day}").format(day=f"{t['done_on']:%d/%m/%Y}") if t["done_on"] else ""
    print(_("task {id}: {status}{when} → {state}").format(id=t["id"], status=_(t["status"]), when=when, state=t["state"]))
    for b in t["bodies"]:
        done = f" ({_('done')}{_(' on {day}').format(day=_day(b['done_on'])) if b['done_on'] else ''})" \
            if b["status"] == "done" else ""
        print(f"  {ROLE_NAMES.get(b['role'], b['role']):9} {b['unit'] or b['name']}: {b['state']}{done}")
    return 0


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def cmd_show(args) -> int:
    """One document (its files, số đến, routing, fields, tasks) or one task (its bodies)."""
    ref = args.ref.strip()
    task_ref = ref.lower().removeprefix("task:").removeprefix("t") if ref.lower().startswith(("task:", "t")) else None
    with _open(args) as store:
        if task_ref and task_ref.isdigit():
            t = store.task(int(task_ref))
            print(f"Nhiệm vụ {t['id']} — văn bản {t['symbol'] or t['doc_id']}")
            print(f"  Nội dung: {t['action']}")
            print(f"  Hình thức: {'đề nghị' if t['mode'] == 'request' else 'giao' if t['mode'] == 'order' else ''}")
            print(f"  Hạn: {_day(t['due_date'])}  Tình trạng: {t['state']}"
                  + ("  (đã loại bỏ)" if t["dismissed_at"] else "") + ("  (thêm tay)" if t["manual"] else ""))
            for i, b in enumerate(t["bodies"], start=1):
                print(f"  {i}. {ROLE_NAMES.get(b['role'], b['role']):9} {b['name']}"
                      + (f" → {b['unit']}" if b["unit"] and b["unit"] != b["name"] else "")
                      + f": {b['state']}" + (f" ({_day(b['done_on'])})" if b["done_on"] else ""))
            return 0
        d = store.document(ref)
        if d["main_id"] != d["id"]:          # a copy: the incoming document it belongs to
            d = store.document(d["main_id"])
        tasks = store.tasks(document=d["id"], today=args.today)
    record = d["record"] or {}
    print(f"Văn bản {d['symbol'] or d['doc_id']} (id {d['id']})")
    print(f"  Số đến: {d.get('arrival_number')}/{d.get('year')}  Ngày đến: {_day(d.get('arrival_date'))}")
    print(f"  Chuyển đến: {'; '.join(d.get('routed_to') or [])}")
    for label, key in (("Loại", "doc_type"), ("Ngày", "date"), ("Cơ quan ban hành", "issuer"), ("Trích yếu", "subject")):
        print(f"  {label}: {d[key] or ''}")
    for label, key in (("Độ khẩn", "urgency"), ("Độ mật", "confidentiality")):
        if record.get(key):
            print(f"  {label}: {record[key]}")
    print("  Tệp: " + "; ".join(f"{f['file_name']} ({f['copy_role']})" for f in d["files"]))
    for c in d["corrections"]:
        print(f"  hiệu chỉnh {field_label(c['field'])} = {json.dumps(c['value'], ensure_ascii=False)} ({c['by']})")
    for t in tasks:
        print(f"  [{t['id']}] {t['state']:18} {_day(t['due_date']):10} {'; '.join(t['units'])}: {t['action'][:80]}")
    return 0


def cmd_arrival(args) -> int:
    with _open(args) as store:
        d = store.set_arrival(args.ref, number=args.number, on=args.date, routed_to=args.route,
                              routed_on=args.route_date, by=args.by or _who())
    print(f"{d['symbol'] or d['doc_id']}: số đến {d['arrival_number']}/{d['year']}, ngày đến {_day(d['arrival_date'])}"
          + (f", chuyển: {'; '.join(d['routed_to'])}" if d.get("routed_to") else ""))
    return 0


def cmd_units(args) -> int:
    with _open(args) as store:
        if args.action == "unknown":
            rows = store.unknown_units()
            print_table([[r["name"], r["tasks"], r["suggestion"] or ""] for r in rows],
                        ["Tên chưa có trong danh mục", "NV", "Có thể là"], [60, 4, 50])
            print(_("{n} names not in the directory — map each once: `congvan units map NAME UNIT`").format(n=len(rows)))
        elif args.action == "map":
            if len(args.names) != 2:
                raise _store_error("units map NAME UNIT")
            unit = store.map_unit_name(args.names[0], args.names[1])
            print(_("{name} → {unit}").format(name=args.names[0], unit=unit["name"]))
        elif args.action == "add":
            if len(args.names) != 1:
                raise _store_error("units add NAME [--kind K] [--alias A ...] [--member M ...]")
            unit = store.add_unit(args.names[0], args.kind or "body", args.alias or [], args.member or [],
                                  email=args.email)
            print(f"{unit['name']} ({unit['kind']})")
        elif args.action == "import":
            if len(args.names) != 1:
                raise _store_error("units import FILE.csv")
            print(_("{n} rows applied").format(n=store.import_units(args.names[0])))
        else:
            rows = store.units(kind=args.kind)
            print_table([[u["id"], u["name"], u["kind"], u["level"] or "", _day(u["valid_to"]), u["successor"] or "",
                          "; ".join(u["aliases"][:4]), "; ".join(m for m in u["members"] if m), u["bodies"]] for u in rows],
                        ["ID", "Đơn vị", "Loại", "Cấp", "Hết hiệu lực", "Kế thừa", "Tên khác", "Thành viên", "NV"],
                        [5, 48, 10, 9, 12, 30, 40, 30, 4])
            print(f"{len(rows)} đơn vị")
    return 0


def _store_error(usage: str):
    from pipelines.store import StoreError
    return StoreError(f"usage: congvan {usage}")


def cmd_digest(args) -> int:
    from pipelines import digest
    result = digest.write_digests(args.db, args.output, today=args.today, soon_days=args.soon, send=args.send)
    print(f"{result['units']} đơn vị → {result['html']} , {result['json']}"
          + (f"; {result['sent']} thư đã gửi" if result.get("sent") is not None else ""))
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
            print(_("correction {id} ({field}) reverted: the extracted value is shown again").format(
                id=c["id"], field=field_label(c["field"])))
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
            print(_("{n} tasks → {path}").format(n=n, path=args.output))
        elif args.what == "register":
            try:
                n = exports.export_register(store, args.output, args.format, year=args.year, month=args.month)
            except ValueError as exc:
                raise StoreError(str(exc)) from None
            print(_("{n} documents → {path}").format(n=n, path=args.output))
        else:
            n = exports.export_json(store, args.output)
            print(_("{n} documents → {path}").format(n=n, path=args.output))
    return 0


def cmd_load(args) -> int:
    """Store records from a JSONL file of `congvan extract` (records with `file.sha256`)."""
    from pydantic import ValidationError

    from models.record import DocumentRecord

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
    p.add_argument("--regroup", action="store_true",
                   help="first make copies stored apart by an older store one incoming document (once, after upgrading)")
    _db(p)
    p.set_defaults(func=_guard(cmd_documents))

    p = sub.add_parser("task", help="mark a task done (or reopen it) for all its bodies or one (--body); "
                       "dismiss a task that is not one; add a missed one; expand its collectives to member units")
    p.add_argument("action", choices=("done", "reopen", "dismiss", "add", "expand"))
    p.add_argument("id", type=int, nargs="?", help="task id (see `congvan tasks`)")
    p.add_argument("--body", help="done/reopen: only this body (its name, an alias, or its number in `congvan show`)")
    p.add_argument("--date", type=_date_arg, help="completion date (default: today)")
    p.add_argument("--undo", action="store_true", help="dismiss: restore a dismissed task")
    p.add_argument("--document", help="add: the document (store id, file stem, số ký hiệu)")
    p.add_argument("--action", dest="text", help="add: what is to be done")
    p.add_argument("--lead", help="add: the lead body (chủ trì)")
    p.add_argument("--co", action="append", help="add: a co-ordinating body (repeatable)")
    p.add_argument("--assignee", action="append", help="add: another body (repeatable)")
    p.add_argument("--deadline", help="add: due date (YYYY-MM-DD or DD/MM/YYYY)")
    p.add_argument("--by", help="who (default: login name)")
    _db(p)
    p.set_defaults(func=_guard(cmd_task_status))

    p = sub.add_parser("show", help="one document (files, số đến, fields, tasks) or one task (t12: its bodies)")
    p.add_argument("ref", help="document: store id, file stem, SHA-256 prefix or số ký hiệu; task: t<ID> or task:<ID>")
    p.add_argument("--today", type=_date_arg, help=argparse.SUPPRESS)
    _db(p)
    p.set_defaults(func=_guard(cmd_show))

    p = sub.add_parser("arrival", help="set a document's số đến / ngày đến and its routing to internal units")
    p.add_argument("ref", help="store id, file stem, SHA-256 prefix or số ký hiệu")
    p.add_argument("--number", type=int, help="số đến (unique within the year)")
    p.add_argument("--date", help="ngày đến (YYYY-MM-DD or DD/MM/YYYY)")
    p.add_argument("--route", help="internal units it goes to, separated by ';'")
    p.add_argument("--route-date", help="ngày chuyển (default: today)")
    p.add_argument("--by", help="who (default: login name)")
    _db(p)
    p.set_defaults(func=_guard(cmd_arrival))

    p = sub.add_parser("units", help="the directory of units: list, unknown names, map NAME UNIT, add, import CSV")
    p.add_argument("action", nargs="?", default="list", choices=("list", "unknown", "map", "add", "import"))
    p.add_argument("names", nargs="*", help="map: NAME UNIT; add: NAME; import: FILE.csv (name,kind,aliases,members)")
    p.add_argument("--kind", choices=("body", "collective", "internal"))
    p.add_argument("--alias", action="append", help="add: another name of the unit (repeatable)")
    p.add_argument("--member", action="append", help="add: a member unit of a collective (repeatable)")
    p.add_argument("--email", help="add: where the unit's daily digest is e-mailed")
    _db(p)
    p.set_defaults(func=_guard(cmd_units))

    p = sub.add_parser("digest", help="daily digest per unit (new, due soon, overdue) as HTML and JSON")
    p.add_argument("-o", "--output", default="outputs/digest", help="folder for digest-<date>.html/.json")
    p.add_argument("--soon", type=int, help="working days of `sắp đến hạn` (default $CONGVAN_DUE_SOON_DAYS or 3)")
    p.add_argument("--send", action="store_true", help="e-mail each unit its digest (needs $CONGVAN_SMTP_HOST)")
    p.add_argument("--today", type=_date_arg, help=argparse.SUPPRESS)
    _db(p)
    p.set_defaults(func=_guard(cmd_digest))

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
    p.add_argument("--format", choices=("xlsx", "csv", "parquet"),
                   help="default: from the file name (the register: xlsx or csv only)")
    p.add_argument("--year", type=int, help="register: documents arrived in this year")
    p.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12", help="register: … and this month")
    _filters(p)
    _db(p)
    p.set_defaults(func=_guard(cmd_export))

    p = sub.add_parser("load", help="store records from a JSONL of `congvan extract`")
    p.add_argument("jsonl")
    _db(p)
    p.set_defaults(func=_guard(cmd_load))
