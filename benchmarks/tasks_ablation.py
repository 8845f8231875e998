"""Task F1 on the dev set with and without each NLP component (spaCy, underthesea).

    .venv/bin/python benchmarks/tasks_ablation.py [--docs ../shared/corpus/dev/docs]
        [--gold ../shared/corpus/dev/labels.jsonl] [--cache DIR] [--subset input=pdf-text,docx,txt]

Reads every document once (read_document outputs are cached as pickles under --cache, so scans
are OCR'd only once; `--cache outputs/dev-layouts` reads the cache of `benchmarks/dev_layouts.py`
as it is), then runs fields + tasks under each configuration and scores with
../shared/eval/score.py. Exits quietly when the shared corpus is absent.

Measured 2026-11-28 (task F1; cached layouts of the dev set, commit f0507cf):

| set | both | without spaCy | without underthesea | regex only |
|---|---|---|---|---|
| dev, all 52 (`--cache /tmp/congvan-layouts`) | 0.912 | 0.899 | 0.870 | 0.837 |
| dev, pdf-scan (`--subset input=pdf-scan`) | 0.827 | 0.800 | 0.765 | 0.725 |
| dev, pdf-text/docx/txt | 1.000 | 1.000 | 0.973 | 0.946 |
| samples/ (`--docs samples/docs --gold samples/labels.jsonl`) | 0.989 | 0.989 | 0.897 | 0.897 |

spaCy (gazetteer phrases on folded tokens, names a document prints as headings, place-name
extension) helps on scans only; underthesea (subject end by POS, name end by word segmentation)
helps everywhere.

Measured 2026-12-08 on the grown dev set (93 files, `--cache outputs/dev-layouts`), task F1:

| code | both | without spaCy | without underthesea | regex only |
|---|---|---|---|---|
| before issue 17 (a5ab3d2) | 0.734 | 0.726 | 0.722 | 0.705 |
| issue 17 (roles and groups as subjects, tables, closings, invitations) | 0.844 | 0.836 | 0.787 | 0.777 |

underthesea now adds +0.057 (the subject noun phrase of roles and groups by POS, verbs the
tagger knows ending a collective), spaCy +0.008 (gazetteer phrases on OCR'd text).

Measured 2026-12-08 03:21 after the second round of issue 17 (layouts cached by the 0.3.0 readers,
`--cache /work/layouts-030`), task F1:

| set | both | without spaCy | without underthesea | regex only |
|---|---|---|---|---|
| dev, 93, blind (e2b382e, before the round) | 0.863 | 0.856 | 0.792 | 0.781 |
| dev, 93, after (mixed sections, scan tables, unit names by POS, closings) | 0.944 | 0.936 | 0.836 | 0.826 |
| dev scans (`--subset input=pdf-scan,pdf-hybrid`), after | 0.923 | 0.913 | 0.798 | 0.787 |
| samples/ (19, `--docs samples/docs --gold samples/labels.jsonl`), after | 0.992 | 0.992 | 0.862 | 0.862 |

underthesea adds +0.108 on dev (+0.125 on the scans, +0.130 on samples): the POS of the words after a unit's name
(title-case words, adjectives, a function verb after a bare head), the verb that starts a duty
sentence in a mixed section or a notice, the function verbs of roles. spaCy adds +0.008 (+0.011 on
the scans: gazetteer phrases on OCR'd text), nothing on the born-digital samples.
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from extractors import nlp
from extractors.errors import DocumentError
from extractors.pipeline import record_from_document
from extractors.readers import read_document

CONFIGS = [
    ("spaCy + underthesea", {"spacy": True, "underthesea": True}),
    ("without spaCy", {"spacy": False, "underthesea": True}),
    ("without underthesea", {"spacy": True, "underthesea": False}),
    ("without both (regex only)", {"spacy": False, "underthesea": False}),
]


def load(docs: Path, cache: Path):
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for path in sorted(p for p in docs.iterdir() if p.is_file()):
        pkl = cache / (path.stem + ".pkl")
        doc = None
        layouts = cache / (path.name + ".pkl")     # a `benchmarks/dev_layouts.py` cache (DEV_LAYOUTS)
        if layouts.exists():
            payload = pickle.loads(layouts.read_bytes())
            if isinstance(payload, dict):
                if "doc" in payload:
                    out.append((path.stem, payload["doc"]))
                continue        # a reader error: no record, and nothing written into that cache
        if pkl.exists():
            try:
                doc = pickle.loads(pkl.read_bytes())
            except Exception:
                doc = None
        if doc is None or isinstance(doc, Exception):
            try:
                doc = read_document(path)
            except DocumentError:
                continue
            pkl.write_bytes(pickle.dumps(doc))
        if hasattr(doc, "pages"):
            out.append((path.stem, doc))
    return out


def main() -> int:
    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default=str(here.parent / "shared/corpus/dev/docs"))
    ap.add_argument("--gold", default=str(here.parent / "shared/corpus/dev/labels.jsonl"))
    ap.add_argument("--scorer", default=str(here.parent / "shared/eval/score.py"))
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "congvan-ablation-cache"))
    ap.add_argument("--subset", default=None)
    args = ap.parse_args()
    if not Path(args.docs).is_dir() or not Path(args.gold).exists():
        print("shared corpus not found; nothing to measure")
        return 0
    docs = load(Path(args.docs), Path(args.cache))
    rows = []
    for name, flags in CONFIGS:
        nlp.set_enabled(**flags)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
            for doc_id, doc in docs:
                handle.write(json.dumps(record_from_document(doc_id, doc).contract(), ensure_ascii=False) + "\n")
        cmd = [sys.executable, args.scorer, "--gold", args.gold, "--pred", handle.name, "--json"]
        if args.subset:
            cmd += ["--subset", args.subset]
        res = subprocess.run(cmd, capture_output=True, text=True)
        try:
            report = json.loads(res.stdout)["tasks"]
        except Exception:
            line = next((ln for ln in res.stdout.splitlines() if ln.startswith("tasks")), res.stdout[-300:])
            report = {"raw": line.strip()}
        rows.append((name, report))
    nlp.set_enabled(spacy=True, underthesea=True)
    print("| configuration | task P | task R | task F1 | exact assignees | lead | deadline |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        if "raw" in r:
            print(f"| {name} | {r['raw']} |")
            continue
        print(f"| {name} | {r.get('precision')} | {r.get('recall')} | {r.get('f1')} | "
              f"{r.get('exact_assignees')} | {r.get('lead')} | {r.get('deadline')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
