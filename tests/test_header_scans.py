"""Header of scanned letters: issuer/parent/place/subject through OCR damage, and page triage of
earlier OCR text layers (garbled layers over a scan are redone, born-digital layers are kept).

Layouts are built as OCR returns them (positioned lines, word boxes, confidences) with the faults
seen on real scans: tone marks changed (`THÀNH PHÓ`, `TRUYỀÈN`), words run together (`BÉNTRE`),
a row cut in two, a date line cut at a handwritten day, strokes of handwriting read as letters.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors import gazetteer
from extractors.fields import extract_fields
from extractors.readers.triage import layer_signs, triage_page
from extractors.zones import map_header, prepare_lines
from models.layout import Line, Word
from tests.layout_builders import document, line

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def ocr(text, x0, x1, y, page=1, conf=0.9):
    return line(text, x0, x1, y, page=page, source="ocr", conf=conf)


def words_line(words, page=1) -> Line:
    ws = [Word(text=t, x0=x0, x1=x1, top=top, bottom=bottom, conf=c) for t, x0, x1, top, bottom, c in words]
    return Line(text=" ".join(w.text for w in ws), page=page, x0=min(w.x0 for w in ws), x1=max(w.x1 for w in ws),
                top=min(w.top for w in ws), bottom=max(w.bottom for w in ws), words=ws,
                conf=min(w.conf for w in ws), source="ocr")


def body(y0=200.0, n=6, text=None):
    t = text or "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc triển khai nhiệm vụ năm 2024 của ngành."
    return [ocr(t, 113.0 if i == 0 else 85.0, 540.0, y0 + 16 * i) for i in range(n)]


def letter(parent, issuer, date_lines=None, extra=()):
    head = [ocr(parent, 60, 250, 50), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 550, 50)]
    if issuer:
        head.append(ocr(issuer, 55, 255, 66))
    head += [ocr("Độc lập - Tự do - Hạnh phúc", 330, 500, 66),
             ocr("Số: 236/STTTT-TTBCXB", 90, 230, 95)]
    head += date_lines or [ocr("Bến Tre, ngày 14 tháng 12 năm 2011", 300, 520, 95)]
    head += [ocr("V/v triển khai kế hoạch năm 2024", 80, 250, 112), ocr("Kính gửi: Các đơn vị trực thuộc.", 150, 400, 150)]
    return document(head + list(extra) + body())


# --------------------------------------------------------------------------- gazetteer repair


def test_repair_name_takes_marks_and_spaces_from_known_words():
    cases = {
        "UBND TỈNH BÉNTRE": "UBND TỈNH BẾN TRE",                       # words run together
        "SỞ THÔNG TIN VÀ TRUYỀÈN THÔNG": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",  # two marks stacked
        "UBND THÀNH PHÓ ĐÀ NẢNG": "UBND THÀNH PHỐ ĐÀ NẴNG",
        "SƠ GIÁO DỤC VÀ ĐÀO TẠO": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "CỤC THUE": "CỤC THUẾ",
    }
    for printed, expected in cases.items():
        assert gazetteer.repair_name(printed).text == expected
    assert gazetteer.repair_name("TRUNG TÂM Y TẾ ME LINH", places=("Mê Linh",)).text == "TRUNG TÂM Y TẾ MÊ LINH"
    assert gazetteer.repair_name("TRUNG TÂM Y TẾ ME LINH").text.endswith("ME LINH")   # unknown name: kept


def test_repair_name_counts_its_changes_and_leaves_other_words():
    rep = gazetteer.repair_name("UBND TỈNH BÉNTRE")
    assert rep.letters == 1 and rep.distance > 0
    clean = gazetteer.repair_name("TRƯỜNG ĐẠI HỌC CẦN THƠ")
    assert clean.text == "TRƯỜNG ĐẠI HỌC CẦN THƠ" and clean.distance == 0
    # a name the gazetteer does not hold keeps its letters
    assert gazetteer.repair_name("CÔNG TY CỔ PHẦN XYZ").text == "CÔNG TY CỔ PHẦN XYZ"


def test_acronyms_with_stray_marks_are_fixed_on_any_source():
    assert gazetteer.repair_name("ƯBND tỉnh An Giang", ocr=False).text == "UBND tỉnh An Giang"
    assert gazetteer.repair_name("Sở thong tin", ocr=False).text == "Sở thong tin"    # text layers: acronyms only


def test_canonical_case_uses_the_gazetteer_casing():
    assert gazetteer.canonical_case("Sở thông tin và truyền thông") == "Sở Thông tin và Truyền thông"
    assert (gazetteer.canonical_case("Liên đoàn lao động - sở văn hóa, thể thao và du lịch tỉnh An Giang")
            == "Liên đoàn Lao động - Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang")
    assert gazetteer.canonical_case("Trung tâm y tế mê linh", ("Mê Linh",)) == "Trung tâm Y tế Mê Linh"


# --------------------------------------------------------------------------- issuer on scans


def test_ocr_damaged_parent_and_issuer_are_repaired_with_lower_confidence():
    doc = letter("UBND TỈNH BÉNTRE", "SỞ THÔNG TIN VÀ TRUYỀÈN THÔNG")
    f = extract_fields(doc)
    assert f["issuer_parent"].value == "UBND tỉnh Bến Tre"
    assert f["issuer"].value == "Sở Thông tin và Truyền thông"
    clean = extract_fields(letter("UBND TỈNH BẾN TRE", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"))
    assert f["issuer_parent"].confidence < clean["issuer_parent"].confidence
    assert f["issuer"].confidence < clean["issuer"].confidence


def test_issuer_line_with_lost_mark_on_its_head_word_still_starts_a_body():
    # `SƠ` (for `SỞ`) is no head word until repaired; the two lines are parent and issuer
    f = extract_fields(letter("UBND THÀNH PHỐ ĐÀ NẢNG", "SƠ GIÁO DỤC VÀ ĐÀO TẠO"))
    assert f["issuer_parent"].value == "UBND thành phố Đà Nẵng"
    assert f["issuer"].value.lower() == "sở giáo dục và đào tạo"


def test_place_name_of_the_issuer_repaired_from_the_documents_own_text():
    extra = [ocr("Trung tâm y tế huyện Mê Linh đăng ký danh sách viên chức tham gia.", 113, 540, 180)]
    f = extract_fields(letter("SỞ Y TẾ HÀ NỘI", "TRUNG TÂM Y TẾ ME LINH", extra=extra,
                              date_lines=[ocr("Mê Linh, ngày 15 tháng 8 năm 2018", 300, 520, 95)]))
    assert f["issuer"].value == "Trung tâm Y tế Mê Linh"
    assert f["issuer_parent"].value == "Sở Y tế Hà Nội"


def test_row_cut_in_two_by_ocr_is_one_issuer_line():
    # `SỞ Y` and `TẾ` read as two lines of one printed row (TẾ printed a little higher)
    parent = ocr("UBND TỈNH KIÊN GIANG", 60, 245, 50)
    te = words_line([("TẾ", 186, 202, 64, 75, 0.9)])
    so_y = words_line([("SỞ", 150, 168, 67, 79, 0.9), ("Y", 172, 180, 67, 79, 0.9)])
    doc = document([parent, ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 550, 50), te, so_y,
                    ocr("Độc lập - Tự do - Hạnh phúc", 330, 500, 70), ocr("Số: 39/SYT-VP", 110, 220, 95),
                    ocr("Kiên Giang, ngày 5 tháng 4 năm 2018", 300, 520, 95),
                    ocr("V/v triển khai thực hiện Quyết định", 90, 250, 112),
                    ocr("Kính gửi: Các đơn vị trực thuộc.", 150, 400, 150)] + body())
    f = extract_fields(doc)
    assert f["issuer"].value == "Sở Y tế"
    assert f["issuer_parent"].value == "UBND tỉnh Kiên Giang"


def test_joint_issuer_joined_by_a_dash_is_one_body():
    doc = document([ocr("LIÊN ĐOÀN LAO ĐỘNG -", 100, 250, 46), ocr("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", 322, 571, 46),
                    ocr("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", 64, 293, 64), ocr("Độc lập - Tự do - Hạnh phúc", 361, 530, 64),
                    ocr("TỈNH AN GIANG", 127, 227, 77), ocr("Số: 154/CTPH-LĐLĐ-SVH,TT,DL", 86, 270, 108),
                    ocr("An Giang, ngày 28 tháng 4 năm 2017", 349, 542, 108),
                    ocr("CHƯƠNG TRÌNH PHỐI HỢP", 227, 408, 140),
                    ocr("Xây dựng đời sống văn hóa cơ sở", 200, 420, 159)] + body(190))
    f = extract_fields(doc)
    assert f["issuer"].value == "Liên đoàn Lao động - Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang"
    assert f["issuer_parent"].value is None


def test_date_tail_run_into_the_left_column_is_not_part_of_the_issuer():
    lines = [line("Đảng bộ cơ quan UBND", 94, 259, 47), line("đảng cộng sản việt nam", 312, 506, 47, bold=True),
             line("huyện Lệ Thuỷ", 126, 221, 64), line("Chi bộ Thanh tra", 112, 234, 80, bold=True),
             line("Lệ Thuỷ, ngày 29", 406, 525, 95), line("tháng 11 năm 2011", 85, 211, 110),
             line("bản tự kiểm điểm", 238, 411, 137, bold=True),
             line("đánh giá chất lượng đảng viên", 229, 420, 156),
             line("Họ và tên: Châu Minh Phú", 121, 318, 180, bold=True),
             line("Chức vụ hiện nay: Phó Chánh thanh tra huyện Lệ Thuỷ", 106, 468, 195)]
    lines += [line("Bản thân tự xác định tư tưởng là vấn đề được quan tâm hàng đầu nên tôi đã học tập.",
                   85, 563, 220 + 15 * i) for i in range(8)]
    f = extract_fields(document(lines))
    assert f["issuer"].value == "Chi bộ Thanh tra"
    assert f["date"].value == "2011-11-29" and f["place"].value == "Lệ Thuỷ"
    assert f["doc_type"].value == "Bản tự kiểm điểm"           # a capitals font decoded to lower case
    assert f["subject"].value == "đánh giá chất lượng đảng viên"


# --------------------------------------------------------------------------- zones of the header


def test_date_line_cut_at_a_handwritten_day_is_joined():
    lines = [ocr("SỞ Y TẾ HÀ NỘI", 174, 242, 100), ocr("Số: 1250 /TTYT-HCTC", 154, 263, 135),
             ocr("Mê Linh, ngày ]Ý tháng", 303, 401, 135), ocr("năm 2018", 418, 456, 135),
             ocr("Kính gửi: Sở Y tế Hà Nội.", 248, 351, 171)] + body()
    doc = document(lines)
    prepared = prepare_lines(doc)
    hm = map_header(doc, prepared)
    assert hm.date >= 0 and prepared[hm.date].text == "Mê Linh, ngày ]Ý tháng năm 2018"
    assert extract_fields(doc)["place"].value == "Mê Linh"


def test_vv_continuation_starting_with_thuc_hien_stays_in_the_subject():
    lines = [ocr("UBND TỈNH KIÊN GIANG", 83, 232, 59), ocr("SỞ Y TẾ", 118, 168, 76),
             ocr("Số: 2107/SYT-NVY", 105, 211, 113), ocr("Kiên Giang, ngày 9 tháng 11 năm 2017", 288, 500, 113),
             ocr("V/v báo cáo nhanh kết quả 5", 91, 227, 135), ocr("năm thực hiện Quyết định số", 90, 227, 148),
             ocr("14/2013/QĐ-TTg và 10 năm", 92, 227, 162), ocr("thực hiện Đề án 1816 (Lần 2)", 87, 230, 176),
             ocr("Kính gửi:", 111, 163, 218)] + body(240)
    f = extract_fields(document(lines))
    assert f["subject"].value.endswith("thực hiện Đề án 1816 (Lần 2)")


def test_decision_subject_cut_by_handwriting_and_heading_of_the_decider():
    """The subject row was cut at handwriting into a left and a right piece; the decider's title
    in capitals below is never the subject; strokes read as letters are dropped."""
    row = [("Về", 208, 220, 150, 160, 0.93), ("À", 222, 228, 150, 160, 0.68), ("việc", 230, 250, 150, 160, 0.97),
           ("giao", 255, 279, 150, 160, 0.97)]
    row2 = [("đề", 283, 295, 150, 160, 0.6), ("tài", 300, 315, 150, 160, 0.97), ("luận", 320, 345, 150, 160, 0.97),
            ("văn", 350, 365, 150, 160, 0.97), ("x", 368, 372, 150, 160, 0.89), ("thạc", 375, 395, 150, 160, 0.97),
            ("sĩ", 398, 413, 150, 160, 0.97)]
    lines = [ocr("BỘ GIÁO DỤC VÀ ĐÀO TẠO", 98, 253, 56), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 535, 56),
             ocr("TRƯỜNG ĐẠI HỌC CẦN THƠ", 91, 259, 72), ocr("Độc lập - Tự do - Hạnh phúc", 330, 489, 72),
             ocr("Số: 5866/QĐ-ĐHCT", 112, 240, 102), ocr("Cần Thơ, ngày 26 tháng 10 năm 2023", 317, 530, 102),
             ocr("QUYẾT ĐỊNH", 266, 355, 132), words_line(row), words_line(row2),
             ocr("HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC CẦN THƠ", 160, 461, 186)]
    lines += [ocr("Căn cứ Luật Giáo dục đại học ngày 18 tháng 6 năm 2012 và Luật sửa đổi, bổ sung;",
                  83 if i else 110, 538, 207 + 16 * i) for i in range(8)]
    f = extract_fields(document(lines))
    assert f["doc_type"].value == "Quyết định"
    assert f["subject"].value == "giao đề tài luận văn thạc sĩ"
    assert f["issuer"].value == "Trường Đại học Cần Thơ" and f["issuer_parent"].value == "Bộ Giáo dục và Đào tạo"


def test_e_signature_stamp_lines_do_not_reach_the_issuer():
    stamp = [ocr("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", 20, 200, 10),
             ocr("Thời gian ký: 07.01.2025 10:25:11 +07:00", 20, 200, 22)]
    lines = stamp + [ocr("ỦY BAN NHÂN DÂN", 105, 230, 78), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 271, 540, 78),
                     ocr("TỈNH QUẢNG NGÃI", 105, 230, 95), ocr("Độc lập - Tự do - Hạnh phúc", 319, 500, 95),
                     ocr("Số: 01/TTr-UBND", 108, 230, 128), ocr("Quảng Ngãi, ngày 06 tháng 01 năm 2025", 288, 520, 128),
                     ocr("TỜ TRÌNH", 283, 340, 158), ocr("Về việc miễn nhiệm chức danh", 201, 420, 176),
                     ocr("Kính gửi: Hội đồng nhân dân tỉnh", 240, 420, 244)] + body(290)
    f = extract_fields(document(lines))
    assert f["issuer"].value == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert f["issuer_parent"].value is None


# --------------------------------------------------------------------------- triage of text layers


GARBLED = ("UBND THÀNH PHÓ ĐÀ NẴNG. SỞ THÔNG TIN VÀ TRUYỀÈN THÔNG Số:⁄ÖÊ /STTTT-TTBCXB Đà Nẵng, ngày 0§ "
           "tháng 02 năm 2018 V/v thu hồi Công văn số 228/§TTTT TTBCXB Kính gửi: Báo Đà Năng; Báo Công an "
           "Đà Năng; Đài Phát thanh - Truyên hình Đà Nắng; Các cơ quan báo chí Trung ương và địa phương khác "
           "đóng trên địa bàn thành phô Đà Năng. Ngày 06 tháng 02 năm 2018, nhằm hỗ trợ công tác điểm báo")
CLEAN = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư; "
         "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành khẩn trương triển khai thực hiện các nội dung sau "
         "đây và báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 30 tháng 6 năm 2024 để tổng hợp")
SPLIT = ("V ậy , S ở T h ôn g t i n và T r u y ề n t h ô ng b an h àn h cô n g v ă n n à y n hằ m thu h ồ i "
         "c ấ p b ả n t h ả o t rư ớc kh i in ấ n b á o cá c ấ n p h ẩm b á o c h í thông tin") * 2


def _words(text: str, top: float = 100.0) -> list[Word]:
    words, x, y = [], 60.0, top
    for token in text.split():
        if x > 520:
            x, y = 60.0, y + 16
        words.append(Word(text=token, x0=x, top=y, x1=x + 5 * len(token), bottom=y + 12))
        x += 5 * len(token) + 4
    return words


def test_layer_signs_separate_garbled_ocr_layers_from_print():
    assert layer_signs(GARBLED).garbled
    assert layer_signs(SPLIT).garbled
    assert not layer_signs(CLEAN).garbled
    assert not layer_signs("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi").garbled       # too short to judge


def test_garbled_layer_over_a_scan_is_redone_and_born_digital_text_is_kept():
    page = (595.0, 842.0)
    scan = [(0.0, 0.0, 595.0, 842.0)]
    assert triage_page(_words(GARBLED), GARBLED, scan, *page).method == "ocr"
    assert triage_page(_words(SPLIT), SPLIT, scan, *page).method == "ocr"
    full = " ".join([CLEAN] * 4)            # a page of text: the layer covers the scan
    assert triage_page(_words(full), full, scan, *page).method == "text"        # a good layer over a scan
    # the same garbled text without a page image under it is judged by the born-digital test only
    assert triage_page(_words(GARBLED), GARBLED, [], *page).method == "text"


@pytest.mark.skipif(not FONT.exists(), reason="fonts missing")
def test_pdf_with_garbled_invisible_layer_over_an_image_goes_to_ocr(tmp_path):
    """A scan (an image of the page) with an earlier OCR's invisible text layer (render mode 3)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from extractors.limits import Limits
    from extractors.readers.pdf import read_pdf

    dpi = 100
    image = Image.new("L", (int(595 * dpi / 72), int(842 * dpi / 72)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), int(12 * dpi / 72))
    for i, text in enumerate(["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 236/STTTT-TTBCXB", "Kính gửi: Báo Đà Nẵng"]):
        draw.text((int(60 * dpi / 72), int((60 + 20 * i) * dpi / 72)), text, font=font, fill=0)
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))

    def build(path, layer):
        c = canvas.Canvas(str(path), pagesize=(595, 842))
        c.drawImage(ImageReader(image), 0, 0, width=595, height=842)
        t = c.beginText()
        t.setTextRenderMode(3)                  # invisible, as OCR programs write it
        t.setFont("DejaVuSerif", 11)
        t.setTextOrigin(60, 780)
        words = layer.split()
        for k in range(0, len(words), 10):
            t.textLine(" ".join(words[k:k + 10]))
        c.drawText(t)
        c.save()

    garbled, clean = tmp_path / "garbled.pdf", tmp_path / "clean.pdf"
    build(garbled, GARBLED)
    build(clean, " ".join([CLEAN] * 4))
    assert read_pdf(garbled, Limits()).notes.triage[1].method == "ocr"
    assert read_pdf(clean, Limits()).notes.triage[1].method == "text"


