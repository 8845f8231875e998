"""Header rules of issue #18 on generated layouts: wrapped subjects, code repairs, references in two
spellings, a deputy's title whose words OCR lost, a name stamped in coloured ink beside a seal."""
from __future__ import annotations

from layout_builders import document, line

from extractors.fields import extract_fields
from extractors.fields.signer import head_title
from extractors.references import extract_references
from models.layout import PdfDates


def ocr(text, x0, x1, y, page=1, conf=0.92, height=12.0):
    """An OCR'd line (word boxes, confidence) as the scan reader gives it."""
    out = line(text, x0, x1, y, page=page, source="ocr", conf=conf)
    for w in out.words:
        w.bottom = w.top + height
    out.bottom = y + height
    return out


def body(y0=180.0, n=5, page=1):
    last = "Sở Y tế đề nghị các đơn vị khẩn trương triển khai thực hiện./."
    return [ocr("Nội dung công văn được trình bày đầy đủ theo quy định hiện hành của pháp luật về công tác.",
                85, 540, y0 + 16 * i, page) for i in range(n - 1)] + [ocr(last, 110, 420, y0 + 16 * (n - 1), page)]


def values(doc):
    return {k: v.value for k, v in extract_fields(doc).items()}


def _decision_head(subject_lines, source="text"):
    conf = 0.95 if source == "ocr" else 1.0
    L = lambda *a, **k: line(*a, source=source, conf=conf, **k)  # noqa: E731
    out = [L("ỦY BAN NHÂN DÂN", 104, 223, 82), L("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 258, 525, 82),
           L("TỈNH BÌNH ĐỊNH", 104, 223, 101), L("Độc lập - Tự do - Hạnh phúc", 306, 476, 101),
           L("Số: 12/CT-UBND", 109, 217, 128), L("Bình Định, ngày 04 tháng 9 năm 2024", 290, 507, 128),
           L("CHỈ THỊ", 278, 332, 167)]
    y = 185
    for text, x0, x1 in subject_lines:
        out.append(L(text, x0, x1, y))
        y += 17
    return out, y


def test_subject_wrapped_over_full_width_lines_ends_at_the_blank_gap():
    head, y = _decision_head([("Về việc tăng cường các biện pháp bảo đảm an toàn công trình cầu", 114, 504),
                              ("giao thông trong mùa mưa, bão năm 2024 trên địa bàn tỉnh", 95, 523)], source="ocr")
    doc = document(head + [ocr("Cơn bão số 3 và mưa lũ sau bão vừa qua đã gây thiệt hại rất lớn về người", 122, 530, y + 22),
                           ocr("và tài sản của Nhân dân tại khu vực các tỉnh phía Bắc nước ta.", 94, 530, y + 38)]
                   + body(y + 60, 3))
    assert values(doc)["subject"] == ("tăng cường các biện pháp bảo đảm an toàn công trình cầu giao thông "
                                      "trong mùa mưa, bão năm 2024 trên địa bàn tỉnh")


def test_subject_continuation_starting_with_ngay_or_so_in_lower_case():
    head, y = _decision_head([("Về việc ban hành Nghị quyết bãi bỏ các Nghị quyết: Số 39/2011/NQ-HĐND", 98, 545),
                              ("ngày 12/12/2011, số 27/2017/NQ-HĐND ngày 14/7/2017", 158, 484),
                              ("của Hội đồng nhân dân tỉnh", 200, 441)])
    doc = document(head + body(y + 30, 4))
    assert values(doc)["subject"].endswith("ngày 14/7/2017 của Hội đồng nhân dân tỉnh")


def test_vv_block_continues_with_a_lower_case_so():
    lines = [ocr("UBND TỈNH AN GIANG", 117, 245, 53), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 277, 511, 53),
             ocr("SỞ Y TẾ", 160, 202, 68), ocr("Độc lập - Tự do - Hạnh phúc", 317, 470, 68),
             ocr("Số: 2083 /SYT-NVY", 127, 235, 95), ocr("An Giang, ngày 6 tháng 11 năm 2017", 288, 500, 95),
             ocr("V/v triển khai thực hiện Quyết định", 102, 261, 115), ocr("số 3916/QĐ-BYT của Bộ Y tế", 113, 249, 128),
             ocr("Kính gửi: Các cơ sở khám bệnh, chữa bệnh trong tỉnh", 158, 505, 166)] + body(200, 4)
    v = values(document(lines))
    assert v["subject"] == "triển khai thực hiện Quyết định số 3916/QĐ-BYT của Bộ Y tế"
    assert v["number"] == "2083"


