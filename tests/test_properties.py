"""Property-based tests (hypothesis) for the text-level extractors.

Arbitrary Unicode in — including control characters, combining marks, surrogate-free
astral characters and ND30-shaped lines built from random parts — no exception out, and
the record is valid against the record model and the contract's value formats.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.errors import DocumentError
from extractors.fields import extract_fields
from extractors.lang import encodings
from extractors.normalize import normalize_text
from extractors.pipeline import record_from_document
from extractors.safety import check_content, suspicious_char_share, vietnamese_word_share
from extractors.tasks import extract_tasks
from models.layout import Document, Line, Page
from models.record import DocumentRecord

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
vn_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " .,:;/-()0123456789", max_size=120)

# Pieces of ND30 layout with random holes: they steer the extractors into their real paths.
ND30_PIECES = [
    "ỦY BAN NHÂN DÂN", "TỈNH {w}", "Số: {n}/{W}-{W}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc", "{w}, ngày {d} tháng {m} năm {y}", "QUYẾT ĐỊNH", "CÔNG VĂN",
    "V/v {w}", "Kính gửi: {w}; {w}.", "Căn cứ Nghị định số {n}/{y}/NĐ-CP ngày {d}/{m}/{y} của Chính phủ;",
    "{n}. Giao {w} chủ trì, phối hợp với {w} {w}; hoàn thành trước ngày {d}/{m}/{y}.",
    "- {w} có trách nhiệm {w} trong tháng {m}/{y}.", "Điều {n}. {w}", "Nơi nhận:", "- Như trên;",
    "- Lưu: VT, {W}.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "{w} {w} {w}", "PHỤ LỤC", "{w}./.",
]


@st.composite
def nd30_line(draw) -> str:
    template = draw(st.sampled_from(ND30_PIECES))
    words = st.one_of(any_text, vn_text)
    out = []
    for part in re.split(r"(\{\w\})", template):
        if part == "{w}":
            out.append(draw(words))
        elif part == "{W}":
            out.append(draw(vn_text).upper().replace(" ", "") or "UBND")
        elif part == "{n}":
            out.append(str(draw(st.integers(min_value=-5, max_value=10**7))))
        elif part in ("{d}", "{m}"):
            out.append(str(draw(st.integers(min_value=0, max_value=99))))
        elif part == "{y}":
            out.append(str(draw(st.integers(min_value=0, max_value=99999))))
        else:
            out.append(part)
    return "".join(out)


@st.composite
def documents(draw) -> Document:
    texts = draw(st.lists(st.one_of(nd30_line(), any_text, vn_text), max_size=40))
    pages: list[Page] = []
    n_pages = draw(st.integers(min_value=1, max_value=3))
    for number in range(1, n_pages + 1):
        lines = []
        y = 0.0
        for text in texts[number - 1::n_pages]:
            x0 = draw(st.sampled_from([0.0, 50.0, 300.0, 520.0]))
            width = draw(st.sampled_from([0.0, 40.0, 250.0, 500.0]))
            y += draw(st.sampled_from([0.0, 8.0, 14.0, 40.0]))
            cell = draw(st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 1))))
            lines.append(Line(text=text, page=number, x0=x0, top=y, x1=x0 + width, bottom=y + 12,
                              bold=draw(st.booleans()), italic=draw(st.booleans()),
                              conf=draw(st.sampled_from([1.0, 0.9, 0.3, 0.0])), cell=cell,
                              size=draw(st.sampled_from([None, 13.0, 14.0])),
                              source=draw(st.sampled_from(["text", "ocr", "docx", "txt"]))))
        pages.append(Page(number=number, width=595.0, height=842.0, lines=lines,
                          method=draw(st.sampled_from(["text", "ocr", "docx"]))))
    return Document(path="generated.pdf", format=draw(st.sampled_from(["pdf", "docx", "txt"])), pages=pages)


def _valid_iso(value: str | None) -> bool:
    if value is None:
        return True
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            dt.datetime.strptime(value, fmt)
            return True
        except ValueError:
            continue
    return False


@SETTINGS
@given(any_text)
def test_normalize_text_any_unicode(text):
    out = normalize_text(text)
    assert isinstance(out, str)
    assert out == out.strip()
    assert unicodedata.is_normalized("NFC", out)
    assert "\u200b" not in out and "\ufeff" not in out


@SETTINGS
@given(st.one_of(any_text, vn_text))
def test_encodings_any_unicode(text):
    assert encodings.detect(text) in (None, "tcvn3", "vni", "viqr")
    assert isinstance(encodings.repair(text), str)
    for name in ("tcvn3", "vni", "viqr"):
        assert isinstance(encodings.convert(text, name), str)


@SETTINGS
@given(vn_text)
def test_vni_round_trip_of_vietnamese_text(text):
    text = unicodedata.normalize("NFC", text)
    assert encodings.vni_to_unicode(encodings.unicode_to_vni(text)) == text


@SETTINGS
@given(documents())
def test_fields_tasks_and_record_on_arbitrary_lines(doc):
    fields = extract_fields(doc)
    assert isinstance(fields, dict)
    for name, fv in fields.items():
        assert 0.0 <= fv.confidence <= 1.0, (name, fv.confidence)
    assert isinstance(extract_tasks(doc, fields), list)
    record = record_from_document("generated", doc)
    again = DocumentRecord.model_validate(record.contract())
    assert again.id == "generated"
    assert _valid_iso(record.date), record.date
    for task in record.tasks:
        assert _valid_iso(task.deadline), task.deadline
        assert isinstance(task.action, str)
    for reference in record.references:
        assert reference.symbol
        assert _valid_iso(reference.date), reference.date


@FEW
@given(documents())
def test_content_checks_only_raise_document_errors(doc):
    try:
        check_content(doc, doc.format)
    except DocumentError as exc:
        assert exc.error_class in ("unsupported_format", "not_a_document")
    assert 0.0 <= suspicious_char_share(doc.text) <= 1.0
    words, share = vietnamese_word_share(doc.text)
    assert words >= 0 and 0.0 <= share <= 1.0
