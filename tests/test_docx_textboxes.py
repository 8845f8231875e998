"""DOCX text boxes: the agency header kept in text boxes of the Word header part (OCR conversions,
some templates) or of the body, VML and DrawingML (inside `mc:AlternateContent` with a VML copy
as fallback) — read once each, in reading order, at their x-range on the page."""
from __future__ import annotations

import zipfile

import pytest

from extractors.errors import DocumentError
from extractors.fields import extract_fields
from extractors.readers import read_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def _paras(lines: list[str], bold: bool = True) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    out = []
    for text in lines:
        runs = []
        for k, part in enumerate(text.split("\t")):
            if k:
                runs.append(f"<w:r>{rpr}<w:tab/></w:r>")
            runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{part}</w:t></w:r>')
        out.append("<w:p>" + "".join(runs) + "</w:p>")
    return "".join(out)


def vml_box(lines: list[str], left_pt: float, top_pt: float, width_pt: float, relative: str = "page") -> str:
    style = (f"position:absolute;margin-left:{left_pt}pt;margin-top:{top_pt}pt;width:{width_pt}pt;height:30pt;"
             f"mso-position-horizontal-relative:{relative};mso-position-vertical-relative:{relative}")
    return (f'<w:r><w:pict><v:shape style="{style}" filled="f" stroked="f"><v:textbox>'
            f"<w:txbxContent>{_paras(lines)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")


def drawing_box(lines: list[str], left_pt: float, top_pt: float, width_pt: float) -> str:
    """A DrawingML text box with its VML fallback copy (as Word 2010+ saves it)."""
    emu = lambda pt: int(pt * 12700)  # noqa: E731
    choice = (f'<w:drawing><wp:anchor behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
              f'relativeHeight="1" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
              f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(left_pt)}</wp:posOffset></wp:positionH>'
              f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(top_pt)}</wp:posOffset></wp:positionV>'
              f'<wp:extent cx="{emu(width_pt)}" cy="{emu(40)}"/><wp:wrapNone/><wp:docPr id="5" name="Text Box 5"/>'
              f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
              f"<wps:wsp><wps:txbx><w:txbxContent>{_paras(lines)}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
              f"</a:graphicData></a:graphic></wp:anchor></w:drawing>")
    fallback = (f'<w:pict><v:shape style="position:absolute;margin-left:{left_pt}pt;margin-top:{top_pt}pt;'
                f'width:{width_pt}pt;height:40pt;mso-position-horizontal-relative:page">'
                f"<v:textbox><w:txbxContent>{_paras(lines)}</w:txbxContent></v:textbox></v:shape></w:pict>")
    return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
            f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>")


def _anchor_paragraph(runs_xml: str):
    from docx.oxml import parse_xml

    return parse_xml(f"<w:p {NS}>{runs_xml}</w:p>")


