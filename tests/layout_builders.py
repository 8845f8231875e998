"""Small layout documents for field, zone and task tests: positioned lines on an A4 page (PDF
points), plain-text task documents, and OCR-like table rows of words."""
from __future__ import annotations

from models.layout import Document, Line, Page, Word

W, H = 595.0, 842.0


def line(text, x0, x1, y, bold=False, italic=False, page=1, source="text", conf=1.0) -> Line:
    words = []
    tokens = text.split()
    if tokens:
        step = (x1 - x0) / len(tokens)
        words = [Word(text=t, x0=x0 + i * step, top=y, x1=x0 + (i + 1) * step - 2, bottom=y + 12, conf=conf,
                      bold=bold, italic=italic) for i, t in enumerate(tokens)]
    return Line(text=text, page=page, x0=x0, top=y, x1=x1, bottom=y + 12, words=words, conf=conf, bold=bold,
                italic=italic, source=source)


def document(lines: list[Line], fmt: str = "pdf") -> Document:
    pages = sorted({l.page for l in lines}) or [1]
    doc = Document(path=f"test.{fmt}", format=fmt)
    for p in pages:
        doc.pages.append(Page(number=p, width=W, height=H, lines=[l for l in lines if l.page == p],
                              method="ocr" if any(l.source == "ocr" for l in lines) else "text"))
    return doc


def text_document(text: str) -> Document:
    """A plain-text document (no positions), one line per line like the txt reader."""
    lines = [Line(text=t.strip(), page=1, x0=0.0, top=10.0 * i, x1=1000.0, bottom=10.0 * i + 10, source="txt")
             for i, t in enumerate(l for l in text.splitlines() if l.strip())]
    return Document(path="test.txt", format="txt", pages=[Page(number=1, width=1000.0, height=10.0 * len(lines),
                                                                 lines=lines, method="txt")])


def body(y0: float, n: int, page: int = 1, source: str = "text", text: str | None = None) -> list[Line]:
    """n justified body lines from y0 (first line indented)."""
    out = []
    for i in range(n):
        t = text or f"Nội dung đoạn văn thứ {i + 1} của văn bản được trình bày đầy đủ theo quy định hiện hành."
        out.append(line(t, 113.0 if i == 0 else 85.0, 540.0, y0 + 16 * i, page=page, source=source))
    return out


def cong_van(source: str = "text", number: str = "507", day: str = "24", stamp: bool = False,
             noisy: bool = False) -> Document:
    """A công văn: UBND header, Số/V/v, Kính gửi list, body, Nơi nhận (a wrapped entry), stacked authorities."""
    conf = 0.92 if source == "ocr" else 1.0
    kg = "Kinh gứi:" if noisy else "Kính gửi:"
    nn = "Nơi nhân:" if noisy else "Nơi nhận:"
    motto = "CỘNG HOÀ XÃ HỘI CHÚ NGHĨA VIỆT NAM" if noisy else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    L = lambda *a, **k: line(*a, source=source, conf=conf, **k)  # noqa: E731
    lines = []
    if stamp:   # an incoming stamp laid over the top of the scan
        lines += [L("ĐẾN Số: 4521", 230.0, 290.0, 20.0), L("Ngày: 26/01/2025", 230.0, 300.0, 34.0),
                  L("Chuyển: P.KGVX", 230.0, 300.0, 48.0)]
    lines += [
        L("ỦY BAN NHÂN DÂN", 109.0, 231.0, 73.0, bold=True), L(motto, 287.0, 558.0, 73.0, bold=True),
        L("TỈNH QUẢNG NGÃI", 109.0, 231.0, 88.0, bold=True), L("Độc lập - Tự do - Hạnh phúc", 343.0, 502.0, 88.0, bold=True),
        L(f"Số: {number} /UBND-KGVX", 104.0, 236.0, 118.0),
        L(f"Quảng Ngãi, ngày {day} tháng 01 năm 2025", 320.0, 532.0, 118.0, italic=True),
        L("V/v góp ý dự thảo Quyết định sửa", 85.0, 255.0, 140.0),
        L("đổi, bổ sung một số điều", 98.0, 242.0, 155.0),
        L(kg, 150.0, 200.0, 190.0),
        L("- Sở Thông tin và Truyền thông;", 210.0, 420.0, 190.0),
        L("- Sở Tài chính.", 210.0, 330.0, 205.0),
    ]
    lines += body(240.0, 6, source=source, text=None)
    lines[-1].text = "Theo đề nghị của Bộ Thông tin và Truyền thông tại Công văn số 202/BTTTT-KHTC ngày 21/01/2025 về việc góp ý ./."
    lines += [
        L(nn, 99.0, 151.0, 400.0, bold=True, italic=True), L("TL. CHỦ TỊCH", 377.0, 466.0, 400.0, bold=True),
        L("- Như trên;", 99.0, 148.0, 413.0), L("KT. CHÁNH VĂN PHÒNG", 344.0, 500.0, 416.0, bold=True),
        L("- Các Sở: Tài chính, Kế hoạch và Đầu tư,", 99.0, 281.0, 426.0),
        L("PHÓ CHÁNH VĂN PHÒNG", 341.0, 503.0, 431.0, bold=True),
        L("Tài nguyên và Môi trường, Nội vụ;", 105.0, 273.0, 439.0),
        L("- Lưu: VT, KGVX(bnt).", 99.0, 206.0, 452.0),
        L("Phùng Tô Long", 375.0, 468.0, 500.0, bold=True),
    ]
    return document(lines)