def test_code_repairs_on_a_scan():
    for printed, symbol in (("Số: 09/TIr-UBND", "09/TTr-UBND"), ("Số: 157/QĐÐ-UBND", "157/QĐ-UBND"),
                            ("Số: 5065/QĐ-SYT-", "5065/QĐ-SYT")):
        lines = [ocr("UBND TỈNH AN GIANG", 117, 245, 53), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 277, 511, 53),
                 ocr("SỞ Y TẾ", 160, 202, 68), ocr("Độc lập - Tự do - Hạnh phúc", 317, 470, 68),
                 ocr(printed, 127, 235, 95), ocr("An Giang, ngày 16 tháng 11 năm 2017", 288, 500, 95),
                 ocr("V/v triển khai kế hoạch năm 2018", 102, 261, 115)] + body(160, 4)
        assert values(document(lines))["symbol"] == symbol


def test_a_mixed_case_agency_code_is_not_turned_into_a_kind():
    lines = [ocr("SỞ Y TẾ", 160, 202, 68), ocr("Độc lập - Tự do - Hạnh phúc", 317, 470, 68),
             ocr("Số: 15/BIT-VP", 127, 235, 95), ocr("An Giang, ngày 16 tháng 11 năm 2017", 288, 500, 95),
             ocr("V/v triển khai kế hoạch năm 2018", 102, 261, 115)] + body(160, 4)
    assert values(document(lines))["symbol"] == "15/BIT-VP"


def test_a_reference_in_two_spellings_is_one_reference():
    lines = [line("Căn cứ Nghị định số 154/2020/NĐ-CP ngày 31/12/2020 của Chính phủ;", 113, 540, 200),
             line("Thực hiện Nghị định số 154/2020/NĐCP của Chính phủ, Sở hướng dẫn như sau.", 113, 540, 216)]
    refs, _ = extract_references(lines, None, None)
    assert [r["symbol"] for r in refs] == ["154/2020/NĐ-CP"]


def test_head_titles_of_bodies():
    assert head_title("Sở Y tế") == "Giám đốc"
    assert head_title("Ủy ban nhân dân tỉnh Quảng Ngãi") == "Chủ tịch"
    assert head_title("Trường Đại học Cần Thơ") == "Hiệu trưởng"
    assert head_title("Tổng cục Thuế") == "Tổng cục trưởng"
    assert head_title("Công ty X") is None


def _sign_block(extra):
    return ([ocr("SỞ Y TẾ", 120, 200, 60), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 535, 60),
             ocr("Độc lập - Tự do - Hạnh phúc", 327, 492, 75),
             ocr("Số: 236/SYT-NVY", 110, 230, 100), ocr("Kiên Giang, ngày 05 tháng 3 năm 2024", 303, 517, 100),
             ocr("V/v triển khai kế hoạch năm 2024", 90, 250, 118),
             ocr("Kính gửi: Các đơn vị trực thuộc Sở Y tế.", 150, 400, 150)] + body()
            + [ocr("Nơi nhận:", 92, 140, 300), ocr("- Như trên;", 93, 138, 314), ocr("- Lưu: VT, NVY.", 93, 169, 340)]
            + extra)


def test_a_lone_deputy_word_gives_the_deputys_title_for_review():
    doc = document(_sign_block([ocr("SN già:", 307, 390, 296), ocr("PHÓ", 306, 337, 314),
                                ocr("Nguyễn Trúc Giang", 330, 430, 400)]))
    fv = extract_fields(doc)["signer"]
    assert fv.value == {"name": "Nguyễn Trúc Giang", "title": "Phó Giám đốc", "authority": "KT. Giám đốc"}
    assert fv.confidence < 0.75            # inferred: needs review


