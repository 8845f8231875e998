#!/usr/bin/env python3
"""(Re)build the sample documents and their expected records.

    .venv/bin/python samples/make_samples.py [--only ID ...] [--check]

Writes `samples/docs/<id>.<ext>`, `samples/expected/<id>.json` (the CONTRACT record) and
`samples/labels.jsonl` (all expected records, usable as `score.py --gold`). Deterministic:
texts come from `specs.py`, the scan degradation uses fixed seeds. (Files made by
LibreOffice carry their own creation time, so their bytes differ between runs; the
content does not.) `--check` only validates the specs and rewrites the expected records.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generator as g  # noqa: E402
from specs import SAMPLES  # noqa: E402

DOCS = HERE / "docs"
EXPECTED = HERE / "expected"

# the `input` kind of each output format, as in the dev labels
INPUT_KIND = {"docx": "docx", "pdf": "pdf-text", "pdf-rl": "pdf-text", "doc": "doc", "txt": "txt",
              "scan-pdf": "pdf-scan", "scan-png": "image"}
EXTENSION = {"docx": "docx", "pdf": "pdf", "pdf-rl": "pdf", "doc": "doc", "txt": "txt",
             "scan-pdf": "pdf", "scan-png": "png"}

# each scan gets a red ĐẾN stamp of a receiving office, with its own numbers and date
STAMPS = {
    "tb-ketluan-ubnd-tayninh-scan": {"agency": "Sở Xây dựng tỉnh Tây Ninh", "number": "2871", "date": "05/7/2024"},
    "ct-ubnd-haiduong-atgt-scan": {"agency": "Sở Y tế tỉnh Hải Dương", "number": "4410", "date": "04/12/2024"},
    "cd-ubnd-quangbinh-mua-lu-scan": {"agency": "UBND huyện Minh Hóa", "number": "936", "date": "27/10/2024"},
}


def build(spec: g.Spec, fmt: str, seed: int) -> Path:
    out = DOCS / f"{spec.id}.{EXTENSION[fmt]}"
    if fmt == "txt":
        return g.build_txt(spec, out)
    if fmt == "pdf-rl":
        return g.build_pdf_reportlab(spec, out)
    if fmt == "docx":
        return g.build_docx(spec, out)
    with tempfile.TemporaryDirectory(prefix="congvan-samples-") as tmp:
        docx = g.build_docx(spec, Path(tmp) / f"{spec.id}.docx")
        if fmt == "doc":
            return g.docx_to_doc(docx, out)
        if fmt == "pdf":
            return g.docx_to_pdf(docx, out)
        pdf = g.docx_to_pdf(docx, Path(tmp) / f"{spec.id}.pdf")
        stamp = STAMPS.get(spec.id)
        if fmt == "scan-pdf":
            return g.scan_pdf(pdf, out, dpi=170, seed=seed, stamp=stamp, quality=50)
        if fmt == "scan-png":
            return g.scan_png(pdf, out, dpi=150, seed=seed, stamp=stamp)
    raise ValueError(f"unknown format {fmt}")


def expected(spec: g.Spec, fmt: str) -> dict:
    record = g.expected_record(spec)
    record["input"] = INPUT_KIND[fmt]
    record["file"] = f"{spec.id}.{EXTENSION[fmt]}"
    record["notes"] = spec.note
    return record


README_HEAD = '# samples/ — documents the project generates itself\n\nRealistic Vietnamese administrative documents in the Nghị định 30/2020 layout, written for\ncongvan (agencies real in kind, people and numbers invented), each with its expected record.\n\n- `specs.py` — the texts: one `Spec` per document, holding the printed text *and* what a careful\n  reader must extract (references, tasks). The expected record is computed from the same spec, so\n  it is right by construction (rules: `../shared/eval/CONTRACT.md`).\n- `generator.py` — the library: `Spec` → expected record / DOCX (python-docx, Times New Roman\n  13/14, borderless two-column header table, bold issuer, italic date, centred kind name, footer\n  table Nơi nhận | signer) / TXT / reportlab PDF; LibreOffice headless `docx_to_pdf`, `docx_to_doc`\n  (own profile dir, timeout, process group killed); `render_page` (pypdfium2), `den_stamp` (red round\n  ĐẾN incoming stamp), `degrade` (rotation, blur, noise), `scan_pdf`, `scan_png`, `images_to_pdf`.\n  Other tests reuse it: `import generator` works in every test (tests/conftest.py).\n- `make_samples.py` — rebuilds everything: `.venv/bin/python samples/make_samples.py` (or `make samples`;\n  `--only ID…` to rebuild some, `--check` to validate specs and rewrite expected records only).\n  Deterministic (fixed seeds); LibreOffice files carry their own creation time.\n- `docs/` — the documents; `expected/<id>.json` — the CONTRACT record per document (plus `input`,\n  `file`, `notes`); `labels.jsonl` — all of them, usable as\n  `python ../shared/eval/score.py --gold samples/labels.jsonl --pred P.jsonl --verbose`.\n- Tests: `tests/test_samples.py` (extraction vs expected, one test per sample × field),\n  `tests/test_cli.py`.\n\n'
README_TAIL = ' `docx` python-docx; `pdf` LibreOffice from the DOCX; `pdf-rl` reportlab; `doc` LibreOffice\n(Word 97); `txt` plain text; `scan-pdf` the LibreOffice PDF rasterised at 170 dpi, rotated, blurred,\nnoisy, with a red ĐẾN stamp above the Số line, saved as JPEG images in a PDF (no text layer);\n`scan-png` the same at 150 dpi, grey, as a PNG.\n'


def write_readme() -> None:
    """samples/README.md with the table of samples taken from the specs."""
    rows = ["| file | kind | format | exercises |", "|---|---|---|---|"]
    for sample_id, (spec, fmt) in sorted(SAMPLES.items()):
        rows.append(f"| `{sample_id}.{EXTENSION[fmt]}` | {spec.doc_type} | {fmt} | {spec.note} |")
    (HERE / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n\nFormats:" + README_TAIL, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="ids to rebuild (default: all)")
    parser.add_argument("--check", action="store_true", help="validate specs, write expected records only")
    args = parser.parse_args(argv)
    DOCS.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    records = []
    for index, (sample_id, (spec, fmt)) in enumerate(sorted(SAMPLES.items())):
        g.check_spec(spec)
        record = expected(spec, fmt)
        records.append(record)
        (EXPECTED / f"{sample_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                                    encoding="utf-8")
        if args.check or (args.only and sample_id not in args.only):
            continue
        for old in DOCS.glob(f"{sample_id}.*"):
            old.unlink()
        path = build(spec, fmt, seed=1000 + index)
        print(f"{path.relative_to(HERE.parent)}  {path.stat().st_size // 1024} KiB", file=sys.stderr)
    write_readme()
    with (HERE / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
