"""Per-page triage: trusted text layer vs garbage vs absent, and hybrid pages (scanned
letterhead image over a typed body) that must keep both parts."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.lang.quality import text_quality
from extractors.limits import Limits
from extractors.readers.triage import triage_page
from models.layout import Word

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def test_text_quality_separates_vietnamese_from_garbage():
    good = text_quality("Thực hiện Công văn số 1141/MT-YT ngày 24 tháng 10 năm 2017 của Cục Quản lý Môi trường y tế")
    broken_ocr = text_quality("SOYTEHANQI CQNG HOA xA HQI CHU NGHIA VWT NAM TRUNG TAM Y TE DV PHONG Dc lop - Tr do")
    mojibake = text_quality("MÉu 01-§GCL §¶ng bé c¬ quan UBND ®¶ng céng s¶n viÖt nam huyÖn lÖ thuû")
    cid = text_quality("(cid:12)(cid:45)(cid:3) (cid:77)(cid:9) (cid:1)(cid:2) (cid:5)")
    assert good.trusted
    assert not broken_ocr.trusted and not mojibake.trusted and not cid.trusted


def _words(text: str, top: float = 100.0) -> list[Word]:
    words, x = [], 60.0
    for token in text.split():
        words.append(Word(text=token, x0=x, top=top, x1=x + 6 * len(token), bottom=top + 12))
        x += 6 * len(token) + 4
    return words


def test_triage_decisions():
    body = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư"
    page = (595.0, 842.0)
    assert triage_page(_words(body), body, [], *page).method == "text"
    assert triage_page([], "", [(0, 0, 595, 842)], *page).method == "ocr"
    garbage = "CQNG HOA xA HQI CHU NGHIA VWT NAM Dc lop Tr do Hjnh phüc SOYTEHANQI TRUNG TAM"
    assert triage_page(_words(garbage), garbage, [(0, 0, 595, 842)], *page).method == "ocr"
    stamp = "Ký bởi: Ủy ban nhân dân tỉnh"
    verdict = triage_page(_words(stamp, 20), stamp, [(0, 0, 595, 842)], *page)
    assert verdict.method == "ocr"                  # full-page scan with an e-signature box
    hybrid = triage_page(_words(body, 400), body, [(40, 30, 560, 200)], *page)
    assert hybrid.method == "hybrid" and hybrid.regions == [(40, 30, 560, 200)]
    logo = triage_page(_words(body, 400), body, [(40, 30, 90, 80)], *page)
    assert logo.method == "text"                    # a small logo is not a scan


@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract/fonts missing")
def test_hybrid_pdf_keeps_image_header_and_text_body(tmp_path):
    """Letterhead pasted as a picture above a typed body: OCR the picture, keep the text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from extractors.readers import read_document

    dpi = 200
    header = Image.new("L", (int(500 * dpi / 72), int(90 * dpi / 72)), 255)
    draw = ImageDraw.Draw(header)
    font = ImageFont.truetype(str(FONT), int(12 * dpi / 72))
    draw.text((int(20 * dpi / 72), int(10 * dpi / 72)), "ỦY BAN NHÂN DÂN", font=font, fill=0)
    draw.text((int(250 * dpi / 72), int(10 * dpi / 72)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=font, fill=0)
    draw.text((int(20 * dpi / 72), int(50 * dpi / 72)), "Số: 45/UBND-VX", font=font, fill=0)
    draw.text((int(250 * dpi / 72), int(50 * dpi / 72)), "Quảng Ngãi, ngày 5 tháng 6 năm 2024", font=font, fill=0)

    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))
    path = tmp_path / "hybrid.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawImage(ImageReader(header), 50, 842 - 40 - 90, width=500, height=90)
    c.setFont("DejaVuSerif", 12)
    y = 842 - 200
    for line in ["Kính gửi: Sở Y tế tỉnh Quảng Ngãi",
                 "Ủy ban nhân dân tỉnh đề nghị Sở Y tế khẩn trương thực hiện các nội dung sau đây.",
                 "Báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 30 tháng 6 năm 2024."]:
        c.drawString(60, y, line)
        y -= 20
    c.showPage()
    c.save()

    doc = read_document(path, Limits())
    page = doc.pages[0]
    assert page.method == "hybrid"
    assert doc.notes.triage[1].method == "hybrid"
    texts = {line.source: [] for line in page.lines}
    for line in page.lines:
        texts[line.source].append(line.text)
    assert "Kính gửi: Sở Y tế tỉnh Quảng Ngãi" in texts["text"]
    ocr = " | ".join(texts["ocr"])
    assert "ỦY BAN NHÂN DÂN" in ocr and "45/UBND-VX" in ocr, ocr
    first = page.lines[0]
    assert first.source == "ocr" and first.top < 100          # merged in reading order by position
    issuer = next(l for l in page.lines if "ỦY BAN" in l.text)
    motto = next(l for l in page.lines if "CỘNG HÒA" in l.text)
    assert issuer is not motto and issuer.x1 < motto.x0
