"""spaCy components and underthesea POS run offline and find bodies and subjects."""
import socket

import pytest

from extractors import nlp


@pytest.fixture
def no_network(monkeypatch):
    def guard(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", guard)


def test_spacy_pipeline_offline(no_network):
    pipe = nlp.get_spacy()
    assert pipe is not None
    assert pipe.pipe_names == ["congvan_bodies"]
    doc = pipe("Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư hoàn thành trước ngày 30/6/2023.")
    assert [e.text for e in doc.ents] == ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]


def test_collective_and_unlisted_names():
    text = "Các sở, ban, ngành và UBND các huyện, thành phố khẩn trương đề ra các giải pháp"
    assert [text[s:e] for s, e in nlp.bodies(text)] == ["Các sở, ban, ngành", "UBND các huyện, thành phố"]
    text = "Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi tiếp thu các ý kiến"
    assert [text[s:e] for s, e in nlp.bodies(text)] == ["Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi"]


def test_underthesea_subject_end(no_network):
    assert "Khoa nhận hồ sơ"[:nlp.subject_end("Khoa nhận hồ sơ")] == "Khoa"
    assert nlp.subject_end("Tổ chức triển khai ứng dụng các tiến bộ") == 0 or \
        not "Tổ chức triển khai"[:nlp.subject_end("Tổ chức triển khai ứng dụng")].endswith("ứng dụng")


def test_switches_for_the_ablation():
    try:
        nlp.set_enabled(spacy=False)
        assert nlp.get_spacy() is None
        text = "Sở Y tế chủ trì"
        assert [text[s:e] for s, e in nlp.bodies(text)] == ["Sở Y tế"]
    finally:
        nlp.set_enabled(spacy=True)


def test_folded_gazetteer_matching_and_place_extension():
    # OCR tone errors still match the gazetteer (spaCy NORM = folded token)
    text = "Sở Tai chinh chủ trì thẩm định"
    assert [text[s:e] for s, e in nlp.bodies(text)][0] == "Sở Tai chinh"
    # a body named without a head word takes its place name
    text = "VNPT Quảng Ngãi chủ động phối hợp với Cục Thuế tỉnh"
    assert [text[s:e] for s, e in nlp.bodies(text)] == ["VNPT Quảng Ngãi", "Cục Thuế tỉnh"]
    # folding makes `quan` look like `quận`: not part of the collective
    text = "thủ trưởng các đơn vị quan tâm chỉ đạo"
    assert [text[s:e] for s, e in nlp.bodies(text)] == ["thủ trưởng các đơn vị"]


def test_document_names_only_with_spacy():
    text = "Trung tâm Quản lý chất lượng thông báo kế hoạch"
    try:
        with nlp.document_names(["Trung tâm Quản lý chất lượng"]):
            assert [text[s:e] for s, e in nlp.bodies(text)] == ["Trung tâm Quản lý chất lượng"]
            nlp.set_enabled(spacy=False)
            assert [text[s:e] for s, e in nlp.bodies(text)] != ["Trung tâm Quản lý chất lượng"]
    finally:
        nlp.set_enabled(spacy=True)
    assert nlp.current_names() == ()
    assert [text[s:e] for s, e in nlp.bodies(text)] == ["Trung tâm Quản"]


def test_document_names_ride_on_the_doc():
    """The component reads the document's names from the `Doc` it is given, not from a global."""
    pipe = nlp.get_spacy()
    if pipe is None:
        pytest.skip("spaCy switched off")
    text = "Trung tâm Quản lý chất lượng thông báo kế hoạch"
    doc = pipe.make_doc(text)
    doc.user_data["congvan_names"] = ("Trung tâm Quản lý chất lượng",)
    assert [e.text for e in pipe.get_pipe("congvan_bodies")(doc).ents] == ["Trung tâm Quản lý chất lượng"]
    assert [e.text for e in pipe(text).ents] == ["Trung tâm Quản"]


def test_underthesea_name_end(no_network):
    text = "Phòng Khảo thí và Kiểm định chất lượng giáo dục tổng hợp số liệu"
    assert text[:nlp.name_end(text, len("Phòng Khảo thí và Kiểm"))] == "Phòng Khảo thí và Kiểm định chất lượng giáo dục"
    text = "Các đơn vị trực thuộc ngành Y tế Kiên Giang căn cứ vào tình hình thực tế"
    assert text[:nlp.name_end(text, len("Các đơn vị trực thuộc"))] == "Các đơn vị trực thuộc ngành Y tế Kiên Giang"
    text = "Sở Xây dựng hướng dẫn các địa phương"   # `hướng dẫn` is a verb, not a field
    assert nlp.name_end(text, len("Sở Xây dựng")) == len("Sở Xây dựng")
    try:
        nlp.set_enabled(underthesea=False)
        assert nlp.name_end("Trung tâm Quản lý chất lượng thông báo", len("Trung tâm Quản")) == len("Trung tâm Quản")
    finally:
        nlp.set_enabled(underthesea=True)
