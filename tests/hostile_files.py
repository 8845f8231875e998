"""Generator of hostile and broken inputs, mixed with a few good documents.

Used by `tests/test_hostile.py` and `benchmarks/hostile.py`:

    cases, env = generate(folder)            # writes every file, returns what to expect
    cases, env = generate(folder, names={"zip-bomb.docx", "good.docx"})

Each `Case` names one file and the quarantine classes it may end in (`expected`);
`expected == ()` means the file is a good document that must be ingested. `env` holds
environment overrides the run needs (a fake LibreOffice that hangs, a short conversion
timeout): they only affect `.doc` files, so the batch holds a single `.doc`.

Nothing here allocates the sizes it declares: the 20,000×20,000 image is a 1-bit Flate
stream compressed on the fly, the zip bomb is written in 1 MiB chunks, the 5,000-page
PDF shares one content stream between its pages.
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER_LEFT = ["UỶ BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG", "Số: 1234/UBND-VP"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Hải Dương, ngày 15 tháng 3 năm 2024"]
BODY = [
    "V/v triển khai kiểm tra công tác phòng cháy, chữa cháy năm 2024",
    "Kính gửi: Sở Xây dựng; Công an tỉnh; Ủy ban nhân dân các huyện, thành phố.",
    "Thực hiện Kế hoạch số 56/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân tỉnh về công tác "
    "phòng cháy, chữa cháy, Chủ tịch Ủy ban nhân dân tỉnh có ý kiến chỉ đạo như sau:",
    "1. Giao Công an tỉnh chủ trì, phối hợp với Sở Xây dựng tổ chức kiểm tra an toàn phòng cháy "
    "tại các chung cư, nhà cao tầng trên địa bàn tỉnh; báo cáo kết quả trước ngày 30/4/2024.",
    "2. Ủy ban nhân dân các huyện, thành phố rà soát, thống kê các cơ sở có nguy cơ cháy nổ cao, "
    "gửi Công an tỉnh trước ngày 15/4/2024 để tổng hợp.",
    "Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
]
FOOTER_LEFT = ["Nơi nhận:", "- Như trên;", "- Chủ tịch UBND tỉnh (để b/c);", "- Lưu: VT, NC."]
FOOTER_RIGHT = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Nguyễn Văn An"]

ENGLISH = [
    "Dear Sir or Madam,",
    "Thank you for your letter of 12 March regarding the delivery of the laboratory equipment "
    "ordered by your department last year. We regret the delay and would like to explain its causes.",
    "Our supplier informed us that the shipment was held at the port because the customs documents "
    "were incomplete. The missing certificate has now been sent, and we expect the goods to be "
    "released within two weeks. We will contact you as soon as a delivery date is confirmed.",
    "Please do not hesitate to contact our office if you need any further information about the order.",
    "Yours faithfully,", "John Smith", "Sales Manager",
]


@dataclass(frozen=True)
class Case:
    name: str                       # file name inside the folder
    expected: tuple[str, ...]       # acceptable quarantine classes; () = must be ingested
    why: str

    @property
    def good(self) -> bool:
        return not self.expected


# ---------------------------------------------------------------- good documents

def good_docx_bytes(paragraphs: list[str] | None = None, frame: bool = True) -> bytes:
    """A công văn as Word makes it: header and footer in borderless two-column tables.

    `paragraphs` replace the body; `frame=False` leaves out the header and footer tables.
    """
    import docx

    document = docx.Document()
    if frame:
        table = document.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (HEADER_LEFT, HEADER_RIGHT)):
            cell.text = "\n".join(lines)
    for text in (paragraphs if paragraphs is not None else BODY):
        document.add_paragraph(text)
    if frame:
        table = document.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (FOOTER_LEFT, FOOTER_RIGHT)):
            cell.text = "\n".join(lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def good_pdf_bytes(encrypt=None, lines: list[str] | None = None) -> bytes:
    """A born-digital công văn PDF (reportlab, DejaVu font for the Vietnamese letters)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", FONT))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONT_BOLD))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(595.3, 841.9), encrypt=encrypt)
    y = 800.0
    if lines is None:
        for left, right in zip(HEADER_LEFT, HEADER_RIGHT):
            c.setFont("DejaVu-Bold", 11)
            c.drawCentredString(150, y, left)
            c.drawCentredString(400, y, right)
            y -= 16
        y -= 10
        body = BODY
    else:
        body = lines
    c.setFont("DejaVu", 11)
    for paragraph in body:
        words, line = paragraph.split(), ""
        for word in words:
            if c.stringWidth(line + " " + word, "DejaVu", 11) > 480:
                c.drawString(60, y, line.strip())
                y -= 15
                line = ""
            line += " " + word
        c.drawString(60, y, line.strip())
        y -= 20
    if lines is None:
        for left, right in zip(FOOTER_LEFT, FOOTER_RIGHT):
            c.drawString(60, y, left)
            c.drawCentredString(420, y, right)
            y -= 15
    c.showPage()
    c.save()
    return buffer.getvalue()


