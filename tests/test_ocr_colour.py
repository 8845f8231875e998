"""Names stamped in colour beside a red seal, and thin strokes of a crisp scan, for the OCR rescue."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.limits import Limits
from extractors.readers import ocr
from extractors.readers.render import to_grey

DPI = 200


def _font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _page_with_red_seal_and_name():
    """An A4 page at 200 dpi: a red seal (4 cm) in the lower right and a name stamped in red under it."""
    page = Image.new("RGB", (1654, 2339), "white")
    d = ImageDraw.Draw(page)
    d.text((1000, 1600), "GIÁM ĐỐC", fill="black", font=_font(40))
    d.ellipse((900, 1700, 1215, 2015), outline=(210, 40, 40), width=12)
    d.ellipse((960, 1760, 1155, 1955), outline=(210, 40, 40), width=6)
    d.text((1120, 2000), "Phạm Minh Huệ", fill=(225, 110, 110), font=_font(44))
    return page


def test_faded_colour_marks_keep_their_ink_for_a_second_reading():
    grey = to_grey(_page_with_red_seal_and_name(), DPI)
    marks = grey.info.get("colour_marks")
    assert marks, "the seal is faded and its area kept"
    box, crop = marks[0]
    assert crop.size == (box[2] - box[0], box[3] - box[1])
    assert np.asarray(crop).min() < 100                      # the red ink is dark in the kept crop
    seal = np.asarray(grey.crop((900, 1700, 1215, 2015)))
    assert seal.min() > 100                                   # and faded in the page OCR reads


def test_a_grey_page_has_no_colour_marks():
    assert "colour_marks" not in to_grey(_page_with_red_seal_and_name().convert("L"), DPI).info


def test_thin_strokes_of_a_crisp_scan_count_as_ink():
    page = Image.new("L", (1654, 2339), 255)
    d = ImageDraw.Draw(page)
    for k in range(0, 400, 9):      # a signature of 1-pixel strokes over 4 × 2 cm in the lower page
        d.line((900 + k, 1800, 1000 + k, 1960), fill=0, width=1)
    assert ocr._uncovered_regions(page, [], DPI)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_name_stamped_in_red_beside_the_seal_is_read():
    grey = to_grey(_page_with_red_seal_and_name(), DPI)
    rows = ocr.rescue_coloured_names(grey.info["colour_marks"], [], grey.height, DPI, Limits())
    assert [r["text"] for r in rows][-3:] == ["Phạm", "Minh", "Huệ"]


def _row(text, left, top, width=80, height=30, conf=0.95, line=1):
    return {"block": 1, "par": 1, "line": line, "left": left, "top": top, "width": width, "height": height,
            "conf": conf, "text": text}


def test_a_signing_block_high_on_a_last_page_is_looked_at_from_the_noi_nhan_row():
    page = Image.new("L", (1654, 2339), 255)
    d = ImageDraw.Draw(page)
    for k in range(0, 400, 9):      # a signature at 22-30 % of the page, beside `Nơi nhận:` at 20 %
        d.line((900 + k, 520, 1000 + k, 700), fill=0, width=1)
    rows = [_row("Nơi", 200, 470), _row("nhận:", 290, 470)]
    assert ocr.signing_top([], page.height) == ocr.LOWER_PAGE
    assert 0.15 < ocr.signing_top(rows, page.height) < 0.2
    assert not ocr._uncovered_regions(page, [], DPI)          # above the lower part: not looked at
    assert ocr._uncovered_regions(page, rows, DPI)


def test_the_name_run_of_a_sparse_line_skips_the_specks_beside_it():
    view = Image.new("L", (900, 200), 255)
    found = [_row("Z", 20, 50, 20), _row("Phạm", 200, 50), _row("Minh", 300, 50), _row("Huệ", 400, 50),
             _row("x*", 600, 50, 20, conf=0.3)]
    assert [r["text"] for r in ocr._name_run(found, view)] == ["Phạm", "Minh", "Huệ"]
    assert all(r["conf"] > 0.9 for r in ocr._name_run(found, view))
    assert ocr._name_run([_row("Phạm", 200, 50)], view) == []         # one syllable is no name


def test_ink_right_before_a_name_run_marks_it_unsure():
    view = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(view).rectangle((170, 55, 190, 75), fill=0)      # a lost first syllable's ink
    found = [_row("Hoàng", 200, 50), _row("Anh", 300, 50)]
    assert all(r["conf"] <= 0.5 for r in ocr._name_run(found, view))


def test_one_ink_keeps_the_seals_colour_and_drops_a_blue_stroke_across_it():
    from extractors.readers.render import one_ink

    rgb = Image.new("RGB", (400, 100), "white")
    d = ImageDraw.Draw(rgb)
    d.rectangle((20, 30, 180, 70), fill=(210, 40, 40))       # red name
    d.line((0, 50, 400, 50), fill=(30, 40, 200), width=5)     # blue signature stroke
    d.rectangle((250, 30, 300, 70), fill=(0, 0, 0))           # black print
    arr = np.asarray(one_ink(rgb))
    assert arr[40, 100] == 0 and arr[50, 220] == 255 and arr[40, 270] == 255


def test_text_rows_of_two_touching_lines_are_split_at_their_thinnest_point():
    profile = np.array([0] * 5 + [80] * 30 + [20] + [90] * 30 + [0] * 5)
    assert ocr._text_rows(profile, 32) == [(5, 35), (35, 66)]
    assert ocr._text_rows(np.array([0] * 5 + [80] * 30 + [0] * 5), 32) == [(5, 35)]


def _font_bold(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_junk_over_two_touching_title_lines_is_read_again_row_by_row():
    page = Image.new("L", (1654, 2339), 255)
    d = ImageDraw.Draw(page)
    d.text((250, 1500), "Nơi nhận:", fill=0, font=_font(30))
    d.text((1000, 1500), "KT. GIÁM ĐỐC", fill=0, font=_font_bold(34))
    d.text((990, 1538), "PHÓ GIÁM ĐỐC", fill=0, font=_font_bold(34))
    rows = [_row("Nơi", 250, 1500, 60, 30, 0.95, 1), _row("nhận:", 320, 1500, 90, 30, 0.95, 1),
            _row("C", 1000, 1500, 40, 80, 0.0, 2), _row("kAg", 1100, 1495, 90, 85, 0.0, 2)]
    rows += [_row(f"chữ{k}", 250 + 120 * k, 1300, 100, 30, 0.95, 3) for k in range(8)]   # body print
    out = ocr.reread_junk_lines(page, rows, DPI, Limits())
    texts = " ".join(r["text"] for r in out)
    assert "kAg" not in texts and "nhận:" in texts
    assert any(r["text"] in ("PHÓ", "PHO") for r in out) and sum(r["text"].startswith("GI") for r in out) == 2


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_family_name_under_a_seals_ring_is_read_again_with_the_ring_opened_away():
    page = Image.new("L", (1654, 2339), 255)
    d = ImageDraw.Draw(page)
    d.text((250, 1500), "Nơi nhận:", fill=0, font=_font(30))
    d.text((1000, 1800), "Lê Hoàng Anh", fill=0, font=_font_bold(40))
    d.ellipse((635, 1485, 1065, 1915), outline=0, width=3)          # the seal's ring through `Lê`
    probe = ocr.tesseract_tsv(page.crop((1060, 1790, 1400, 1860)), DPI, Limits(), psm="7")
    hoang, anh = [r for r in probe if r["text"] in ("Hoàng", "Anh")][:2]
    rows = [_row("Nơi", 250, 1500, 60, 30, 0.95, 1), _row("nhận:", 320, 1500, 90, 30, 0.95, 1)]
    rows += [dict(r, left=r["left"] + 1060, top=r["top"] + 1790, block=5, par=1, line=1) for r in (hoang, anh)]
    out = ocr.complete_names(page, rows, DPI, Limits())
    first = [r for r in out if r["block"] == 5 and r["text"] not in ("Hoàng", "Anh")]
    assert [r["text"] for r in first] == ["Lê"] and first[0]["conf"] <= 0.7


def test_a_name_at_the_end_of_a_body_line_is_left_alone():
    page = Image.new("L", (1654, 2339), 0)          # ink everywhere: only the rule's guards stop it
    rows = [_row("của", 700, 1800, 80, 40, 0.95, 1), _row("Ông", 900, 1800, 80, 40, 0.95, 1),
            _row("Hoàng", 1000, 1800, 110, 40, 0.95, 1), _row("Anh", 1120, 1800, 80, 40, 0.95, 1)]
    assert ocr.complete_names(page, rows, DPI, Limits()) == rows
