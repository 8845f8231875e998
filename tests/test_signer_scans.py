"""Footer of scanned letters: Nơi nhận column, signing block read through OCR noise, attachments.

Documents are built as OCR would return them (positioned lines, word boxes, confidences), with
the faults seen on real scans: dashes lost, fragments of one row split, strokes of a signature
read as letters, garbled authority marks, a second document stapled behind the letter.
"""
from __future__ import annotations

from extractors.fields import extract_fields
from extractors.zones import attachment_start, prepare_lines, split_zones
from models.layout import Line, Word
from tests.layout_builders import document, line


def ocr(text, x0, x1, y, page=1, conf=0.92, height=12.0):
    out = line(text, x0, x1, y, page=page, source="ocr", conf=conf)
    for w in out.words:
        w.bottom = w.top + height
    out.bottom = y + height
    return out


def words_line(words: list[tuple[str, float, float, float, float, float]], page=1) -> Line:
    """An OCR line from explicit word boxes (text, x0, x1, top, bottom, conf)."""
    ws = [Word(text=t, x0=x0, x1=x1, top=top, bottom=bottom, conf=c) for t, x0, x1, top, bottom, c in words]
    return Line(text=" ".join(w.text for w in ws), page=page, x0=min(w.x0 for w in ws), x1=max(w.x1 for w in ws),
                top=min(w.top for w in ws), bottom=max(w.bottom for w in ws), words=ws,
                conf=min(w.conf for w in ws), source="ocr")


def head(page=1, number="236"):
    return [ocr("SỞ Y TẾ", 120, 200, 60, page), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 535, 60, page),
            ocr("Độc lập - Tự do - Hạnh phúc", 327, 492, 75, page),
            ocr(f"Số: {number}/SYT-NVY", 110, 230, 100, page), ocr("Kiên Giang, ngày 05 tháng 3 năm 2024", 303, 517, 100, page),
            ocr("V/v triển khai kế hoạch năm 2024", 90, 250, 118, page),
            ocr("Kính gửi: Các đơn vị trực thuộc Sở Y tế.", 150, 400, 150, page)]


def body(y0=180.0, n=5, page=1, end=True):
    last = "Sở Y tế đề nghị các đơn vị khẩn trương triển khai thực hiện" + ("./." if end else ".")
    return [ocr("Nội dung công văn được trình bày đầy đủ theo quy định hiện hành của pháp luật về công tác.",
                85, 540, y0 + 16 * i, page) for i in range(n - 1)] + [ocr(last, 110, 420, y0 + 16 * (n - 1), page)]


def values(doc):
    return {k: v.value for k, v in extract_fields(doc).items()}


def test_noi_nhan_entries_whose_dash_ocr_lost_and_entries_below_the_name():
    lines = head() + body() + [
        ocr("Nơi nhận:", 84, 137, 300), ocr("GIÁM ĐỐC", 400, 470, 300),
        ocr("Như trên;", 92, 140, 314),                       # dash lost
        ocr("- Bộ Y tế;", 84, 130, 327),
        ocr("Thường trực Tỉnh ủy (b/cáo);", 92, 240, 340),    # dash lost
        ocr("- UBND các huyện, thị xã, thành phố;", 84, 260, 353),
        ocr("Nguyễn Văn Hải", 390, 480, 360),                 # the name, printed beside the list
        ocr("- Báo Kiên Giang;", 84, 170, 366),
        ocr("Các ngân hàng thương mại trên địa bàn tỉnh;", 92, 280, 379),   # below the name, dash lost
        ocr("- Lưu: VT, NVY.", 84, 170, 392),
    ]
    v = values(document(lines))
    assert v["distribution"] == ["Như trên", "Bộ Y tế", "Thường trực Tỉnh ủy (b/cáo)",
                                 "UBND các huyện, thị xã, thành phố", "Báo Kiên Giang",
                                 "Các ngân hàng thương mại trên địa bàn tỉnh", "Lưu: VT, NVY"]
    assert v["signer"]["name"] == "Nguyễn Văn Hải" and v["signer"]["title"].lower() == "giám đốc"