def test_no_deputy_word_no_inferred_title():
    doc = document(_sign_block([ocr("Nguyễn Trúc Giang", 330, 430, 400)]))
    signer = extract_fields(doc)["signer"].value
    assert signer["title"] is None and signer["authority"] is None


def _scan_head(so="Số: 236/SYT-NVY", date="Kiên Giang, ngày 05 tháng 3 năm 2024", parent="UBND TỈNH KIÊN GIANG"):
    return [ocr(parent, 94, 235, 52), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 290, 544, 52),
            ocr("SỞ Y TẾ", 141, 188, 68), ocr("Độc lập - Tự do - Hạnh phúc", 337, 497, 68),
            ocr(so, 117, 212, 95), ocr(date, 313, 522, 95),
            ocr("V/v triển khai kế hoạch năm 2024", 90, 250, 118),
            ocr("Kính gửi: Các đơn vị trực thuộc Sở Y tế.", 150, 400, 150)] + body()


def test_an_unreadable_day_keeps_the_place_and_month_and_flags_the_number():
    fields = extract_fields(document(_scan_head(so="Số: 44 /SYT-NVY", date="Kiên Giang, ngày À Ö tháng 10 năm 2017")))
    assert fields["date"].value == "2017-10" and fields["place"].value == "Kiên Giang"
    assert fields["date"].confidence < 0.75
    assert fields["number"].value == "44" and fields["number"].confidence < 0.75   # handwritten with the day


def test_a_garbled_month_still_gives_the_place_and_year():
    fields = extract_fields(document(_scan_head(date="Kiên Giang, ngày 2 tháng/Ohăm 2017")))
    assert fields["date"].value == "2017" and fields["place"].value == "Kiên Giang"


def test_an_attached_documents_date_line_is_not_the_header_date():
    lines = _scan_head(date="Kiên Giang, ngày À Ö tháng") + [
        ocr("ỦY BAN NHÂN DÂN TP.HCM", 94, 255, 59, page=2), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 279, 546, 59, page=2),
        ocr("Thành phố Hồ Chí Minh, ngày 22 tháng 10 năm 2017", 297, 550, 118, page=2)]
    v = values(document(lines))
    assert v["place"] != "Thành phố Hồ Chí Minh" and v["date"] != "2017-10-22"


def test_a_garbled_so_line_is_still_the_number_line_not_the_issuer():
    v = values(document(_scan_head(so="Sóz?4/KH-SYT")))
    assert v["issuer"] == "Sở Y tế"
    assert v["code"] == "KH-SYT" and v["number"] is None


def test_a_comma_read_inside_a_province_name():
    v = values(document(_scan_head(parent="UBND TỈNH KIÊN, GIANG")))
    assert v["issuer_parent"].lower() == "ubnd tỉnh kiên giang"


def test_acronym_with_a_stray_mark_in_list_items():
    from extractors.fields import clean_item
    assert clean_item("- ƯBND các huyện, thành, thị;") == "UBND các huyện, thành, thị"


def test_a_date_cited_in_a_subject_does_not_end_it():
    lines = [line("THANH TRA CHÍNH PHỦ", 0, 500, 0, bold=True, source="docx"),
             line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 500, 1000, 0, bold=True, source="docx"),
             line("Số: 24/2007/TT-TTCP", 0, 500, 20, source="docx"),
             line("Độc lập - Tự do - Hạnh phúc", 500, 1000, 20, bold=True, source="docx"),
             line("Hà Nội, ngày 13 tháng 11 năm 2007", 500, 1000, 30, source="docx"),
             line("THÔNG TƯ", 200, 800, 45, bold=True, source="docx"),
             line("Hướng dẫn thi hành một số điều của Nghị định số 37/2007/NĐ-CP ngày 09 tháng 3 năm 2007 "
                  "của Chính phủ về minh bạch tài sản, thu nhập", 200, 800, 55, bold=True, source="docx"),
             line("Căn cứ Luật phòng, chống tham nhũng năm 2005;", 0, 1000, 65, source="docx")]
    v = values(document(lines, fmt="docx"))
    assert v["subject"].startswith("Hướng dẫn thi hành một số điều") and v["date"] == "2007-11-13"


