"""The C helper of the PDF reader (`extractors/readers/pdfium_words.c`) gives what the same pdfium
calls give from Python: the same boxes per word, the same words per page."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.limits import Limits
from extractors.readers import native, pdf
from tests.pdf_builders import canvas as _canvas
from tests.pdf_builders import header_pdf as _header_pdf
from tests.pdf_builders import rl_fonts

ROOT = Path(__file__).resolve().parent.parent
COMPILER = shutil.which("cc") or shutil.which("gcc")


@pytest.fixture()
def helper():
    if not COMPILER:
        pytest.skip("no C compiler: the reader makes its pdfium calls from Python")
    assert native.build() == native.library_path()
    _clear()
    words = native.page_words()
    assert words is not None
    yield words
    _clear()


@pytest.fixture(scope="module")
def fonts():
    return rl_fonts()


def _clear():
    native.library.cache_clear()
    native.page_words.cache_clear()
    native.line_groups.cache_clear()


def _mixed_pdf(path: Path, fonts) -> Path:
    """Font changes inside words, a line-end hyphen, one-char words, a turned line."""
    from reportlab.lib.pagesizes import A4

    regular, bold, italic, _ = fonts
    height = A4[1]
    c = _canvas(path)
    c.setFont(regular, 13)
    c.drawString(60, height - 100, "Phấn đấu thực hiện đúng ngành nghề và sở tr-")
    c.drawString(60, height - 116, "ường đào tạo của mình. a b c - 1 2")
    text = c.beginText(60, height - 140)
    for face, piece in ((bold, "Số:"), (regular, "123/"), (italic, "UBND-VX"), (regular, " ngày")):
        text.setFont(face, 13)
        text.textOut(piece)
    c.drawText(text)
    c.saveState()
    c.translate(300, 300)
    c.rotate(30)
    c.drawString(0, 0, "Dòng chữ nghiêng ba mươi độ")
    c.restoreState()
    c.showPage()
    c.save()
    return path


def _pdfs(tmp_path, fonts):
    made = [_mixed_pdf(tmp_path / "mixed.pdf", fonts), _header_pdf(tmp_path / "header.pdf", fonts)]
    return made + sorted(p for p in (ROOT / "samples" / "docs").glob("*.pdf"))


def test_helper_separators_are_the_regex(helper):
    """The helper's word separators are exactly those of `pdf._WORD` (Python's white space, C0
    controls, U+FFFF), over every code point."""
    import re

    lib = native.library()
    sep = re.compile(r"[\s\x00-\x1f\uffff]")
    assert [c for c in range(0x110000) if bool(lib.congvan_separator(c)) != bool(sep.match(chr(c)))] == []


def _runs(address, spans, first_objs):
    """(first word, (font name, font size, a, b, c, d)) of each run of words starting in one text
    object, through the same pdfium calls from Python."""
    import ctypes

    import pypdfium2.raw as R

    f = pdf._fast()
    page, name, flags, matrix = ctypes.c_void_p(address), ctypes.create_string_buffer(256), ctypes.c_int(), R.FS_MATRIX()
    out = []
    for k, obj in enumerate(first_objs):
        if obj and (k == 0 or first_objs[k - 1] != obj):
            start = spans[k][0]
            f["GetFontInfo"](page, start, name, ctypes.c_ulong(256), ctypes.byref(flags))
            f["GetMatrix"](page, start, ctypes.byref(matrix))
            out.append((k, (name.value, f["GetFontSize"](page, start), matrix.a, matrix.b, matrix.c, matrix.d)))
    return out


def test_helper_words_are_the_python_ones(helper, tmp_path, fonts):  # noqa: F811
    import ctypes

    import pypdfium2 as pdfium

    pages = 0
    for path in _pdfs(tmp_path, fonts):
        doc = pdfium.PdfDocument(str(path))
        for page in doc:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            spans = pdf.word_spans(text)
            address = ctypes.cast(textpage.raw, ctypes.c_void_p).value
            if "\ufffe" not in text:             # a line-end hyphen: the reader's Python path
                starts, ends, *boxes, runs = helper(address, text)
                assert list(zip(starts, ends)) == spans
                assert tuple(boxes) == pdf._word_boxes(address, spans)
                assert runs == _runs(address, spans, boxes[0])
                pages += bool(spans)
            odd = "\x00 a\u3000b\x85c\U0001d400d\ud800 e\uffff\x1ff "   # NUL, odd spaces, astral, a lone surrogate
            assert list(zip(*helper(address, odd)[:2])) == pdf.word_spans(odd)   # (its boxes: any)
            textpage.close()
            page.close()
        doc.close()
    assert pages >= 8


def test_same_words_with_and_without_helper(helper, tmp_path, fonts, monkeypatch):  # noqa: F811
    paths = _pdfs(tmp_path, fonts)
    with_helper = [pdf.read_pdf(p, Limits()) for p in paths]
    monkeypatch.setenv("CONGVAN_NATIVE", "0")
    _clear()
    assert native.page_words() is None
    without = [pdf.read_pdf(p, Limits()) for p in paths]
    assert with_helper == without
    words = [w.text for w in with_helper[0].pages[0].lines[2].words]
    assert words == ["Số:", "123/", "UBND-VX", "ngày"]   # cut at the font changes inside a word


def test_stale_build_is_not_loaded(tmp_path, monkeypatch):
    """A build of another source version (another hash in its name) is never loaded."""
    monkeypatch.setattr(native, "SOURCE", tmp_path / "changed.c")
    (tmp_path / "changed.c").write_text("/* another version */\n")
    monkeypatch.setattr(native, "BUILD_DIR", tmp_path / "_native")
    _clear()
    try:
        assert native.library() is None and native.page_words() is None and native.line_groups() is None
    finally:
        _clear()


def test_helper_lines_are_the_python_ones(helper, monkeypatch):
    """`build_lines` through the helper's grouping and through Python give the same lines: random
    boxes with ties in centres and x0, zero and negative heights, both sides of the centre, with
    and without the header's narrow-gutter rule (a page height)."""
    import random

    from extractors.readers import lines as lines_module
    from models.layout import Word

    rng = random.Random(7)
    grid = [0.0, 10.0, 10.5, 12.0, 100.0, 290.0, 297.5, 300.0, 305.0, 420.0, 590.0]
    cases = 0
    for _ in range(400):
        words = []
        for _ in range(rng.randint(0, 40)):
            top = rng.choice(grid[:6]) + rng.choice([0.0, 0.25, 3.0])
            height = rng.choice([0.0, 0.5, 10.0, 12.0, 14.0, -2.0])
            x0 = rng.choice(grid) + rng.choice([0.0, 1.0, 25.0])
            words.append(Word(rng.choice(["Sở", "a", "12", " ", "Hà Nội", "-"]), x0, top, x0 + rng.choice([0.0, 5.0, 40.0]),
                              top + height, rng.choice([1.0, 0.5]), rng.random() < 0.3, rng.random() < 0.2,
                              rng.choice([None, 13.0, 14.0])))
        height = rng.choice([None, 842.0, 60.0])
        with_helper = lines_module.build_lines(words, 1, 595.0, "ocr" if height else "text", page_height=height)
        monkeypatch.setattr(lines_module, "line_groups", lambda: None)
        plain = lines_module.build_lines(words, 1, 595.0, "ocr" if height else "text", page_height=height)
        monkeypatch.undo()
        assert with_helper == plain
        cases += bool(plain)
    assert cases > 300
    nan = [Word("a", float("nan"), 0.0, 1.0, 1.0), Word("b", 0.0, 0.0, 1.0, 1.0)]
    assert native.line_groups()(nan, 595.0, None) is None       # the Python version decides
