"""CPU of fields + tasks per document (`record_from_document` on already-read layouts).

    .venv/bin/python benchmarks/fields_tasks_cpu.py [--docs samples/docs] [--layouts DIR] [--warm] [--reps 3] [--profile]

Reads every file of --docs once (plus the pickled layouts `*.pkl` of --layouts, e.g. the dev
set's), then times `record_from_document` on each document, process CPU, best of --reps passes.
By default the text-keyed caches of the extractors (lru caches keyed by line text) are cleared
before every document, as in a real batch where documents differ; --warm keeps them. The layout
analysis (`extractors.analysis.analyse`) is built once per `record_from_document` call, nothing is
memoised on the document.

Figures (issue #7, 2026-11-28, 2 cores shared with OCR jobs of other sessions, load 1-3.5, so
absolute values are inflated and noisy; minimum of 6 alternating runs (--reps 2) of the code
before (cc21808) and after, this script, cold text caches, memos dropped):
  throughput batch, 300 born-digital PDF layouts (/tmp/tp1000/batch/pdf): 25.3 -> 15.0 ms/doc
  samples/docs (16):                                                     18.8 -> 11.6 ms/doc
  dev born-digital (8 pdf-text layouts, long documents):                 87.9 -> 58.3 ms/doc
Split on the throughput batch (one process, cold): fields 11.7 -> 4.6 ms, tasks 14.4 -> 10.1 ms.
Records are byte-identical before and after. What remains is mostly third-party NLP: on the
throughput batch about half of the time is underthesea (word segmentation, CRF POS) and spaCy
(tokenizer, phrase matcher); on the long dev documents about three quarters.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import pickle
import pkgutil
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def text_caches() -> list:
    """The per-text lru caches of the extractors (not the one-entry model/vocabulary loaders,
    nor the unbounded per-character tables)."""
    import extractors
    for m in pkgutil.iter_modules(extractors.__path__):
        importlib.import_module("extractors." + m.name)
    found = {}
    for name, mod in list(sys.modules.items()):
        if name.startswith("extractors"):
            for obj in vars(mod).values():
                if hasattr(obj, "cache_clear") and hasattr(obj, "cache_parameters") and \
                        obj.cache_parameters().get("maxsize") not in (1, None):
                    found[id(obj)] = obj
    return list(found.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default=str(ROOT / "samples" / "docs"))
    ap.add_argument("--layouts", default="", help="folder of pickled layouts (*.pkl)")
    ap.add_argument("--warm", action="store_true", help="keep the text caches between documents")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()

    from extractors.errors import DocumentError
    from extractors.pipeline import record_from_document
    from extractors.readers import read_document

    docs = []
    if a.docs:
        for path in sorted(p for p in Path(a.docs).iterdir() if p.is_file()):
            try:
                docs.append((path.stem, read_document(path)))
            except DocumentError:
                pass
    if a.layouts:
        docs += [(p.stem, pickle.loads(p.read_bytes())) for p in sorted(Path(a.layouts).glob("*.pkl"))]
    if not docs:
        raise SystemExit("no documents")
    caches = [] if a.warm else text_caches()
    record_from_document(*docs[0])          # models loaded before timing
    prof = cProfile.Profile() if a.profile else None
    best = None
    for _ in range(max(1, a.reps)):
        total = 0.0
        for doc_id, doc in docs:
            for c in caches:
                c.cache_clear()
            if prof:
                prof.enable()
            t0 = time.process_time()
            record_from_document(doc_id, doc)
            total += time.process_time() - t0
            if prof:
                prof.disable()
        best = total if best is None else min(best, total)
    mode = "warm" if a.warm else "cold"
    print(f"fields+tasks: {1000 * best / len(docs):.1f} ms/doc CPU ({mode} text caches, {len(docs)} documents, "
          f"best of {max(1, a.reps)})")
    if prof:
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