def test_a_kind_line_holding_the_start_of_its_subject():
    lines = [ocr("TRUNG TÂM Y TẾ HUYỆN", 92, 255, 146), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 540, 146),
             ocr("Số: 1188/BC-TTYT", 141, 306, 180), ocr("Mê Linh, ngày 03 tháng 8 năm 2018", 320, 540, 180),
             ocr("BÁO CÁO NỘI DUNG GIAO BAN", 200, 400, 220),
             ocr("CÔNG TÁC DÂN SỐ THÁNG 8 NĂM 2018", 190, 410, 236)] + body(280, 4)
    v = values(document(lines))
    assert v["doc_type"] == "Báo cáo"
    assert v["subject"].lower() == "nội dung giao ban công tác dân số tháng 8 năm 2018"


def test_a_speck_before_vv_and_a_speck_between_its_lines():
    lines = [ocr("UBND TỈNH AN GIANG", 92, 243, 62), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 257, 529, 62),
             ocr("SỞ Y TẾ", 145, 191, 79), ocr("Số: 1979 /SYT-TCCB", 114, 228, 111),
             ocr("An Giang, ngày 16 tháng 10 năm 2017", 294, 534, 111),
             ocr("'V/v báo cáo số lượng", 116, 219, 127), ocr("-", 226, 228, 139),
             ocr("Hộ sinh tại các cơ sở y tế", 109, 228, 141),
             ocr("Kính gửi: Các đơn vị trực thuộc.", 153, 468, 172)] + body(200, 4)
    assert values(document(lines))["subject"] == "báo cáo số lượng Hộ sinh tại các cơ sở y tế"


def _dated_scan(date_text, pdf_dates):
    doc = document(_scan_head(date=date_text))
    doc.notes.pdf_dates = PdfDates(**pdf_dates)
    return extract_fields(doc)


def test_a_missing_day_is_taken_from_the_files_signing_time_for_review():
    f = _dated_scan("Quảng Ngãi, ngày 4] tháng 9 năm 2024", {"created": [], "signed": ["2024-09-11", "2024-09-12"]})
    assert f["date"].value == "2024-09-11" and f["date"].confidence < 0.75
    assert f["number"].confidence < 0.75        # the day was not read: the number is handwriting too


def test_file_dates_confirm_or_flag_a_day_read():
    agree = _dated_scan("Kiên Giang, ngày 21 tháng 12 năm 2017", {"created": ["2017-12-21"], "signed": []})
    assert agree["date"].value == "2017-12-21" and agree["date"].confidence >= 0.75
    differ = _dated_scan("Kiên Giang, ngày 02 tháng 12 năm 2017", {"created": ["2017-12-21"], "signed": []})
    assert differ["date"].value == "2017-12-02" and differ["date"].confidence < 0.75
    other_month = _dated_scan("Kiên Giang, ngày 02 tháng 12 năm 2017", {"created": ["2026-11-28"], "signed": []})
    assert other_month["date"].value == "2017-12-02"


def test_pdf_dates_of_a_generated_pdf(tmp_path):
    import pypdfium2 as pdfium

    from extractors.readers.pdf import pdf_dates
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "x.pdf"
    pdf.save(str(path))
    pdf.close()
    opened = pdfium.PdfDocument(str(path))
    try:
        dates = pdf_dates(opened)
    finally:
        opened.close()
    assert isinstance(dates, PdfDates) and dates.signed == []


def test_a_mixed_case_issuer_group_after_the_slash():
    v = values(document(_scan_head(so="Số: 09 /KH-TTra")))
    assert v["symbol"] == "09/KH-TTra" and v["code"] == "KH-TTra" and v["number"] == "09"


def test_so_on_its_own_fragment_with_the_garbled_number_beside_it():
    lines = _scan_head(so="Số:")
    lines.insert(5, ocr("2ƒ /CT-UBND", 149, 243, 99))
    fields = extract_fields(document(lines))
    assert fields["code"].value == "CT-UBND" and fields["number"].value is None
    assert fields["number"].confidence < 0.75


