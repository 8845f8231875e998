"""Names stamped in colour beside a red seal, and thin strokes of a crisp scan, for the OCR rescue."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.limits import Limits
from extractors.readers import ocr
from extractors.readers.render import to_grey

DPI = 200


def _font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _page_with_red_seal_and_name():
    """An A4 page at 200 dpi: a red seal (4 cm) in the lower right and a name stamped in red under it."""
    page = Image.new("RGB", (1654, 2339), "white")
    d = ImageDraw.Draw(page)
    d.text((1000, 1600), "GIÁM ĐỐC", fill="black", font=_font(40))
    d.ellipse((900, 1700, 1215, 2015), outline=(210, 40, 40), width=12)
    d.ellipse((960, 1760, 1155, 1955), outline=(210, 40, 40), width=6)
    d.text((1120, 2000), "Phạm Minh Huệ", fill=(225, 110, 110), font=_font(44))
    return page


def test_faded_colour_marks_keep_their_ink_for_a_second_reading():
    grey = to_grey(_page_with_red_seal_and_name(), DPI)
    marks = grey.info.get("colour_marks")
    assert marks, "the seal is faded and its area kept"
    box, crop = marks[0]
    assert crop.size == (box[2] - box[0], box[3] - box[1])
    assert np.asarray(crop).min() < 100                      # the red ink is dark in the kept crop
    seal = np.asarray(grey.crop((900, 1700, 1215, 2015)))
    assert seal.min() > 100                                   # and faded in the page OCR reads


def test_a_grey_page_has_no_colour_marks():
    assert "colour_marks" not in to_grey(_page_with_red_seal_and_name().convert("L"), DPI).info


def test_thin_strokes_of_a_crisp_scan_count_as_ink():
    page = Image.new("L", (1654, 2339), 255)
    d = ImageDraw.Draw(page)
    for k in range(0, 400, 9):      # a signature of 1-pixel strokes over 4 × 2 cm in the lower page
        d.line((900 + k, 1800, 1000 + k, 1960), fill=0, width=1)
    assert ocr._uncovered_regions(page, [], DPI)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_name_stamped_in_red_beside_the_seal_is_read():
    grey = to_grey(_page_with_red_seal_and_name(), DPI)
    rows = ocr.rescue_coloured_names(grey.info["colour_marks"], [], grey.height, DPI, Limits())
    assert [r["text"] for r in rows][-3:] == ["Phạm", "Minh", "Huệ"]
