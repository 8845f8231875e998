"""Hostile and broken inputs: each ends in quarantine with its specific class, nothing else breaks.

Inputs come from `tests/hostile_files.py`. Per file: the class from `extract_record`. One
real `congvan ingest` run mixes all of them with good documents and accounts for every
file exactly once. No XML entity is resolved, no request reaches a local HTTP server,
no temporary file is left behind. Issue 21: text with lone surrogates and control
characters, names that are not UTF-8, inbox entries that are not plain files (links,
pipes, sockets, unreadable or over-long paths), files vanishing mid-run, concurrent runs,
LibreOffice outliving its worker (slow), junk read as empty documents, bounded NLP cost,
and analyst commands that must fail with one line.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import hostile_files as hf
import pytest

from extractors.errors import ERROR_CLASSES, DocumentError
from extractors.limits import Limits
from extractors.pipeline import extract_record
from extractors.safety import check_docx, check_pdf
from models.record import DocumentRecord, FileInfo, clean_text

ROOT = Path(__file__).resolve().parent.parent
CASES = {case.name: case for case, _ in hf.catalogue()}



@pytest.fixture(scope="module")
def http_canary():
    """A local HTTP server that records every request (an XXE would call it)."""
    canary = hf.Canary()
    yield canary.url, canary.hits
    canary.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, http_canary):
    folder = tmp_path_factory.mktemp("hostile") / "inbox"
    cases, env = hf.generate(folder, http_target=http_canary[0])
    return folder, {c.name: c for c in cases}, env


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_input_gets_its_class(name, hostile, monkeypatch):
    folder, cases, env = hostile
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    case = cases[name]
    record = extract_record(folder / name)
    if case.good:
        assert record.error is None, f"{name}: {record.error_class}: {record.error}"
        assert record.file is not None and record.file.name == clean_text(name)
        json.loads(record.contract_line())          # every record can be written (UTF-8, no surrogate)
    else:
        assert record.error_class in case.expected, f"{name}: {record.error_class}: {record.error}"
        assert record.error_class in ERROR_CLASSES
        assert len(record.error) > 20 and "Traceback" not in record.error
    assert record.error_class != "internal"


_CONTROL = set(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_surrogates_and_control_characters_are_cleaned_once_at_the_record(hostile):
    """A lone surrogate (PDF font) and NUL/C0 controls (text after 4 KiB) never leave the record:
    the contract line is valid UTF-8 and no string of it holds a control character."""
    folder, _, _ = hostile
    surrogate = extract_record(folder / "surrogate-in-subject.pdf")
    assert surrogate.error is None and "\ufffd" in surrogate.subject
    controls = extract_record(folder / "nul-after-4k.txt")
    assert controls.error is None and "kiểm tra" in controls.subject
    for record in (surrogate, controls):
        line = record.contract_line()
        line.encode("utf-8")
        for text in _strings(json.loads(line)):
            assert not (_CONTROL & set(text)) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text), text
    # records built anywhere (error records, loaded JSONL) are cleaned the same way
    built = DocumentRecord(id="a\x00b\ud800", subject="x\x1by", tasks=[{"action": "giao\x00 việc"}],
                           file=FileInfo(path="/in/c\udcf4.txt", name="c\udcf4.txt"))
    assert (built.id, built.subject, built.tasks[0].action) == ("ab\ufffd", "xy", "giao việc")
    assert built.file.name == "c\\xf4.txt"      # an undecodable byte of a name: its escaped, reversible form
    assert os.fsencode(built.file.name.encode().decode("unicode_escape").encode("latin-1").decode("utf-8", "surrogateescape")) == b"c\xf4.txt"


def test_the_nlp_step_sees_bounded_text(tmp_path, monkeypatch):
    """50 KB of random words: no text longer than MAX_NLP_CHARS reaches spaCy or underthesea."""
    import underthesea

    from extractors import nlp
    seen: list[int] = []
    nlp.clear_caches()
    spacy_nlp = nlp.get_spacy()
    if spacy_nlp is not None:
        make_doc = spacy_nlp.make_doc
        monkeypatch.setattr(spacy_nlp, "make_doc", lambda text: (seen.append(len(text)), make_doc(text))[1])
    tokenize = underthesea.word_tokenize
    monkeypatch.setattr(underthesea, "word_tokenize", lambda text, *a, **k: (seen.append(len(text)), tokenize(text, *a, **k))[1])
    path = tmp_path / "random.txt"
    path.write_bytes(hf.random_words_txt(50_000))
    record = extract_record(path)
    assert record.error_class != "internal"
    assert seen and max(seen) <= nlp.MAX_NLP_CHARS
    assert [w for _, piece in nlp.windows("x " * 5000, 100) for w in piece.split()] == ["x"] * 5000


def test_xxe_never_resolved_nor_fetched(hostile, http_canary):
    folder, cases, _ = hostile
    url, hits = http_canary
    for name in ("xxe-file.docx", hf.XXE_HTTP, "billion-laughs.docx"):
        record = extract_record(folder / name)
        assert record.error_class == "unsafe_content", name
    # Without the pre-flight, python-docx (lxml, resolve_entities=False) resolves nothing either.
    import docx
    text = "\n".join(p.text for p in docx.Document(str(folder / "xxe-file.docx")).paragraphs)
    assert "root:" not in text
    text = "\n".join(p.text for p in docx.Document(str(folder / hf.XXE_HTTP)).paragraphs)
    assert "PWNED" not in text
    assert hits == []


def test_entity_declaration_in_any_part_and_in_utf16(tmp_path):
    """A DTD hidden in another part, or in a UTF-16 part, is found too."""
    def styles_with_dtd(archive):
        archive.writestr("word/document.xml", hf._body_xml(hf._paragraph_xml("Kính gửi: Sở Nội vụ")))
        archive.writestr("word/styles.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')

    def utf16_document(archive):
        xml = hf._body_xml(hf._paragraph_xml("Kính gửi"), '<!DOCTYPE w:document [<!ENTITY a "b">]>')
        archive.writestr("word/document.xml", xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
                         .encode("utf-16"))

    for make in (styles_with_dtd, utf16_document):
        path = tmp_path / f"{make.__name__}.docx"
        path.write_bytes(hf.minimal_docx(make))
        with pytest.raises(DocumentError) as info:
            check_docx(path, Limits())
        assert info.value.error_class == "unsafe_content"


def test_limits_are_configurable(tmp_path, monkeypatch):
    good = tmp_path / "good.docx"
    good.write_bytes(hf.good_docx_bytes())
    assert extract_record(good).error is None
    monkeypatch.setenv("CONGVAN_MAX_DOCX_ELEMENTS", "5")
    record = extract_record(good)
    assert record.error_class == "too_large" and "CONGVAN_MAX_DOCX_ELEMENTS" in record.error

    text = tmp_path / "long.txt"
    text.write_bytes(hf.good_txt_bytes() * 40)
    monkeypatch.setenv("CONGVAN_MAX_TEXT_BYTES", "10000")
    record = extract_record(text)
    assert record.error_class == "too_large" and "CONGVAN_MAX_TEXT_BYTES" in record.error

    pages = tmp_path / "pages.pdf"
    pages.write_bytes(hf.many_pages_pdf(12))
    with pytest.raises(DocumentError) as info:
        check_pdf(pages, Limits(max_pages=10))
    assert info.value.error_class == "too_large"
    check_pdf(pages, Limits(max_pages=12))           # at the limit: accepted

    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(hf.zip_bomb_docx(3 << 20))
    with pytest.raises(DocumentError) as info:
        check_docx(bomb, Limits())
    assert info.value.error_class == "unsafe_content"  # ratio ≈ 650
    with pytest.raises(DocumentError) as info:
        check_docx(bomb, Limits(max_zip_ratio=10_000, max_decompressed_bytes=1 << 20))
    assert info.value.error_class == "too_large"       # honest sizes, just too big
    check_docx(bomb, Limits(max_zip_ratio=10_000, max_docx_elements=10**6))  # within every limit


def test_streaming_check_catches_what_the_directory_hides(tmp_path):
    """The directory declares 2 KiB; the member inflates to 64 MiB: never read past the lie."""
    path = tmp_path / "lying.docx"
    path.write_bytes(hf.lying_sizes_docx())
    with pytest.raises(DocumentError) as info:
        check_docx(path, Limits())
    assert info.value.error_class in ("corrupt", "unsafe_content")


def test_unknown_member_compression_is_not_a_crash(tmp_path):
    path = tmp_path / "bz.docx"
    buffer = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", hf._CONTENT_TYPES)
        archive.writestr("word/document.xml", hf._body_xml(""))
    data = bytearray(buffer.getvalue())
    at = data.find(b"PK\x01\x02")
    while at != -1:                     # claim compression method 99 (AES) in the directory
        data[at + 10:at + 12] = (99).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    record = extract_record(path)
    assert record.error_class in ("unsupported_format", "corrupt"), record.error


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_rtf_under_a_doc_name_is_read_through_libreoffice(tmp_path, monkeypatch):
    monkeypatch.delenv("CONGVAN_SOFFICE", raising=False)
    for name in ("cong-van.doc", "cong-van.rtf"):
        path = tmp_path / name
        path.write_bytes(hf.rtf_bytes())
        record = extract_record(path)
        assert record.error is None, record.error
        assert record.symbol == "1234/UBND-VP"


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.slow
def test_mixed_batch_real_ingest_accounts_for_every_file(tmp_path, http_canary):
    inbox = tmp_path / "inbox"
    cases, env = hf.generate(inbox, http_target=http_canary[0], tools_dir=tmp_path / "tools")
    expected = {clean_text(c.name): c for c in cases}
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    run_env = dict(os.environ, **env, PREFECT_HOME=str(tmp_path / "prefect"), TMPDIR=str(private_tmp))
    run_env.pop("PREFECT_API_URL", None)
    summary_path, jsonl = tmp_path / "summary.json", tmp_path / "records.jsonl"
    processed, quarantine = tmp_path / "processed", tmp_path / "quarantine"
    n_files = len(list(inbox.iterdir()))
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--db", f"sqlite:///{tmp_path / 'db.sqlite'}",
         "--jsonl", str(jsonl), "--summary", str(summary_path), "--no-progress",
         "--processed", str(processed), "--quarantine", str(quarantine)],
        cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    counts = summary["counts"]
    assert n_files == len(expected)
    assert counts["seen"] == n_files
    assert counts["ingested"] + counts["quarantined"] + counts["skipped"] + counts["duplicates"] == n_files

    quarantined = {q["file"]: q["class"] for q in summary["quarantined"]}
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    ingested = {r["file"]["name"] for r in records if not r.get("error")}
    accounted = list(quarantined) + list(ingested) + [s["file"] for s in summary["skipped"]] + summary["duplicates"]
    assert sorted(accounted) == sorted(expected), "every file accounted for exactly once"
    for name, case in expected.items():
        if case.good:
            assert name in ingested, f"{name} was not ingested: {quarantined.get(name)}"
        else:
            assert quarantined.get(name) in case.expected, f"{name}: {quarantined.get(name)}"
    assert summary["quarantined_by_class"].get("internal", 0) == 0
    # every file was moved out of the inbox: stored ones to processed/, bad ones to quarantine/ with a note
    assert list(inbox.iterdir()) == []
    moved = [p for p in processed.iterdir()] + [p for p in quarantine.iterdir() if not p.name.endswith(".reason.json")]
    assert len(moved) == n_files
    notes = [p for p in quarantine.iterdir() if p.name.endswith(".reason.json")]
    assert len(notes) == len(quarantined)
    assert http_canary[1] == []                     # no network request from any XML entity
    assert _tree(private_tmp) == []                 # no temporary file left behind


# ---------------------------------------------------------------- inbox entries that are not plain files

@pytest.fixture(scope="module")
def prefect_api():
    from flowkit import prefect_test_server
    return prefect_test_server()


def _inbox_run(tmp_path, inbox, **kwargs):
    from pipelines.flows import ingest
    return ingest([str(inbox)], db_url=f"sqlite:///{tmp_path / 'store.sqlite'}", jsonl=str(tmp_path / "r.jsonl"),
                  summary_path=str(tmp_path / "summary.json"), processed_dir=str(tmp_path / "processed"),
                  quarantine_dir=str(tmp_path / "quarantine"), workers=1, **kwargs)


def test_inbox_never_opens_links_pipes_or_sockets_and_accounts_for_everything(prefect_api, tmp_path, monkeypatch):
    """Links (out of the inbox and inside it), a FIFO, a socket, an unreadable file, an over-size file,
    dot-files, a stale note, an unreadable and an over-long folder, a bad-UTF-8 name: the run completes,
    nothing is followed or opened, each is quarantined or listed as skipped with its reason."""
    import socket

    from pipelines import discover as discover_mod

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "outside-secret.txt"
    secret.write_bytes(hf.good_txt_bytes())               # a good document outside the inbox
    (inbox / "good.txt").write_bytes(hf.good_txt_bytes().replace(b"1234", b"4321"))
    os.fsencode(inbox)
    with open(os.path.join(os.fsencode(inbox), os.fsencode(hf.BAD_NAME)), "wb") as handle:
        handle.write(hf.good_txt_bytes().replace(b"1234", b"5678"))
    (inbox / "link-out.txt").symlink_to(secret)
    (inbox / "link-in.txt").symlink_to(inbox / "good.txt")
    (inbox / "link-dir").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(inbox / "pipe.pdf")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock.docx"))
    (inbox / "unreadable.txt").write_bytes(hf.good_txt_bytes().replace(b"1234", b"8765"))
    (inbox / "huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    (inbox / ".hidden.docx").write_bytes(hf.good_docx_bytes())
    (inbox / "old.pdf.reason.json").write_text("{}")
    (inbox / "locked").mkdir()
    (inbox / "locked" / "inside.txt").write_bytes(hf.good_txt_bytes())
    deep = inbox / "deep"
    deep_fd_path = os.fsencode(deep)
    deep.mkdir()
    fd = os.open(deep, os.O_RDONLY)
    try:               # nest folders (relative to an fd) until the path is longer than PATH_MAX
        depth = 0
        while len(deep_fd_path) + depth * 201 < 4200:
            name = ("d" * 200).encode()
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
            depth += 1
        leaf = os.open(b"deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, hf.good_txt_bytes())
        os.close(leaf)
    finally:
        os.close(fd)
    monkeypatch.setenv("CONGVAN_MAX_FILE_BYTES", "4000")

    real_access, real_scandir = os.access, os.scandir
    unreadable, locked = str(inbox / "unreadable.txt"), str(inbox / "locked")

    def access(path, mode, **kw):       # root reads everything: permissions are simulated for root
        return False if str(path) == unreadable else real_access(path, mode, **kw)

    def scandir(path="."):
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    if os.geteuid() == 0:
        monkeypatch.setattr(discover_mod.os, "access", access)
        monkeypatch.setattr(discover_mod.os, "scandir", scandir)
    else:
        os.chmod(unreadable, 0)
        os.chmod(locked, 0)
    try:
        summary = _inbox_run(tmp_path, inbox)
    finally:
        from pipelines.runner import close_shared_runner
        close_shared_runner()        # its workers carry this test's CONGVAN_MAX_FILE_BYTES
        sock.close()
        if os.geteuid() != 0:
            os.chmod(locked, 0o755)
    quarantined = {q["file"]: q["class"] for q in summary["quarantined"]}
    skipped = {s["file"]: s["reason"] for s in summary["skipped"]}
    assert quarantined == {"link-out.txt": "unsafe_content", "link-in.txt": "unsafe_content",
                           "link-dir": "unsafe_content", "pipe.pdf": "unsupported_format",
                           "sock.docx": "unsupported_format", "unreadable.txt": "corrupt", "huge.pdf": "too_large"}
    deep_entry = [k for k in skipped if k.startswith("deep/")]
    assert len(deep_entry) == 1 and "PATH_MAX" in skipped[deep_entry[0]]
    assert set(skipped) == {".hidden.docx", "old.pdf.reason.json", "locked", deep_entry[0]}
    assert "permission" in skipped["locked"] and all(skipped.values())
    c = summary["counts"]
    assert c["ingested"] == 2 and c["skipped"] == len(summary["skipped"]) == 4
    assert c["seen"] == c["ingested"] + c["quarantined"] + c["skipped"] + c["duplicates"] + c["gone"]
    # nothing was followed: the outside file is untouched, and no record holds its content
    assert secret.read_bytes() == hf.good_txt_bytes()
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["file"]["name"] for r in records) == sorted(["good.txt", clean_text(hf.BAD_NAME)])
    quarantine = tmp_path / "quarantine"
    assert (quarantine / "link-out.txt").is_symlink() and (quarantine / "link-out.txt.reason.json").exists()
    left = sorted(p.name for p in inbox.iterdir())
    assert left == sorted([".hidden.docx", "old.pdf.reason.json", "locked", "deep"])


def test_fifo_on_the_command_line_does_not_hang(tmp_path):
    """`congvan extract PIPE` answers (an error record) instead of blocking on the pipe's open."""
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "extract", str(fifo)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads(proc.stdout.splitlines()[0])
    assert record["error_class"] == "unsupported_format"


