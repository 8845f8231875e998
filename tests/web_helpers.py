"""A store filled from samples/ for the web workspace's tests: each sample's expected record stored
as its record (its file info pointing at the real sample file, so pages render), with provenance
(scans get low-confidence fields, marked for review) and one hostile document whose subject is HTML."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from models.record import DocumentRecord, FieldProvenance, FileInfo, Signer, Task

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
XSS_SUBJECT = '<script>document.title="pwned"</script><img src=x id="xss-img">'
LOW = ("number", "subject")


def _pages(path: Path) -> int:
    if path.suffix.lower() != ".pdf":
        return 1
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def sample_records(extract: tuple[str, ...] = ()) -> list[DocumentRecord]:
    """`extract`: samples whose record comes from the real extractor (provenance with page boxes)."""
    records = []
    for path in sorted((SAMPLES / "expected").glob("*.json")):
        exp = json.loads(path.read_text(encoding="utf-8"))
        source = SAMPLES / "docs" / exp["file"]
        if exp["id"] in extract:
            from extractors.pipeline import extract_record
            records.append(extract_record(source))
            continue
        content = source.read_bytes()
        scan = "scan" in (exp.get("input") or "") or exp.get("input") == "image"
        provenance = {}
        for key in ("doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject",
                    "recipients", "distribution", "signer"):
            if not exp.get(key):
                continue
            low = scan and key in LOW
            value = exp[key]
            text = "; ".join(value) if isinstance(value, list) else (
                value.get("name") if isinstance(value, dict) else str(value))
            provenance[key] = FieldProvenance(page=1, text=text, confidence=0.55 if low else 0.97,
                                              needs_review=low, method="ocr" if scan else "text")
        tasks = [Task(**{k: v for k, v in t.items() if k in Task.model_fields},
                      source=FieldProvenance(page=1, text=t.get("action"), confidence=0.8)) for t in exp["tasks"]]
        records.append(DocumentRecord(
            id=exp["id"], doc_type=exp.get("doc_type"), number=exp.get("number"), symbol=exp.get("symbol"),
            code=exp.get("code"), date=exp.get("date"), place=exp.get("place"), issuer=exp.get("issuer"),
            issuer_parent=exp.get("issuer_parent"), subject=exp.get("subject"),
            recipients=exp.get("recipients") or [], distribution=exp.get("distribution") or [],
            signer=Signer(**(exp.get("signer") or {})), tasks=tasks, provenance=provenance,
            file=FileInfo(path=str(source), name=source.name, sha256=hashlib.sha256(content).hexdigest(),
                          size=len(content), format=source.suffix.lstrip("."), pages=_pages(source))))
    hostile = b"hostile document"
    records.append(DocumentRecord(
        id="xss", doc_type="Công văn", number="66", symbol="66/XSS-TEST", code="XSS-TEST", date="2024-06-01",
        issuer="Sở Thử nghiệm <b>đậm</b>", subject=XSS_SUBJECT,
        tasks=[Task(assignees=["Phòng <i>Kiểm thử</i>"], lead="Phòng <i>Kiểm thử</i>", action=XSS_SUBJECT,
                    deadline="2024-07-01")],
        file=FileInfo(path="/nonexistent/xss.pdf", name="xss.pdf", sha256=hashlib.sha256(hostile).hexdigest(),
                      size=len(hostile), format="pdf", pages=1)))
    return records


def fill_store(url: str, extract: tuple[str, ...] = ()) -> None:
    from pipelines.store import Store
    with Store(url) as store:
        store.save_batch(sample_records(extract))
        store.save_run({"started_at": "2024-11-05T01:00:00+00:00", "finished_at": "2024-11-05T01:02:00+00:00",
                        "counts": {"seen": 18, "new": 17, "ingested": 17, "duplicates": 0, "quarantined": 1},
                        "quarantined": [{"file": "hong.pdf", "class": "corrupt", "reason": "the PDF is damaged"}]})