def test_no_false_noi_nhan_on_a_full_width_body_line():
    lines = head() + body(n=3, end=False) + [
        ocr("+ Cá nhân: 3.718 trường hợp, trong đó: chiến sĩ thi đua cấp tỉnh: 37; bằng khen của UBND", 110, 540, 230),
        ocr("tỉnh: 149; giấy khen của Sở Y tế: 3532.", 85, 300, 246),
    ] + body(270, 3) + [ocr("Nơi nhận:", 84, 137, 340), ocr("GIÁM ĐỐC", 400, 470, 340),
                        ocr("- Như trên;", 84, 140, 354), ocr("- Lưu: VT.", 84, 130, 367),
                        ocr("Lê Hoàng Anh", 390, 470, 400)]
    doc = document(lines)
    zones = split_zones(doc)
    assert any("Cá nhân" in l.text for l in zones.body)
    v = values(doc)
    assert v["distribution"] == ["Như trên", "Lưu: VT"]
    assert v["signer"]["name"] == "Lê Hoàng Anh"


def test_fragments_of_one_row_are_joined_and_specks_dropped():
    # `Hiền` read first (higher), then `Trần Phước`; a `4` speck inside the name's span
    lines = head() + body() + [
        ocr("Nơi nhận:", 84, 137, 300), ocr("KT. CHỦ TỊCH", 390, 480, 300), ocr("PHÓ CHỦ TỊCH", 388, 482, 314),
        ocr("- Như trên;", 84, 140, 314), ocr("- Lưu: VT.", 84, 130, 327),
        words_line([("4", 410, 414, 372, 379, 0.7)]),
        words_line([("Hiền", 462, 490, 376, 389, 0.96)]),
        words_line([("Trần", 385, 415, 384, 391, 0.96), ("Phước", 419, 458, 384, 391, 0.97)]),
    ]
    signer = values(document(lines))["signer"]
    assert signer == {"name": "Trần Phước Hiền", "title": "Phó Chủ tịch", "authority": "KT. Chủ tịch"} or (
        signer["name"] == "Trần Phước Hiền" and signer["authority"].lower() == "kt. chủ tịch")


def test_signature_stroke_read_as_a_letter_is_not_part_of_the_name():
    lines = head() + body() + [
        ocr("Nơi nhận:", 84, 137, 300), ocr("CHỦ TỊCH", 400, 470, 300),
        ocr("- Như trên;", 84, 140, 314), ocr("- Lưu: VT.", 84, 130, 327),
        words_line([("Trần", 385, 412, 381, 392, 0.94), ("À", 415, 422, 378, 386, 0.86),
                    ("Ngọc", 425, 455, 381, 395, 0.96), ("Căng", 459, 490, 381, 395, 0.97)]),
    ]
    assert values(document(lines))["signer"]["name"] == "Trần Ngọc Căng"


def test_garbled_kt_mark_and_split_deputy_title():
    # `KỆ GIÁM ĐỐC` (KT. mark), the deputy's title split by OCR into `ĐỐC` | `PHÓ GIÁM` on one row
    lines = head() + body() + [
        ocr("Nơi nhận:", 84, 137, 300), words_line([("KỆ", 385, 400, 300, 315, 0.35), ("GIÁM", 404, 440, 300, 315, 0.6),
                                                    ("ĐỐC", 444, 470, 300, 315, 0.92)]),
        words_line([("ĐỐC", 445, 470, 312, 324, 0.97)]),
        ocr("- Các phòng chức năng Sở;", 84, 220, 318), words_line([("PHÓ", 385, 410, 318, 326, 0.91),
                                                                    ("GIÁM", 413, 440, 318, 326, 0.67)]),
        ocr("- Lưu: VT.", 84, 130, 331), ocr("Hà Văn Phúc", 395, 470, 380),
    ]
    signer = values(document(lines))["signer"]
    assert signer["authority"] == "KT. Giám đốc"
    assert signer["title"].lower() == "phó giám đốc"
    assert signer["name"] == "Hà Văn Phúc"


def test_name_split_over_the_seal_is_joined_and_partial_name_rejected():
    base = head() + body() + [ocr("Nơi nhận:", 84, 137, 300), ocr("GIÁM ĐỐC", 400, 470, 300),
                              ocr("- Như trên;", 84, 140, 314), ocr("- Lưu: VT.", 84, 130, 327)]
    split = base + [
        words_line([("TẾ”", 380, 395, 372, 382, 0.4), ("Lê", 398, 412, 362, 388, 0.59), ("Thị", 415, 435, 364, 391, 0.97),
                    ("h", 440, 444, 372, 382, 0.27), ("Ậ", 447, 455, 372, 382, 0.44)]),
        words_line([("Bích", 420, 445, 382, 393, 0.97), ("Thuận", 449, 485, 382, 393, 0.96)]),
    ]
    assert values(document(split))["signer"]["name"] == "Lê Thị Bích Thuận"
    # the surname read as junk (`tế Vũ Hồng`): no name rather than a wrong one, and not trusted
    partial = base + [words_line([("tế", 380, 395, 380, 392, 0.5), ("Vũ", 399, 415, 380, 392, 0.9),
                                  ("Hồng", 419, 450, 380, 392, 0.95)])]
    fields = extract_fields(document(partial))
    assert fields["signer"].value["name"] is None
    assert fields["signer"].confidence < 0.75