def test_vanished_files_are_gone_and_runs_on_one_inbox_are_exclusive(prefect_api, tmp_path, monkeypatch):
    from pipelines import inbox as inbox_mod
    from pipelines import runner as runner_mod

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"doc{i}.txt").write_bytes(hf.good_txt_bytes().replace(b"1234", str(4000 + i).encode()))
    (inbox / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    victims = {str(inbox / "doc1.txt"), str(inbox / "bad.pdf")}
    real = runner_mod.extract_records

    def vanishing(paths, runner=None):      # the files are deleted while the run extracts them
        for p in paths:
            if p in victims:
                os.unlink(p)
        return real(paths, runner)
    monkeypatch.setattr(runner_mod, "extract_records", vanishing)
    with inbox_mod.run_lock(inbox):          # another run holds the inbox
        from pipelines.flows import ingest
        state = ingest([str(inbox)], db_url=f"sqlite:///{tmp_path / 's.sqlite'}", jsonl=None, summary_path=None,
                       processed_dir=str(tmp_path / "processed"), quarantine_dir=str(tmp_path / "quarantine"),
                       workers=1, return_state=True)
        assert state.is_failed()
        with pytest.raises(inbox_mod.InboxBusy, match="another congvan run"):
            state.result()
    summary = _inbox_run(tmp_path, inbox)
    c = summary["counts"]
    assert (c["ingested"], c["quarantined"], c["gone"]) == (2, 0, 2), summary
    assert sorted(summary["gone"]) == ["bad.pdf", "doc1.txt"]
    assert not (tmp_path / "quarantine").exists() or list((tmp_path / "quarantine").iterdir()) == []
    from pipelines.store import Store
    with Store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        assert store.count("quarantine") == 0


def test_stale_partial_copies_and_notes_are_removed_by_the_next_run(prefect_api, tmp_path):
    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    for folder in (inbox, processed, quarantine):
        folder.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (processed / f".a.pdf.partial-{dead.pid}").write_bytes(b"half a copy")
    (quarantine / f".b.pdf.reason.json.tmp-{dead.pid}").write_text("{")
    (processed / f".mine.pdf.partial-{os.getpid()}").write_bytes(b"a live copy")   # its process runs: kept
    doc = hf.good_txt_bytes()
    import hashlib
    (quarantine / "doc.txt.reason.json").write_text(json.dumps({"sha256": hashlib.sha256(doc).hexdigest()}))
    (inbox / "doc.txt").write_bytes(doc)       # once quarantined, put back into the inbox, now stored
    summary = _inbox_run(tmp_path, inbox)
    assert summary["counts"]["ingested"] == 1
    assert sorted(p.name for p in processed.iterdir()) == sorted(["doc.txt", f".mine.pdf.partial-{os.getpid()}"])
    assert list(quarantine.iterdir()) == []


def test_a_failed_task_runner_fails_the_run_and_leaves_the_files(prefect_api, tmp_path, monkeypatch):
    """Every batch task fails (a task runner that cannot import the code): the run ends Failed, and
    no good document is quarantined as `internal`."""
    from pipelines import runner as runner_mod
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "doc.txt").write_bytes(hf.good_txt_bytes())

    def broken(paths, runner=None):
        raise ModuleNotFoundError("No module named 'flows'")
    monkeypatch.setattr(runner_mod, "extract_records", broken)
    from pipelines.flows import ingest
    state = ingest([str(inbox)], db_url=f"sqlite:///{tmp_path / 's.sqlite'}", jsonl=None,
                   summary_path=str(tmp_path / "summary.json"), processed_dir=str(tmp_path / "processed"),
                   quarantine_dir=str(tmp_path / "quarantine"), workers=1, return_state=True)
    assert state.is_failed()
    assert [p.name for p in inbox.iterdir()] == ["doc.txt"]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["quarantined"] == 0 and summary["counts"]["not_processed"] == 1


