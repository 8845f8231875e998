"""Handwritten number and day on a generated signed scan (issue #3).

A công văn page is drawn with blank `Số:      /UBND-KGVX` and `ngày    tháng 3` slots, filled
in blue with slanted, jittered digits (a văn thư's pen), plus an incoming `ĐẾN` stamp holding
its own handwritten `Số` and `Ngày`. Read back through the real pipeline (tesseract + the
PP-OCRv4 recogniser). Needs tesseract with Vietnamese data and the recogniser model
(scripts/setup.sh installs both); the degradation test needs neither the model nor ../shared.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from extractors.pipeline import extract_record
from extractors.readers import handwriting

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")

FONTS = Path("/usr/share/fonts/truetype")
DPI = 200
NUMBER, DAY, STAMP_NUMBER, STAMP_DAY = "2718", "19", "4521", "26"
TYPED_NUMBER = "315"


def _font(name: str, size: int):
    from PIL import ImageFont

    for path in FONTS.rglob(name):
        return ImageFont.truetype(str(path), size)
    pytest.skip(f"font {name} not installed")


def _pen(page, x: int, y: int, digits: str, size: int, seed: int = 3) -> int:
    """Blue slanted digits with a little jitter, each drawn and turned on its own; returns the end x."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    font = _font("LiberationSans-Italic.ttf", size)
    for digit in digits:
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size // 2, size // 4), digit, fill=255, font=font,
                                   stroke_width=rng.choice((0, 1)), stroke_fill=255)
        glyph = glyph.rotate(rng.uniform(-8, 8), resample=Image.BICUBIC)
        ink = Image.new("RGB", glyph.size, (25, 45, 170))
        dy = rng.randint(-size // 10, size // 10)
        page.paste(ink, (x - size // 2, y - size // 4 + dy), glyph)
        x += int(size * 0.62) + rng.randint(-2, 3)
    return x


def draw_signed_page(stamp: bool = True, typed: bool = False, blank: bool = False):
    """A công văn page at 200 dpi with the number and day written by hand (and a ĐẾN stamp);
    `typed`: number and day printed in the slots instead; `blank`: both left empty (a draft)."""
    from PIL import Image, ImageDraw

    scale = DPI / 72.0
    pt = lambda v: int(v * scale)  # noqa: E731
    page = Image.new("RGB", (pt(595), pt(842)), "white")
    draw = ImageDraw.Draw(page)
    normal = _font("DejaVuSerif.ttf", pt(12))
    bold = _font("DejaVuSerif-Bold.ttf", pt(12))
    italic = _font("DejaVuSerif-Italic.ttf", pt(12))

    def centred(text, cx, y, font):
        draw.text((cx - draw.textlength(text, font=font) / 2, y), text, fill="black", font=font)

    left, right = pt(150), pt(400)
    centred("ỦY BAN NHÂN DÂN", left, pt(50), normal)
    centred("TỈNH QUẢNG NGÃI", left, pt(66), bold)
    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, pt(50), bold)
    centred("Độc lập - Tự do - Hạnh phúc", right, pt(66), bold)
    # Số:  ____ /UBND-KGVX with the blank filled by hand
    so, code = "Số:", "/UBND-KGVX"
    gap = pt(46)
    width = draw.textlength(so, font=normal) + gap + draw.textlength(code, font=normal)
    x = left - width / 2
    draw.text((x, pt(100)), so, fill="black", font=normal)
    x_code = x + draw.textlength(so, font=normal) + gap
    draw.text((x_code, pt(100)), code, fill="black", font=normal)
    if typed:
        draw.text((x + draw.textlength(so, font=normal) + pt(8), pt(100)), TYPED_NUMBER, fill="black", font=normal)
    elif not blank:
        _pen(page, int(x + draw.textlength(so, font=normal) + pt(6)), pt(97), NUMBER, pt(17))
    # Quảng Ngãi, ngày __ tháng 3 năm 2024
    head, tail = "Quảng Ngãi, ngày", "tháng 3 năm 2024"
    gap = pt(26)
    width = draw.textlength(head, font=italic) + gap + draw.textlength(tail, font=italic)
    x = right - width / 2
    draw.text((x, pt(100)), head, fill="black", font=italic)
    x_day = x + draw.textlength(head, font=italic)
    draw.text((x_day + gap, pt(100)), tail, fill="black", font=italic)
    if typed:
        draw.text((x_day + pt(7), pt(100)), DAY, fill="black", font=italic)
    elif not blank:
        _pen(page, int(x_day + pt(6)), pt(97), DAY, pt(17), seed=5)
    draw.text((pt(160), pt(124)), "V/v tăng cường công tác quản lý", fill="black", font=normal)
    y = pt(160)
    for text in ("Kính gửi: Sở Giáo dục và Đào tạo tỉnh",
                 "Ủy ban nhân dân tỉnh đề nghị Sở Giáo dục và Đào tạo triển khai",
                 "thực hiện các nội dung sau đây trong năm học.",
                 "1. Tổ chức kiểm tra, đánh giá việc thực hiện chương trình năm học."):
        draw.text((pt(70), y), text, fill="black", font=normal)
        y += pt(20)
    y += pt(30)
    for i, text in enumerate(("Nơi nhận:", "- Như trên;", "- Lưu: VT, KGVX.")):
        draw.text((pt(70), y + i * pt(16)), text, fill="black", font=bold if i == 0 else normal)
    for i, text in enumerate(("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "Trần Văn Hùng")):
        if text:
            centred(text, right, y + i * pt(16), bold)
    if stamp:   # incoming stamp in the top margin, with its own handwritten number and day
        red = (200, 30, 40)
        box = (pt(40), pt(8), pt(210), pt(44))
        draw.rectangle(box, outline=red, width=3)
        small = _font("DejaVuSans-Bold.ttf", pt(9))
        draw.text((box[0] + pt(6), box[1] + pt(3)), "ĐẾN", fill=red, font=small)
        draw.text((box[0] + pt(40), box[1] + pt(3)), "Số:", fill=red, font=small)
        draw.text((box[0] + pt(40), box[1] + pt(18)), "Ngày:", fill=red, font=small)
        _pen(page, box[0] + pt(62), box[1] + pt(1), STAMP_NUMBER, pt(12), seed=7)
        _pen(page, box[0] + pt(72), box[1] + pt(16), STAMP_DAY + "/3", pt(12), seed=9)
    return page


@pytest.fixture(scope="module")
def signed_scan(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hw") / "signed.png"
    draw_signed_page().save(path, dpi=(DPI, DPI))
    return path


def _needs_model():
    handwriting.reset()
    if handwriting.recogniser() is None:
        pytest.skip("handwriting recogniser model not installed (scripts/setup.sh)")


def test_handwritten_number_and_day_are_read(signed_scan):
    _needs_model()
    record = extract_record(signed_scan)
    assert record.number == NUMBER
    assert record.symbol == f"{NUMBER}/UBND-KGVX"
    assert record.date == f"2024-03-{DAY}"
    assert record.provenance["number"].method == "handwriting"
    assert record.provenance["date"].method == "handwriting"


def test_incoming_stamp_numbers_are_not_taken(signed_scan):
    _needs_model()
    record = extract_record(signed_scan)
    assert record.number != STAMP_NUMBER and STAMP_NUMBER not in (record.symbol or "")
    assert not (record.date or "").endswith(f"-{STAMP_DAY}")


def test_typed_number_and_day_are_kept(tmp_path):
    """A number and day tesseract reads cleanly (typed in the slot) are not re-read by hand."""
    _needs_model()
    path = tmp_path / "typed.png"
    draw_signed_page(stamp=False, typed=True).save(path, dpi=(DPI, DPI))
    record = extract_record(path)
    assert record.number == TYPED_NUMBER and record.date == f"2024-03-{DAY}"
    assert record.provenance["number"].method != "handwriting"
    assert record.provenance["date"].method != "handwriting"


def test_blank_slots_of_a_draft_stay_blank(tmp_path):
    """Nothing written in the slots: no number (a reading of only zeros is none — numbers start
    at 01, ND30). The blank day may still get a reading of noise: then it is marked for review."""
    _needs_model()
    path = tmp_path / "draft.png"
    draw_signed_page(stamp=False, blank=True).save(path, dpi=(DPI, DPI))
    record = extract_record(path)
    assert record.number is None and record.symbol == "/UBND-KGVX"
    assert record.date == "2024-03" or (record.date.startswith("2024-03-") and record.provenance["date"].needs_review)


def test_digit_reader_reads_pen_digits():
    """The recogniser alone on a crop: digits only, with a confidence in 0..1."""
    from PIL import Image

    _needs_model()
    crop = Image.new("RGB", (220, 80), "white")
    _pen(crop, 30, 10, "4096", 44)
    text, conf = handwriting.read_digits(handwriting.recogniser(), crop, (0, 20, 220, 60), 40)
    assert text == "4096"
    assert 0.0 < conf <= 1.0


def test_slot_crops_are_padded_to_fewer_steps_than_line_crops():
    """A narrow crop is padded on the right: a line crop to PaddleOCR's 320 columns (40 CTC
    steps), a slot crop only to SLOT_MIN_WIDTH (the recogniser's cost grows with the width);
    a crop wider than the minimum is not padded."""
    from PIL import Image

    _needs_model()
    rec = handwriting.recogniser()
    crop = Image.new("RGB", (120, 48), "white")
    _pen(crop, 10, 2, "27", 40)
    assert rec.probabilities(crop).shape[0] == handwriting.MIN_WIDTH // handwriting.STEP
    assert rec.probabilities(crop, handwriting.SLOT_MIN_WIDTH).shape[0] == handwriting.SLOT_MIN_WIDTH // handwriting.STEP
    wide = Image.new("RGB", (480, 48), "white")
    assert rec.probabilities(wide, handwriting.SLOT_MIN_WIDTH).shape[0] == 480 // handwriting.STEP


def test_without_model_the_scan_is_read_as_before(signed_scan, monkeypatch, caplog):
    monkeypatch.setenv("CONGVAN_HANDWRITING_MODEL", str(signed_scan.parent / "absent.onnx"))
    handwriting.reset()
    try:
        with caplog.at_level(logging.WARNING, logger="congvan.handwriting"):
            record = extract_record(signed_scan)
            extract_record(signed_scan)
        assert record.error is None and record.file.ocr_pages == 1
        assert record.issuer is not None and record.date is not None and record.date.startswith("2024-03")
        assert record.number != NUMBER                      # nothing read by hand
        assert all(p.method != "handwriting" for p in record.provenance.values())
        warnings = [r for r in caplog.records if "model not found" in r.getMessage()]
        assert len(warnings) == 1                           # logged once per process
    finally:
        monkeypatch.delenv("CONGVAN_HANDWRITING_MODEL")
        handwriting.reset()


def test_a_reading_held_by_a_longer_supported_one_gives_way():
    from extractors.readers.handwriting import _held_by_longer

    assert _held_by_longer({"196": 0.94, "1967": 0.68, "19672": 0.0}, "196") == "1967"   # a 7 against the `/`
    assert _held_by_longer({"196": 0.94, "1967": 0.05}, "196") is None                 # too little support
    assert _held_by_longer({"1942": 0.98, "19421": 0.6}, "1942") is None               # the `/` read as a 1
    assert _held_by_longer({"2004": 0.9, "02004": 0.4}, "2004") is None                # no leading zero
    assert _held_by_longer({"204": 0.9, "2014": 0.4}, "204") == "2014"                 # a middle stroke lost
    assert _held_by_longer({"204": 0.9, "20144": 0.4}, "204") is None                  # one digit more only


def test_a_so_line_alone_is_joined_with_its_number_and_code_beside_it():
    from extractors.readers.handwriting import _with_code_beside
    from models.layout import Line, Word

    def line(text, x0, top, bottom):
        words, x = [], x0
        for part in text.split():
            words.append(Word(text=part, x0=x, top=top, x1=x + 20 * len(part), bottom=bottom, conf=0.9))
            x += 20 * len(part) + 15
        return Line(text=text, page=1, x0=x0, top=top, x1=words[-1].x1, bottom=bottom, words=words, source="ocr")

    so, code, date = line("Số:", 340, 263, 296), line("2ƒ /CT-UBND", 414, 281, 313), line("Hà Nội, ngày", 850, 281, 313)
    joined = _with_code_beside([so, code, date], 0)
    assert joined.text == "Số: 2ƒ /CT-UBND"
    assert {(w.top, w.bottom) for w in joined.words} == {(263, 313)}      # one row for the page's lines too
    far = line("/CT-UBND", 1200, 281, 313)                                 # not beside it
    assert _with_code_beside([line("Số:", 340, 263, 296), far], 0).text == "Số:"
    full = line("Số: 12/CT-UBND", 340, 263, 296)
    assert _with_code_beside([full, code], 0) is full


def test_a_so_glued_to_the_ink_and_the_code_is_a_so_line():
    from extractors.readers.handwriting import _SO_GLUED
    assert _SO_GLUED.match("Sóz?4/KH-SYT") and _SO_GLUED.match("S6/SYT-NVY")
    assert not _SO_GLUED.match("Sở Y tế") and not _SO_GLUED.match("Số: 12/KH") and not _SO_GLUED.match("Sóz?4 /kh")


def test_the_nam_anchor_read_with_an_h():
    from extractors.readers.handwriting import _NAM
    assert _NAM.search("tháng/Ohăm") and _NAM.search("năm") and not _NAM.search("tháng")


def test_the_ngay_anchor_with_its_y_run_into_the_ink():
    from extractors.readers.handwriting import _NGAY
    assert _NGAY.search("ngàW⁄†").group() == "ngàW" and _NGAY.search("ngày") and not _NGAY.search("Ngãi,")
