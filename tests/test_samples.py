"""The project's own sample documents (samples/) against their expected records.

Every sample is extracted once (`extractors.pipeline.extract_record`) and compared field by
field with `samples/expected/<id>.json`, one test per (sample, field), using the same
normalisation as the scorer (../shared/eval/score.py: case, spaces, Unicode NFC, tone
placement; subject similarity >= 0.90; list items fuzzy at 0.85, references exact on the
symbol; a task matches when an assignee agrees and the actions share >= 40% of words).
The expected records come from the same spec that printed the document
(samples/specs.py), so a failure here is an extraction error, not a labelling one.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = SAMPLES / "expected"
DOCS = SAMPLES / "docs"

SCALARS = ["doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent",
           "signer.name", "signer.title", "signer.authority", "subject"]
LISTS = ["recipients", "distribution", "references"]
TASK_FIELDS = ["tasks", "tasks.lead", "tasks.deadline"]
FIELDS = SCALARS + LISTS + TASK_FIELDS
CONTRACT_KEYS = {"id", "doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent",
                 "subject", "recipients", "distribution", "signer", "references", "tasks"}

# (sample id, field) → reason: cases the extractors do not handle yet (strict=False: a pass is fine).
# Set at 02:42 UTC on 2026-11-28 from a full run; the expected values were re-checked against CONTRACT.
_OCR = "OCR of the degraded scan does not read this field yet"
XFAIL: dict[tuple[str, str], str] = {
    ("cd-ubnd-quangbinh-mua-lu-scan", "signer.name"): _OCR,
    ("cd-ubnd-quangbinh-mua-lu-scan", "subject"): _OCR,
    ("cd-ubnd-quangbinh-mua-lu-scan", "distribution"): _OCR + " (Lưu line lost, spaces dropped)",
    ("cd-ubnd-quangbinh-mua-lu-scan", "tasks"): _OCR + "; the `Chủ tịch UBND các huyện …` item is not found",
    ("tb-ketluan-ubnd-tayninh-scan", "tasks.deadline"):
        "OCR reads `quý III/2024` as `quý IIH/2024`",
}

SLOW_INPUTS = {"pdf-scan", "image", "doc"}   # OCR / LibreOffice: marked slow


# ------------------------------------------------------------- normalisation (as score.py)
ABBREVIATIONS = {"ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "mttq": "mặt trận tổ quốc",
                 "tand": "tòa án nhân dân", "vksnd": "viện kiểm sát nhân dân", "tp.": "thành phố",
                 "ub": "ủy ban"}


def _tone_first(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    out = re.sub(r"(?i)([ou])([aey])([\u0300\u0301\u0309\u0303\u0323])(?![\w\u0300-\u036f])",
                 lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", out)


def norm(value) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).casefold().replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = _tone_first(text)
    text = re.sub(r"\s+", " ", text).strip(" .;:,")
    return " ".join(ABBREVIATIONS.get(w, w) for w in text.split(" "))


def norm_symbol(value) -> str:
    text = norm(value).replace(" ", "")
    m = re.match(r"^0*(\d+)(/.*)$", text)
    return m.group(1) + m.group(2) if m else text


def norm_authority(value) -> str:
    text = re.sub(r"\bt/m\b\.?", "tm.", norm(value))
    return re.sub(r"\b(tm|kt|tl|tuq|q)\.\s*", r"\1. ", text)


def similar(a: str, b: str) -> float:
    return 1.0 if not a and not b else SequenceMatcher(None, a, b).ratio()


def match_count(gold: list[str], pred: list[str], threshold: float) -> int:
    pairs = sorted(((similar(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)), reverse=True)
    used_g, used_p, hits = set(), set(), 0
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            hits += 1
    return hits


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", norm(text)))


def overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0


def match_tasks(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            ga = [norm(a) for a in g.get("assignees") or [] if norm(a)]
            pa = [norm(a) for a in p.get("assignees") or [] if norm(a)]
            if ga and pa and match_count(ga, pa, 0.85):
                ov = overlap(g.get("action", ""), p.get("action", ""))
                if ov >= 0.40:
                    candidates.append((ov, i, j))
    used_g, used_p, pairs = set(), set(), []
    for _ov, i, j in sorted(candidates, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((gold[i], pred[j]))
    return pairs


def get(record: dict, dotted: str):
    value = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


# ------------------------------------------------------------- samples and extraction

def expected_records() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*.json"))}


EXPECTED_RECORDS = expected_records()


@functools.cache
def extracted(sample_id: str) -> dict:
    from extractors.pipeline import extract_record

    return extract_record(DOCS / EXPECTED_RECORDS[sample_id]["file"]).contract()


def _params():
    for sample_id, record in EXPECTED_RECORDS.items():
        for field in FIELDS:
            marks = []
            if record.get("input") in SLOW_INPUTS:
                marks.append(pytest.mark.slow)
            reason = XFAIL.get((sample_id, field))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))   # a fixed case fails until its entry goes
            yield pytest.param(sample_id, field, id=f"{sample_id}:{field}", marks=marks)


def test_samples_exist():
    assert len(EXPECTED_RECORDS) >= 14
    for sample_id, record in EXPECTED_RECORDS.items():
        assert (DOCS / record["file"]).is_file(), record["file"]
        assert Path(record["file"]).stem == sample_id


@pytest.mark.parametrize("sample_id,field", list(_params()))
def test_sample_field(sample_id: str, field: str):
    gold = EXPECTED_RECORDS[sample_id]
    pred = extracted(sample_id)
    assert not pred.get("error"), f"extraction failed: [{pred.get('error_class')}] {pred.get('error')}"
    assert pred["id"] == sample_id

    if field in SCALARS:
        g, p = get(gold, field), get(pred, field)
        if field == "subject":
            assert similar(norm(g), norm(p)) >= 0.90, f"subject: expected {g!r}, got {p!r}"
        elif field in ("symbol", "code"):
            assert norm_symbol(g) == norm_symbol(p), f"{field}: expected {g!r}, got {p!r}"
        elif field == "number":
            assert norm(g).lstrip("0") == norm(p).lstrip("0"), f"number: expected {g!r}, got {p!r}"
        elif field == "signer.authority":
            assert norm_authority(g) == norm_authority(p), f"authority: expected {g!r}, got {p!r}"
        else:
            assert norm(g) == norm(p), f"{field}: expected {g!r}, got {p!r}"
        return

    if field in LISTS:
        if field == "references":
            g = sorted({norm_symbol(r["symbol"]) for r in gold[field]})
            p = sorted({norm_symbol(r.get("symbol") if isinstance(r, dict) else r) for r in pred.get(field) or []})
            assert g == p, f"references: expected {g}, got {p}"
            return
        g = [norm(x) for x in gold[field]]
        p = [norm(x) for x in pred.get(field) or []]
        hits = match_count(g, p, 0.85)
        assert hits == len(g) == len(p), f"{field}: expected {gold[field]}, got {pred.get(field)}"
        return

    gold_tasks, pred_tasks = gold["tasks"], pred.get("tasks") or []
    pairs = match_tasks(gold_tasks, pred_tasks)
    if field == "tasks":
        unmatched = [t["assignees"] for t in gold_tasks if not any(t is g for g, _ in pairs)]
        assert len(pred_tasks) == len(gold_tasks) and not unmatched, (
            f"tasks: expected {len(gold_tasks)}, got {len(pred_tasks)} "
            f"({[t.get('assignees') for t in pred_tasks]}); unmatched expected: {unmatched}")
        return
    if not gold_tasks:
        pytest.skip("no tasks in this sample")
    key = field.split(".")[1]
    if not pairs:
        pytest.fail(f"{field}: no expected task was matched")
    wrong = [(g["assignees"], g[key], p.get(key)) for g, p in pairs if norm(g[key]) != norm(p.get(key))]
    assert not wrong, f"{field} of matched tasks (assignees, expected, got): {wrong}"


# ------------------------------------------------------------- the expected records themselves

@pytest.mark.parametrize("sample_id", sorted(EXPECTED_RECORDS))
def test_expected_record_follows_contract(sample_id: str):
    record = EXPECTED_RECORDS[sample_id]
    assert CONTRACT_KEYS <= set(record), CONTRACT_KEYS - set(record)
    assert record["id"] == sample_id
    symbol, number, code = record["symbol"], record["number"], record["code"]
    assert " " not in symbol and symbol.endswith("/" + code)
    assert symbol.split("/")[0] == (number or "")
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record["date"])
    assert set(record["signer"]) == {"name", "title", "authority"}
    for ref in record["references"]:
        assert set(ref) == {"symbol", "doc_type", "date", "issuer"}
    for task in record["tasks"]:
        assert set(task) >= {"assignees", "lead", "co", "action", "deadline"}
        assert task["assignees"] and task["action"]
        assert task["lead"] is None or task["lead"] in task["assignees"]
        assert task["deadline"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", task["deadline"])
    for item in record["recipients"] + record["distribution"]:
        assert item == item.strip() and not item.startswith("-") and not item.endswith(";")


def test_expected_records_match_specs():
    """The committed expected records are exactly what the specs give (regenerate with make_samples.py)."""
    import generator
    from specs import SAMPLES as SPECS

    assert set(SPECS) == set(EXPECTED_RECORDS)
    for sample_id, (spec, _fmt) in SPECS.items():
        generator.check_spec(spec)
        want = generator.expected_record(spec)
        have = {k: v for k, v in EXPECTED_RECORDS[sample_id].items() if k in want}
        assert have == want, sample_id


def test_sample_kinds_and_formats_are_diverse():
    kinds = {r["doc_type"] for r in EXPECTED_RECORDS.values()}
    inputs = [r["input"] for r in EXPECTED_RECORDS.values()]
    assert {"Công văn", "Quyết định", "Kế hoạch", "Thông báo", "Giấy mời", "Tờ trình", "Báo cáo", "Chỉ thị",
            "Công điện"} <= kinds
    assert inputs.count("pdf-scan") + inputs.count("image") >= 3
    assert {"docx", "pdf-text", "doc", "txt", "image"} <= set(inputs)
    assert any(r["number"] is None for r in EXPECTED_RECORDS.values())
    assert any(len(r["date"]) == 7 for r in EXPECTED_RECORDS.values())


# ------------------------------------------------------------- the generator library

def test_scan_pdf_is_image_only(tmp_path):
    """A reportlab PDF → degraded scan: same page count, no text layer, A4 at the scan dpi."""
    import generator
    import pdfplumber
    from specs import SAMPLES as SPECS

    spec, _ = SPECS["ttr-stc-lamdong-kinh-phi"]
    clean = generator.build_pdf_reportlab(spec, tmp_path / "clean.pdf")
    with pdfplumber.open(str(clean)) as pdf:
        assert "TTr-STC" in pdf.pages[0].extract_text()
    scan = generator.scan_pdf(clean, tmp_path / "scan.pdf", dpi=100, seed=7,
                              stamp={"agency": "Sở Tài chính", "number": "12", "date": "20/8/2024"})
    assert generator.page_count(scan) == generator.page_count(clean)
    with pdfplumber.open(str(scan)) as pdf:
        assert not (pdf.pages[0].extract_text() or "").strip()
        assert len(pdf.pages[0].images) == 1
    image = generator.render_page(scan, 0, dpi=100)
    assert abs(image.width - 827) < 10 and abs(image.height - 1169) < 10


def test_den_stamp_is_red_and_deterministic():
    import generator

    a = generator.den_stamp("Sở Y tế", "15", "01/02/2024", dpi=150, seed=3)
    b = generator.den_stamp("Sở Y tế", "15", "01/02/2024", dpi=150, seed=3)
    assert a.tobytes() == b.tobytes()
    r, g, bl, alpha = a.getpixel(max(((x, y) for x in range(0, a.width, 3) for y in range(0, a.height, 3)),
                                     key=lambda p: a.getpixel(p)[3]))
    assert alpha > 200 and r > 150 and g < 80 and bl < 80


def test_check_spec_rejects_unprinted_reference():
    import generator

    spec = generator.Spec(id="x", doc_type="Công văn", issuer="Sở Y tế", code="SYT-VP", place="Huế", year=2024,
                          month=1, day=2, subject="thử", body=["Không trích dẫn văn bản nào."],
                          references=[generator.Ref("1/SYT-VP")])
    with pytest.raises(ValueError):
        generator.check_spec(spec)


def test_soffice_timeout_raises(tmp_path):
    import shutil

    import generator

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    src = DOCS / "gm-syt-camau-hoi-nghi.docx"
    with pytest.raises(TimeoutError):
        generator.soffice_convert(src, "pdf", tmp_path, timeout=0.05)


@pytest.mark.slow
def test_docx_converts_to_pdf_and_doc(tmp_path):
    import generator
    import pdfplumber

    src = DOCS / "gm-syt-camau-hoi-nghi.docx"
    pdf = generator.docx_to_pdf(src, tmp_path / "a.pdf")
    doc = generator.docx_to_doc(src, tmp_path / "a.doc")
    with pdfplumber.open(str(pdf)) as handle:
        assert "GM-SYT" in handle.pages[0].extract_text()
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_expected_records_score_perfectly_with_the_shared_scorer(tmp_path):
    """The expected records are well-formed for ../shared/eval/score.py (gold vs itself = 1.0)."""
    import subprocess
    import sys

    scorer = SAMPLES.parent.parent / "shared" / "eval" / "score.py"
    if not scorer.exists():
        pytest.skip("../shared is not available")
    labels = SAMPLES / "labels.jsonl"
    result = subprocess.run([sys.executable, str(scorer), "--gold", str(labels), "--pred", str(labels), "--json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == len(EXPECTED_RECORDS)
    assert report["header_accuracy"] == 1.0
    assert all(v["f1"] == 1.0 for v in report["lists"].values())
    assert report["tasks"]["f1"] == 1.0 and report["tasks"]["deadline"] == 1.0