# ---------------------------------------------------------------- LibreOffice dies with its worker

# Stands in for a LibreOffice conversion that never ends: a real `soffice --headless` listening on a
# pipe (oosplash → soffice.bin, as in a conversion) that only stops when it is killed.
LINGERING_SOFFICE = """#!/bin/sh
soffice "$1" --headless --invisible --nologo --norestore --nolockcheck --accept="pipe,name=congvan-test-$$;urp;" &
wait
"""


def _marked(mark: str) -> list:
    import psutil
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get("CONGVAN_TEST_MARK") == mark:
                found.append(proc)
        except Exception:  # noqa: BLE001 — gone, or not ours
            pass
    return found


def _wait_for(predicate, seconds: float) -> bool:
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def _soffice_bin_started(mark: str) -> bool:
    return any("soffice.bin" in " ".join(p.cmdline()) for p in _marked(mark) if p.is_running())


def _lingering_env(tmp_path, mark: str) -> dict:
    fake = tmp_path / "soffice-lingers"
    fake.write_text(LINGERING_SOFFICE)
    fake.chmod(0o755)
    return {"CONGVAN_SOFFICE": str(fake), "CONGVAN_CONVERT_TIMEOUT": "600", "CONGVAN_TEST_MARK": mark}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("death", ["document_timeout", "memory_cap"])