def test_scan_on_a_white_page_is_lifted_to_white():
    """A grey photo of a page placed on a white page (a Word file of scans saved as PDF):
    the paper is lifted to white so OCR sees the text."""
    from PIL import Image, ImageDraw, ImageFont

    from extractors.readers.render import whiten_paper

    page = Image.new("L", (1200, 1600), 255)
    scan = Image.new("L", (900, 1200), 218)
    page.paste(scan, (150, 150))
    changed = whiten_paper(page)
    assert changed.getpixel((400, 400)) == 255 and changed.getpixel((10, 10)) == 255
    plain = Image.new("L", (1200, 1600), 250)
    assert whiten_paper(plain) is plain                     # an ordinary page is left alone
    if FONT.exists():
        draw = ImageDraw.Draw(page)
        draw.text((300, 400), "Kính gửi", font=ImageFont.truetype(str(FONT), 40), fill=30)
        ink = whiten_paper(page).crop((300, 400, 600, 460))
        assert ink.getextrema()[0] < 64                       # the ink stays dark


def test_subject_whose_vv_mark_ocr_lost_is_found_under_the_number():
    def doc_with(first):
        lines = [ocr("UBND TỈNH KIÊN GIANG", 83, 232, 59), ocr("SỞ Y TẾ", 118, 168, 76),
                 ocr("Số: 2107/SYT-NVY", 105, 211, 113), ocr("Kiên Giang, ngày 9 tháng 11 năm 2017", 288, 500, 113),
                 ocr(first, 91, 227, 130), ocr("hiện kế hoạch phòng chống dịch", 90, 227, 144),
                 ocr("Kính gửi: Các đơn vị trực thuộc.", 150, 400, 190)] + body(230)
        return extract_fields(document(lines))

    read = doc_with("Vlv triển khai thực")             # `V/v` read as `Vlv`
    assert read["subject"].value == "triển khai thực hiện kế hoạch phòng chống dịch"
    lost = doc_with("triển khai thực")                  # `V/v` not read at all
    assert lost["subject"].value == "triển khai thực hiện kế hoạch phòng chống dịch"
    assert lost["subject"].confidence < 0.75 <= read["subject"].confidence


