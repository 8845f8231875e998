"""The pypdfium2 PDF reader (`extractors.readers.pdf`): words, styles and positions as pdfplumber
gave them, on PDFs drawn here with reportlab (fonts from samples/generator.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.limits import Limits
from extractors.readers.pdf import read_pdf, read_pdf_plumber
from tests.pdf_builders import canvas as _canvas
from tests.pdf_builders import header_pdf as _header_pdf
from tests.pdf_builders import rl_fonts


@pytest.fixture(scope="module")
def fonts():
    return rl_fonts()


def _lines(path: Path, **kw):
    return read_pdf(path, Limits(), **kw).pages[0].lines


def test_two_columns_styles_and_positions_match_pdfplumber(tmp_path, fonts):
    pdf = _header_pdf(tmp_path / "header.pdf", fonts)
    lines = _lines(pdf)
    assert [l.text for l in lines] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                       "Hà Nội, ngày 5 tháng 6 năm 2024",
                                       "Ủy ban nhân dân tỉnh đề nghị các sở, ngành thực hiện nghiêm túc."]
    assert [(l.bold, l.italic, l.size) for l in lines] == [(True, False, 13), (True, False, 13),
                                                            (False, True, 14), (False, False, 14)]
    assert lines[0].x0 == pytest.approx(60, abs=0.5) and lines[1].x0 == pytest.approx(300, abs=0.5)
    # the same words and boxes as pdfplumber (its descent differs by font: compare heights, not tops)
    plumber = read_pdf_plumber(pdf, Limits()).pages[0].lines
    assert [l.text for l in plumber] == [l.text for l in lines]
    for ours, theirs in zip(lines, plumber):
        assert [w.text for w in ours.words] == [w.text for w in theirs.words]
        for a, b in zip(ours.words, theirs.words):
            assert a.x0 == pytest.approx(b.x0, abs=0.5)
            assert a.x1 == pytest.approx(b.x1, abs=1.0)
            assert a.bottom - a.top == pytest.approx(b.bottom - b.top, abs=0.1)
            assert (a.bold, a.italic, a.size) == (b.bold, b.italic, b.size)


def test_fake_bold_overprint_is_read_once(tmp_path, fonts):
    """Bold faked by drawing the text twice, a fraction of a point apart: one copy of the words."""
    from reportlab.lib.pagesizes import A4

    c = _canvas(tmp_path / "fake.pdf")
    c.setFont(fonts[0], 13)
    for dx in (0.0, 0.3):
        c.drawString(60 + dx, A4[1] - 60, "ỦY BAN NHÂN DÂN TỈNH")
    c.showPage()
    c.save()
    assert [l.text for l in _lines(tmp_path / "fake.pdf")] == ["ỦY BAN NHÂN DÂN TỈNH"]


def test_hyphen_at_line_end_and_font_change_inside_a_word(tmp_path, fonts):
    """pdfium joins a hyphenated line end to the next line and marks the hyphen: the hyphen stays
    on its line; a bold label run into a regular value (`Số:123`) is two words, as before."""
    from reportlab.lib.pagesizes import A4

    regular, bold, _, _ = fonts
    height = A4[1]
    c = _canvas(tmp_path / "hyphen.pdf")
    c.setFont(regular, 13)
    c.drawString(60, height - 100, "Phấn đấu thực hiện đúng ngành nghề và sở tr-")
    c.drawString(60, height - 116, "ường đào tạo của mình.")
    text = c.beginText(60, height - 140)
    text.setFont(bold, 13)
    text.textOut("Số:")
    text.setFont(regular, 13)
    text.textOut("123/UBND")
    c.drawText(text)
    c.showPage()
    c.save()
    lines = _lines(tmp_path / "hyphen.pdf")
    assert [l.text for l in lines] == ["Phấn đấu thực hiện đúng ngành nghề và sở tr-", "ường đào tạo của mình.",
                                       "Số: 123/UBND"]
    assert [(w.text, w.bold) for w in lines[2].words] == [("Số:", True), ("123/UBND", False)]


def test_font_size_includes_the_text_matrix(tmp_path, fonts):
    """`1 Tf` scaled 13× by the matrix is 13 pt (Word/LibreOffice write text so)."""
    from reportlab.lib.pagesizes import A4

    c = _canvas(tmp_path / "scaled.pdf")
    c.saveState()
    c.translate(60, A4[1] - 60)
    c.scale(13, 13)
    c.setFont(fonts[2], 1)
    c.drawString(0, 0, "Hà Nội, ngày 5 tháng 6")
    c.restoreState()
    c.showPage()
    c.save()
    (line,) = _lines(tmp_path / "scaled.pdf")
    assert line.size == pytest.approx(13, abs=0.01) and line.italic
    assert line.bottom - line.top == pytest.approx(13, abs=0.01)


def test_rotated_page_reads_in_display_orientation(tmp_path, fonts):
    """A landscape page stored portrait with /Rotate 90 (content drawn turned): rows and columns
    as displayed, with the same positions pdfplumber gives."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4

    width, height = A4
    c = _canvas(tmp_path / "turned.pdf")
    c.saveState()
    c.translate(width, 0)
    c.rotate(90)                          # a landscape canvas, `height` wide
    c.setFont(fonts[0], 13)
    c.drawString(60, width - 60, "Dòng thứ nhất của trang ngang")
    c.drawString(500, width - 60, "Cột phải")
    c.drawString(60, width - 90, "Dòng thứ hai")
    c.restoreState()
    c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(str(tmp_path / "turned.pdf"))
    pdf[0].set_rotation(90)
    pdf.save(str(tmp_path / "rotated.pdf"))
    pdf.close()
    doc = read_pdf(tmp_path / "rotated.pdf", Limits())
    page = doc.pages[0]
    assert (page.width, page.height) == pytest.approx((height, width))
    assert [l.text for l in page.lines] == ["Dòng thứ nhất của trang ngang", "Cột phải", "Dòng thứ hai"]
    plumber = read_pdf_plumber(tmp_path / "rotated.pdf", Limits()).pages[0].lines
    for ours, theirs in zip(page.lines, plumber):
        assert ours.text == theirs.text
        assert (ours.x0, ours.x1) == pytest.approx((theirs.x0, theirs.x1), abs=1.0)
        assert ours.bottom - ours.top == pytest.approx(theirs.bottom - theirs.top, abs=0.1)


