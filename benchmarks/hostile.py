"""Hostile-input benchmark: bad files mixed with good documents through the real paths.

    .venv/bin/python benchmarks/hostile.py [--stages extract,ingest,nightly] [--db URL]
                                           [--samples N] [--json out.json] [--keep]

Generates every input of `tests/hostile_files.py` (files, and inbox entries that are not
plain files: links, a named pipe, a socket, a hidden file, a stale note) into a fresh
temporary inbox per stage, adds N born-digital documents from `samples/docs` when present,
starts a local HTTP server on 127.0.0.1 that an external XML entity points at, and runs as
a subprocess (Prefect in ephemeral mode, PREFECT_HOME and TMPDIR in the temporary folder):
- `extract`: `congvan extract INBOX --jsonl …` — one line per file, or a skip with a reason;
- `ingest`: `congvan ingest INBOX --db URL --processed P --quarantine Q`;
- `nightly`: the `nightly` flow (the deployment's entry point) on the inbox.
`--db` is the store (default: a fresh SQLite file; a PostgreSQL URL is used as it is, e.g.
from `source scripts/pg.sh; pg_start`). Per stage it prints: bad inputs tried, quarantined
with the expected class, crashes (non-zero exit, `internal` records), hangs, runs failed,
leftover processes (any process of the run still alive after it ended: workers, LibreOffice,
servers), files left in the inbox without a reason, temporary files left behind, requests
that reached the canary server. Exit status 1 when any of those is off.

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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hf  # noqa: E402

from models.record import clean_text  # noqa: E402

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


def _leftover_processes(mark: str) -> list[str]:
    """Processes started by this stage (they carry its mark in their environment) still alive."""
    import psutil
    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if proc.pid != os.getpid() and proc.environ().get("CONGVAN_BENCH_MARK") == mark:
                found.append(f"{proc.pid} {proc.info['name']}")
        except Exception:  # noqa: BLE001 — gone, or not readable
            pass
    return found


NIGHTLY = ("import sys, json; from pipelines.flows import nightly; "
           "s = nightly(sys.argv[1], sys.argv[2], sys.argv[3], db_url=sys.argv[4], db_secret_block=None, "
           "outputs_dir=sys.argv[5]); open(sys.argv[6], 'w').write(json.dumps(s))")


def run_stage(stage: str, work: Path, args, canary: str, db_url: str | None) -> dict:
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
        cases += hf.generate_entries(inbox, work / "outside")
    for sample in _born_digital_samples(args.samples):
        shutil.copyfile(sample, inbox / sample.name)
        cases.append(hf.Case(sample.name, (), "good document from samples/docs"))
    generated_s = time.perf_counter() - t0
    private_tmp = work / "tmp"
    private_tmp.mkdir()
    mark = f"{stage}-{os.getpid()}-{time.time_ns()}"
    run_env = dict(os.environ, **env, PREFECT_HOME=str(work / "prefect"), TMPDIR=str(private_tmp),
                   CONGVAN_BENCH_MARK=mark, PYTHONPATH=str(ROOT), CONGVAN_HOME=str(work))
    run_env.pop("PREFECT_API_URL", None)
    run_env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")   # a busy machine
    summary_path, jsonl = work / "summary.json", work / "records.jsonl"
    db = (db_url or f"sqlite:///{work / 'db.sqlite'}").replace("{stage}", stage)
    processed, quarantine = work / "processed", work / "quarantine"
    if stage == "extract":
        cmd = [sys.executable, "-m", "pipelines.cli", "extract", str(inbox), "--jsonl", str(jsonl)]
    elif stage == "ingest":
        cmd = [sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--db", db, "--jsonl", str(jsonl),
               "--summary", str(summary_path), "--no-progress", "--processed", str(processed),
               "--quarantine", str(quarantine)]
    else:
        cmd = [sys.executable, "-c", NIGHTLY, str(inbox), str(processed), str(quarantine), db,
               str(work / "outputs"), str(summary_path)]
    t0 = time.perf_counter()
    hang = False
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                              errors="replace")
        returncode, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        hang, returncode, stderr = True, None, (exc.stderr or b"").decode(errors="replace")
    run_s = time.perf_counter() - t0
    time.sleep(2.0)        # what the run's end kills has a moment to go
    leftover_procs = _leftover_processes(mark)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    if stage == "nightly" and not summary:
        found = sorted((work / "outputs").glob("nightly-*.json")) if (work / "outputs").exists() else []
        summary = json.loads(found[-1].read_text(encoding="utf-8")) if found else {}
    records = ([json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
               if jsonl.exists() else [])
    if stage == "nightly":
        found = sorted((work / "outputs").glob("nightly-*.jsonl")) if (work / "outputs").exists() else []
        records = [json.loads(line) for f in found for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if stage == "extract":
        quarantined = {r["file"]["name"]: (r["error_class"], r["error"]) for r in records if r.get("error")}
        skipped = [clean_text(line.split("): ", 1)[1].rsplit("/", 1)[-1]) for line in stderr.splitlines()
                   if line.startswith("skipped (") and "): " in line]
        duplicates: list[str] = []
    else:
        quarantined = {q["file"]: (q["class"], q["reason"]) for q in summary.get("quarantined", [])}
        skipped = [s["file"] for s in summary.get("skipped", [])]
        duplicates = summary.get("duplicates", [])
    ingested = {r["file"]["name"] for r in records if not r.get("error") and r.get("file")}
    accounted = sorted(list(quarantined) + list(ingested) + skipped + duplicates)
    names = sorted(clean_text(c.name) for c in cases)

    bad = [c for c in cases if not c.good]
    good = [c for c in cases if c.good]
    rows = []
    for case in cases:
        name = clean_text(case.name)
        if name in quarantined:
            got = quarantined[name][0]
        elif name in ingested:
            got = "ingested"
        elif name in duplicates:
            got = "duplicate"
        else:
            got = "skipped" if name in skipped else "missing"
        ok = got in case.expected if not case.good else got == "ingested"
        rows.append((case, got, ok))
    expected_ok = sum(1 for c, got, ok in rows if ok and not c.good)
    good_ok = sum(1 for c, got, ok in rows if ok and c.good)
    internal = sum(1 for c, _ in quarantined.values() if c == "internal")
    unexpected_timeouts = sum(1 for c, got, _ in rows if got == "timeout" and "timeout" not in c.expected)
    crashes = (0 if returncode == 0 else 1) + internal + ("Traceback" in stderr and stage == "extract")
    hangs = int(hang) + unexpected_timeouts
    leftovers = sorted(str(p.relative_to(private_tmp)) for p in private_tmp.rglob("*"))
    stays = {clean_text(c.name) for c in cases if "skipped" in c.expected}
    if stage == "extract":
        left_unaccounted = len(set(names) - set(accounted))
        moved = None
    else:
        left = [clean_text(p.name) for p in inbox.iterdir()] if inbox.exists() else []
        left_unaccounted = len([n for n in left if n not in stays])
        moved = (len(list(processed.iterdir())) if processed.exists() else 0) + \
            (len([p for p in quarantine.iterdir() if not p.name.endswith(".reason.json")]) if quarantine.exists() else 0)
    print(f"\n== stage {stage}: {' '.join(cmd[1:4])} … (store {db.split('@')[-1]}, Prefect ephemeral, TMPDIR private)"
          + (f"; pre-flight limits lifted, document timeout {args.document_timeout:g} s" if args.lift_limits else ""))
    print(f"{'file':58} {'expected':28} {'got':18} ok")
    for case, got, ok in rows:
        print(f"{clean_text(case.name)[:58]:58} {('/'.join(case.expected) or 'ingested')[:28]:28} {got[:18]:18} "
              f"{'yes' if ok else 'NO'}")
    figures = {
        "stage": stage,
        "bad_inputs_tried": len(bad),
        "quarantined_with_expected_class": expected_ok,
        "good_documents": len(good),
        "good_documents_ingested": good_ok,
        "files": len(names),
        "files_accounted_once": accounted == names,
        "crashes": crashes,
        "hangs": hangs,
        "runs_failed": int(returncode not in (0, None)),
        "leftover_processes": len(leftover_procs),
        "files_left_in_inbox_without_reason": left_unaccounted,
        "files_moved_out_of_inbox": moved,
        "peak_rss_mib": round(peak_rss_mib, 1),
        "seconds": round(run_s, 1),
        "generate_seconds": round(generated_s, 1),
        "temp_files_left": len(leftovers),
        "quarantined_by_class": summary.get("quarantined_by_class", {}),
    }
    for key in ("bad_inputs_tried", "good_documents_ingested", "files_accounted_once", "crashes", "hangs",
                "runs_failed", "leftover_processes", "files_left_in_inbox_without_reason", "temp_files_left",
                "seconds"):
        print(f"{key:36} {figures[key]}")
    print(f"{'quarantined_with_expected_class':36} {expected_ok}/{len(bad)}")
    if leftover_procs:
        print("leftover processes:", ", ".join(leftover_procs))
        for entry in leftover_procs:
            try:
                os.kill(int(entry.split()[0]), 9)
            except OSError:
                pass
    if returncode not in (0, None):
        print(f"{stage} exited {returncode}:\n{stderr[-2000:]}")
    figures["failed"] = bool(expected_ok != len(bad) or good_ok != len(good) or crashes or hangs or leftovers
                             or leftover_procs or not figures["files_accounted_once"] or left_unaccounted
                             or figures["runs_failed"])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default="extract,ingest,nightly", help="comma-separated: extract, ingest, nightly")
    parser.add_argument("--db", help="store URL for ingest/nightly (default: a fresh SQLite file per stage); "
                                     "a PostgreSQL store should be empty: '{stage}' in the URL is replaced "
                                     "by the stage's name (one database per stage)")
    parser.add_argument("--samples", type=int, default=4, help="good documents taken from samples/docs")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--lift-limits", action="store_true",
                        help="lift the pre-flight limits for a zip bomb, a 5,000-page PDF and a 20,000² image: "
                             "the worker runner's timeout and memory cap must stop them")
    parser.add_argument("--document-timeout", type=float, default=60.0, help="with --lift-limits (seconds)")
    args = parser.parse_args(argv)

    tmp_listing_before = set(os.listdir(tempfile.gettempdir()))
    server = hf.Canary("/xxe")
    results = []
    print(f"congvan hostile-input benchmark — {time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores")
    try:
        for stage in [s.strip() for s in args.stages.split(",") if s.strip()]:
            work = Path(tempfile.mkdtemp(prefix=f"congvan-hostile-bench-{stage}-"))
            try:
                results.append(run_stage(stage, work, args, server.url, args.db))
            finally:
                if not args.keep:
                    shutil.rmtree(work, ignore_errors=True)
    finally:
        server.close()
    new_in_tmp = sorted(set(os.listdir(tempfile.gettempdir())) - tmp_listing_before)
    own_new_in_tmp = [n for n in new_in_tmp if n.startswith("congvan-") and not n.startswith("congvan-pg.")
                      and not (args.keep and "hostile-bench" in n)]
    print()
    print(f"network requests to the canary:   {len(server.hits)}")
    print(f"new entries in {tempfile.gettempdir()}:        {len(own_new_in_tmp)} {own_new_in_tmp[:5]}")
    if args.json:
        Path(args.json).write_text(json.dumps({"stages": results, "canary_http_requests": len(server.hits),
                                               "new_tmp_entries": len(own_new_in_tmp)}, indent=2), encoding="utf-8")
    failed = any(r["failed"] for r in results) or server.hits or own_new_in_tmp
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