def test_a_regulation_takes_the_date_of_the_decision_it_is_issued_with():
    lines = [line("ỦY BAN NHÂN DÂN", 0, 500, 0, bold=True, source="docx"),
             line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 500, 1000, 0, bold=True, source="docx"),
             line("THÀNH PHỐ CẦN THƠ", 0, 500, 15, bold=True, source="docx"),
             line("Độc lập - Tự do - Hạnh phúc", 500, 1000, 15, bold=True, source="docx"),
             line("QUY ĐỊNH", 200, 800, 35, bold=True, source="docx"),
             line("Việc tuyển chọn tổ chức chủ trì nhiệm vụ khoa học", 200, 800, 45, bold=True, source="docx"),
             line("(Ban hành kèm theo Quyết định số 09/2010/QĐ-UBND ngày 21 tháng 01 năm 2010 của Ủy ban nhân "
                  "dân thành phố)", 200, 800, 55, source="docx"),
             line("Chương I", 200, 800, 65, bold=True, source="docx")]
    v = values(document(lines, fmt="docx"))
    assert v["date"] == "2010-01-21" and v["place"] is None


def test_a_family_name_whose_first_letter_ocr_lost_at_the_seal():
    from extractors.fields.signer import _surname
    assert _surname("rần") == "Trần" and _surname("guyễn") == "Nguyễn" and _surname("trên") == "trên"
    assert _surname("đyễn") == "Nguyễn" and _surname("ương") == "ương" and _surname("được") == "được"
    doc = document(_sign_block([ocr("CHỦ TỊCH", 380, 460, 296), ocr("rần Ngọc Căng", 372, 460, 400)]))
    assert extract_fields(doc)["signer"].value["name"] == "Trần Ngọc Căng"


def _issuer_head(l1, l2):
    lines = [ocr(l1, 80, 250, 52), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 290, 544, 52),
             ocr(l2, 100, 240, 68), ocr("Độc lập - Tự do - Hạnh phúc", 337, 497, 68),
             ocr("Số: 12/CĐGD-VP", 117, 212, 95), ocr("Hà Nội, ngày 05 tháng 3 năm 2024", 313, 522, 95),
             ocr("V/v triển khai kế hoạch năm 2024", 90, 250, 118)] + body()
    v = values(document(lines))
    return (v["issuer_parent"] or "").lower(), v["issuer"].lower()


def test_parent_and_issuer_on_two_lines_of_a_scan():
    assert _issuer_head("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "CÔNG ĐOÀN GIÁO DỤC VIỆT NAM") == (
        "tổng liên đoàn lao động việt nam", "công đoàn giáo dục việt nam")
    assert _issuer_head("TTYT HUYỆN MÊ LINH", "PKĐK MÊ LINH")[1] == "pkđk mê linh"
    assert _issuer_head("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI") == ("", "ủy ban nhân dân tỉnh quảng ngãi")


def test_header_line_run_together_marks_and_motto_words():
    assert _issuer_head("UBNDTỈNHPHÚTHỌ", "SỞ Y TẾ") == ("ubnd tỉnh phú thọ", "sở y tế")
    assert _issuer_head("UBND TỈNH PHÚ THỌ", "SỞ Y“ TẾ")[1] == "sở y tế"
    assert _issuer_head("UBND TỈNH PHÚ THỌ", "SỞ Y TẾ ˆ")[1] == "sở y tế"
    assert _issuer_head("UBND TỈNH PHÚ THỌ", "SỞ Y TẾ Nam")[1] == "sở y tế"
    assert _issuer_head("UBND TỈNH QUẢNG Nam", "SỞ Y TẾ")[0] == "ubnd tỉnh quảng nam"


def test_a_doubled_title_is_one_title_for_review():
    fv = extract_fields(document(_sign_block([ocr("GIÁM ĐỐC", 380, 470, 296), ocr("GIÁM ĐỐC", 380, 470, 311),
                                              ocr("Nguyễn Văn Hải", 390, 480, 400)])))["signer"]
    assert fv.value["title"] == "Giám đốc" and fv.confidence < 0.75