def test_signed_scan_whose_layer_holds_only_signature_boxes_is_ocrd():
    stamp = ("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nEmail: ubnd@quangngai.gov.vn\n"
             "Cơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 07.01.2025 10:25:11 +07:00")
    words = []
    for k, row in enumerate(stamp.splitlines()):      # two large boxes: they cover the scan well
        words += [Word(text=t, x0=20 + 60 * i, top=10 + 40 * k, x1=75 + 60 * i, bottom=45 + 40 * k)
                  for i, t in enumerate(row.split())]
    verdict = triage_page(words, stamp, [(0.0, 0.0, 595.0, 842.0)], 595.0, 842.0)
    assert verdict.method == "ocr" and "e-signature" in verdict.reason


def test_subject_loses_ocr_damaged_ve_viec_and_keeps_a_broken_symbol_whole():
    def subject(first, second="đối với cá nhân kinh doanh"):
        lines = [ocr("UỶ BAN NHÂN DÂN", 100, 220, 48), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 258, 540, 48),
                 ocr("TỈNH QUẢNG NGÃI", 100, 220, 64), ocr("Số: 05/CT-UBND", 103, 220, 91),
                 ocr("Quảng Ngãi, ngày 15 tháng 4 năm 2020", 327, 530, 91), ocr("CHỈ THỊ", 285, 330, 121),
                 ocr(first, 148, 450, 139), ocr(second, 139, 460, 155)] + body(194)
        return extract_fields(document(lines))["subject"].value

    assert subject(",Vềviệc triển khai nộp thuế điện tử") == "triển khai nộp thuế điện tử đối với cá nhân kinh doanh"
    assert subject("Về tăng cường chỉ đạo Kỳ thi") == "tăng cường chỉ đạo Kỳ thi đối với cá nhân kinh doanh"
    assert subject("Vệ sinh an toàn thực phẩm") == "Vệ sinh an toàn thực phẩm đối với cá nhân kinh doanh"
    assert subject("thu hồi Công văn số 228/STTTT-", "TTBCXB ngày 06/02/2018") == \
        "thu hồi Công văn số 228/STTTT-TTBCXB ngày 06/02/2018"


