"""Confidence calibration: accuracy of fields marked `needs_review` vs the others.

    .venv/bin/python benchmarks/calibration.py --pred /tmp/dev.jsonl \
        --gold ../shared/corpus/dev/labels.jsonl [--subset input=pdf-text,docx,txt] [--scorer ../shared/eval/score.py]

A field counts where the gold label states it. It is right by the scorer's own rules
(imported from score.py: exact after normalisation, subject similarity >= 0.90, a list is
right when every item matches one-to-one). `signer.*` fields take the `signer` provenance.
The pipeline promises: unmarked fields are right >= 95% of the time.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
from collections import defaultdict
from pathlib import Path


def load_scorer(path: str):
    spec = importlib.util.spec_from_file_location("congvan_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def field_right(sc, field: str, gold: dict, pred: dict) -> bool:
    if field == "subject":
        return "subject" in pred and sc.similar(sc.norm(gold["subject"]), sc.norm(pred.get("subject"))) >= sc.SUBJECT_OK
    if field in sc.LIST_FIELDS:
        g = [sc.item_key(field, x) for x in gold.get(field) or []]
        p = [sc.item_key(field, x) for x in pred.get(field) or []]
        hits = sc.match_sets(g, p, sc.FUZZY_ITEM if field != "references" else 1.0)
        return hits == len(g) == len(p)
    return sc._present_in(pred, field) and sc.scalar_ok(field, sc.get(gold, field), sc.get(pred, field))


def marked(pred: dict, field: str) -> bool:
    prov = (pred.get("provenance") or {}).get(field.split(".")[0]) or {}
    return bool(prov.get("needs_review"))


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pred", required=True)
    parser.add_argument("--gold", default=str(here.parent / "shared/corpus/dev/labels.jsonl"))
    parser.add_argument("--scorer", default=str(here.parent / "shared/eval/score.py"))
    parser.add_argument("--subset", metavar="KEY=V1,V2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sc = load_scorer(args.scorer)
    gold = sc.load(args.gold)
    pred = sc.load(args.pred)
    if args.subset:
        key, _, values = args.subset.partition("=")
        wanted = set(values.split(","))
        gold = {k: v for k, v in gold.items() if str(v.get(key)) in wanted}
    fields = sc.SCALAR_FIELDS + ["subject"] + sc.LIST_FIELDS
    counts = defaultdict(lambda: [0, 0, 0, 0])   # field → [marked, marked right, unmarked, unmarked right]
    for doc_id, g in gold.items():
        p = pred.get(doc_id, {})
        if p.get("error"):
            continue
        for field in fields:
            if field == "subject" or field in sc.LIST_FIELDS:
                if field not in g:
                    continue
            elif field not in sc._present(g, field):
                continue
            right = field_right(sc, field, g, p)
            c = counts[field]
            if marked(p, field):
                c[0] += 1
                c[1] += right
            else:
                c[2] += 1
                c[3] += right
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    report = {
        "fields": {f: {"marked": c[0], "marked_right": c[1], "unmarked": c[2], "unmarked_right": c[3]}
                   for f, c in counts.items()},
        "marked": total[0], "marked_accuracy": round(total[1] / total[0], 4) if total[0] else None,
        "unmarked": total[2], "unmarked_accuracy": round(total[3] / total[2], 4) if total[2] else None,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{'field':18} {'marked':>14} {'unmarked':>14}")
    for f in fields:
        if f not in counts:
            continue
        c = counts[f]
        m = f"{c[1]}/{c[0]}" if c[0] else "-"
        u = f"{c[3]}/{c[2]}" if c[2] else "-"
        print(f"{f:18} {m:>14} {u:>14}")
    print(f"needs_review fields: {total[0]}, right {report['marked_accuracy']}")
    print(f"unmarked fields:     {total[2]}, right {report['unmarked_accuracy']}  (target >= 0.95)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