def test_a_faculty_name_above_the_signers_name_is_not_part_of_it():
    signer = extract_fields(document(_sign_block([
        ocr("TL. HIỆU TRƯỞNG", 380, 470, 296), ocr("TRƯỞNG KHOA", 378, 472, 311),
        ocr("Khoa Công nghệ Thông tin", 370, 490, 380), ocr("Nguyễn Văn Hải", 390, 480, 400)])))["signer"].value
    assert signer == {"name": "Nguyễn Văn Hải", "title": "Trưởng khoa", "authority": "TL. Hiệu trưởng"}


def test_a_speck_before_a_distribution_dash():
    v = values(document(_sign_block([])[:-1] + [ocr("- Website SYT/", 93, 170, 327), ocr("¡- Lưu: VT, NVY.", 93, 169, 340),
                                               ocr("GIÁM ĐỐC", 380, 470, 296), ocr("Nguyễn Văn Hải", 390, 480, 400)]))
    assert v["distribution"] == ["Như trên", "Website SYT", "Lưu: VT, NVY"]


def test_a_name_followed_by_the_copys_signed_note():
    lines = [line("Nơi nhận:", 0, 500, 300, source="docx"), line("TỔNG THANH TRA", 500, 1000, 300, source="docx"),
             line("- Ban Bí thư Trung ương Đảng;", 0, 500, 310, source="docx"),
             line("Trần Văn Truyền – Đã ký", 500, 1000, 310, source="docx"),
             line("- Lưu VT, Vụ PC.", 0, 500, 320, source="docx")]
    head = [line("THANH TRA CHÍNH PHỦ", 0, 500, 0, bold=True, source="docx"),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 500, 1000, 0, bold=True, source="docx"),
            line("Số: 24/2007/TT-TTCP", 0, 500, 20, source="docx"),
            line("Hà Nội, ngày 13 tháng 11 năm 2007", 500, 1000, 30, source="docx"),
            line("THÔNG TƯ", 200, 800, 45, bold=True, source="docx"),
            line("Hướng dẫn thi hành một số điều của Nghị định", 200, 800, 55, bold=True, source="docx")]
    body_lines = [line("Căn cứ Luật phòng, chống tham nhũng năm 2005 và các văn bản hướng dẫn thi hành;", 0, 1000,
                       70 + 10 * i, source="docx") for i in range(5)]
    signer = values(document(head + body_lines + lines, fmt="docx"))["signer"]
    assert signer["name"] == "Trần Văn Truyền" and signer["title"].lower() == "tổng thanh tra"


def test_a_scans_kind_off_centre_and_a_stamp_over_its_subject():
    stamp = line("-TRUNG TAM CÔNG BÁO & TIN HỌC Về việc tăng cường công tác thi hành án hành chính", 9, 482, 134,
                 source="ocr", conf=0.9)
    stamp.conf = 0.08           # the stamp's words drag the line's confidence down
    speck = line("đsesessvee F.ăƯ rạn", 65, 161, 156, source="ocr", conf=0.0)
    lines = [ocr("ỦY BAN NHÂN DÂN", 100, 221, 47), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 255, 522, 47),
             ocr("TỈNH QUẢNG NGÃI", 100, 221, 64), ocr("Độc lập - Tự do - Hạnh phúc", 309, 466, 64),
             ocr("Số: 07 /CT-UBND", 109, 212, 95), ocr("Quảng Ngãi, ngày 20 tháng 3 năm 2018", 309, 516, 95),
             ocr("CHỈ THỊ", 302, 356, 117), stamp, speck, ocr("trên địa bàn tỉnh Quảng Ngãi", 241, 416, 151)] + body(200, 4)
    v = values(document(lines))
    assert v["doc_type"] == "Chỉ thị"
    assert v["subject"] == "tăng cường công tác thi hành án hành chính trên địa bàn tỉnh Quảng Ngãi"


def test_an_underscore_speck_before_ve_viec():
    lines = [ocr("ỦY BAN NHÂN DÂN", 100, 221, 47), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 255, 522, 47),
             ocr("TỈNH QUẢNG BÌNH", 100, 221, 64), ocr("Số: 07 /CĐ-UBND", 109, 212, 95),
             ocr("Quảng Bình, ngày 20 tháng 3 năm 2018", 309, 516, 95), ocr("CÔNG ĐIỆN", 280, 350, 117),
             ocr("_Về việc chủ động ứng phó với mưa lớn", 150, 450, 134)] + body(200, 4)
    assert values(document(lines))["subject"] == "chủ động ứng phó với mưa lớn"


