"""OCR path on generated scans: a document page drawn with a Vietnamese font, degraded like a
scan (slight rotation, blur, noise, a red round stamp), read back through `read_document`.

Needs the tesseract binary with Vietnamese data (installed by scripts/setup.sh)."""
from __future__ import annotations

import difflib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from extractors.errors import DocumentError
from extractors.limits import Limits
from extractors.readers import read_document

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
NUMBER_LINE = "Số: 125/UBND-KGVX"
DATE_LINE = "Quảng Ngãi, ngày 15 tháng 3 năm 2024"
BODY = [
    "Kính gửi: Sở Giáo dục và Đào tạo tỉnh",
    "Thực hiện Công văn số 1141/BGDĐT-GDTrH ngày 24 tháng 10 năm 2023 của Bộ",
    "Giáo dục và Đào tạo về việc tăng cường công tác quản lý, Ủy ban nhân dân",
    "tỉnh đề nghị Sở Giáo dục và Đào tạo triển khai thực hiện các nội dung sau:",
    "1. Tổ chức kiểm tra, đánh giá việc thực hiện chương trình năm học.",
    "2. Báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 30 tháng 4 năm 2024.",
]
FOOTER_LEFT = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, KGVX."]
FOOTER_RIGHT = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", "Trần Văn Hùng"]


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    path = FONT_DIR / name
    if not path.exists():
        pytest.skip("DejaVu fonts not installed")
    return ImageFont.truetype(str(path), size)


def draw_page(dpi: int = 200):
    """A clean A4 page image of a công văn (header columns, body, footer columns)."""
    from PIL import Image, ImageDraw

    scale = dpi / 72.0
    width, height = int(595 * scale), int(842 * scale)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    pt = lambda v: int(v * scale)  # noqa: E731
    normal, bold = _font(pt(12)), _font(pt(12), bold=True)

    def centred(text, cx, y, font):
        w = draw.textlength(text, font=font)
        draw.text((cx - w / 2, y), text, fill="black", font=font)

    left_cx, right_cx = pt(150), pt(400)
    centred(HEADER_LEFT[0], left_cx, pt(50), normal)
    centred(HEADER_LEFT[1], left_cx, pt(66), bold)
    centred(HEADER_RIGHT[0], right_cx, pt(50), bold)
    centred(HEADER_RIGHT[1], right_cx, pt(66), bold)
    centred(NUMBER_LINE, left_cx, pt(100), normal)
    centred(DATE_LINE, right_cx, pt(100), _font(pt(12)))
    y = pt(150)
    for line in BODY:
        draw.text((pt(70), y), line, fill="black", font=normal)
        y += pt(20)
    y += pt(30)
    for i, line in enumerate(FOOTER_LEFT):
        draw.text((pt(70), y + i * pt(16)), line, fill="black", font=bold if i == 0 else normal)
    for i, line in enumerate(FOOTER_RIGHT):
        if line:
            centred(line, right_cx, y + i * pt(16), bold)
    return page