def good_txt_bytes() -> bytes:
    return "\n".join(HEADER_LEFT + HEADER_RIGHT + BODY + FOOTER_LEFT + FOOTER_RIGHT).encode("utf-8")


# ---------------------------------------------------------------- raw PDF building

def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies (object 1 must be the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def many_pages_pdf(pages: int = 5000) -> bytes:
    """`pages` A4 pages sharing one small content stream (a rectangle, no text)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids),
               _stream(b"", b"0.5 g 100 100 200 50 re f")]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return raw_pdf(objects)


def huge_image_pdf(side: int = 20_000) -> bytes:
    """One A4 page showing a side×side 1-bit image, compressed on the fly (never allocated)."""
    row = b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = []
    block = row * 256
    for _ in range(side // 256):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(row * (side % 256)))
    parts.append(compressor.flush())
    data = b"".join(parts)
    image = _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 1 /Filter /FlateDecode" % (side, side), data)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
               image,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
               b"/Resources << /XObject << /Im0 3 0 R >> >> >>",
               _stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q")]
    return raw_pdf(objects)


def huge_page_pdf(side_pt: int = 14_400) -> bytes:
    """A page of side_pt × side_pt points (200 × 200 inches) with a small picture, no text."""
    image = _stream(b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode", zlib.compress(bytes(range(64))))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
               image,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 5 0 R "
               b"/Resources << /XObject << /Im0 3 0 R >> >> >>" % (side_pt, side_pt),
               _stream(b"", b"q 200 0 0 200 100 100 cm /Im0 Do Q")]
    return raw_pdf(objects)


def broken_pdf() -> bytes:
    """A PDF header and an end marker around garbage: no object can be parsed."""
    return b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(4000)) + b"\n%%EOF\n"


def encrypted_pdf(user: str, owner: str = "owner-secret") -> bytes:
    from reportlab.lib import pdfencrypt

    return good_pdf_bytes(encrypt=pdfencrypt.StandardEncryption(user, ownerPassword=owner, canPrint=0,
                                                                strength=128))


# ---------------------------------------------------------------- hostile DOCX

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _paragraph_xml(text: str) -> str:
    from xml.sax.saxutils import escape
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"


def minimal_docx(document_xml: str | bytes | Callable[[zipfile.ZipFile], None]) -> bytes:
    """A DOCX with only the parts Word needs; `document_xml` is the main part (or a writer)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        if callable(document_xml):
            document_xml(archive)
        else:
            archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def _body_xml(inner: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f"<w:document {_W}><w:body>{inner}</w:body></w:document>")


def xxe_docx(target: str) -> bytes:
    """document.xml declares an external entity (`target`: file:///etc/passwd, http://…) and uses it."""
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>\n'
    inner = "".join(_paragraph_xml(t) for t in BODY) + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    return minimal_docx(_body_xml(inner, prolog))


def billion_laughs_docx(levels: int = 10) -> bytes:
    """document.xml with the 'billion laughs' recursive entity declarations (10^10 'lol's)."""
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels)]
    prolog = f"<!DOCTYPE w:document [{''.join(decls)}]>\n"
    inner = "".join(_paragraph_xml(t) for t in BODY) + f"<w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p>"
    return minimal_docx(_body_xml(inner, prolog))


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP from (name, raw deflate data, crc32, uncompressed size) — sizes written as given."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    offset = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), offset, 0)
    return bytes(out)


