"""`official` (is the file an administrative document?) and the HTML reader for Word's web pages."""
from __future__ import annotations

from pathlib import Path

import pytest
from layout_builders import cong_van, quyet_dinh, text_document

from extractors.errors import DocumentError
from extractors.fields import extract_fields
from extractors.limits import Limits
from extractors.pipeline import extract_record, record_from_document
from extractors.readers import read_document, sniff


def official(doc) -> bool:
    return extract_fields(doc)["official"].value


def test_documents_are_official():
    assert official(cong_van()) is True
    assert official(cong_van(source="ocr")) is True
    assert official(quyet_dinh()) is True


MANUAL = """TÀI LIỆU HƯỚNG DẪN SỬ DỤNG
PHẦN MỀM QUẢN LÝ VĂN BẢN
Mục lục
I. Cài đặt hệ thống
II. Văn bản đến
Bước 1: Đăng nhập vào hệ thống bằng tài khoản được cấp.
Bước 2: Chọn chức năng vào sổ văn bản đến và nhập các thông tin cần thiết.
Các đơn vị cần thực hiện đúng các bước để bảo đảm an toàn dữ liệu.
"""

TEMPLATE = """[TÊN CƠ QUAN CHỦ QUẢN]
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
[TÊN CƠ QUAN BAN HÀNH]
Độc lập - Tự do - Hạnh phúc
Số: …/…
…, ngày … tháng … năm …
QUYẾT ĐỊNH
Về việc …
Điều 1. Giao Sở Tài chính chủ trì thực hiện nội dung tại Điều này.
Nơi nhận:
- Như Điều 1;
- Lưu: VT.
GIÁM ĐỐC
(Ký tên, đóng dấu)
"""

PLACEHOLDERS = """#OWNER_NAME#
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
VĂN PHÒNG
Độc lập - Tự do - Hạnh phúc
#DATE#
THÔNG BÁO
#TITLE#
Nơi nhận:
- Lưu VP.
CHÁNH VĂN PHÒNG
"""


@pytest.mark.parametrize("text", [MANUAL, TEMPLATE, PLACEHOLDERS])
def test_non_documents_are_not_official_and_have_no_kind_nor_tasks(text):
    record = record_from_document("x", text_document(text))
    assert record.official is False
    assert record.doc_type is None
    assert record.tasks == []
    assert record.contract()["official"] is False


def test_a_draft_with_a_blank_number_is_still_official():
    record = record_from_document("x", cong_van(number="", day=""))
    assert record.official is True
    assert record.doc_type == "Công văn"


WORD_PAGE = """\ufeff<html xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=ProgId content=Word.Document>
<style>p {{ margin: 0 }}</style><script>alert('x')</script>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]--></head>
<body><table><tr><td><p align=center>ỦY BAN NHÂN DÂN</p><p align=center><b>HUYỆN {place}</b></p>
<p align=center>Số: 12/UBND-VP</p><p>V/v tổ chức họp giao ban</p></td>
<td><p align=center><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p><p align=center><b>Độc lập - Tự do - Hạnh ph&#250;c</b></p>
<p align=center><i>{place}, ngày 05 tháng 3 năm 2012</i></p></td></tr></table>
<p>Kính gửi: Các phòng, ban chuyên môn.</p>
<p>Ủy ban nhân dân huyện đề nghị các phòng, ban chuẩn bị báo cáo trước ngày 10/3/2012./.</p>
<table><tr><td><p><b>Nơi nhận:</b></p><p>- Như trên;</p><p>- Lưu: VT.</p></td>
<td><p align=center><b>CHỦ TỊCH</b></p><p align=center><b>Nguyễn Văn An</b></p></td></tr></table>
<img src="http://example.invalid/x.png"></body></html>
"""


def test_a_word_web_page_saved_as_doc_is_read_as_html(tmp_path: Path):
    path = tmp_path / "giao-ban.doc"
    path.write_text(WORD_PAGE.format(place="Quảng Ninh"), encoding="utf-8")
    assert sniff(path, path.read_bytes()[:4096]) == "html"
    doc = read_document(path)
    texts = [l.text for l in doc.lines]
    assert "Độc lập - Tự do - Hạnh phúc" in texts           # character references decoded
    assert not any("alert" in t or "WordDocument" in t or "Print" == t for t in texts)
    record = extract_record(path)
    assert record.error is None and record.official is True
    assert record.symbol == "12/UBND-VP"
    assert record.date == "2012-03-05" and record.place == "Quảng Ninh"
    assert record.signer.name == "Nguyễn Văn An"


def test_a_personal_schedule_saved_as_doc_is_not_official(tmp_path: Path):
    page = ("<html><body><p align=center><b>LỊCH LÀM VIỆC CÁ NHÂN</b></p><table>"
            + "".join(f"<tr><td>Thứ hai</td><td>Sáng</td><td>Làm công tác văn thư {i}</td></tr>" for i in range(7))
            + "</table></body></html>")
    path = tmp_path / "lich.doc"
    path.write_text(page, encoding="utf-8")
    record = extract_record(path)
    assert record.error is None
    assert record.official is False and record.doc_type is None and record.tasks == []


def test_html_without_word_markers_under_another_name_stays_rejected(tmp_path: Path):
    path = tmp_path / "login.pdf"
    path.write_bytes(b"<!DOCTYPE html><html><body><p>Phi\xc3\xaan \xc4\x91\xc4\x83ng nh\xe1\xba\xadp</p></body></html>")
    with pytest.raises(DocumentError) as err:
        sniff(path, path.read_bytes())
    assert err.value.error_class == "unsupported_format"


def test_html_reader_limits(tmp_path: Path):
    path = tmp_path / "deep.doc"
    path.write_text("<html><body>" + "<table><tr><td>" * 50 + "x" + "</td></tr></table>" * 50 + "</body></html>")
    with pytest.raises(DocumentError):
        read_document(path)
    big = tmp_path / "big.doc"
    big.write_text("<html><body><p>Văn bản</p></body></html>")
    with pytest.raises(DocumentError) as err:
        read_document(big, Limits(max_text_bytes=10))
    assert err.value.error_class == "too_large"


def test_a_damaged_scan_with_the_motto_and_one_more_sign_stays_official_for_review():
    doc = text_document("""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 05 tháng 3 năm 2024
Nội dung văn bản bị mờ, không đọc được phần tiêu đề và số, ký hiệu.
""")
    fv = extract_fields(doc)["official"]
    assert fv.value is True and fv.confidence < 0.75


def test_a_file_in_another_language_is_recorded_as_not_official(tmp_path: Path):
    path = tmp_path / "letter.txt"
    path.write_text("Dear colleagues, please find attached the minutes of the meeting held last week. " * 20)
    record = extract_record(path)
    assert record.error_class == "not_a_document" and record.official is False
