"""The CPU shortcuts of the extractors give exactly what the straightforward code gives."""
import re
import unicodedata
from difflib import SequenceMatcher

import pytest

from extractors import gazetteer, nlp, vocab

SENTENCES = [
    "Sở Y tế chủ trì, phối hợp với các đơn vị liên quan triển khai thực hiện.",
    "Trung tâm Kiểm định chất lượng giáo dục phối hợp với Phòng Công tác sinh viên tổ chức khảo sát",
    "UBND các huyện, thị xã, thành phố  ,, và - Phòng Tài chính - Kế hoạch báo cáo trước ngày 30/6/2023",
    "Khoa nhận hồ sơ",
    "a",
    "",
]


def test_pos_tag_same_as_underthesea():
    underthesea = pytest.importorskip("underthesea")
    for text in SENTENCES:
        assert nlp.pos_tag(text) == underthesea.pos_tag(text), text
    assert nlp.pos_tag(SENTENCES[0])[0] == ("Sở", "N")


def _is_head_reference(k: str) -> bool:
    return any(k == h or k.startswith(h + " ") or k.startswith(h + ",") or (h.endswith(".") and k.startswith(h))
               for h in gazetteer.BODY_HEADS)


def test_head_pattern_same_as_prefix_scan():
    keys = {"sở y tế", "sởy", "ubnd, các", "ubnd\n", "p.kế toán", "p", "các sở", "bộ", "bộ môn toán", "xã hội", "x sở"}
    for h in gazetteer.BODY_HEADS:
        keys.update({h, h + " x", h + ",", h + "x", h + "\n", h[:-1], "x" + h})
    for k in keys:
        assert bool(gazetteer._HEAD_START.match(k)) == _is_head_reference(k), k
    assert gazetteer.is_body_head("Sở Y tế") and not gazetteer.is_body_head("Sởy tế")


def _fold_reference(text: str) -> str:
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    return re.sub(r"\s+", " ", text.lower()).strip()


def test_vocab_fold_same_as_nfd():
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do -  Hạnh phúc ", "ΑΣ Σ", "İ",
                 "e\u0301\u0323", "A\u0308\u0304x", "\U0001D165\U0001D166x", "Ðð", "ﬁ", "", None):
        assert vocab.fold(text) == _fold_reference(text), text
    assert vocab.fold("QUYẾT ĐỊNH") == "quyet dinh"


def test_kind_line_same_as_full_scan():
    for text in ("QUYẾT ĐỊNH", "QUYÉT ĐINH", "KẾ HOẠCH", "THÔNG BÁO KẾT LUẬN", "CÔNG VĂN", "Về việc", "TỜ TRÌNH"):
        vocab.match_kind_line.cache_clear()
        got = vocab.match_kind_line(text)
        folded = vocab.fold(" ".join(text.strip().rstrip(":").split()))
        best, best_score = None, 0.0
        for kind in vocab.KINDS:
            score = SequenceMatcher(None, folded, vocab.fold(kind.name), autojunk=False).ratio()
            if score > best_score or (score == best_score and best and len(kind.name) > len(best.name)):
                best, best_score = kind, score
        assert got == ((best, best_score) if best_score >= 0.84 else (None, best_score)), text
    assert vocab.match_kind_line("QUYẾT ĐỊNH")[0].name.lower() == "quyết định"


def test_title_snap_same_as_full_scan():
    for text in ("Phó Giảm", "Phó Chủ Tịc", "Kệ giám đốc", "KT. GIÁM ĐÓC", "Nguyễn Văn An", "x"):
        f = re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", vocab.fold(text))).strip()
        best, score = None, 0.0
        for phrase in vocab.TITLE_PHRASES:
            r = SequenceMatcher(None, f, vocab.fold(phrase), autojunk=False).ratio()
            if r > score or (r == score and best and len(phrase) > len(best)):
                best, score = phrase, r
        got = vocab.snap_title(text)
        if best and score >= 0.8:
            assert got[1] == score and got[0].lower() == best.lower(), text
        else:
            assert got == (text, 0.0), text
        for phrase in vocab.TITLE_PHRASES:
            ratio = SequenceMatcher(None, f, vocab.fold(phrase), autojunk=False).ratio()
            assert vocab._ratio_at_least(f, vocab.fold(phrase), 0.8) == (ratio >= 0.8), (text, phrase)
    assert vocab.snap_title("Phó Chủ Tịc")[0] == "Phó chủ tịch"