def test_libreoffice_dies_with_its_worker(death, tmp_path, monkeypatch):
    from pipelines.runner import Runner
    mark = f"{death}-{os.getpid()}"
    for key, value in _lingering_env(tmp_path, mark).items():
        monkeypatch.setenv(key, value)
    doc = tmp_path / "cong-van.doc"
    doc.write_bytes(hf.fake_ole_doc())
    limits = {"timeout": 25.0, "memory_mb": 1e6} if death == "document_timeout" else {"timeout": 600.0, "memory_mb": 60}
    try:
        with Runner(workers=1, func=f"{hf.__file__}:convert_only", crash_retries=0, **limits) as runner:
            future = runner.submit(str(doc))
            assert _wait_for(lambda: _soffice_bin_started(mark), 60), "LibreOffice did not start"
            outcome = future.result(timeout=120)
        assert outcome.error_class == ("timeout" if death == "document_timeout" else "too_large"), outcome
        assert _wait_for(lambda: not _marked(mark), 15), [p.cmdline() for p in _marked(mark)]
    finally:
        for proc in _marked(mark):       # a failing test leaves no LibreOffice behind either
            proc.kill()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_dies_when_the_cli_is_killed(tmp_path):
    import signal
    mark = f"cli-{os.getpid()}"
    doc = tmp_path / "cong-van.doc"
    doc.write_bytes(hf.fake_ole_doc())
    env = dict(os.environ, **_lingering_env(tmp_path, mark), PYTHONPATH=str(ROOT))
    cli = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "extract", str(doc), "--workers", "1"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _soffice_bin_started(mark), 90), "LibreOffice did not start"
        cli.send_signal(signal.SIGKILL)
        cli.wait(timeout=10)
        assert _wait_for(lambda: not _marked(mark), 20), [p.cmdline() for p in _marked(mark)]
    finally:
        for proc in _marked(mark):
            proc.kill()
        if cli.poll() is None:
            cli.kill()