def _deflated(name: str, text: str) -> tuple[str, bytes, int, int]:
    data = text.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def _bomb_member(expanded: int, declared: int | None = None) -> tuple[str, bytes, int, int]:
    """word/document.xml of `expanded` bytes of empty paragraphs, made cheaply: one 1 MiB block
    compressed once behind a full flush (no back-reference crosses it) and repeated."""
    head = _body_xml("").split("</w:body>")[0].encode()
    tail = b"</w:body></w:document>"
    filler = b"<w:p/>" * ((1 << 20) // 6)
    repeats = max(1, (expanded - len(head) - len(tail)) // len(filler))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(filler) + len(tail)
    return "word/document.xml", first + block * repeats + last, crc, size if declared is None else declared


def zip_bomb_docx(expanded: int = 512 << 20) -> bytes:
    """A valid-looking DOCX whose document.xml expands to `expanded` bytes of empty paragraphs."""
    return raw_zip([_deflated("[Content_Types].xml", _CONTENT_TYPES), _deflated("_rels/.rels", _RELS),
                    _bomb_member(expanded)])


def lying_sizes_docx() -> bytes:
    """A DOCX whose ZIP headers say document.xml is 2 KiB while it inflates to 64 MiB."""
    return raw_zip([_deflated("[Content_Types].xml", _CONTENT_TYPES), _deflated("_rels/.rels", _RELS),
                    _bomb_member(64 << 20, declared=2048)])


def many_tables_docx(tables: int = 5000) -> bytes:
    """A real công văn followed by `tables` empty one-cell tables (bounded work, still ingested)."""
    body = "".join(_paragraph_xml(t) for t in HEADER_LEFT + HEADER_RIGHT + BODY + FOOTER_LEFT + FOOTER_RIGHT)
    empty = "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    return minimal_docx(_body_xml(body + empty * tables + "<w:p/>"))


def many_paragraphs_docx(paragraphs: int = 320_000) -> bytes:
    """More numbered paragraphs than `Limits.max_docx_elements` (default 300,000)."""
    parts = [_paragraph_xml(t) for t in BODY]
    parts += [f"<w:p><w:r><w:t>Mục {i}</w:t></w:r></w:p>" for i in range(paragraphs)]
    return minimal_docx(_body_xml("".join(parts)))


def zip_not_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bao-cao.txt", "Báo cáo tháng 3")
    return buffer.getvalue()


# ---------------------------------------------------------------- images, text, other

def blank_png(width: int = 1240, height: int = 1754) -> bytes:
    """A page-sized picture with a few shapes and no text (a photo is not a document)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 300, 900, 1000), fill=120)
    draw.rectangle((300, 1200, 1000, 1500), fill=60)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def huge_png(side: int = 20_000) -> bytes:
    """A PNG header declaring side×side 1-bit pixels around a tiny IDAT: pixels never allocated."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


HTML = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Đăng nhập</title></head>"
        "<body><h1>Phiên đăng nhập đã hết hạn</h1><p>Vui lòng đăng nhập lại để tải văn bản.</p></body></html>")


def unknown_encoding_txt() -> bytes:
    """The công văn folded to ASCII and written in EBCDIC (cp037): no known Vietnamese encoding."""
    import unicodedata

    text = "\n".join(HEADER_LEFT + HEADER_RIGHT + BODY)
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.encode("cp037")


def password_docx() -> bytes:
    """The good DOCX saved with an open password (Word wraps it in an OLE2 container)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good_docx_bytes())).encrypt("mat-khau", out)
    return out.getvalue()


def rtf_bytes() -> bytes:
    """The công văn as RTF (what some systems save under a .doc name), letters as \\uN escapes."""
    def escape(text: str) -> str:
        return "".join(c if ord(c) < 128 and c not in "\\{}" else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?"
                       for c in text)
    lines = HEADER_LEFT + HEADER_RIGHT + BODY + FOOTER_LEFT + FOOTER_RIGHT
    body = "".join(escape(line) + "\\par\n" for line in lines)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs26\n" + body + "}").encode("ascii")


def fake_ole_doc() -> bytes:
    """An OLE2 header (what sniffing calls `.doc`) followed by junk."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + bytes(range(256)) * 16


def mapped_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose font's ToUnicode map gives each code the character of `lines` it stands
    for, lone surrogates included (`\\ud800`: what a broken font's <D800> mapping gives pdfium)."""
    chars = sorted({c for line in lines for c in line if ord(c) > 126})
    codes = list(range(0x80, 0x100)) + list(range(0x01, 0x20))
    assert len(chars) <= len(codes)
    code = {c: codes[i] for i, c in enumerate(chars)}

    def encode(line: str) -> bytes:
        out = bytearray()
        for c in line:
            b = code.get(c, ord(c))
            out += (b"\\" + bytes([b])) if b in (0x28, 0x29, 0x5C) else bytes([b])
        return bytes(out)
    entries = [(b, c.encode("utf-16-be", "surrogatepass").hex().upper()) for c, b in code.items()]
    entries += [(b, f"{b:04X}") for b in range(0x20, 0x7F)]
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n" % len(entries)
            + b"".join(b"<%02X> <%s>\n" % (b, u.encode()) for b, u in entries) + b"endbfchar\nendcmap end end")
    content = b"BT /F1 11 Tf 14 TL 50 800 Td " + b"".join(b"(" + encode(x) + b") Tj T* " for x in lines) + b"ET"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>",
                    _stream(b"", content),
                    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                    _stream(b"", cmap)])


