"""Độ khẩn / độ mật marks (extractors/marks.py) on built layouts, and the record keys they fill."""
from __future__ import annotations

from layout_builders import H, body, document, line, text_document

from extractors.marks import extract_marks
from extractors.pipeline import record_from_document


def _header(*marks: str, y_mark: float = 130):
    lines = [line("ỦY BAN NHÂN DÂN", 60, 220, 60, bold=True), line("TỈNH LẠNG SƠN", 80, 200, 75, bold=True),
             line("Số: 15/UBND-KT", 70, 210, 100)]
    lines += [line(m, 70, 200, y_mark + 16 * i, bold=True) for i, m in enumerate(marks)]
    return lines + body(300, 8)


def test_stamps_in_the_header():
    assert extract_marks(document(_header("HỎA TỐC", "MẬT"))) == {"urgency": "Hỏa tốc", "confidentiality": "Mật"}
    assert extract_marks(document(_header("THƯỢNG KHẨN"))) == {"urgency": "Thượng khẩn", "confidentiality": None}
    assert extract_marks(document(_header("KHẨN!", "TỐI MẬT")))["confidentiality"] == "Tối mật"
    assert extract_marks(document(_header("HOẢ TỐC")))["urgency"] == "Hỏa tốc"        # old tone placement


def test_words_in_sentences_and_low_lines_are_not_marks():
    doc = document(_header() + [line("khẩn trương triển khai, giữ bí mật", 70, 500, 200),
                                line("KHẨN", 70, 200, H * 0.8)])
    assert extract_marks(doc) == {"urgency": None, "confidentiality": None}


def test_labelled_marks_of_an_electronic_document():
    doc = text_document("UBND TỈNH A\nSố: 1/UBND\nĐộ khẩn: Thượng khẩn\nĐộ mật: Tuyệt mật\nKính gửi: Sở Y tế")
    assert extract_marks(doc) == {"urgency": "Thượng khẩn", "confidentiality": "Tuyệt mật"}


def test_record_carries_the_keys():
    record = record_from_document("x", document(_header("HỎA TỐC")))
    data = record.contract()
    assert data["urgency"] == "Hỏa tốc" and "confidentiality" in data and data["confidentiality"] is None


def test_marks_of_generated_documents(tmp_path):
    """A sample document of samples/specs.py printed as DOCX and PDF with a HỎA TỐC mark → urgency;
    without the mark → none."""
    import dataclasses

    import generator
    import specs

    from extractors.pipeline import extract_record

    marked = dataclasses.replace(specs.CV_QUANGTRI, mark="HỎA TỐC")
    for build, suffix in ((generator.build_docx, "docx"), (generator.build_pdf_reportlab, "pdf")):
        record = extract_record(build(marked, tmp_path / f"cv.{suffix}"))
        assert (record.urgency, record.confidentiality) == ("Hỏa tốc", None), suffix
        assert extract_record(build(specs.CV_QUANGTRI, tmp_path / f"plain.{suffix}")).urgency is None, suffix