def test_scanned_image_region_is_listed_for_ocr(tmp_path, fonts):
    """A hybrid page (typed header, scanned body image): the image's display box goes to triage."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4

    width, height = A4
    image = tmp_path / "scan.png"
    Image.new("L", (800, 600), 235).save(image)
    c = _canvas(tmp_path / "hybrid.pdf")
    c.setFont(fonts[0], 13)
    for i, text in enumerate(["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 507/UBND-KGVX về việc triển khai",
                              "Kính gửi các sở, ban, ngành thuộc tỉnh"]):
        c.drawString(60, height - 60 - 18 * i, text)
    c.drawImage(str(image), 60, 100, width=400, height=300)     # bottom 100 pt above the page's foot
    c.showPage()
    c.save()
    doc = read_pdf(tmp_path / "hybrid.pdf", Limits())
    triage = doc.notes.triage[1]
    assert triage.method == "hybrid"
    (region,) = triage.regions
    assert region == pytest.approx((60, height - 400, 460, height - 100), abs=1.0)
    assert doc.pages[0].lines[0].text == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler's pdftotext is not installed")
def test_form_field_value_is_read(tmp_path, fonts):
    """The typed-in number of an e-signed copy lives in a form field's appearance, not the page text."""
    from reportlab.lib.pagesizes import A4

    height = A4[1]
    c = _canvas(tmp_path / "form.pdf")
    c.setFont(fonts[0], 13)
    c.drawString(60, height - 40, "Số:")
    for i in range(12):                   # a real page of text (the field path needs ≥ 50 words)
        c.drawString(60, height - 80 - 18 * i, "Ủy ban nhân dân tỉnh đề nghị các sở ngành thực hiện nghiêm túc")
    c.acroForm.textfield(name="so", value="507/UBND-KGVX", x=90, y=height - 46, width=150, height=18,
                         borderWidth=0, fontName="Helvetica", fontSize=11, forceBorder=False)
    c.showPage()
    c.save()
    assert _lines(tmp_path / "form.pdf")[0].text == "Số: 507/UBND-KGVX"


def test_pdfplumber_switch_and_damaged_file(tmp_path, fonts, monkeypatch):
    from extractors.errors import DocumentError

    pdf = _header_pdf(tmp_path / "header.pdf", fonts)
    fast = [l.text for l in _lines(pdf)]
    monkeypatch.setenv("CONGVAN_PDF_READER", "pdfplumber")
    assert [l.text for l in _lines(pdf)] == fast
    monkeypatch.delenv("CONGVAN_PDF_READER")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf.read_bytes()[:400] + b"\n%%EOF\n")
    with pytest.raises(DocumentError) as info:
        read_pdf(broken, Limits())
    assert info.value.error_class == "corrupt"