def _document_lines(subject: str = BODY[0]) -> list[str]:
    return HEADER_LEFT + HEADER_RIGHT + [subject] + BODY[1:] + FOOTER_LEFT + FOOTER_RIGHT


def surrogate_pdf() -> bytes:
    """A good công văn whose subject holds a lone surrogate (a font mapping a code to <D800>)."""
    return mapped_text_pdf(_document_lines(BODY[0].replace("kiểm tra", "kiểm\ud800 tra")))


def control_chars_txt() -> bytes:
    """A good công văn as text whose subject, after the first 4 KiB, holds NUL and other C0 controls."""
    lines = _document_lines(BODY[0].replace("kiểm tra", "kiểm\x00 tra\x01\x1b công\x0c"))
    return (" " * 4200 + "\n").encode() + "\n".join(lines).encode("utf-8")


def utf16_odd_txt() -> bytes:
    """The công văn as UTF-16 with a BOM, one stray byte at the end (an odd length)."""
    return "\n".join(_document_lines()).encode("utf-16") + b"\x00"


def random_words_txt(size: int = 50_000, seed: int = 7) -> bytes:
    """A công văn's header and then `size` bytes of Vietnamese words in random order, without a
    sentence end: a document whose body is costly for the NLP step."""
    import random
    rng = random.Random(seed)
    vocab = " ".join(BODY + HEADER_LEFT + FOOTER_RIGHT).replace(".", "").replace(";", "").split()
    words, n = [], 0
    while n < size:
        word = rng.choice(vocab)
        word = word.capitalize() if rng.random() < 0.4 else word
        words.append(word)
        n += len(word.encode()) + 1
    return ("\n".join(HEADER_LEFT + HEADER_RIGHT + [BODY[0], BODY[1]]) + "\n" + " ".join(words)).encode()


# a file name that is not UTF-8 (Latin-1 bytes, as an old archive or a Windows share writes them)
BAD_NAME = os.fsdecode(b"c\xf4ng v\xe3n s\xe8 12.txt")


def renamed_main_part_docx(target: str = "file:///etc/passwd") -> bytes:
    """A decoy word/document.xml, and the main part the relationships point to under another name
    (word/body.dat, declared XML by [Content_Types].xml) holding an external entity."""
    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("word/document.xml", _body_xml(_paragraph_xml("Kính gửi: Sở Nội vụ")))
        prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
        archive.writestr("word/body.dat", _body_xml(_paragraph_xml("&xxe;"), prolog).replace("&amp;xxe;", "&xxe;"))
    data = io.BytesIO(minimal_docx(write))
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "_rels/.rels":
                body = body.replace(b'Target="word/document.xml"', b'Target="word/body.dat"')
            elif info.filename == "[Content_Types].xml":
                body = body.replace(b"/word/document.xml", b"/word/body.dat")
            dst.writestr(info.filename, body)
    return out.getvalue()


