"""The fixed ND30 vocabulary and its OCR-tolerant matching (extractors/vocab.py)."""
from __future__ import annotations

import pytest

from extractors import vocab


@pytest.mark.parametrize("text", ["Kính gửi:", "Kinh gứi: Sở Y tế", "KÍNH GỬI:", "- Kính gửi :"])
def test_kinh_gui_despite_ocr_marks(text):
    assert vocab.match_kinh_gui(text) is not None


def test_kinh_gui_rest_and_kinh_moi():
    assert vocab.match_kinh_gui("Kính gửi: Sở Thông tin và Truyền thông") == "Sở Thông tin và Truyền thông"
    assert vocab.match_kinh_gui("Kính mời: đại diện lãnh đạo") is None
    assert vocab.is_kinh_moi("Kính mời: đại diện lãnh đạo")


@pytest.mark.parametrize("text", ["Nơi nhận:", "Nơi nhân:", "NƠI NHẬN:", "Noi nhan :"])
def test_noi_nhan_variants(text):
    assert vocab.match_noi_nhan(text) == ""


def test_national_motto_fuzzy():
    assert vocab.motto_score("CỘNG HOÀ XÃ HỘI CHÚ NGHĨA VIỆT NAM") > 0.9
    assert vocab.motto_score("Độc lập —- Tự do — Hạnh phúc") > 0.9
    assert vocab.motto_score("ỦY BAN NHÂN DÂN") < 0.5
    text = "TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    at = vocab.find_motto_start(text)
    assert text[:at].strip() == "TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN"


@pytest.mark.parametrize("line,iso,place", [
    ("Quảng Ngãi, ngày 24 tháng 01 năm 2025", "2025-01-24", "Quảng Ngãi"),
    ("Lạng Sơn, ngày      tháng 6 năm 2023", "2023-06", "Lạng Sơn"),          # blank day: a draft
    ("Hà Nội, ngày    tháng    năm 2023", "2023", "Hà Nội"),                # only the year printed
    ("Tp.HCM, ngày 10 tháng 3 năm 2014", "2014-03-10", "Tp.HCM"),
    ("Kiên Giang, ngàycŸO tháng 10 năm 2017", "2017-10", "Kiên Giang"),     # unreadable handwritten day
    ("Cần Thơ, ngày 2l tháng O1 năm 2O10", "2010-01-21", "Cần Thơ"),        # look-alike letters
])
def test_date_line(line, iso, place):
    dm = vocab.parse_date_line(line)
    assert dm is not None and dm.iso == iso and dm.place == place


def test_date_repair_is_counted():
    assert vocab.parse_date_line("Cần Thơ, ngày 2l tháng O1 năm 2O10").repaired > 0
    assert vocab.parse_date_line("Cần Thơ, ngày 21 tháng 01 năm 2010").repaired == 0


@pytest.mark.parametrize("symbol,kind", [
    ("15/QĐ-BNV", "Quyết định"), ("11/TB-UBND", "Thông báo"), ("30/2020/NĐ-CP", "Nghị định"),
    ("09/2023/QĐ-TTg", "Quyết định"), ("01/TTr-UBND", "Tờ trình"), ("01/TT-UBND", "Tờ trình"),
    ("47/2014/TT-BGDĐT", "Thông tư"), ("5/QyĐ-UBND", "Quy định"), ("3/CTr-UBND", "Chương trình"),
    ("9/CT-UBND", "Chỉ thị"), ("30-HD/BTCTW", "Hướng dẫn"), ("12/TM-SYT", "Giấy mời"),
])
def test_kind_from_symbol(symbol, kind):
    assert vocab.kind_from_symbol(symbol)[0].name == kind


def test_cong_van_symbol_has_no_kind():
    assert vocab.kind_from_symbol("1113/SLĐTBXH-BTXHTE") == (None, None)
    assert vocab.kind_from_symbol("/UBND-KGVX") == (None, None)


@pytest.mark.parametrize("line,kind", [("QUYẾT ĐỊNH", "Quyết định"), ("QUYÉT ĐINH", "Quyết định"),
                                       ("CÔNG ĐIỆN", "Công điện"), ("KÉẺ HOẠCH", "Kế hoạch"),
                                       ("GIÁY MỜI", "Giấy mời")])
def test_kind_line_fuzzy(line, kind):
    assert vocab.match_kind_line(line)[0].name == kind


def test_kind_line_rejects_ordinary_text():
    assert vocab.match_kind_line("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")[0] is None


def test_authority_marks():
    assert vocab.match_authority("KT. CHỦ TỊCH") == ("KT.", "CHỦ TỊCH")
    assert vocab.match_authority("TM.ỦY BAN NHÂN DÂN") == ("TM.", "ỦY BAN NHÂN DÂN")
    assert vocab.match_authority("T/M UBND") == ("TM.", "UBND")
    assert vocab.match_authority("TL. CHỦ TỊCH")[0] == "TL."
    assert vocab.match_authority("PHÓ CHỦ TỊCH") is None


def test_degrees_and_signed_mark_removed():
    assert vocab.strip_degrees("PGS,TS Võ Văn Thắng") == "Võ Văn Thắng"
    assert vocab.strip_degrees("TS. Nguyễn Văn A (đã ký)") == "Nguyễn Văn A"
    assert vocab.strip_degrees("ThS. BSCKII. Lê C") == "Lê C"
    assert vocab.strip_degrees("Trần Văn B") == "Trần Văn B"


def test_titles_and_names():
    assert vocab.is_title_text("PHÓ CHÁNH VĂN PHÒNG")
    assert vocab.is_title_text("GIÁM ĐÓC")                  # OCR'd tone mark
    assert not vocab.is_title_text("Trương Minh Nhựt")       # Trương is a surname, not trưởng
    assert not vocab.is_title_text("Dương Xuân Huyền")


def test_agency_heads_need_tone_marks_when_ambiguous():
    assert vocab.starts_with_agency("SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    assert vocab.starts_with_agency("UBND TỈNH PHÚ THỌ")
    assert not vocab.starts_with_agency("TỈNH QUẢNG NGÃI")
    assert not vocab.starts_with_agency("BẢN TỰ KIỂM ĐIỂM")   # bản, not ban


def test_repair_phrase_puts_back_tone_marks():
    assert vocab.repair_phrase("Sơ giáo dục và dao tạo")[0] == "Sở giáo dục và đào tạo"
    assert vocab.repair_phrase("UBND thành phò Đà Nàng")[0] == "UBND thành phố Đà Nẵng"
    assert vocab.repair_phrase("PHO HIỆU TRƯỞNG", "title")[0] == "PHÓ HIỆU TRƯỞNG"
    text, changed = vocab.repair_phrase("Sở Y tế")
    assert text == "Sở Y tế" and changed == 0


def test_repair_symbol_letters():
    assert vocab.repair_symbol("1259/QĐ-ƯBND") == "1259/QĐ-UBND"
    assert vocab.repair_symbol("11 /TB-UBND") == "11/TB-UBND"


def test_stamp_lines():
    assert vocab.is_stamp_text("ĐẾN Số: 1234")
    assert vocab.is_stamp_text("Chuyển: P.KT")
    assert vocab.is_stamp_text("24.01.2025 20:01:14")
    assert vocab.is_stamp_text("ttcbth@quangngai.gov.vn")
    assert not vocab.is_stamp_text("Số: 11/TB-UBND")