# ---------------------------------------------------------------- analyst commands never print tracebacks

def _congvan(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_analyst_commands_fail_with_one_line_and_no_traceback(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    (tmp_path / "existing_dir").mkdir()
    (tmp_path / "corrupt.sqlite").write_bytes(b"this is not a database" * 100)
    cases = [
        ("task", "done", "99999999999999999999999", "--db", db),
        ("correct", "task", "abc", "subject", "x", "--db", db),
        ("export", "tasks", "-o", str(tmp_path / "existing_dir") + "/", "--db", db),
        ("export", "json", "-o", "/proc/version", "--db", db),
        ("extract", str(tmp_path / "corrupt.sqlite"), "--jsonl", str(tmp_path / "missing" / "dir" / "x.jsonl")),
        ("tasks", "--db", "not a url"),
        ("tasks", "--db", f"sqlite:///{tmp_path / 'corrupt.sqlite'}"),
    ]
    for args in cases:
        proc = _congvan(*args)
        errors = [line for line in proc.stderr.splitlines() if line.startswith("congvan:")]
        assert proc.returncode != 0, (args, proc.stdout[-500:])
        assert "Traceback" not in proc.stderr and len(errors) == 1, (args, proc.stderr[-2000:])


def test_load_skips_bad_lines_and_goes_on(tmp_path):
    good = DocumentRecord(id="a", subject="Về việc kiểm tra", file=FileInfo(path="/in/a.pdf", name="a.pdf", sha256="a" * 64))
    lines = ["{not json", "[" * 100_000 + "]" * 100_000, json.dumps({"id": 5, "tasks": "x"}),
             '{"id": "b\\ud800", "file": {"path": "/in/b.pdf", "name": "b.pdf", "sha256": "' + "b" * 64 + '"}}',
             good.contract_line()]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _congvan("load", str(path), "--db", f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "new 2" in proc.stdout and "skipped 3" in proc.stdout, proc.stdout


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_ole2_header_followed_by_junk_is_never_an_empty_document(tmp_path, monkeypatch):
    """Through the real LibreOffice: an OLE2 header then junk (binary, or text LibreOffice may import
    as a document) is quarantined with a reason, never stored as an empty record."""
    monkeypatch.delenv("CONGVAN_SOFFICE", raising=False)
    import random
    rng = random.Random(5)
    junk_text = " ".join("".join(rng.choice("abcdefghiklmnopqrstuvxy") for _ in range(rng.randint(2, 8)))
                         for _ in range(600)).encode()
    for name, data in (("ole-junk.doc", hf.fake_ole_doc()),
                       ("ole-text-junk.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk_text)):
        path = tmp_path / name
        path.write_bytes(data)
        record = extract_record(path)
        assert record.error_class in ("conversion_failed", "not_a_document", "corrupt", "unsupported_format"), \
            (name, record.error_class)
        assert len(record.error) > 20


def test_control_characters_never_reach_the_store_or_the_spreadsheets(hostile, tmp_path):
    """The NUL/C0 text and the surrogate PDF are stored (SQLite) and every export is written."""
    from pipelines.exports import export_tasks
    from pipelines.store import Store
    folder, _, _ = hostile
    with Store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        for name in ("nul-after-4k.txt", "surrogate-in-subject.pdf"):
            assert store.ingest_record(extract_record(folder / name)) == "new"
        export_tasks(store, tmp_path / "tasks.xlsx")
        assert (tmp_path / "tasks.xlsx").stat().st_size > 0
    proc = _congvan("export", "register", "-o", str(tmp_path / "register.xlsx"), "--db", f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_file_vanishing_during_its_move_leaves_no_note(tmp_path, monkeypatch):
    from pipelines import inbox as inbox_mod
    src = tmp_path / "in" / "doc.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.4 x")
    real_link = inbox_mod._link_or_copy

    def vanish_then_link(a, b):
        os.unlink(a)                      # another process takes the file between the note and the link
        return real_link(a, b)
    monkeypatch.setattr(inbox_mod, "_link_or_copy", vanish_then_link)
    with pytest.raises(inbox_mod.Gone):
        inbox_mod.quarantine_file(src, tmp_path / "q", "0" * 64, {"sha256": "0" * 64})
    assert list((tmp_path / "q").iterdir()) == []
    src.write_bytes(b"%PDF-1.4 x")
    with pytest.raises(inbox_mod.Gone):
        inbox_mod.move_unique(src, tmp_path / "p", "0" * 64)
    assert list((tmp_path / "p").iterdir()) == []