def many_pictures_docx(pictures: int = 400) -> bytes:
    """A short công văn holding `pictures` small pictures (each one would be OCR'd like a page)."""
    png = blank_png(16, 16)

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("word/document.xml", _body_xml("".join(_paragraph_xml(t) for t in BODY)))
        for i in range(pictures):
            archive.writestr(f"word/media/image{i + 1}.png", png)
    return minimal_docx(write)


def convert_only(path: str):
    """A runner function for tests: only the LibreOffice conversion of a `.doc` (a light worker)."""
    from extractors.limits import Limits
    from extractors.readers.legacy_doc import read_doc
    return read_doc(Path(path), Limits.from_env())


HANGING_SOFFICE = "#!/bin/sh\n# stands in for LibreOffice and never finishes\nexec sleep 600\n"


# ---------------------------------------------------------------- the catalogue

LONG_NAME = ("Quyết định về việc phê duyệt kế hoạch triển khai chuyển đổi số và cải cách hành chính "
             "của Ủy ban nhân dân tỉnh năm 2024 kèm theo danh mục nhiệm vụ trọng tâm")


def _long_name(suffix: str) -> str:
    name = LONG_NAME
    while len((name + suffix).encode()) > 250:
        name = name[:-1]
    return name.rstrip() + suffix


