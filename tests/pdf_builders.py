"""PDFs drawn with reportlab for the reader tests (fonts from samples/generator.py)."""
from __future__ import annotations

from pathlib import Path


def rl_fonts():
    """Regular, bold, italic, bold italic (Times-metric, with Vietnamese) registered for reportlab."""
    import generator

    return generator._rl_fonts()


def canvas(path: Path, pagesize=None):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as rl_canvas

    return rl_canvas.Canvas(str(path), pagesize=pagesize or A4)


def header_pdf(path: Path, fonts) -> Path:
    """Two header columns on one baseline, a body line, a date line in italics."""
    from reportlab.lib.pagesizes import A4

    regular, bold, italic, _ = fonts
    _, height = A4
    c = canvas(path)
    c.setFont(bold, 13)
    c.drawString(60, height - 60, "ỦY BAN NHÂN DÂN")
    c.drawString(300, height - 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(italic, 14)
    c.drawString(300, height - 100, "Hà Nội, ngày 5 tháng 6 năm 2024")
    c.setFont(regular, 14)
    c.drawString(60, height - 140, "Ủy ban nhân dân tỉnh đề nghị các sở, ngành thực hiện nghiêm túc.")
    c.showPage()
    c.save()
    return path
