"""Hostile-input benchmark: bad files mixed with good documents through the real ingest path.

    .venv/bin/python benchmarks/hostile.py [--samples N] [--json out.json] [--keep]

Generates every input of `tests/hostile_files.py` into a temporary folder, adds N
born-digital documents from `samples/docs` when present, starts a local HTTP server on
127.0.0.1 that an external XML entity points at, and runs `congvan ingest DIR --db
sqlite:///… --processed P --quarantine Q` as a subprocess (Prefect in ephemeral mode,
PREFECT_HOME and TMPDIR in the temporary folder). Prints: bad inputs tried, quarantined with the expected class,
crashes, hangs, peak RSS (largest process of the ingest tree, `RUSAGE_CHILDREN`), good
documents ingested, temporary files left behind, requests that reached the canary server.
Exit status 1 when any of those is off.

`--lift-limits` lifts the pre-flight limits (ratio, sizes, pages, pixels) for the zip bomb,
the 5,000-page PDF and the 20,000×20,000 image: then the worker runner (per-document
timeout `--document-timeout`, memory cap `CONGVAN_WORKER_MEMORY_MB`) must stop them.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hf  # noqa: E402

RUN_TIMEOUT = 1800
LIFT_ENV = {"CONGVAN_MAX_ZIP_RATIO": "1e9", "CONGVAN_MAX_DECOMPRESSED_BYTES": "1e12",
            "CONGVAN_MAX_DOCX_ELEMENTS": "1e9", "CONGVAN_MAX_PAGES": "1000000",
            "CONGVAN_MAX_IMAGE_PIXELS": "1e12", "CONGVAN_MAX_PAGE_PIXELS": "1e12"}
LIFTED = {"zip-bomb.docx": ("too_large", "timeout"), "five-thousand-pages.pdf": ("too_large", "timeout"),
          # pdfium renders the declared 20,000² image downsampled into the page bitmap: a blank page
          "huge-image.pdf": ("too_large", "timeout", "not_a_document")}
GOOD_GENERATED = {"good-cong-van.docx", "good-cong-van.pdf", "good cong van.txt"}



def _born_digital_samples(n: int) -> list[Path]:
    folder = ROOT / "samples" / "docs"
    if not folder.is_dir() or n <= 0:
        return []
    picked = [p for p in sorted(folder.iterdir())
              if p.suffix.lower() in (".docx", ".pdf", ".txt") and "scan" not in p.name.lower()]
    return picked[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4, help="good documents taken from samples/docs")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--lift-limits", action="store_true",
                        help="lift the pre-flight limits for a zip bomb, a 5,000-page PDF and a 20,000² image: "
                             "the worker runner's timeout and memory cap must stop them")
    parser.add_argument("--document-timeout", type=float, default=60.0, help="with --lift-limits (seconds)")
    args = parser.parse_args(argv)

    tmp_listing_before = set(os.listdir(tempfile.gettempdir()))
    work = Path(tempfile.mkdtemp(prefix="congvan-hostile-bench-"))
    server = hf.Canary("/xxe")
    canary = server.url
    try:
        inbox = work / "inbox"
        t0 = time.perf_counter()
        if args.lift_limits:
            # Pre-flight limits lifted: the runner's per-document timeout and memory cap are the backstop.
            cases, env = hf.generate(inbox, names=set(LIFTED) | GOOD_GENERATED, tools_dir=work / "tools")
            cases = [hf.Case(c.name, LIFTED.get(c.name, c.expected), c.why) for c in cases]
            env.update(LIFT_ENV)
            env["CONGVAN_DOCUMENT_TIMEOUT"] = str(args.document_timeout)
        else:
            cases, env = hf.generate(inbox, http_target=canary, tools_dir=work / "tools")
        for sample in _born_digital_samples(args.samples):
            shutil.copyfile(sample, inbox / sample.name)
            cases.append(hf.Case(sample.name, (), "good document from samples/docs"))
        generated_s = time.perf_counter() - t0
        private_tmp = work / "tmp"
        private_tmp.mkdir()
        run_env = dict(os.environ, **env, PREFECT_HOME=str(work / "prefect"), TMPDIR=str(private_tmp))
        run_env.pop("PREFECT_API_URL", None)
        summary_path, jsonl = work / "summary.json", work / "records.jsonl"
        cmd = [sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--db", f"sqlite:///{work / 'db.sqlite'}",
               "--jsonl", str(jsonl), "--summary", str(summary_path), "--no-progress",
               "--processed", str(work / "processed"), "--quarantine", str(work / "quarantine")]
        t0 = time.perf_counter()
        hang = False
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
            returncode = proc.returncode
            stderr = proc.stderr
        except subprocess.TimeoutExpired as exc:
            hang, returncode, stderr = True, None, (exc.stderr or b"").decode(errors="replace")
        run_s = time.perf_counter() - t0
        peak_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
        records = ([json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
                   if jsonl.exists() else [])
        quarantined = {q["file"]: (q["class"], q["reason"]) for q in summary.get("quarantined", [])}
        ingested = {r["file"]["name"] for r in records if not r.get("error") and r.get("file")}
        skipped = [s["file"] for s in summary.get("skipped", [])]
        duplicates = summary.get("duplicates", [])
        accounted = sorted(list(quarantined) + list(ingested) + skipped + duplicates)
        names = sorted(c.name for c in cases)

        bad = [c for c in cases if not c.good]
        good = [c for c in cases if c.good]
        rows = []
        for case in cases:
            if case.name in quarantined:
                got = quarantined[case.name][0]
            elif case.name in ingested:
                got = "ingested"
            elif case.name in duplicates:
                got = "duplicate"
            else:
                got = "skipped" if case.name in skipped else "missing"
            ok = got in case.expected if not case.good else got == "ingested"
            rows.append((case, got, ok))
        expected_ok = sum(1 for c, got, ok in rows if ok and not c.good)
        good_ok = sum(1 for c, got, ok in rows if ok and c.good)
        internal = sum(1 for c, _ in quarantined.values() if c == "internal")
        unexpected_timeouts = sum(1 for c, got, _ in rows if got == "timeout" and "timeout" not in c.expected)
        crashes = (0 if returncode == 0 else 1) + internal + (0 if accounted == names else 1)
        hangs = int(hang) + unexpected_timeouts
        leftovers = sorted(str(p.relative_to(private_tmp)) for p in private_tmp.rglob("*"))
        left_in_inbox = len(list(inbox.iterdir()))
        moved = (len(list((work / "processed").glob("*"))) if (work / "processed").exists() else 0) + \
            (len([p for p in (work / "quarantine").glob("*") if not p.name.endswith(".reason.json")])
             if (work / "quarantine").exists() else 0)
    finally:
        server.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    new_in_tmp = sorted(set(os.listdir(tempfile.gettempdir())) - tmp_listing_before - {work.name})
    own_new_in_tmp = [n for n in new_in_tmp if n.startswith("congvan-hostile")]

    print(f"congvan hostile-input benchmark — {time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores")
    print(f"command: {' '.join(cmd[1:3])} ingest INBOX --db sqlite:///… (Prefect ephemeral, TMPDIR private)"
          + (f"; pre-flight limits lifted, document timeout {args.document_timeout:g} s" if args.lift_limits else ""))
    print(f"{'file':58} {'expected':28} {'got':18} ok")
    for case, got, ok in rows:
        print(f"{case.name[:58]:58} {('/'.join(case.expected) or 'ingested')[:28]:28} {got[:18]:18} {'yes' if ok else 'NO'}")
    figures = {
        "bad_inputs_tried": len(bad),
        "quarantined_with_expected_class": expected_ok,
        "good_documents": len(good),
        "good_documents_ingested": good_ok,
        "files": len(names),
        "files_accounted_once": accounted == names,
        "crashes": crashes,
        "hangs": hangs,
        "peak_rss_mib": round(peak_rss_mib, 1),
        "ingest_seconds": round(run_s, 1),
        "generate_seconds": round(generated_s, 1),
        "files_moved_out_of_inbox": moved,
        "files_left_in_inbox": left_in_inbox,
        "temp_files_left": len(leftovers),
        "new_tmp_entries_of_this_run": len(own_new_in_tmp),
        "canary_http_requests": len(server.hits),
        "quarantined_by_class": summary.get("quarantined_by_class", {}),
    }
    print()
    print(f"bad inputs tried:                 {figures['bad_inputs_tried']}")
    print(f"quarantined with expected class:  {figures['quarantined_with_expected_class']}/{figures['bad_inputs_tried']}")
    print(f"good documents ingested:          {figures['good_documents_ingested']}/{figures['good_documents']}")
    print(f"every file accounted once:        {figures['files_accounted_once']} ({figures['files']} files)")
    print(f"moved to processed/ + quarantine/: {moved} (left in inbox: {left_in_inbox})")
    print(f"crashes:                          {figures['crashes']}")
    print(f"hangs:                            {figures['hangs']}")
    print(f"peak RSS (largest ingest process): {figures['peak_rss_mib']} MiB")
    print(f"ingest wall time:                 {figures['ingest_seconds']} s (generation {figures['generate_seconds']} s)")
    print(f"temporary files left behind:      {figures['temp_files_left']} (private TMPDIR) "
          f"+ {figures['new_tmp_entries_of_this_run']} in {tempfile.gettempdir()}")
    print(f"network requests to the canary:   {figures['canary_http_requests']}")
    print(f"quarantined by class:             {json.dumps(figures['quarantined_by_class'])}")
    if returncode not in (0, None):
        print(f"ingest exited {returncode}:\n{stderr[-2000:]}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    failed = (expected_ok != len(bad) or good_ok != len(good) or crashes or hangs or leftovers
              or server.hits or not figures["files_accounted_once"] or left_in_inbox or moved != len(names))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