def quyet_dinh() -> Document:
    """A decision: kind name and subject in the centre, the authority line, Căn cứ with references."""
    lines = [
        line("UBND TỈNH PHÚ THỌ", 100.0, 240.0, 60.0), line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 285.0, 535.0, 60.0, bold=True),
        line("SỞ Y TẾ", 140.0, 200.0, 75.0, bold=True), line("Độc lập - Tự do - Hạnh phúc", 327.0, 492.0, 75.0, bold=True),
        line("Số: 15/2024/QĐ-SYT", 110.0, 230.0, 105.0), line("Phú Thọ, ngày 05 tháng 3 năm 2024", 303.0, 517.0, 105.0, italic=True),
        line("QUYẾT ĐỊNH", 281.0, 357.0, 140.0, bold=True),
        line("Về việc ban hành Quy chế làm việc của Sở Y tế", 160.0, 478.0, 156.0, bold=True),
        line("GIÁM ĐỐC SỞ Y TẾ", 262.0, 376.0, 185.0, bold=True),
        line("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;", 113.0, 540.0, 210.0),
        line("Căn cứ Quyết định số 1113 /QĐ-UBND ngày 12 tháng 6 năm 2023 của UBND tỉnh;", 113.0, 540.0, 226.0),
    ]
    lines += body(250.0, 5)
    lines += [
        line("Nơi nhận:", 99.0, 151.0, 400.0, bold=True, italic=True), line("KT. GIÁM ĐỐC", 380.0, 470.0, 400.0, bold=True),
        line("- Như Điều 3;", 99.0, 160.0, 413.0), line("PHÓ GIÁM ĐỐC", 378.0, 472.0, 415.0, bold=True),
        line("- Lưu: VT, NV.", 99.0, 170.0, 426.0),
        line("TS. Nguyễn Văn An", 375.0, 480.0, 480.0, bold=True),
    ]
    return document(lines)


# ---- task documents ------------------------------------------------------------------------------

TASK_HEADER = ["UBND TỈNH LẠNG SƠN", "Số: 12/UBND-KGVX", "Lạng Sơn, ngày 12 tháng 6 năm 2023"]
TASK_FOOTER = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
SPACE = 4.0     # the gap between words of `words_line` and `cells_line`


def task_doc(body: list, source: str = "txt") -> Document:
    """A one-page document; body items are strings or (text, cell) pairs for table cells."""
    lines = []
    y = 0
    for item in TASK_HEADER + ["Kính gửi: Các sở, ban, ngành"] + body + TASK_FOOTER:
        text, cell = (item, None) if isinstance(item, str) else item
        lines.append(Line(text=text, page=1, x0=0, top=y, x1=1000, bottom=y + 8, cell=cell, source=source))
        y += 10
    return Document(path="gen.txt", format="txt", pages=[Page(number=1, width=1000, height=2000, lines=lines)])


def words_line(text: str, x0: float, top: float, page: int = 1, source: str = "text") -> Line:
    """A positioned line whose words are laid out left to right from x0 (5 units per character)."""
    words, x = [], x0
    for w in text.split():
        words.append(Word(text=w, x0=x, top=top, x1=x + 5 * len(w), bottom=top + 9))
        x += 5 * len(w) + SPACE
    return Line(text=text, page=page, x0=x0, top=top, x1=words[-1].x1, bottom=top + 9, words=words, source=source)


def cells_line(parts: list[tuple[str, float]], top: float, page: int = 1) -> Line:
    """One visual line made of several cells (text, x0) — what OCR gives for a table row."""
    words = []
    for text, x0 in parts:
        x = x0
        for w in text.split():
            words.append(Word(text=w, x0=x, top=top, x1=x + 5 * len(w), bottom=top + 9))
            x += 5 * len(w) + SPACE
    return Line(text=" ".join(t for t, _ in parts), page=page, x0=words[0].x0, top=top, x1=words[-1].x1,
                bottom=top + 9, words=words, source="ocr")


def positioned_task_doc(body: list[Line]) -> Document:
    """A kế hoạch of a Sở Y tế with positioned header and footer lines around `body`."""
    head = [words_line(t, 60, 10 + 12 * i) for i, t in
            enumerate(["UBND TỈNH KIÊN GIANG", "SỞ Y TẾ", "Số: 12/KH-SYT", "Kiên Giang, ngày 20 tháng 6 năm 2026",
                       "KẾ HOẠCH"])]
    foot = [words_line(t, 60, 900 + 12 * i) for i, t in
            enumerate(["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Văn A"])]
    return Document(path="gen.pdf", format="pdf",
                    pages=[Page(number=1, width=600, height=1000, lines=head + body + foot)])