def test_noi_nhan_heading_lost_list_still_read_when_it_ends_with_luu():
    lines = head() + body() + [
        ocr("CHỦ TỊCH", 400, 470, 300),
        ocr("- Văn phòng Chính phủ;", 84, 200, 312), ocr("- Bộ Giáo dục và Đào tạo;", 84, 220, 325),
        ocr("- Thường trực Tỉnh ủy;", 84, 200, 338), ocr("Đặng Văn Minh", 395, 480, 345),
        ocr("- Công an tỉnh;", 84, 160, 351), ocr("- Lưu: VT, KGVX.", 84, 170, 364),
    ]
    doc = document(lines)
    v = values(doc)
    assert v["distribution"] == ["Văn phòng Chính phủ", "Bộ Giáo dục và Đào tạo", "Thường trực Tỉnh ủy",
                                 "Công an tỉnh", "Lưu: VT, KGVX"]
    assert v["signer"]["name"] == "Đặng Văn Minh" and v["signer"]["title"].lower() == "chủ tịch"
    # the body stops above the signing block (tasks read the body)
    assert not any("Công an" in l.text for l in split_zones(doc).body)


def test_attachment_after_the_letter_does_not_override_its_footer():
    letter = head() + body() + [ocr("Nơi nhận:", 84, 137, 300), ocr("- Như trên;", 84, 140, 314),
                                ocr("- Lưu: VT.", 84, 130, 327)]
    # the letter's signing block was not read (seal over it); page 2 is another body's decision
    attached = [ocr("UBND TỈNH KIÊN GIANG", 100, 250, 60, page=2),
                ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 535, 60, page=2),
                ocr("SỞ NỘI VỤ", 140, 210, 75, page=2), ocr("Độc lập - Tự do - Hạnh phúc", 327, 492, 75, page=2),
                ocr("DANH SÁCH CÁN BỘ THAM GIA", 220, 380, 110, page=2)]
    attached += body(140, 4, page=2) + [ocr("KT. GIÁM ĐỐC", 390, 480, 240, page=2),
                                        ocr("PHÓ GIÁM ĐỐC", 388, 482, 254, page=2),
                                        ocr("UBND tỉnh Kiên Giang", 380, 500, 268, page=2),
                                        ocr("Nguyễn Văn Bình", 395, 480, 300, page=2)]
    doc = document(letter + attached)
    lines = prepare_lines(doc)
    at = attachment_start(doc, lines, 7)
    assert lines[at].page == 2 and lines[at].text in ("UBND TỈNH KIÊN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    zones = split_zones(doc)
    assert all(l.page == 1 for l in zones.body + zones.footer)
    assert any(l.text == "Nguyễn Văn Bình" for l in zones.annex)
    fields = extract_fields(doc)
    assert fields["signer"].value["name"] is None and fields["signer"].value["authority"] is None
    assert fields["signer"].confidence < 0.75
    assert fields["distribution"].value == ["Như trên", "Lưu: VT"]


def test_deputy_title_lost_under_kt_is_the_deputy_of_the_head():
    lines = head() + body() + [
        ocr("Nơi nhận:", 84, 137, 300), ocr("TL. CỤC TRƯỞNG", 400, 480, 300),
        ocr("- Như trên;", 84, 140, 314),
        ocr("KT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ QUỐC TẾ", 330, 560, 316),
        ocr("- Lưu: VT.", 84, 130, 327), ocr("PID Eh ƯỞNG BAN", 400, 480, 330, conf=0.3),
    ]
    fields = extract_fields(document(lines))
    signer = fields["signer"].value
    assert signer["authority"].startswith("TL. Cục trưởng; KT. Trưởng ban")
    assert signer["title"].lower() == "phó trưởng ban"
    assert fields["signer"].confidence < 0.75       # inferred, and no name: needs review


def test_kinh_gui_address_in_parentheses_continues_the_addressee():
    lines = [ocr("ỦY BAN NHÂN DÂN", 120, 250, 35), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 535, 35),
             ocr("TỈNH QUẢNG NGÃI", 120, 250, 53), ocr("Độc lập - Tự do - Hạnh phúc", 327, 492, 53),
             ocr("Số: 46/TB-UBND", 110, 230, 76), ocr("Quảng Ngãi, ngày 14 tháng 01 năm 2025", 303, 517, 76),
             ocr("THÔNG BÁO", 270, 340, 108), ocr("Về việc thụ lý giải quyết khiếu nại lần hai", 200, 420, 127),
             ocr("Kính gửi: Bà Huỳnh Thị Gái, ông Trần Ngọc Vinh", 220, 500, 160),
             ocr("(Địa chỉ: Thôn Thu Xà, xã Nghĩa Hòa,", 275, 480, 176),
             ocr("huyện Tư Nghĩa, tỉnh Quảng Ngãi)", 276, 465, 193)]
    lines += body(231)
    v = values(document(lines))
    assert v["recipients"] == ["Bà Huỳnh Thị Gái, ông Trần Ngọc Vinh (Địa chỉ: Thôn Thu Xà, xã Nghĩa Hòa, "
                               "huyện Tư Nghĩa, tỉnh Quảng Ngãi)"]