def red_stamp(diameter: int):
    """A red round seal (ring + text), RGBA."""
    from PIL import Image, ImageDraw

    stamp = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    draw = ImageDraw.Draw(stamp)
    red = (200, 30, 40, 200)
    draw.ellipse((2, 2, diameter - 3, diameter - 3), outline=red, width=max(3, diameter // 40))
    draw.ellipse((diameter // 6, diameter // 6, diameter * 5 // 6, diameter * 5 // 6), outline=red, width=2)
    font = _font(max(10, diameter // 10), bold=True)
    text = "ỦY BAN"
    w = draw.textlength(text, font=font)
    draw.text(((diameter - w) / 2, diameter * 0.42), text, fill=red, font=font)
    return stamp


def degrade(page, angle: float = 1.2, blur: float = 0.8, noise: float = 10.0, stamp_at=None, seed: int = 1):
    """Scan-like copy: red stamp over the signature, slight rotation, blur, noise."""
    import numpy as np
    from PIL import Image, ImageChops, ImageFilter

    page = page.convert("RGB")
    if stamp_at is not None:                       # ink multiplies: black text stays black under red
        stamp = red_stamp(int(page.width * 0.19))
        layer = Image.new("RGB", page.size, "white")
        layer.paste(stamp, stamp_at, stamp)
        page = ImageChops.multiply(page, layer)
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor="white")
    page = page.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(page).astype(np.float32)
    arr += np.random.default_rng(seed).normal(0, noise, size=arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def best_match(target: str, lines: list[str]) -> float:
    """Similarity of `target` to the closest OCR line (case/space-insensitive)."""
    target = norm(target)
    return max((difflib.SequenceMatcher(None, target, norm(line)).ratio() for line in lines), default=0.0)


@pytest.fixture(scope="module")
def scan_png(tmp_path_factory) -> Path:
    page = draw_page(200)
    scan = degrade(page, stamp_at=(int(page.width * 0.42), int(page.height * 0.345)))
    path = tmp_path_factory.mktemp("scan") / "scan.png"
    scan.save(path, dpi=(200, 200))
    return path


@pytest.fixture(scope="module")
def scan_doc(scan_png):
    return read_document(scan_png, Limits())


def test_image_scan_recovers_header_and_footer(scan_doc):
    lines = [line.text for line in scan_doc.lines]
    assert scan_doc.format == "image" and scan_doc.pages[0].method == "ocr"
    for target in HEADER_LEFT + HEADER_RIGHT + [NUMBER_LINE, DATE_LINE, "Kính gửi: Sở Giáo dục và Đào tạo tỉnh",
                                                 "Nơi nhận:", "KT. CHỦ TỊCH", "Trần Văn Hùng"]:
        assert best_match(target, lines) >= 0.85, (target, lines)


def test_scan_columns_are_separate_lines(scan_doc):
    """Issuer and motto share a row but must be different lines, left and right of centre."""
    page = scan_doc.pages[0]
    mid = page.width / 2
    motto = max(page.lines, key=lambda l: difflib.SequenceMatcher(None, norm(HEADER_RIGHT[0]), norm(l.text)).ratio())
    issuer = max(page.lines, key=lambda l: difflib.SequenceMatcher(None, norm(HEADER_LEFT[0]), norm(l.text)).ratio())
    assert issuer is not motto
    assert issuer.x1 < mid + 20 and motto.x0 > mid - 60
    assert abs(issuer.top - motto.top) < 10
    assert "ngày" not in norm(issuer.text) and "số" not in norm(motto.text)


def test_ocr_words_carry_confidence_and_page_conf(scan_doc):
    page = scan_doc.pages[0]
    assert page.ocr_conf is not None and 0.5 < page.ocr_conf <= 1.0
    words = [w for line in page.lines for w in line.words]
    assert words and all(0.0 <= w.conf <= 1.0 for w in words)
    assert all(line.source == "ocr" for line in page.lines)
    assert scan_doc.notes.ocr[1].words == len(words) or len(words) > 50


def test_page_images_given_to_tesseract_are_private_and_removed(scan_doc):
    """Tesseract reads each page image from a file (cheaper than stdin) in the process's 0700
    scratch folder; none is left once the page is read."""
    from extractors.readers.proc import scratch_dir

    folder = Path(scratch_dir())
    assert scan_doc.pages[0].method == "ocr"
    assert folder.stat().st_mode & 0o777 == 0o700 and list(folder.iterdir()) == []


def test_tesseract_reads_stdin_when_no_scratch_file_can_be_written(monkeypatch, tmp_path):
    """A full or tiny /dev/shm must not lose the page: the image then goes through stdin, with
    the same words."""
    from extractors.readers import ocr

    image = draw_page(100).convert("L")
    from_file = ocr.tesseract_tsv(image, 100, Limits())
    monkeypatch.setattr(ocr, "scratch_dir", lambda: str(tmp_path / "missing"))
    from_stdin = ocr.tesseract_tsv(image, 100, Limits())
    assert from_file and from_stdin == from_file


def test_scanned_pdf_with_rotated_page(tmp_path):
    """A 2-page image-only PDF; page 2 is stored upside down: OSD turns it back."""
    page = draw_page(200)
    first = degrade(page, angle=0.6, seed=2)
    second = degrade(page, angle=-0.5, seed=3).rotate(180)
    pdf = tmp_path / "scan.pdf"
    first.save(pdf, "PDF", resolution=200.0, save_all=True, append_images=[second])
    doc = read_document(pdf, Limits())
    assert [p.method for p in doc.pages] == ["ocr", "ocr"]
    assert doc.notes.ocr[2].rotation == 180
    for p in doc.pages:
        lines = [line.text for line in p.lines]
        assert best_match(NUMBER_LINE, lines) >= 0.85, lines
        assert best_match(DATE_LINE, lines) >= 0.85, lines


def test_sideways_image_is_turned(tmp_path):
    page = draw_page(200).rotate(90, expand=True)
    path = tmp_path / "sideways.png"
    page.save(path)
    doc = read_document(path, Limits())
    assert doc.notes.ocr[1].rotation in (90, 270)
    assert doc.pages[0].height > doc.pages[0].width
    assert best_match(HEADER_RIGHT[0], [l.text for l in doc.lines]) >= 0.85


def test_multipage_tiff(tmp_path):
    page = draw_page(150).convert("L")
    path = tmp_path / "two.tif"
    page.save(path, save_all=True, append_images=[page.copy()], dpi=(150, 150))
    doc = read_document(path, Limits())
    assert len(doc.pages) == 2
    assert all(best_match(NUMBER_LINE, [l.text for l in p.lines]) >= 0.85 for p in doc.pages)


def test_oversized_image_is_too_large(tmp_path):
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("L", (3000, 3000), 255).save(path)
    with pytest.raises(DocumentError) as err:
        read_document(path, Limits(max_image_pixels=1_000_000))
    assert err.value.error_class == "too_large"


def test_hanging_tesseract_is_killed(tmp_path, monkeypatch):
    """A tesseract that never answers is stopped at Limits.ocr_timeout → class `timeout`."""
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nsleep 60 &\nsleep 60\n")
    fake.chmod(0o755)
    from extractors.readers import ocr

    monkeypatch.setattr(ocr, "TESSERACT", str(fake))
    path = tmp_path / "p.png"
    draw_page(100).save(path)
    with pytest.raises(DocumentError) as err:
        read_document(path, Limits(ocr_timeout=1.5))
    assert err.value.error_class == "timeout"
    left = subprocess.run(["pgrep", "-f", str(fake)], capture_output=True, text=True).stdout.split()
    assert left == []
    from extractors.readers.proc import scratch_dir
    assert list(Path(scratch_dir()).iterdir()) == []     # the page image is removed after a kill too