def cyclic_pages_pdf() -> bytes:
    """A page tree whose only kid is itself."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [2 0 R] >>"])


def catalogue() -> list[tuple[Case, Callable[[], bytes]]]:
    """(case, bytes factory) for every input, bad and good."""
    long_pdf = _long_name(".pdf")
    long_bad = "Tờ trình đề nghị (bản tải về bị lỗi) " + _long_name(".docx")
    while len(long_bad.encode()) > 250:
        long_bad = long_bad[:-6].rstrip() + ".docx"
    return [
        (Case("good-cong-van.docx", (), "a good DOCX"), good_docx_bytes),
        (Case("good-cong-van.pdf", (), "a good born-digital PDF"), good_pdf_bytes),
        (Case("good cong van.txt", (), "a good text file whose name has spaces"), good_txt_bytes),
        (Case("công văn số 1234 gửi Sở Xây dựng.docx", (), "Vietnamese letters and spaces in the name"),
         lambda: good_docx_bytes(paragraphs=BODY + ["Trân trọng."])),
        (Case(long_pdf, (), f"a {len(long_pdf.encode())}-byte file name"),
         lambda: good_pdf_bytes(lines=HEADER_LEFT + BODY + ["Nơi nhận: như trên."])),
        (Case("encrypted-owner-password-only.pdf", (),
              "encrypted with an empty user password (only an owner password): opens normally"),
         lambda: encrypted_pdf("")),
        (Case("many-empty-tables.docx", (), "a công văn followed by 5,000 empty tables: bounded work, ingested"),
         many_tables_docx),
        (Case("zero-bytes.pdf", ("empty",), "0-byte PDF"), lambda: b""),
        (Case("truncated.pdf", ("corrupt",), "PDF cut at 60 % (interrupted download)"),
         lambda: good_pdf_bytes()[: int(len(good_pdf_bytes()) * 0.6)]),
        (Case("truncated.docx", ("corrupt",), "DOCX cut at 60 % (interrupted download)"),
         lambda: good_docx_bytes()[: int(len(good_docx_bytes()) * 0.6)]),
        (Case("broken-objects.pdf", ("corrupt",), "PDF header and end marker around garbage"), broken_pdf),
        (Case("cyclic-page-tree.pdf", ("corrupt",), "a page tree that contains itself"), cyclic_pages_pdf),
        (Case(long_bad, ("corrupt",), f"a truncated DOCX with a {len(long_bad.encode())}-byte name "
              "(its quarantine note needs a shorter name)"),
         lambda: good_docx_bytes(paragraphs=BODY[:3])[:5000]),
        (Case("random-bytes.pdf", ("unsupported_format",), "binary junk named .pdf"),
         lambda: bytes((i * 131 + 7) % 256 for i in range(8192))),
        (Case("encrypted-user-password.pdf", ("encrypted",), "PDF that needs a user password"),
         lambda: encrypted_pdf("mat-khau")),
        (Case("password-protected.docx", ("encrypted",), "a Word file saved with an open password"),
         password_docx),
        (Case("five-thousand-pages.pdf", ("too_large",), "5,000 pages, over Limits.max_pages"), many_pages_pdf),
        (Case("huge-image.pdf", ("too_large",), "a page holding a 20,000×20,000-pixel image"), huge_image_pdf),
        (Case("huge-page.pdf", ("too_large",), "a 200×200-inch page without text (OCR would render it)"),
         huge_page_pdf),
        (Case("huge-scan.png", ("too_large",), "a PNG declaring 20,000×20,000 pixels"), huge_png),
        (Case("photo-renamed.pdf", ("not_a_document",), "a picture without text named .pdf"), blank_png),
        (Case("html-renamed.pdf", ("unsupported_format",), "an HTML page saved as .pdf"),
         lambda: HTML.replace("Đăng nhập", "Tải văn bản").encode()),
        (Case("html-renamed.docx", ("unsupported_format",), "an HTML page saved as .docx"), lambda: HTML.encode()),
        (Case("zip-not-word.docx", ("unsupported_format",), "a ZIP archive that is not a Word file"), zip_not_docx),
        (Case("zip-bomb.docx", ("unsafe_content",), "document.xml inflates to 512 MiB (ratio ≈ 650)"),
         zip_bomb_docx),
        (Case("zip-lying-sizes.docx", ("corrupt", "unsafe_content"),
              "ZIP directory declares 2 KiB for a part that inflates to 64 MiB"), lying_sizes_docx),
        (Case("xxe-file.docx", ("unsafe_content",), "external entity pointing at file:///etc/passwd"),
         lambda: xxe_docx("file:///etc/passwd")),
        (Case("billion-laughs.docx", ("unsafe_content",), "recursive entities (10^10 expansions)"),
         billion_laughs_docx),
        (Case("too-many-paragraphs.docx", ("too_large",), "320,000 paragraphs, over Limits.max_docx_elements"),
         many_paragraphs_docx),
        (Case("huge-text.txt", ("too_large",), "a 24 MiB plain-text dump, over Limits.max_text_bytes"),
         lambda: good_txt_bytes() * (24 * 1024 * 1024 // len(good_txt_bytes()))),
        (Case("unknown-encoding.txt", ("unsupported_format",), "text in EBCDIC (cp037)"), unknown_encoding_txt),
        (Case("english-letter.docx", ("not_a_document",), "a readable letter in English, no Vietnamese text"),
         lambda: good_docx_bytes(paragraphs=ENGLISH, frame=False)),
        (Case("surrogate-in-subject.pdf", (), "a lone UTF-16 surrogate in the text (font maps a code to <D800>)"),
         surrogate_pdf),
        (Case("nul-after-4k.txt", (), "NUL and other control characters in the subject, after the first 4 KiB"),
         control_chars_txt),
        (Case("utf16-odd-length.txt", (), "UTF-16 text with a BOM and an odd length"), utf16_odd_txt),
        (Case(BAD_NAME, (), "a file name whose bytes are not UTF-8"),
         lambda: good_txt_bytes().replace(b"1234/UBND", b"1235/UBND")),
        (Case("random-words-50k.txt", (), "50 KB of Vietnamese words in random order (bounded NLP cost)"),
         random_words_txt),
        (Case("saved-404-page.pdf", ("unsupported_format", "not_a_document"),
              "a saved '404 Not Found' web page (with a BOM) named .pdf"),
         lambda: b"\xef\xbb\xbf<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>"
                 b"<h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n"),
        (Case("hello.docx", ("not_a_document", "unsupported_format"), "the word 'hello' named .docx"),
         lambda: b"hello\n"),
        (Case("random-bytes.doc", ("unsupported_format", "not_a_document", "corrupt"), "random bytes named .doc"),
         lambda: bytes(__import__("random").Random(3).randrange(1, 256) for _ in range(6000))),
        (Case("main-part-renamed.docx", ("unsafe_content",),
              "the relationships point at a main part not named document.xml, holding an external entity"),
         renamed_main_part_docx),
        (Case("four-hundred-pictures.docx", ("too_large",), "400 pictures in a Word file (over max_pages)"),
         many_pictures_docx),
        (Case("converter-hangs.doc", ("timeout",), "a .doc whose conversion never finishes (fake LibreOffice)"),
         fake_ole_doc),
    ]


XXE_HTTP = "xxe-http.docx"


def generate(folder: str | Path, names: set[str] | None = None, http_target: str | None = None,
             tools_dir: str | Path | None = None) -> tuple[list[Case], dict[str, str]]:
    """Write the inputs into `folder` (only `names` when given); returns (cases, env overrides).

    `http_target` (e.g. `http://127.0.0.1:PORT/x`) adds `xxe-http.docx`, an external entity
    pointing at that URL. `tools_dir` is where the hanging fake LibreOffice is written
    (default: next to `folder`, never inside it).
    """
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    items = catalogue()
    if http_target:
        items.append((Case(XXE_HTTP, ("unsafe_content",), f"external entity pointing at {http_target}"),
                      lambda: xxe_docx(http_target)))
    cases = []
    for case, make in items:
        if names is not None and case.name not in names:
            continue
        (folder / case.name).write_bytes(make())
        cases.append(case)
    env: dict[str, str] = {}
    if any(c.name.endswith(".doc") for c in cases):
        tools = Path(tools_dir) if tools_dir else folder.parent / (folder.name + "-tools")
        tools.mkdir(parents=True, exist_ok=True)
        fake = tools / "soffice-hangs"
        fake.write_text(HANGING_SOFFICE)
        fake.chmod(0o755)
        env = {"CONGVAN_SOFFICE": str(fake), "CONGVAN_CONVERT_TIMEOUT": "3"}
    return cases, env


def generate_entries(folder: str | Path, outside: str | Path) -> list[Case]:
    """Inbox entries that are not plain files, or are not to be read: links (out of the inbox, into
    it, to a folder), a named pipe, a socket, a hidden file and a stale quarantine note. `outside`
    receives the file the outward link points at. Expected "skipped": left in place with a reason."""
    import socket
    folder, outside = Path(folder), Path(outside)
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "outside-secret.txt"
    secret.write_bytes(good_txt_bytes())
    (folder / "link-to-outside.txt").symlink_to(secret)
    (folder / "link-to-etc-hostname.pdf").symlink_to("/etc/hostname")
    (folder / "link-to-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "named-pipe.pdf")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "unix-socket.docx"))
    sock.close()                                   # the socket file stays
    (folder / ".being-copied.docx").write_bytes(good_docx_bytes()[:2000])
    (folder / "old.pdf.reason.json").write_text("{}")
    return [Case("link-to-outside.txt", ("unsafe_content",), "a symbolic link to a file outside the inbox"),
            Case("link-to-etc-hostname.pdf", ("unsafe_content",), "a symbolic link to /etc/hostname"),
            Case("link-to-folder", ("unsafe_content",), "a symbolic link to a folder outside the inbox"),
            Case("named-pipe.pdf", ("unsupported_format",), "a named pipe (opening it would block)"),
            Case("unix-socket.docx", ("unsupported_format",), "a Unix socket"),
            Case(".being-copied.docx", ("skipped",), "a hidden file (an upload in progress)"),
            Case("old.pdf.reason.json", ("skipped",), "a stale quarantine note in the inbox")]


def expected_by_name(cases: list[Case]) -> dict[str, tuple[str, ...]]:
    return {c.name: c.expected for c in cases}


if __name__ == "__main__":       # python tests/hostile_files.py DIR
    import sys
    written, overrides = generate(sys.argv[1] if len(sys.argv) > 1 else "hostile-inputs")
    for c in written:
        print(f"{c.name}\t{'/'.join(c.expected) or 'ingested'}\t{c.why}")
    for k, v in overrides.items():
        print(f"env {k}={v}")
    os._exit(0)


class Canary:
    """A local HTTP server on 127.0.0.1 that records every request (an XXE would call it)."""

    def __init__(self, path: str = "/congvan-xxe"):
        import http.server
        import threading

        hits: list[str] = []

        class _Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"root:x:0:0:PWNED")

            def log_message(self, *args):
                pass

        self.hits = hits
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

