"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows, VIQR → Unicode, and no false alarms."""
from __future__ import annotations

import unicodedata

import pytest

from extractors.lang import encodings as enc
from extractors.lang.tones import modern_tones
from extractors.normalize import normalize_text

TEXT = ("Cộng hòa xã hội chủ nghĩa Việt Nam độc lập tự do hạnh phúc người được quyết định "
        "thưởng khuya ỷ lại ấm ức ẵm ặc ẳng ỡm ờ ữ ựa ỹ ỵ ỳ đặng ơn ưng Ủy ban nhân dân tỉnh Quảng Ngãi "
        "kính gửi nơi nhận Sở Giáo dục và Đào tạo thủ trưởng")
ALL_LOWER = "".join(sorted({unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưy"
                            for t in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")})) + "đ"


def test_tcvn3_known_examples():
    assert enc.tcvn3_to_unicode("B¶o Th¾ng") == "Bảo Thắng"
    assert enc.tcvn3_to_unicode("MÉu 01-§GCL §¶ng bé c¬ quan") == "Mẫu 01-ĐGCL Đảng bộ cơ quan"
    assert enc.tcvn3_to_unicode("huyÖn lÖ thuû", capitals=True) == "HUYỆN LỆ THUỶ"


def test_vni_and_viqr_known_examples():
    assert enc.vni_to_unicode("Xin chaøo") == "Xin chào"
    assert enc.vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert enc.vni_to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"
    assert enc.viqr_to_unicode("Vie^.t Nam ddo^.c la^.p") == "Việt Nam độc lập"


def test_tcvn3_round_trip_every_letter():
    text = TEXT.lower() + " " + ALL_LOWER + " Ă Â Ê Ô Ơ Ư Đ"
    legacy = enc.unicode_to_tcvn3(text)
    assert legacy != text
    assert enc.tcvn3_to_unicode(legacy) == text


@pytest.mark.parametrize("to, back", [(enc.unicode_to_vni, enc.vni_to_unicode),
                                      (enc.unicode_to_viqr, enc.viqr_to_unicode)])
def test_vni_viqr_round_trip_with_capitals(to, back):
    text = TEXT + " " + ALL_LOWER + " " + ALL_LOWER.upper()
    legacy = to(text)
    assert legacy != text
    assert back(legacy) == text


@pytest.mark.parametrize("name, to", [("tcvn3", enc.unicode_to_tcvn3), ("vni", enc.unicode_to_vni),
                                      ("viqr", enc.unicode_to_viqr)])
def test_detect_and_repair_lines(name, to):
    line = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư"
    source = line.lower() if name == "tcvn3" else line
    legacy = to(source)
    assert enc.detect(legacy) == name
    assert enc.repair(legacy) == source
    assert normalize_text(legacy) == source


def test_tcvn3_soft_hyphen_u():
    """TCVN3 writes ư as byte 0xAD (a soft hyphen): kept when present, restored when lost."""
    assert normalize_text("chÊt l\u00adîng") == "chất lượng"
    assert normalize_text("®¸nh gi¸ chÊt lîng ®¶ng viªn") == "đánh giá chất lượng đảng viên"
    assert normalize_text("t tëng chÝnh trÞ") == "tư tưởng chính trị"


UNICODE_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 1113/BGDĐT-GDTrH",
    "Hà Nội, ngày 30 tháng 3 năm 2020", "Giá trị 5 µm", "§ 3. Quy định chung", "«Chương trình» hành động",
    "Kính gửi: Ông Müller (Cộng hòa Liên bang Đức)", "Tôi hỏi: có không? Vâng.", "Lưu: VT, KGVX(NCD).",
    "Café Phố Cổ", "Điều 1. Ban hành kèm theo Quyết định này", "ThS. Nguyễn Văn A; TS. Trần Thị B",
    "hoà thuỷ Uỷ ban khoẻ", "don't stop", "Email: abc@quangngai.gov.vn", "1) a) b) c) ±2% × 3 = 6",
    "Bà Nuñez, ông Ødegaard", "Trung tâm Y tế huyện Mê Linh", "UBND TỈNH KIÊN GIANG",
]


@pytest.mark.parametrize("line", UNICODE_LINES)
def test_no_false_alarm_on_unicode(line):
    assert enc.detect(line) is None
    assert enc.repair(line) == line


def test_decomposed_unicode_is_composed():
    nfd = unicodedata.normalize("NFD", "Quảng Ngãi, ngày 15 tháng 3")
    assert normalize_text(nfd) == "Quảng Ngãi, ngày 15 tháng 3"


def test_modern_tones():
    assert modern_tones("Uỷ ban hoà giải, thuỷ lợi, khoẻ") == "Ủy ban hòa giải, thủy lợi, khỏe"
    assert modern_tones("hoàng quý khuya") == "hoàng quý khuya"


def test_font_names():
    assert enc.font_encoding(".VnTime") == ("tcvn3", False)
    assert enc.font_encoding("ABCDEF+.VnTimeH") == ("tcvn3", True)
    assert enc.font_encoding("VNI-Times") == ("vni", False)
    assert enc.font_encoding("Times New Roman") == (None, False)
    assert enc.decode_font_text("§¶ng bé", ".VnTimeH") == "ĐẢNG BỘ"


def test_page_words_decoded_in_context():
    """On a TCVN3 page, a line whose letters all look like Unicode (`Chi bé`) is decoded too."""
    from models.layout import Word

    texts = "§¶ng bé c¬ quan UBND huyÖn LÖ Thuû Chi bé Thanh tra ngµy 29 th¸ng 11 n¨m 2011".split()
    words = [Word(text=t, x0=0, top=0, x1=1, bottom=1) for t in texts]
    assert enc.repair_words(words) == "tcvn3"
    assert " ".join(w.text for w in words) == "Đảng bộ cơ quan UBND huyện Lệ Thuỷ Chi bộ Thanh tra ngày 29 tháng 11 năm 2011"
    plain = [Word(text=t, x0=0, top=0, x1=1, bottom=1) for t in "Chi bộ Thanh tra ngày 29".split()]
    assert enc.repair_words(plain) is None and plain[1].text == "bộ"


def test_lone_latin_letters_are_not_legacy_text():
    """Single accented Latin letters are no evidence of TCVN3; normalising twice changes nothing."""
    from extractors.normalize import normalize_text

    for text in ("ä", "ä ö ü", "\u00adä"):
        once = normalize_text(text)
        assert once == normalize_text(once)
        assert "ọ" not in once