def build(path, header_boxes: str | None = None, body_boxes: str | None = None, header_text: list[str] = (),
          body: list[str] = ()):
    """A DOCX (python-docx) whose page-1 header part and/or body hold text boxes."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.left_margin, section.right_margin = Pt(612), Pt(72), Pt(72)
    header = section.header
    header.is_linked_to_previous = False
    for text in header_text:
        header.add_paragraph(text)
    if header_boxes:
        header._element.append(_anchor_paragraph(header_boxes))
    if body_boxes:
        document.element.body.insert(0, _anchor_paragraph(body_boxes))
    for text in body:
        document.add_paragraph(text)
    document.save(str(path))
    return path


HEADER_LEFT = ["ƯBND TỈNH AN GIANG", "TRƯỜNG ĐẠI HỌC AN GIANG", "Số: 2442/QĐ-ĐHAG"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "An Giang, ngày 11 tháng 11 năm 2016"]
BODY = ["QUYẾT ĐỊNH", "Về việc ban hành Quy định chế độ làm việc của giảng viên",
        "HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC AN GIANG",
        "Căn cứ Quyết định số 1259/QĐ-UBND ngày 06/5/2016 của Chủ tịch UBND tỉnh An Giang;",
        "Căn cứ Thông tư số 47/2014/TT-BGDĐT ngày 31/12/2014 của Bộ Giáo dục và Đào tạo;",
        "QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này Quy định chế độ làm việc của giảng viên.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]


def test_header_part_text_boxes_are_read_first_in_two_columns(tmp_path):
    boxes = vml_box(HEADER_LEFT, 80, 30, 220) + vml_box(HEADER_RIGHT, 320, 30, 240)
    path = build(tmp_path / "hdr.docx", header_boxes=boxes, header_text=["1"], body=BODY)
    doc = read_document(path)
    texts = [l.text for l in doc.lines]
    assert texts[:2] == ["ƯBND TỈNH AN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]   # side by side
    assert "1" not in texts                                    # the page number of the header part
    assert texts.index("Số: 2442/QĐ-ĐHAG") < texts.index("QUYẾT ĐỊNH")
    left = next(l for l in doc.lines if l.text == "TRƯỜNG ĐẠI HỌC AN GIANG")
    right = next(l for l in doc.lines if l.text.startswith("An Giang, ngày"))
    assert left.x1 <= 530 and right.x0 >= 470                  # their columns on the 1000-unit page
    f = extract_fields(doc)
    assert f["issuer"].value == "Trường Đại học An Giang"
    assert f["issuer_parent"].value == "UBND tỉnh An Giang"      # the stray mark of `ƯBND` fixed
    assert f["symbol"].value == "2442/QĐ-ĐHAG"
    assert f["date"].value == "2016-11-11" and f["place"].value == "An Giang"
    assert f["doc_type"].value == "Quyết định"


def test_alternate_content_box_is_read_once(tmp_path):
    box = drawing_box(["SỞ Y TẾ", "Số: 15/SYT-VP"], 80, 40, 220) + \
        drawing_box(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kiên Giang, ngày 5 tháng 4 năm 2018"], 320, 40, 240)
    path = build(tmp_path / "ac.docx", body_boxes=box,
                 body=["V/v triển khai kế hoạch", "Kính gửi: Các đơn vị trực thuộc.",
                       "Sở Y tế đề nghị các đơn vị triển khai thực hiện kế hoạch năm 2018./."])
    doc = read_document(path)
    texts = [l.text for l in doc.lines]
    assert texts.count("SỞ Y TẾ") == 1 and texts.count("Số: 15/SYT-VP") == 1
    so = next(l for l in doc.lines if l.text == "Số: 15/SYT-VP")
    date = next(l for l in doc.lines if l.text.startswith("Kiên Giang"))
    assert so.x1 < date.x0                                     # left box, right box
    assert abs(so.top - date.top) < 1e-6                       # laid out side by side
    f = extract_fields(doc)
    assert f["issuer"].value == "Sở Y tế" and f["symbol"].value == "15/SYT-VP"
    assert f["date"].value == "2018-04-05"


def test_docx_without_text_boxes_reads_as_before(tmp_path):
    path = build(tmp_path / "plain.docx", body=BODY)
    texts = [l.text for l in read_document(path).lines]
    assert texts == BODY


def test_hostile_header_part_is_still_refused(tmp_path):
    """Reading header parts does not open a way around the XML checks: a DOCTYPE in a header
    part is refused before python-docx parses anything."""
    path = build(tmp_path / "h.docx", header_boxes=vml_box(HEADER_LEFT, 80, 30, 220), body=BODY)
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("word/header") and item.filename.endswith(".xml"):
                data = data.replace(b"?>", b'?><!DOCTYPE w:hdr [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            dst.writestr(item, data)
    with pytest.raises(DocumentError) as info:
        read_document(hostile)
    assert info.value.error_class == "unsafe_content"


def test_text_boxes_nested_deeply_are_cut_not_crashing(tmp_path):
    inner = vml_box(["SỞ Y TẾ"], 80, 30, 200)
    for _ in range(30):         # boxes inside boxes far past anything Word writes
        inner = (f'<w:r><w:pict><v:shape style="position:absolute;margin-left:80pt;width:200pt">'
                 f'<v:textbox><w:txbxContent><w:p>{inner}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    path = build(tmp_path / "nested.docx", body_boxes=inner, body=["Kính gửi: Các đơn vị."])
    texts = [l.text for l in read_document(path).lines]
    assert "Kính gửi: Các đơn vị." in texts and "SỞ Y TẾ" not in texts
