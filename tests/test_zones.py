"""Header/body/footer/annex split (extractors/zones.py)."""
from __future__ import annotations

from layout_builders import cong_van, document, line, quyet_dinh, text_document

from extractors.zones import line_column, map_header, prepare_lines, split_zones


def test_zones_of_a_cong_van():
    z = split_zones(cong_van())
    assert z.header[0].text == "ỦY BAN NHÂN DÂN"
    assert z.body[0].text.startswith("Kính gửi")            # the body starts at Kính gửi
    assert any(l.text.startswith("Theo đề nghị") for l in z.body)
    assert z.footer[0].text == "Nơi nhận:"
    assert z.footer[-1].text == "Phùng Tô Long"
    assert not any("Nơi nhận" in l.text for l in z.body)


def test_decision_body_starts_after_subject():
    doc = quyet_dinh()
    hm = map_header(doc)
    lines = prepare_lines(doc)
    assert lines[hm.kind].text == "QUYẾT ĐỊNH"
    assert [lines[i].text for i in hm.subject] == ["Về việc ban hành Quy chế làm việc của Sở Y tế"]
    z = split_zones(doc)
    assert z.body[0].text == "GIÁM ĐỐC SỞ Y TẾ"


def test_annex_after_the_signature():
    doc = text_document("Số: 05/TB-UBND\nQuảng Ngãi, ngày 02 tháng 01 năm 2025\nTHÔNG BÁO\nVề việc lịch họp\n"
                        "Nội dung thông báo lịch họp tuần./.\nNơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
                        "Nguyễn Văn A\nPHỤ LỤC\nDanh sách đơn vị dự họp\n1. Sở Nội vụ")
    z = split_zones(doc)
    assert z.footer[-1].text == "Nguyễn Văn A"
    assert z.annex[0].text == "PHỤ LỤC"
    assert [l.text for l in z.body] == ["Nội dung thông báo lịch họp tuần./."]


def test_merged_header_line_is_split_into_columns():
    lines = [line("TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 100, 557, 32, bold=True),
             line("PHÒNG ĐÀO TẠO ĐẠI HỌC", 92, 263, 47, bold=True),
             line("Độc lập – Tự do – Hạnh phúc", 350, 514, 46, bold=True)]
    lines += [line("Nội dung văn bản được trình bày đầy đủ theo quy định hiện hành của pháp luật.", 85, 544, 100 + 16 * i)
              for i in range(5)]
    doc = document(lines)
    prepared = prepare_lines(doc)
    assert prepared[0].text == "TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN"
    assert prepared[1].text.startswith("CỘNG HÒA")
    assert line_column(doc, prepared[0]) == "left" and line_column(doc, prepared[1]) == "right"


def test_centred_title_is_centre_even_when_short():
    doc = quyet_dinh()
    kind = next(l for l in doc.lines if l.text == "QUYẾT ĐỊNH")
    assert line_column(doc, kind) == "centre"
    body = next(l for l in doc.lines if l.text.startswith("Nội dung đoạn văn thứ 1"))
    assert line_column(doc, body) == "full"
