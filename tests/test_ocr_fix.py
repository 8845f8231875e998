"""Diacritic repair of OCR'd words against the Vietnamese word list, and the OCR line rules."""
from __future__ import annotations

import pytest

from extractors.lang.lexicon import lexicon
from extractors.readers.lines import build_lines
from extractors.readers.ocr_fix import repair_words
from models.layout import Word

needs_lexicon = pytest.mark.skipif(not lexicon()[1], reason="underthesea word list not installed")


def fix(text: str, conf: float = 0.5) -> str:
    tokens = text.split()
    return " ".join(repair_words(tokens, [conf] * len(tokens)))


@needs_lexicon
@pytest.mark.parametrize("ocr, right", [
    ("SỞ Y TẺ", "SỞ Y TẾ"),
    ("UBND THÀNH PHÓ ĐÀ NẴNG", "UBND THÀNH PHỐ ĐÀ NẴNG"),
    ("SỞ GIÁO DỤC VÀ ĐAO TẠO", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    ("TRƯỜNG ĐẠI HỌC CÀN THƠ", "TRƯỜNG ĐẠI HỌC CẦN THƠ"),
    ("GIÁM ĐÓC", "GIÁM ĐỐC"),
    ("Căn cứ Luật Giáo đục đại học;", "Căn cứ Luật Giáo dục đại học;"),
])
def test_wrong_marks_on_known_words_are_repaired(ocr, right):
    assert fix(ocr) == right


@needs_lexicon
@pytest.mark.parametrize("text", [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "UỶ BAN NHÂN DÂN", "Trần Văn Hùng", "Nguyễn Hữu Độ",
    "KT. CHỦ TỊCH", "Kiên Giang, ngày 5 tháng 4 năm 2017", "Kính gửi: Sở Giáo dục và Đào tạo",
])
def test_correct_text_is_left_alone(text):
    assert fix(text) == text


@needs_lexicon
def test_confident_words_are_not_changed():
    assert fix("SỞ Y TẺ", conf=0.99) == "SỞ Y TẺ"


def _row(texts_x: list[tuple[str, float]], top: float = 100.0) -> list[Word]:
    return [Word(text=t, x0=x, top=top, x1=x + 10 * len(t), bottom=top + 12) for t, x in texts_x]


def test_ocr_rows_split_at_a_narrow_central_gutter_only():
    header = _row([("UBND", 120), ("TỈNH", 170), ("NAM", 220), ("CỘNG", 266), ("HÒA", 316)])
    assert [l.text for l in build_lines(header, 1, 595, "ocr", 842)] == ["UBND TỈNH NAM", "CỘNG HÒA"]
    lower = _row([("UBND", 120), ("TỈNH", 170), ("NAM", 220), ("CỘNG", 266), ("HÒA", 316)], top=300)
    assert len(build_lines(lower, 1, 595, "ocr", 842)) == 1             # `Kính gửi: X` below the header
    assert len(build_lines(header, 1, 595, source="text")) == 1          # born-digital unchanged
    body = _row([("Căn", 300), ("cứ", 334), ("Kế", 358), ("hoạch", 382), ("của", 436), ("Sở", 482), ("Y", 506)])
    assert len(build_lines(body, 1, 595, "ocr", 842)) == 1              # a justified gap off-centre
