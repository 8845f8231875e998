"""`congvan` command line: extract, ingest (and the store commands)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _extract_one(path: str) -> dict:
    from extractors.pipeline import extract_record
    return extract_record(path).contract()


def cmd_extract(args) -> int:
    from pipelines.discover import discover

    try:
        paths, skipped = discover(args.inputs)
    except FileNotFoundError as exc:
        print(f"congvan: no such file or folder: {exc}", file=sys.stderr)
        return 2
    for p in skipped:
        print(f"skipped (not a document type): {p}", file=sys.stderr)
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else sys.stdout
    workers = args.workers or os.cpu_count() or 1
    errors = 0
    try:
        if workers == 1 or len(paths) < 2:
            results = map(_extract_one, map(str, paths))
        else:
            pool = ProcessPoolExecutor(max_workers=workers)
            results = pool.map(_extract_one, map(str, paths), chunksize=1)
        for n, record in enumerate(results, start=1):
            errors += bool(record.get("error"))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if args.jsonl:
                print(f"\r[{n}/{len(paths)}] extracted", end="", file=sys.stderr, flush=True)
    finally:
        if args.jsonl:
            out.close()
            print(file=sys.stderr)
    print(f"{len(paths)} files, {len(paths) - errors} extracted, {errors} with errors, {len(skipped)} skipped",
          file=sys.stderr)
    return 0


def cmd_ingest(args) -> int:
    from pipelines.flows import ingest

    def progress(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)

    for item in args.inputs:
        if not Path(item).exists():
            print(f"congvan: no such file or folder: {item}", file=sys.stderr)
            return 2
    summary = ingest(inputs=list(args.inputs), db_url=args.db, jsonl=args.jsonl,
                     summary_path=args.summary, progress=progress)
    print(file=sys.stderr)
    c = summary["counts"]
    print(f"seen {c['seen']}: ingested {c['ingested']}, duplicates {c['duplicates']}, "
          f"quarantined {c['quarantined']}, skipped {c['skipped']} ({summary['seconds']} s)")
    for q in summary["quarantined"]:
        print(f"  quarantined {q['file']}: [{q['class']}] {q['reason']}")
    for s in summary["skipped"]:
        print(f"  skipped {s['file']}: {s['reason']}")
    print(f"store: {summary['db']}" + (f"  records: {args.jsonl}" if args.jsonl else "") +
          (f"  summary: {args.summary}" if args.summary else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="congvan", description="Vietnamese official documents → tracked records")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging (may include document text)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract CONTRACT records as JSONL")
    p.add_argument("inputs", nargs="+", help="files or folders")
    p.add_argument("--jsonl", help="output file (default: stdout)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="run the Prefect ingest flow into the store")
    p.add_argument("inputs", nargs="+", help="files or folders")
    p.add_argument("--db", default=os.environ.get("CONGVAN_DB_URL"), help="SQLAlchemy URL (default: SQLite under outputs/)")
    p.add_argument("--jsonl", default="outputs/records.jsonl", help="records of this run as JSONL")
    p.add_argument("--summary", default="outputs/summary.json", help="run summary JSON")
    p.set_defaults(func=cmd_ingest)

    try:
        from pipelines import cli_store
        cli_store.register(sub)
    except ImportError:
        pass
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