def test_parent_and_issuer_read_as_one_line_are_split_after_the_place():
    doc = document([ocr("UBND THÀNH PHÓ ĐÀ NẴNG SƠ GIÁO DỤC VÀ ĐÀO TẠO", 50, 262, 50),
                    ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285, 550, 50),
                    ocr("Số: 1906/SGDĐT-CTrTT", 66, 244, 93), ocr("Đà Nẵng, ngày 26 tháng 7 năm 2020", 305, 539, 93),
                    ocr("V/v khẩn trương thực hiện các biện", 58, 252, 111),
                    ocr("Kính gửi: Các trường trực thuộc Sở.", 107, 400, 158)] + body())
    f = extract_fields(doc)
    assert f["issuer_parent"].value == "UBND thành phố Đà Nẵng"
    assert f["issuer"].value.lower() == "sở giáo dục và đào tạo"


def test_wrapped_lines_of_a_signature_box_over_the_header_are_not_the_issuer():
    box = [ocr("Ký bởi: Ủy ban", 60, 200, 20), ocr("Nhân dân tỉnh Quảng Ngãi", 60, 200, 30),
           ocr("Thời gian ký: 07.01.2025", 60, 200, 40)]
    lines = box + [ocr("ỦY BAN NHÂN DÂN", 105, 230, 78), ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 271, 540, 78),
                   ocr("TỈNH QUẢNG NGÃI", 105, 230, 95), ocr("Số: 01/TTr-UBND", 108, 230, 128),
                   ocr("Quảng Ngãi, ngày 06 tháng 01 năm 2025", 288, 520, 128),
                   ocr("Kính gửi: Hội đồng nhân dân tỉnh", 240, 420, 244)] + body(290)
    f = extract_fields(document(lines))
    assert f["issuer"].value == "Ủy ban nhân dân tỉnh Quảng Ngãi" and f["issuer_parent"].value is None