def test_block_with_a_title_outside_the_vocabulary_before_a_blank_block():
    """A form signed by its author (`NGƯỜI TỰ KIỂM ĐIỂM` over the name); the `T/M …` block
    printed below for a later verdict is blank and is not the signer."""
    lines = [line("ĐẢNG BỘ CƠ QUAN UBND HUYỆN", 90, 260, 60), line("ĐẢNG CỘNG SẢN VIỆT NAM", 330, 520, 60),
             line("CHI BỘ THANH TRA", 120, 230, 75), line("Lệ Thủy, ngày 29 tháng 11 năm 2011", 320, 520, 90),
             line("BẢN TỰ KIỂM ĐIỂM", 250, 350, 120, bold=True)]
    lines += [line("Bản thân không ngừng học tập nâng cao trình độ về mọi mặt theo yêu cầu nhiệm vụ được giao.",
                   85, 540, 150 + 16 * i) for i in range(5)]
    lines += [line("3. Tự nhận loại:", 85, 200, 240), line("Đảng viên đủ tư cách hoàn thành tốt nhiệm vụ", 310, 540, 240),
              line("NGƯỜI TỰ KIỂM ĐIỂM", 360, 480, 256, bold=True), line("CHÂU MINH PHÚ", 370, 470, 272, bold=True),
              line("4- Kết quả bỏ phiếu xếp loại của chi bộ", 85, 330, 300),
              line("....................................................", 85, 540, 316),
              line("T/M CẤP UỶ CƠ SỞ", 380, 480, 340, bold=True), line("(ký tên, đóng dấu)", 390, 470, 354)]
    fields = extract_fields(document(lines))
    assert fields["signer"].value == {"name": "Châu Minh Phú", "title": "Người tự kiểm điểm", "authority": None}
    assert fields["signer"].confidence < 0.97       # the title is not a known one


def test_garbled_marks_before_a_head_title():
    from extractors.vocab import match_garbled_authority
    assert match_garbled_authority("KỆ GIÁM ĐỐC") == ("KT.", "GIÁM ĐỐC")
    assert match_garbled_authority("“T. GIÁM ĐỐC") == ("KT.", "GIÁM ĐỐC")
    assert match_garbled_authority("tŒ, HIỆU TRƯỞNG") == ("KT.", "HIỆU TRƯỞNG")
    assert match_garbled_authority("KỆ PHÓ GIÁM ĐỐC") is None          # a deputy's title is no authority line
    assert match_garbled_authority("tà GIÁM ĐỐC") is None              # noise, not a mark
    assert match_garbled_authority("KT Nguyễn Văn An") is None          # not a title in capitals


def test_addressees_of_a_cong_van_whose_kinh_gui_ocr_lost():
    lines = head()[:6] + [
        ocr("öiorừhoTmpbriollndb[ BÙI:", 50, 200, 150, conf=0.0),       # the heading, unreadable
        ocr("- Bộ trưởng, Thủ trưởng cơ quan ngang Bộ,", 200, 450, 152),
        ocr("ĐẾN Số: 45 Ngày 15/5", 40, 160, 160, conf=0.08),              # a stamp in the margin
        ocr("- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố.", 200, 470, 166),
    ] + body(200)
    fields = extract_fields(document(lines))
    assert fields["recipients"].value == ["Bộ trưởng, Thủ trưởng cơ quan ngang Bộ",
                                          "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố"]
    assert fields["recipients"].confidence < 0.75
