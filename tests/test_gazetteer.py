"""Agency gazetteer: variants, abbreviations, 2025 restructuring, list expansion."""
from extractors.gazetteer import expand_list, is_body_head, resolve, surface_forms


def test_abbreviations_resolve_to_one_canonical_name():
    canon = "Sở Lao động - Thương binh và Xã hội"
    for variant in ("SLĐTBXH", "Sở LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội", "Sở LĐTBXH"):
        assert resolve(variant).name == canon
    assert resolve("TAND tỉnh").name == "Tòa án nhân dân tỉnh"
    assert resolve("VKSND tỉnh").name == "Viện Kiểm sát nhân dân tỉnh"
    assert resolve("BCHQS tỉnh").kind == "military"
    assert resolve("Ủy ban MTTQ Việt Nam tỉnh").kind == "front"
    assert resolve("Uỷ ban nhân dân tỉnh").name == "Ủy ban nhân dân tỉnh"   # old tone placement


def test_place_names_are_kept():
    assert resolve("UBND huyện Ba Tơ").name == "Ủy ban nhân dân huyện Ba Tơ"
    assert resolve("Sở Y tế tỉnh Lạng Sơn").kind == "department"


def test_2025_restructuring_keeps_old_bodies_with_dates():
    old = resolve("Sở Kế hoạch và Đầu tư", "2024-06-01")
    assert old.name == "Sở Kế hoạch và Đầu tư" and old.successor == "Sở Tài chính"
    assert resolve("Sở Kế hoạch và Đầu tư", "2025-05-01").name == "Sở Tài chính"
    assert resolve("Bộ TT&TT", "2025-04-01").name == "Bộ Khoa học và Công nghệ"
    assert resolve("Bộ NN&PTNT", "2025-04-01").name == "Bộ Nông nghiệp và Môi trường"
    assert resolve("UBND huyện", "2025-08-01").level == "commune"       # district level abolished
    assert resolve("UBND huyện", "2024-08-01").level == "district"


def test_public_service_units_by_head_word():
    assert resolve("Bệnh viện Đa khoa tỉnh").kind == "hospital"
    assert resolve("Trường THPT Chuyên Lê Quý Đôn").kind == "school"
    assert resolve("Tổ chức triển khai") is None


def test_list_expansion():
    assert expand_list("các Sở: Tài chính, Kế hoạch và Đầu tư") == ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]
    assert expand_list("các Sở: Văn hóa, Thể thao và Du lịch, Y tế") == ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]
    assert expand_list("Các sở, ban, ngành") == ["Các sở, ban, ngành"]


def test_body_heads_and_surface_forms():
    assert is_body_head("Các sở, ban, ngành") and is_body_head("Sinh viên") and is_body_head("UBND các huyện")
    assert not is_body_head("Tổ chức triển khai") and not is_body_head("Ban hành kèm theo")
    assert "SLĐTBXH" in surface_forms()