def test_a_noi_nhan_entry_and_the_authority_glued_by_a_converter():
    text = """ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 45/BC-UBND
Tân Phước, ngày 20 tháng 6 năm 2024
BÁO CÁO
Kết quả thực hiện công tác cải cách hành chính
Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính của UBND xã./.
Nơi nhận:
- Như trên;
- Lưu: VT, VP.TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lý Văn Sáng
"""
    from layout_builders import text_document
    v = values(text_document(text))
    assert v["distribution"] == ["Như trên", "Lưu: VT, VP"]
    assert v["signer"] == {"name": "Lý Văn Sáng", "title": "Chủ tịch", "authority": "TM. Ủy ban nhân dân"}


def test_a_family_name_read_with_a_wrong_mark_or_a_stray_letter():
    from extractors.fields.signer import snap_surname
    assert snap_surname("Trân") == "Trần" and snap_surname("Lễ") == "Lê" and snap_surname("Ngốyễn") == "Nguyễn"
    assert snap_surname("Hoàng") == "Hoàng" and snap_surname("Giang") == "Giang" and snap_surname("Thị") == "Thị"
    doc = document(_sign_block([ocr("GIÁM ĐỐC", 380, 470, 296), ocr("Trân Văn Thanh", 390, 480, 400)]))
    assert extract_fields(doc)["signer"].value["name"] == "Trần Văn Thanh"


def test_a_name_near_a_title_in_spelling_is_a_name_when_it_starts_with_a_family_name():
    doc = document(_sign_block([ocr("CHỦ TỊCH", 380, 460, 296), ocr("hạm Trường Thọ", 372, 460, 400)]))
    assert extract_fields(doc)["signer"].value["name"] == "Phạm Trường Thọ"
    doc = document(_sign_block([ocr("CHỦ TỊCH", 380, 460, 296), ocr("Phó Trưởng Khoa", 372, 460, 400)]))
    assert extract_fields(doc)["signer"].value["name"] is None


def test_a_middle_name_ocr_read_in_lower_case():
    doc = document(_sign_block([ocr("GIÁM ĐỐC", 380, 470, 296), ocr("Hà ván Phúc", 390, 480, 400)]))
    assert extract_fields(doc)["signer"].value["name"] == "Hà Văn Phúc"


def test_a_day_read_after_every_file_date_is_misread():
    late = _dated_scan("Quảng Ngãi, ngày 14 tháng 5 năm 2021", {"created": ["2021-05-11"], "signed": []})
    assert late["date"].value == "2021-05-11" and late["date"].confidence < 0.75
    no_month = _dated_scan("Quảng Ngãi, ngày 14 tháng 5 năm 2021", {"created": ["2021-04-30"], "signed": []})
    assert no_month["date"].value == "2021-05-14" and no_month["date"].confidence < 0.75


def test_a_years_one_ocr_read_as_t():
    from extractors import vocab
    dm = vocab.parse_date_line("Cao Bằng, ngày 22 tháng 2 năm T999.")
    assert dm is not None and dm.iso == "1999-02-22" and dm.repaired == 1
    assert vocab.parse_date_line("Hà Nội, ngày 22 tháng 2 năm T9") is None


def test_pdf_times_are_read_as_vietnamese_calendar_days():
    """A signature time in UTC early in the Vietnamese morning is that morning's day, not the
    day before (a day read on the paper must not look later than the file)."""
    from extractors.readers.pdf import pdf_day
    assert pdf_day("D:20230611230000Z") == "2023-06-12"
    assert pdf_day("D:20230611230000+00'00'") == "2023-06-12"
    assert pdf_day("D:20230612083000+07'00'") == "2023-06-12"
    assert pdf_day("D:20230611200000-05'00'") == "2023-06-12"
    assert pdf_day("D:20230612") == "2023-06-12"          # no time: the day as written
    assert pdf_day("D:20231345") is None and pdf_day(None) is None
