"""Accuracy iteration without re-reading: cache each dev file's layout once, then extract from it.

Reading (pdfium, OCR of the scans, LibreOffice) is most of the time of a dev-set run; the field and
task extractors are pure functions of the layout. This keeps the layouts (or the reader's error) as
pickles under outputs/dev-layouts/ (or $DEV_LAYOUTS) and writes the contract records from them in seconds.

    python benchmarks/dev_layouts.py read  [--docs ../shared/corpus/dev/docs] [--only NAME ...] [--force]
    python benchmarks/dev_layouts.py extract --jsonl /tmp/dev.jsonl

A change to a reader (OCR, handwriting, PDF words) needs `read --force` for the files it touches;
the final figures of a change come from `congvan extract` on the files themselves.
"""
from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("DEV_LAYOUTS", ROOT / "outputs" / "dev-layouts"))


def _read_one(path: str) -> tuple[str, float]:
    from extractors.errors import DocumentError
    from extractors.pipeline import file_info
    from extractors.readers import read_document

    started = time.perf_counter()
    p = Path(path)
    info = file_info(p)
    try:
        payload = {"doc": read_document(p), "info": info}
    except DocumentError as exc:
        payload = {"error": (exc.error_class, exc.message), "info": info}
    (CACHE / (p.name + ".pkl")).write_bytes(pickle.dumps(payload))
    return p.name, time.perf_counter() - started


def read(docs: Path, only: list[str], force: bool, jobs: int) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in docs.iterdir() if p.is_file())
    if only:
        files = [p for p in files if p.name in only or p.stem in only]
    todo = [str(p) for p in files if force or not (CACHE / (p.name + ".pkl")).exists()]
    with ProcessPoolExecutor(jobs) as pool:
        for name, seconds in pool.map(_read_one, todo):
            print(f"{seconds:6.1f}s {name}", flush=True)


def extract(jsonl: Path) -> None:
    from extractors.pipeline import record_from_document
    from models.record import DocumentRecord

    lines = []
    for pkl in sorted(CACHE.glob("*.pkl")):
        payload = pickle.loads(pkl.read_bytes())
        doc_id = Path(pkl.name[:-4]).stem
        if "error" in payload:
            error_class, message = payload["error"]
            record = DocumentRecord(id=doc_id, error=message, error_class=error_class)
        else:
            doc = payload["doc"]
            record = record_from_document(doc_id, doc)
            payload["info"].format = doc.format
            payload["info"].pages = len(doc.pages)
            payload["info"].ocr_pages = doc.ocr_pages
        record.file = payload["info"]
        lines.append(record.contract_line())
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} records -> {jsonl}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("read")
    r.add_argument("--docs", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev" / "docs")
    r.add_argument("--only", nargs="*", default=[])
    r.add_argument("--force", action="store_true")
    r.add_argument("--jobs", type=int, default=2)
    e = sub.add_parser("extract")
    e.add_argument("--jsonl", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "read":
        read(args.docs, args.only, args.force, args.jobs)
    else:
        extract(args.jsonl)


if __name__ == "__main__":
    main()