def test_issuer_line_right_under_an_incoming_stamp_is_kept():
    lines = [ocr("Số đến: 4521", 100, 200, 62), ocr("ỦY BAN NHÂN DÂN", 105, 230, 72),
             ocr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 271, 540, 72), ocr("TỈNH QUẢNG NGÃI", 105, 230, 88),
             ocr("Số: 01/TTr-UBND", 108, 230, 128), ocr("Quảng Ngãi, ngày 06 tháng 01 năm 2025", 288, 520, 128),
             ocr("Kính gửi: Hội đồng nhân dân tỉnh", 240, 420, 244)] + body(290)
    assert extract_fields(document(lines))["issuer"].value == "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_bilingual_born_digital_page_keeps_its_text_layer():
    form = ("Họ và tên (viết chữ in hoa) Full name (in capital letter) Nam, nữ Sex: Male/Female "
            "Sinh ngày tháng năm tại Date of birth (day/month/year) at Place of birth Nationality "
            "Số hộ chiếu Passport number Ngày cấp Date of issue Nơi cấp Place of issue") * 2
    page = (595.0, 842.0)
    assert triage_page(_words(form), form, [], *page).method == "text"
    broken = "CQNG HOA xA HQI CHU NGHIA VWT NAM Dc lop Tr do Hjnh phüc SOYTEHANQI TRUNG TAM"
    assert triage_page(_words(broken), broken, [(0, 0, 595, 842)], *page).method == "ocr"   # over a scan
    mojibake = "MÉu 01-§GCL §¶ng bé c¬ quan UBND ®¶ng céng s¶n viÖt nam huyÖn lÖ thuû"
    assert triage_page(_words(mojibake), mojibake, [], *page).method == "ocr"
