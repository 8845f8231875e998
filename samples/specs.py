"""The sample documents of the project: texts written for congvan, agencies real in kind,
people invented. Each `Spec` is printed by `generator` and gives its own expected record.

`SAMPLES` maps an id to (spec, output format); `make_samples.py` builds them.
Formats: docx | pdf (LibreOffice from DOCX) | pdf-rl (reportlab) | doc (LibreOffice)
| txt | scan-pdf (degraded image PDF) | scan-png (degraded PNG image).
"""
from __future__ import annotations

from generator import BodyTable, Para, Ref, Spec, Task

H = lambda text: Para(text, bold=True)                       # noqa: E731  section heading
C = lambda text: Para(text, bold=True, align="center", indent=False)  # noqa: E731
I = lambda text: Para(text, italic=True)                     # noqa: E731  Căn cứ lines


# 1. Công văn of a provincial People's Committee: issuer over two bold lines, Kính gửi list,
#    numbered sections headed by a body, chủ trì / phối hợp, several deadline forms.
CV_QUANGTRI = Spec(
    id="cv-ubnd-quangtri-duoi-nuoc",
    doc_type="Công văn", issuer="Ủy ban nhân dân tỉnh Quảng Trị",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Quảng Trị"],
    number="1847", code="UBND-VX", place="Quảng Trị", year=2024, month=5, day=20,
    subject="tăng cường các biện pháp phòng, chống đuối nước trẻ em trong dịp hè năm 2024",
    subject_lines=["tăng cường các biện pháp phòng, chống", "đuối nước trẻ em trong dịp hè năm 2024"],
    recipients=["Các sở, ban, ngành cấp tỉnh",
                "Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh",
                "UBND các huyện, thị xã, thành phố"],
    body=[
        "Thực hiện Công văn số 1526/BLĐTBXH-TE ngày 26/4/2024 của Bộ Lao động - Thương binh và Xã hội "
        "về việc tăng cường công tác phòng, chống tai nạn, thương tích, đuối nước trẻ em dịp hè năm 2024; "
        "để chủ động phòng ngừa, giảm thiểu tình trạng trẻ em bị đuối nước trên địa bàn tỉnh, Chủ tịch "
        "Ủy ban nhân dân tỉnh yêu cầu:",
        Task(["Sở Lao động - Thương binh và Xã hội"], heading="1. Sở Lao động - Thương binh và Xã hội",
             action="Chủ trì, phối hợp với các sở, ngành, địa phương tham mưu UBND tỉnh triển khai các hoạt "
                    "động phòng, chống đuối nước trẻ em trong dịp hè; hướng dẫn UBND các huyện, thị xã, thành "
                    "phố rà soát, lập danh sách các điểm có nguy cơ cao xảy ra đuối nước; tổng hợp tình hình, "
                    "báo cáo UBND tỉnh trước ngày 15/9/2024.",
             co=["các sở, ngành, địa phương"], deadline="2024-09-15"),
        Task(["Sở Giáo dục và Đào tạo"], heading="2. Sở Giáo dục và Đào tạo",
             action="Chỉ đạo các cơ sở giáo dục tăng cường giáo dục kỹ năng an toàn trong môi trường nước cho "
                    "học sinh trước khi nghỉ hè; phối hợp với Sở Văn hóa, Thể thao và Du lịch tổ chức các lớp "
                    "dạy bơi an toàn cho học sinh tiểu học và trung học cơ sở, hoàn thành trong tháng 7/2024.",
             co=["Sở Văn hóa, Thể thao và Du lịch"], deadline="2024-07-31"),
        Task(["Sở Thông tin và Truyền thông"], heading="3. Sở Thông tin và Truyền thông",
             action="Chỉ đạo Báo Quảng Trị, Đài Phát thanh - Truyền hình tỉnh và hệ thống thông tin cơ sở tăng "
                    "thời lượng tuyên truyền về phòng, chống đuối nước trẻ em, đặc biệt tại các xã ven biển, "
                    "ven sông."),
        Task(["UBND các huyện, thị xã, thành phố"], heading="4. UBND các huyện, thị xã, thành phố",
             action=["- Rà soát các ao, hồ, sông, suối, khu vực khai thác cát có nguy cơ gây đuối nước; lắp đặt "
                     "biển cảnh báo, rào chắn tại các điểm nguy hiểm, hoàn thành trước ngày 10/6/2024.",
                     "- Chỉ đạo UBND cấp xã phân công người theo dõi, nhắc nhở trẻ em không tắm ở những nơi "
                     "không bảo đảm an toàn."],
             deadline="2024-06-10"),
        Task(["Ủy ban MTTQ Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"],
             heading="5. Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh",
             action="Tăng cường tuyên truyền, vận động hội viên, đoàn viên và các gia đình quản lý, giám sát chặt "
                    "chẽ trẻ em trong thời gian nghỉ hè."),
        "Yêu cầu Thủ trưởng các cơ quan, đơn vị, Chủ tịch UBND các huyện, thị xã, thành phố triển khai thực "
        "hiện nghiêm túc nội dung Công văn này./.",
    ],
    distribution=["Như trên", "Bộ Lao động - Thương binh và Xã hội (b/c)", "Thường trực Tỉnh ủy (b/c)",
                  "Thường trực HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh",
                  "C, PVP UBND tỉnh, các Phòng:\nVX, TH, Trung tâm Tin học", "Lưu: VT, VX(HTL)"],
    authority=["KT. Chủ tịch"], title="Phó Chủ tịch", signer="Lê Quang Thịnh",
    references=[Ref("1526/BLĐTBXH-TE", "Công văn", "2024-04-26", "Bộ Lao động - Thương binh và Xã hội")],
    note="công văn; two-line issuer; Kính gửi list; body-headed sections; `Đề nghị` heading with two "
         "assignees; deadlines: date, `trong tháng 7/2024`; distribution entry over two lines",
)

# 2. Quyết định of a department under a province: parent over issuer, Căn cứ lines,
#    Điều 1/2/3 with an execution article, quarter deadline.
QD_NGHEAN = Spec(
    id="qd-snv-nghean-to-cong-tac",
    doc_type="Quyết định", issuer="Sở Nội vụ", issuer_parent="UBND tỉnh Nghệ An",
    number="215", code="QĐ-SNV", place="Nghệ An", year=2024, month=3, day=8,
    subject_prefix="Về việc ",
    subject="thành lập Tổ công tác rà soát, số hóa hồ sơ, tài liệu lưu trữ của Sở Nội vụ",
    subject_lines=["thành lập Tổ công tác rà soát, số hóa hồ sơ,", "tài liệu lưu trữ của Sở Nội vụ"],
    preamble=[C("GIÁM ĐỐC SỞ NỘI VỤ TỈNH NGHỆ AN")],
    body=[
        I("Căn cứ Luật Lưu trữ ngày 11 tháng 11 năm 2011;"),
        I("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"),
        I("Căn cứ Quyết định số 28/2021/QĐ-UBND ngày 14 tháng 9 năm 2021 của Ủy ban nhân dân tỉnh Nghệ An "
          "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Nội vụ;"),
        I("Căn cứ Kế hoạch số 112/KH-UBND ngày 20 tháng 02 năm 2024 của Ủy ban nhân dân tỉnh về chuyển đổi số "
          "trong công tác văn thư, lưu trữ năm 2024;"),
        I("Theo đề nghị của Chánh Văn phòng Sở."),
        C("QUYẾT ĐỊNH:"),
        Para("Thành lập Tổ công tác rà soát, số hóa hồ sơ, tài liệu lưu trữ của Sở Nội vụ (sau đây gọi tắt là "
             "Tổ công tác) gồm các ông, bà có tên sau:", label="Điều 1."),
        "1. Ông Nguyễn Đình Quý, Phó Giám đốc Sở - Tổ trưởng;",
        "2. Bà Hồ Thị Minh Nguyệt, Chánh Văn phòng Sở - Tổ phó;",
        "3. Ông Trần Văn Hưởng, Trưởng phòng Văn thư - Lưu trữ - Thành viên;",
        "4. Bà Lê Thị Kim Oanh, chuyên viên Văn phòng Sở - Thành viên.",
        Task(["Tổ công tác"], label="Điều 2.", prefix="Tổ công tác ",
             action="có nhiệm vụ rà soát, phân loại, chỉnh lý hồ sơ, tài liệu lưu trữ tại Sở từ năm 2010 đến năm "
                    "2023; lập danh mục hồ sơ cần số hóa và tổ chức số hóa, cập nhật vào Hệ thống quản lý tài "
                    "liệu điện tử của tỉnh, hoàn thành trong quý III/2024.",
             deadline="2024-09-30"),
        Task(["Văn phòng Sở"], prefix="Giao Văn phòng Sở ",
             action="bố trí kinh phí, trang thiết bị phục vụ hoạt động của Tổ công tác từ nguồn kinh phí chi "
                    "thường xuyên năm 2024 của Sở."),
        Para("Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng các phòng chuyên môn thuộc "
             "Sở và các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.", label="Điều 3."),
    ],
    distribution=["Như Điều 3", "Giám đốc, các Phó Giám đốc Sở", "Lưu: VT, VP"],
    authority=[], title="Giám đốc", signer="Phan Văn Thạch",
    references=[Ref("30/2020/NĐ-CP", "Nghị định", "2020-03-05", "Chính phủ"),
                Ref("28/2021/QĐ-UBND", "Quyết định", "2021-09-14", "Ủy ban nhân dân tỉnh Nghệ An"),
                Ref("112/KH-UBND", "Kế hoạch", "2024-02-20", "Ủy ban nhân dân tỉnh")],
    note="quyết định; parent (not bold) over issuer; Căn cứ lines (a law without số is no reference); "
         "Điều 2 task with `quý III/2024`; execution article Điều 3 is no task; signer without authority",
)

# 3. Kế hoạch with sections and Tổ chức thực hiện per body, deadlines without a year.
KH_BINHDINH = Spec(
    id="kh-stttt-binhdinh-chuyen-doi-so",
    doc_type="Kế hoạch", issuer="Sở Thông tin và Truyền thông", issuer_parent="UBND tỉnh Bình Định",
    issuer_lines=["Sở Thông tin", "và Truyền thông"],
    number="86", code="KH-STTTT", place="Bình Định", year=2024, month=4, day=12,
    subject="Triển khai Ngày Chuyển đổi số tỉnh Bình Định năm 2024",
    body=[
        "Thực hiện Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ về Ngày Chuyển đổi số "
        "quốc gia; Kế hoạch số 45/KH-UBND ngày 08/3/2024 của UBND tỉnh về chuyển đổi số tỉnh Bình Định năm "
        "2024, Sở Thông tin và Truyền thông xây dựng Kế hoạch triển khai Ngày Chuyển đổi số tỉnh năm 2024 "
        "như sau:",
        H("I. MỤC ĐÍCH, YÊU CẦU"),
        H("1. Mục đích"),
        "Nâng cao nhận thức của cán bộ, công chức, viên chức, doanh nghiệp và người dân về vai trò, lợi ích "
        "của chuyển đổi số; tạo sự lan tỏa, thúc đẩy chuyển đổi số toàn diện trên cả ba trụ cột chính quyền "
        "số, kinh tế số và xã hội số.",
        H("2. Yêu cầu"),
        "Các hoạt động được tổ chức thiết thực, hiệu quả, tiết kiệm, phù hợp với điều kiện thực tế của tỉnh; "
        "phân công cụ thể, rõ người, rõ việc, rõ thời gian hoàn thành.",
        H("II. NỘI DUNG HOẠT ĐỘNG"),
        "1. Tổ chức Hội nghị chuyên đề về chuyển đổi số trong cơ quan nhà nước, dự kiến vào tuần đầu tháng "
        "10/2024.",
        "2. Tổ chức Triển lãm các sản phẩm, giải pháp chuyển đổi số tiêu biểu của doanh nghiệp trên địa bàn tỉnh.",
        "3. Phát động cuộc thi trực tuyến “Tìm hiểu về chuyển đổi số” dành cho đoàn viên, thanh niên.",
        H("III. TỔ CHỨC THỰC HIỆN"),
        Task(["Phòng Công nghệ thông tin"], heading="1. Phòng Công nghệ thông tin",
             action=["- Chủ trì, phối hợp với Văn phòng Sở và các đơn vị liên quan tham mưu tổ chức các hoạt "
                     "động tại Mục II Kế hoạch này.",
                     "- Tổng hợp kết quả thực hiện, báo cáo Giám đốc Sở trước ngày 25/10."],
             co=["Văn phòng Sở", "các đơn vị liên quan"], deadline="2024-10-25"),
        Task(["Văn phòng Sở"], heading="2. Văn phòng Sở",
             action="Bố trí kinh phí thực hiện Kế hoạch từ nguồn chi thường xuyên năm 2024 của Sở; chuẩn bị hội "
                    "trường, trang thiết bị phục vụ Hội nghị."),
        Task(["Trung tâm Công nghệ thông tin và Truyền thông"],
             heading="3. Trung tâm Công nghệ thông tin và Truyền thông",
             action="Xây dựng chuyên trang “Ngày Chuyển đổi số” trên Cổng thông tin điện tử tỉnh, hoàn thành "
                    "trong tháng 9/2024.",
             deadline="2024-09-30"),
        Task(["Báo Bình Định", "Đài Phát thanh và Truyền hình Bình Định"],
             heading="4. Đề nghị Báo Bình Định, Đài Phát thanh và Truyền hình Bình Định",
             action="Dành thời lượng, mở chuyên mục tuyên truyền về chuyển đổi số trong tháng 10/2024.",
             deadline="2024-10-31"),
        Task(["UBND các huyện, thị xã, thành phố"], heading="5. UBND các huyện, thị xã, thành phố",
             action="Căn cứ Kế hoạch này, xây dựng kế hoạch hưởng ứng Ngày Chuyển đổi số tại địa phương, gửi về "
                    "Sở Thông tin và Truyền thông trước ngày 30/8/2024 để tổng hợp.",
             deadline="2024-08-30"),
        "Trên đây là Kế hoạch triển khai Ngày Chuyển đổi số tỉnh Bình Định năm 2024 của Sở Thông tin và "
        "Truyền thông./.",
    ],
    distribution=["UBND tỉnh (b/c)", "Giám đốc, các PGĐ Sở", "Các cơ quan, đơn vị tại Mục III",
                  "Lưu: VT, CNTT"],
    authority=["KT. Giám đốc"], title="Phó Giám đốc", signer="Đặng Thị Mỹ Hạnh",
    references=[Ref("505/QĐ-TTg", "Quyết định", "2022-04-22", "Thủ tướng Chính phủ"),
                Ref("45/KH-UBND", "Kế hoạch", "2024-03-08", "UBND tỉnh")],
    note="kế hoạch; parent over a two-line issuer; sections I-III; activities without a body are no "
         "tasks; Tổ chức thực hiện per body; deadline without a year (`trước ngày 25/10`), `trong tháng`",
)

# 4. Thông báo kết luận: "giao Sở A chủ trì, phối hợp với …, hoàn thành trước ngày …",
#    stacked TL. / KT. authority; printed as a scan with an ĐẾN stamp.
TB_TAYNINH = Spec(
    id="tb-ketluan-ubnd-tayninh-scan",
    doc_type="Thông báo", issuer="Ủy ban nhân dân tỉnh Tây Ninh",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Tây Ninh"],
    number="142", code="TB-UBND", place="Tây Ninh", year=2024, month=7, day=3,
    subject="Kết luận của Phó Chủ tịch UBND tỉnh Trần Văn Khang tại cuộc họp nghe báo cáo tiến độ giải "
            "phóng mặt bằng dự án đường ven sông Vàm Cỏ Đông",
    subject_lines=["Kết luận của Phó Chủ tịch UBND tỉnh Trần Văn Khang",
                   "tại cuộc họp nghe báo cáo tiến độ giải phóng mặt bằng",
                   "dự án đường ven sông Vàm Cỏ Đông"],
    body=[
        "Ngày 28/6/2024, Phó Chủ tịch UBND tỉnh Trần Văn Khang chủ trì cuộc họp nghe báo cáo tiến độ giải "
        "phóng mặt bằng dự án đường ven sông Vàm Cỏ Đông. Tham dự có lãnh đạo các sở: Tài chính, Xây dựng, "
        "Tài nguyên và Môi trường và UBND huyện Bến Cầu. Sau khi nghe báo cáo và ý kiến của các đại biểu, "
        "Phó Chủ tịch UBND tỉnh kết luận như sau:",
        "1. Công tác giải phóng mặt bằng của dự án còn chậm, chưa đạt yêu cầu theo Thông báo số 95/TB-UBND "
        "ngày 17/5/2024 của UBND tỉnh; còn 27 hộ dân chưa thống nhất phương án bồi thường.",
        "2. Để bảo đảm tiến độ dự án, Phó Chủ tịch UBND tỉnh chỉ đạo:",
        Task(["UBND huyện Bến Cầu"], prefix="a) Giao UBND huyện Bến Cầu ",
             action="chủ trì, phối hợp với Sở Tài nguyên và Môi trường, Sở Xây dựng hoàn thành việc kiểm đếm, "
                    "lập phương án bồi thường đối với 27 hộ dân còn lại, hoàn thành trước ngày 31/7/2024.",
             co=["Sở Tài nguyên và Môi trường", "Sở Xây dựng"], deadline="2024-07-31"),
        Task(["Sở Tài chính"], prefix="b) Giao Sở Tài chính ",
             action="chủ trì, phối hợp với Sở Kế hoạch và Đầu tư tham mưu UBND tỉnh bố trí 45 tỷ đồng vốn bồi "
                    "thường từ nguồn ngân sách tỉnh năm 2024, báo cáo UBND tỉnh trong thời hạn 10 ngày làm "
                    "việc kể từ ngày nhận được Thông báo này.",
             co=["Sở Kế hoạch và Đầu tư"]),
        Task(["Sở Xây dựng"], prefix="c) Sở Xây dựng ",
             action="khẩn trương thẩm định điều chỉnh thiết kế đoạn tuyến qua xã Long Thuận, trình UBND tỉnh "
                    "phê duyệt trong quý III/2024.",
             deadline="2024-09-30"),
        "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.",
    ],
    distribution=["CT, các PCT UBND tỉnh",
                  "Các Sở: Tài chính, Xây dựng,\nTài nguyên và Môi trường, Kế hoạch và Đầu tư",
                  "UBND huyện Bến Cầu", "LĐVP, Phòng KT", "Lưu: VT, KT(Ng)"],
    authority=["TL. Chủ tịch", "KT. Chánh Văn phòng"], title="Phó Chánh Văn phòng", signer="Võ Thanh Tùng",
    references=[Ref("95/TB-UBND", "Thông báo", "2024-05-17", "UBND tỉnh")],
    note="thông báo kết luận; scan (image PDF, ĐẾN stamp); giao … chủ trì, phối hợp với …; "
         "`trong thời hạn 10 ngày làm việc` (no date); `quý III/2024`; TL./KT. stacked authority; "
         "no Kính gửi; distribution entry over two lines",
)

# 5. Giấy mời: "Kính mời … đến dự" — no Kính gửi, no tasks; single-row header table.
GM_CAMAU = Spec(
    id="gm-syt-camau-hoi-nghi",
    doc_type="Giấy mời", issuer="Sở Y tế", issuer_parent="UBND tỉnh Cà Mau",
    number="27", code="GM-SYT", place="Cà Mau", year=2024, month=11, day=5,
    subject="Hội nghị sơ kết công tác phòng, chống sốt xuất huyết 10 tháng đầu năm 2024",
    subject_lines=["Hội nghị sơ kết công tác phòng, chống sốt xuất huyết", "10 tháng đầu năm 2024"],
    header_rows=1,
    body=[
        "Thực hiện Kế hoạch số 318/KH-SYT ngày 15/3/2024 của Sở Y tế về phòng, chống dịch bệnh truyền nhiễm "
        "năm 2024, Sở Y tế tổ chức Hội nghị sơ kết công tác phòng, chống sốt xuất huyết 10 tháng đầu năm 2024.",
        Para("Sở Y tế trân trọng kính mời: Giám đốc Trung tâm Y tế các huyện, thành phố Cà Mau; Giám đốc Trung "
             "tâm Kiểm soát bệnh tật tỉnh; Giám đốc các bệnh viện đa khoa tuyến tỉnh đến dự Hội nghị."),
        Para("Thời gian: 01 buổi, bắt đầu lúc 07 giờ 30 phút, ngày 12/11/2024 (thứ Ba).", label="1."),
        Para("Địa điểm: Hội trường Sở Y tế, số 155 đường Bùi Thị Trường, Phường 5, thành phố Cà Mau.",
             label="2."),
        "Rất mong các đồng chí sắp xếp thời gian đến dự Hội nghị đúng giờ./.",
    ],
    distribution=["Như thành phần mời", "Giám đốc Sở (b/c)", "Lưu: VT, NVY"],
    authority=["KT. Giám đốc"], title="Phó Giám đốc", signer="Lâm Văn Nghĩa",
    references=[Ref("318/KH-SYT", "Kế hoạch", "2024-03-15", "Sở Y tế")],
    note="giấy mời; single-row header table; Kính mời is not Kính gửi (recipients []); no tasks",
)

# 6. Tờ trình: inline Kính gửi, Căn cứ references, "Kính đề nghị UBND tỉnh xem xét …" task.
TTR_LAMDONG = Spec(
    id="ttr-stc-lamdong-kinh-phi",
    doc_type="Tờ trình", issuer="Sở Tài chính", issuer_parent="UBND tỉnh Lâm Đồng",
    number="64", code="TTr-STC", place="Lâm Đồng", year=2024, month=8, day=19,
    subject_prefix="Về việc ",
    subject="bổ sung kinh phí thực hiện chính sách hỗ trợ học sinh bán trú năm học 2024 - 2025",
    subject_lines=["bổ sung kinh phí thực hiện chính sách hỗ trợ học sinh bán trú",
                   "năm học 2024 - 2025"],
    recipients=["Ủy ban nhân dân tỉnh Lâm Đồng"], recipients_inline=True,
    body=[
        "Căn cứ Nghị định số 116/2016/NĐ-CP ngày 18/7/2016 của Chính phủ quy định chính sách hỗ trợ học sinh "
        "và trường phổ thông ở xã, thôn đặc biệt khó khăn;",
        "Căn cứ Quyết định số 2674/QĐ-UBND ngày 12/12/2023 của UBND tỉnh về giao dự toán thu, chi ngân sách "
        "nhà nước năm 2024;",
        "Xét đề nghị của Sở Giáo dục và Đào tạo tại Công văn số 1932/SGDĐT-KHTC ngày 02/8/2024, Sở Tài chính "
        "kính trình UBND tỉnh như sau:",
        H("1. Nhu cầu kinh phí"),
        "Học kỳ I năm học 2024 - 2025, toàn tỉnh có 6.912 học sinh thuộc đối tượng hưởng chính sách hỗ trợ "
        "tiền ăn, tiền nhà ở và gạo theo quy định; tổng nhu cầu kinh phí là 31.780 triệu đồng. Dự toán đã "
        "giao đầu năm là 19.330 triệu đồng, còn thiếu 12.450 triệu đồng.",
        H("2. Nguồn kinh phí đề xuất"),
        "Từ nguồn dự phòng ngân sách tỉnh năm 2024 còn lại chưa phân bổ.",
        Task(["UBND tỉnh"], prefix="Kính đề nghị UBND tỉnh ",
             action="xem xét, quyết định bổ sung dự toán năm 2024 cho Sở Giáo dục và Đào tạo số tiền 12.450 "
                    "triệu đồng để thực hiện chính sách hỗ trợ học sinh bán trú./."),
    ],
    distribution=["Như trên", "Sở Giáo dục và Đào tạo", "Lưu: VT, QLNS"],
    authority=[], title="Giám đốc", signer="Nguyễn Hữu Phước",
    references=[Ref("116/2016/NĐ-CP", "Nghị định", "2016-07-18", "Chính phủ"),
                Ref("2674/QĐ-UBND", "Quyết định", "2023-12-12", "UBND tỉnh"),
                Ref("1932/SGDĐT-KHTC", "Công văn", "2024-08-02", "Sở Giáo dục và Đào tạo")],
    note="tờ trình (reportlab PDF); inline Kính gửi; three references; the Kính đề nghị request is a task "
         "of UBND tỉnh; signer in own name",
)

# 7. Báo cáo of a commune under a district: parent + two-line issuer, kiến nghị tasks; old .doc.
BC_TANPHUOC = Spec(
    id="bc-ubnd-xa-tanphuoc-cchc",
    doc_type="Báo cáo", issuer="Ủy ban nhân dân xã Tân Phước", issuer_parent="UBND huyện Đồng Phú",
    issuer_lines=["Ủy ban nhân dân", "xã Tân Phước"],
    number="58", code="BC-UBND", place="Tân Phước", year=2024, month=6, day=24,
    subject="Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
    recipients=["Phòng Nội vụ huyện Đồng Phú"], recipients_inline=True,
    body=[
        "Thực hiện Công văn số 412/PNV-CCHC ngày 10/6/2024 của Phòng Nội vụ huyện Đồng Phú về việc báo cáo "
        "công tác cải cách hành chính 6 tháng đầu năm 2024, UBND xã Tân Phước báo cáo kết quả như sau:",
        H("I. KẾT QUẢ THỰC HIỆN"),
        H("1. Công tác chỉ đạo, điều hành"),
        "UBND xã ban hành kế hoạch cải cách hành chính năm 2024, phân công nhiệm vụ cụ thể cho từng công chức; "
        "niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Tiếp nhận và trả kết quả.",
        H("2. Cải cách thủ tục hành chính"),
        "Trong 6 tháng đầu năm, Bộ phận Tiếp nhận và trả kết quả của xã tiếp nhận 1.284 hồ sơ, giải quyết đúng "
        "hạn 1.279 hồ sơ, đạt tỷ lệ 99,6%; tỷ lệ hồ sơ trực tuyến toàn trình đạt 41%.",
        H("II. KHÓ KHĂN, VƯỚNG MẮC"),
        "Trang thiết bị tại Bộ phận Tiếp nhận và trả kết quả đã xuống cấp; một bộ phận người dân chưa quen sử "
        "dụng dịch vụ công trực tuyến.",
        H("III. ĐỀ XUẤT, KIẾN NGHỊ"),
        Task(["Phòng Nội vụ huyện"], prefix="1. Đề nghị Phòng Nội vụ huyện ",
             action="tiếp tục tổ chức tập huấn nghiệp vụ về dịch vụ công trực tuyến, chữ ký số cho công chức Bộ "
                    "phận Tiếp nhận và trả kết quả của xã trong quý III/2024.",
             deadline="2024-09-30"),
        Task(["UBND huyện"], prefix="2. Đề nghị UBND huyện ",
             action="xem xét, bố trí kinh phí nâng cấp trang thiết bị tại Bộ phận Tiếp nhận và trả kết quả "
                    "của xã."),
        "Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024 của UBND xã "
        "Tân Phước./.",
    ],
    distribution=["Như trên", "TT. Đảng ủy, HĐND xã", "CT, các PCT UBND xã", "Lưu: VT, VP"],
    authority=["TM. Ủy ban nhân dân"], title="Chủ tịch", signer="Lý Văn Sáng",
    references=[Ref("412/PNV-CCHC", "Công văn", "2024-06-10", "Phòng Nội vụ huyện Đồng Phú")],
    note="báo cáo (old .doc); parent (UBND huyện) over a two-line bold issuer; inline Kính gửi; "
         "kiến nghị requests are tasks; TM. authority",
)

# 8. Chỉ thị with numbered sections per body, a) b) items; two-page scan with an ĐẾN stamp.
CT_HAIDUONG = Spec(
    id="ct-ubnd-haiduong-atgt-scan",
    doc_type="Chỉ thị", issuer="Ủy ban nhân dân tỉnh Hải Dương",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Hải Dương"],
    number="08", code="CT-UBND", place="Hải Dương", year=2024, month=12, day=2,
    subject_prefix="Về việc ",
    subject="tăng cường bảo đảm trật tự, an toàn giao thông dịp cuối năm 2024 và Tết Nguyên đán Ất Tỵ 2025",
    subject_lines=["tăng cường bảo đảm trật tự, an toàn giao thông dịp cuối năm 2024",
                   "và Tết Nguyên đán Ất Tỵ 2025"],
    body=[
        "Dịp cuối năm và Tết Nguyên đán, nhu cầu đi lại, vận chuyển hàng hóa của nhân dân tăng cao, tiềm ẩn "
        "nguy cơ ùn tắc và tai nạn giao thông. Thực hiện Công điện số 118/CĐ-TTg ngày 22/11/2024 của Thủ "
        "tướng Chính phủ, Chủ tịch Ủy ban nhân dân tỉnh chỉ thị:",
        Task(["Công an tỉnh"], heading="1. Công an tỉnh:",
             action=["a) Chủ trì, phối hợp với Sở Giao thông vận tải tổ chức các đợt cao điểm tuần tra, kiểm soát, "
                     "xử lý vi phạm về nồng độ cồn, tốc độ, chở hàng quá tải trọng trên các tuyến quốc lộ qua địa "
                     "bàn tỉnh.",
                     "b) Tăng cường lực lượng bảo đảm trật tự tại các bến xe, nhà ga và khu vực tổ chức lễ hội."],
             co=["Sở Giao thông vận tải"]),
        Task(["Sở Giao thông vận tải"], heading="2. Sở Giao thông vận tải:",
             action=["a) Rà soát, khắc phục các điểm đen, điểm tiềm ẩn tai nạn giao thông trên các tuyến đường "
                     "tỉnh, hoàn thành trước ngày 20/12/2024.",
                     "b) Chỉ đạo các doanh nghiệp vận tải hành khách xây dựng phương án tăng cường phương tiện "
                     "phục vụ nhân dân đi lại dịp Tết, không để hành khách bị ùn ứ tại các bến xe."],
             deadline="2024-12-20"),
        Task(["Sở Thông tin và Truyền thông"], heading="3. Sở Thông tin và Truyền thông:",
             action="Chỉ đạo các cơ quan báo chí, hệ thống truyền thanh cơ sở tuyên truyền thông điệp “Đã uống "
                    "rượu, bia - Không lái xe”."),
        Task(["Sở Y tế"], heading="4. Sở Y tế:",
             action="Bố trí lực lượng, phương tiện cấp cứu tại các trục giao thông chính, bảo đảm kịp thời cấp "
                    "cứu người bị nạn."),
        Task(["Ủy ban nhân dân các huyện, thị xã, thành phố"],
             heading="5. Ủy ban nhân dân các huyện, thị xã, thành phố:",
             action="Chỉ đạo lực lượng chức năng xử lý dứt điểm tình trạng lấn chiếm hành lang an toàn giao thông, "
                    "họp chợ dưới lòng đường; báo cáo kết quả về Ban An toàn giao thông tỉnh trước ngày "
                    "10/01/2025.",
             deadline="2025-01-10"),
        "Yêu cầu Giám đốc các sở, Thủ trưởng các ban, ngành, Chủ tịch UBND các huyện, thị xã, thành phố "
        "nghiêm túc thực hiện Chỉ thị này./.",
    ],
    distribution=["Ủy ban ATGT quốc gia (b/c)", "TT Tỉnh ủy, TT HĐND tỉnh (b/c)", "Chủ tịch, các PCT UBND tỉnh",
                  "Các sở, ban, ngành, đoàn thể tỉnh", "UBND các huyện, thị xã, thành phố", "Lưu: VT, KT(Tr)"],
    authority=["TM. Ủy ban nhân dân"], title="Chủ tịch", signer="Bùi Quang Vinh",
    references=[Ref("118/CĐ-TTg", "Công điện", "2024-11-22", "Thủ tướng Chính phủ")],
    note="chỉ thị; two-page scan (image PDF, ĐẾN stamp); sections per body with a)/b) items; "
         "deadline in the next year; closing compliance sentence is no task",
)

# 9. Công điện: HỎA TỐC mark, addressees after "… điện:", tasks in numbered sentences; PNG scan.
CD_QUANGBINH = Spec(
    id="cd-ubnd-quangbinh-mua-lu-scan",
    doc_type="Công điện", issuer="Ủy ban nhân dân tỉnh Quảng Bình",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Quảng Bình"],
    number="12", code="CĐ-UBND", place="Quảng Bình", year=2024, month=10, day=27,
    mark="HỎA TỐC",
    subject_prefix="Về việc ",
    subject="chủ động ứng phó với mưa lớn, nguy cơ lũ quét, sạt lở đất",
    addressee_line="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH điện:",
    recipients=["Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh",
                "Chủ tịch UBND các huyện, thị xã, thành phố",
                "Ban Chỉ huy Phòng thủ dân sự tỉnh"],
    body=[
        "Từ đêm 27/10 đến ngày 30/10/2024 trên địa bàn tỉnh có mưa to đến rất to, nguy cơ cao xảy ra lũ quét, "
        "sạt lở đất ở vùng núi. Để chủ động ứng phó, Chủ tịch UBND tỉnh yêu cầu:",
        Task(["Chủ tịch UBND các huyện, thị xã, thành phố"],
             prefix="1. Chủ tịch UBND các huyện, thị xã, thành phố ",
             action="chỉ đạo sơ tán ngay người dân ra khỏi khu vực có nguy cơ sạt lở đất, lũ quét; bố trí lực "
                    "lượng canh gác tại các ngầm, tràn, không để người và phương tiện qua lại khi nước chảy xiết."),
        Task(["Sở Nông nghiệp và Phát triển nông thôn"], prefix="2. Sở Nông nghiệp và Phát triển nông thôn ",
             action="chỉ đạo các đơn vị quản lý hồ, đập vận hành điều tiết bảo đảm an toàn công trình; báo cáo "
                    "tình hình về Văn phòng thường trực Ban Chỉ huy trước 16 giờ hằng ngày."),
        Task(["Ban Chỉ huy Phòng thủ dân sự tỉnh"], prefix="3. Ban Chỉ huy Phòng thủ dân sự tỉnh ",
             action="chủ trì, phối hợp với Bộ Chỉ huy Quân sự tỉnh, Công an tỉnh bố trí lực lượng, phương tiện "
                    "sẵn sàng ứng cứu khi có tình huống xảy ra.",
             co=["Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh"]),
        "Yêu cầu Thủ trưởng các cơ quan, đơn vị, địa phương nghiêm túc thực hiện Công điện này./.",
    ],
    distribution=["Như trên", "Ban Chỉ đạo quốc gia về PCTT (b/c)", "TT Tỉnh ủy, TT HĐND tỉnh",
                  "Lưu: VT, NN"],
    authority=["KT. Chủ tịch"], title="Phó Chủ tịch", signer="Đoàn Ngọc Lâm",
    note="công điện (PNG scan with ĐẾN stamp); HỎA TỐC mark; addressees after `… điện:` are the recipients; "
         "recurring `hằng ngày` has no deadline; no references",
)

# 10. Draft công văn: blank number and blank day.
CV_HAGIANG_DRAFT = Spec(
    id="cv-ubnd-hagiang-du-thao",
    doc_type="Công văn", issuer="Ủy ban nhân dân tỉnh Hà Giang",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Hà Giang"],
    number=None, code="UBND-KGVX", place="Hà Giang", year=2024, month=6, day=None,
    subject="rà soát, sắp xếp điểm trường lẻ năm học 2024 - 2025",
    subject_lines=["rà soát, sắp xếp điểm trường lẻ", "năm học 2024 - 2025"],
    recipients=["Sở Giáo dục và Đào tạo", "Sở Tài chính", "UBND các huyện, thành phố"],
    body=[
        "Xét đề nghị của Sở Giáo dục và Đào tạo tại Tờ trình số 87/TTr-SGDĐT ngày 03/6/2024, Chủ tịch UBND "
        "tỉnh có ý kiến như sau:",
        Task(["Sở Giáo dục và Đào tạo"], prefix="1. Giao Sở Giáo dục và Đào tạo ",
             action="chủ trì, phối hợp với UBND các huyện, thành phố rà soát mạng lưới điểm trường lẻ, đề xuất "
                    "phương án sáp nhập các điểm trường có dưới 10 học sinh, báo cáo UBND tỉnh trước ngày "
                    "15/7/2024.",
             co=["UBND các huyện, thành phố"], deadline="2024-07-15"),
        Task(["Sở Tài chính"], prefix="2. Sở Tài chính ",
             action="cân đối, tham mưu bố trí kinh phí sửa chữa, nâng cấp các điểm trường chính sau sáp nhập "
                    "trong dự toán ngân sách năm 2025."),
        Task(["UBND các huyện, thành phố"], prefix="3. UBND các huyện, thành phố ",
             action="phối hợp chặt chẽ với Sở Giáo dục và Đào tạo trong quá trình rà soát; tuyên truyền để phụ "
                    "huynh học sinh đồng thuận với chủ trương sắp xếp điểm trường.",
             co=["Sở Giáo dục và Đào tạo"]),
        "Yêu cầu các cơ quan, đơn vị triển khai thực hiện./.",
    ],
    distribution=["Như trên", "CT, các PCT UBND tỉnh", "Lưu: VT, KGVX"],
    authority=["KT. Chủ tịch"], title="Phó Chủ tịch", signer="Vàng Thị Mai",
    references=[Ref("87/TTr-SGDĐT", "Tờ trình", "2024-06-03", "Sở Giáo dục và Đào tạo")],
    note="draft công văn: blank number (`Số:      /UBND-KGVX` → number null) and blank day (`ngày      "
         "tháng 6 năm 2024` → 2024-06)",
)

# 11. Công văn with a schedule table in the body (rows are tasks).
CV_THANHHOA = Spec(
    id="cv-sgddt-thanhhoa-thi-tot-nghiep",
    doc_type="Công văn", issuer="Sở Giáo dục và Đào tạo", issuer_parent="UBND tỉnh Thanh Hóa",
    issuer_lines=["Sở Giáo dục và Đào tạo"],
    number="2315", code="SGDĐT-KTKĐ", place="Thanh Hóa", year=2024, month=4, day=10,
    subject="hướng dẫn đăng ký dự thi tốt nghiệp trung học phổ thông năm 2024",
    subject_lines=["hướng dẫn đăng ký dự thi", "tốt nghiệp trung học phổ thông năm 2024"],
    recipients=["Hiệu trưởng các trường trung học phổ thông",
                "Giám đốc các trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên"],
    body=[
        "Căn cứ Thông tư số 24/2023/TT-BGDĐT ngày 18/12/2023 của Bộ Giáo dục và Đào tạo ban hành Quy chế thi "
        "tốt nghiệp trung học phổ thông; Công văn số 1277/BGDĐT-QLCL ngày 26/3/2024 của Bộ Giáo dục và Đào "
        "tạo về việc hướng dẫn tổ chức thi tốt nghiệp trung học phổ thông năm 2024, Sở Giáo dục và Đào tạo "
        "hướng dẫn các đơn vị thực hiện như sau:",
        H("1. Lịch đăng ký dự thi"),
        BodyTable(
            header=["TT", "Nội dung công việc", "Đơn vị, người thực hiện", "Thời hạn"],
            rows=[["1", "Đăng ký dự thi trực tuyến trên Hệ thống quản lý thi", "Thí sinh",
                   "Trước 17 giờ 00 ngày 05/5/2024"],
                  ["2", "Kiểm tra, xác nhận thông tin đăng ký dự thi của thí sinh", "Các điểm tiếp nhận hồ sơ",
                   "Trước ngày 10/5/2024"],
                  ["3", "Gửi danh sách thí sinh và lệ phí về Sở (qua Phòng Khảo thí)",
                   "Các trường THPT, trung tâm GDNN-GDTX", "Trước ngày 15/5/2024"]],
            tasks=[Task(["Thí sinh"], action="Đăng ký dự thi trực tuyến trên Hệ thống quản lý thi",
                        deadline="2024-05-05"),
                   Task(["Các điểm tiếp nhận hồ sơ"],
                        action="Kiểm tra, xác nhận thông tin đăng ký dự thi của thí sinh", deadline="2024-05-10"),
                   Task(["Các trường THPT", "trung tâm GDNN-GDTX"],
                        action="Gửi danh sách thí sinh và lệ phí về Sở (qua Phòng Khảo thí)",
                        deadline="2024-05-15")]),
        H("2. Trách nhiệm của các đơn vị"),
        Task(["Hiệu trưởng các trường trung học phổ thông"],
             prefix="a) Hiệu trưởng các trường trung học phổ thông ",
             action="phổ biến Quy chế thi đến toàn thể học sinh lớp 12; phân công cán bộ hỗ trợ thí sinh đăng ký "
                    "dự thi trực tuyến."),
        Task(["Phòng Khảo thí và Kiểm định chất lượng giáo dục"],
             prefix="b) Phòng Khảo thí và Kiểm định chất lượng giáo dục ",
             action="tổng hợp số liệu đăng ký dự thi toàn tỉnh, báo cáo Giám đốc Sở trước ngày 20/5.",
             deadline="2024-05-20"),
        "Trong quá trình thực hiện, nếu có vướng mắc, liên hệ Phòng Khảo thí và Kiểm định chất lượng giáo dục, "
        "điện thoại 0237.3852.411 để được hướng dẫn./.",
    ],
    distribution=["Như trên", "Giám đốc, các PGĐ Sở", "Cổng TTĐT Sở", "Lưu: VT, KTKĐ"],
    authority=["KT. Giám đốc"], title="Phó Giám đốc", signer="Lê Thị Hồng Nhung",
    references=[Ref("24/2023/TT-BGDĐT", "Thông tư", "2023-12-18", "Bộ Giáo dục và Đào tạo"),
                Ref("1277/BGDĐT-QLCL", "Công văn", "2024-03-26", "Bộ Giáo dục và Đào tạo")],
    note="công văn (LibreOffice PDF); schedule table inside the body whose rows are tasks; "
         "deadline without a year; people as assignees",
)

# 12. Công văn signed TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG.
CV_DAKNONG = Spec(
    id="cv-ubnd-daknong-phan-anh-kien-nghi",
    doc_type="Công văn", issuer="Ủy ban nhân dân tỉnh Đắk Nông",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Đắk Nông"],
    number="3561", code="UBND-NCKSTT", place="Đắk Nông", year=2024, month=7, day=22,
    subject="đôn đốc xử lý phản ánh, kiến nghị về quy định hành chính quá hạn",
    subject_lines=["đôn đốc xử lý phản ánh, kiến nghị", "về quy định hành chính quá hạn"],
    recipients=["Các sở, ban, ngành", "UBND các huyện, thành phố Gia Nghĩa"],
    body=[
        "Theo dõi trên Hệ thống tiếp nhận, trả lời phản ánh, kiến nghị của Cổng Dịch vụ công quốc gia, đến "
        "ngày 18/7/2024 trên địa bàn tỉnh còn 14 phản ánh, kiến nghị quá hạn xử lý (có danh sách kèm theo). "
        "Thực hiện Công văn số 2190/VPCP-KSTT ngày 02/4/2024 của Văn phòng Chính phủ, Chủ tịch UBND tỉnh có "
        "ý kiến như sau:",
        Task(["các sở, ban, ngành", "UBND các huyện, thành phố Gia Nghĩa"],
             prefix="1. Yêu cầu các sở, ban, ngành, UBND các huyện, thành phố Gia Nghĩa ",
             action="khẩn trương xử lý dứt điểm các phản ánh, kiến nghị quá hạn; báo cáo kết quả về UBND tỉnh "
                    "(qua Văn phòng UBND tỉnh) trong thời hạn 05 ngày làm việc kể từ ngày nhận được Công văn này."),
        Task(["Văn phòng UBND tỉnh"], prefix="2. Giao Văn phòng UBND tỉnh ",
             action="theo dõi, đôn đốc việc xử lý phản ánh, kiến nghị; tổng hợp, báo cáo Chủ tịch UBND tỉnh kết "
                    "quả thực hiện trước ngày 15/8/2024.",
             deadline="2024-08-15"),
        "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
    ],
    distribution=["Như trên", "CT, các PCT UBND tỉnh", "CVP, các PCVP UBND tỉnh", "Lưu: VT, NC-KSTT"],
    authority=["TL. Chủ tịch", "KT. Chánh Văn phòng"], title="Phó Chánh Văn phòng", signer="Nguyễn Đình Trung",
    references=[Ref("2190/VPCP-KSTT", "Công văn", "2024-04-02", "Văn phòng Chính phủ")],
    note="công văn (LibreOffice PDF); three-line signing block TL. / KT. / title; `Yêu cầu` task with two "
         "assignees; `trong thời hạn 05 ngày làm việc` (no date)",
)

# 13. Quyết định quy phạm: year in the symbol, TM. / KT. stacked, no tasks.
QD_VINHLONG = Spec(
    id="qd-ubnd-vinhlong-quy-che-ccn",
    doc_type="Quyết định", issuer="Ủy ban nhân dân tỉnh Vĩnh Long",
    issuer_lines=["Ủy ban nhân dân", "tỉnh Vĩnh Long"],
    number="15", year_in_symbol=True, code="QĐ-UBND", place="Vĩnh Long", year=2024, month=10, day=9,
    subject="Ban hành Quy chế phối hợp quản lý cụm công nghiệp trên địa bàn tỉnh Vĩnh Long",
    subject_lines=["Ban hành Quy chế phối hợp quản lý cụm công nghiệp", "trên địa bàn tỉnh Vĩnh Long"],
    preamble=[C("ỦY BAN NHÂN DÂN TỈNH VĨNH LONG")],
    body=[
        I("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
        I("Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển "
          "cụm công nghiệp;"),
        I("Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 156/TTr-SCT ngày 20 tháng 9 năm 2024."),
        C("QUYẾT ĐỊNH:"),
        Para("Ban hành kèm theo Quyết định này Quy chế phối hợp quản lý cụm công nghiệp trên địa bàn tỉnh "
             "Vĩnh Long.", label="Điều 1."),
        Para("Quyết định này có hiệu lực thi hành kể từ ngày 21 tháng 10 năm 2024.", label="Điều 2."),
        Para("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Công Thương, Thủ trưởng các sở, ban, ngành "
             "tỉnh, Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố và các tổ chức, cá nhân có liên quan "
             "chịu trách nhiệm thi hành Quyết định này./.", label="Điều 3."),
    ],
    distribution=["Như Điều 3", "Bộ Công Thương (b/c)", "Cục Kiểm tra VBQPPL - Bộ Tư pháp",
                  "TT. Tỉnh ủy, TT. HĐND tỉnh", "Lưu: VT, KTN"],
    authority=["TM. Ủy ban nhân dân", "KT. Chủ tịch"], title="Phó Chủ tịch", signer="Phan Thành Đạt",
    references=[Ref("32/2024/NĐ-CP", "Nghị định", "2024-03-15", "Chính phủ"),
                Ref("156/TTr-SCT", "Tờ trình", "2024-09-20", "Giám đốc Sở Công Thương")],
    note="quyết định quy phạm: year in the symbol (15/2024/QĐ-UBND); TM. / KT. / title stacked; "
         "no tasks (effect and execution articles only)",
)

# 14. Công văn of a ministry (no parent), inline Kính gửi, one request with numbered items; plain text.
CV_BNN = Spec(
    id="cv-bnn-dong-xuan",
    doc_type="Công văn", issuer="Bộ Nông nghiệp và Phát triển nông thôn",
    issuer_lines=["Bộ Nông nghiệp", "và Phát triển nông thôn"],
    number="7542", code="BNN-TT", place="Hà Nội", year=2024, month=10, day=1,
    subject="hướng dẫn sản xuất vụ Đông Xuân 2024 - 2025 các tỉnh phía Bắc",
    recipients=["Ủy ban nhân dân các tỉnh, thành phố phía Bắc"], recipients_inline=True,
    body=[
        "Vụ Đông Xuân 2024 - 2025 được dự báo có nguy cơ rét đậm, rét hại và thiếu nước cục bộ. Để chủ động "
        "sản xuất, bảo đảm an ninh lương thực, Bộ Nông nghiệp và Phát triển nông thôn đề nghị:",
        Task(["Ủy ban nhân dân các tỉnh, thành phố"], prefix="1. Ủy ban nhân dân các tỉnh, thành phố ",
             action=["chỉ đạo Sở Nông nghiệp và Phát triển nông thôn và các cơ quan liên quan thực hiện tốt các "
                     "nội dung sau:",
                     "a) Bố trí cơ cấu giống, thời vụ hợp lý; gieo cấy tập trung trong khung thời vụ tốt nhất.",
                     "b) Chủ động lấy nước đổ ải theo lịch của các công ty thủy lợi; không để ruộng thiếu nước.",
                     "c) Báo cáo kết quả gieo cấy về Bộ (qua Cục Trồng trọt) trước ngày 10/3/2025."],
             deadline="2025-03-10"),
        Task(["Cục Trồng trọt"], prefix="2. Giao Cục Trồng trọt ",
             action="chủ trì, phối hợp với Cục Thủy lợi, Cục Bảo vệ thực vật theo dõi, hướng dẫn các địa phương "
                    "triển khai; tổng hợp, báo cáo Bộ trưởng trong tháng 3/2025.",
             co=["Cục Thủy lợi", "Cục Bảo vệ thực vật"], deadline="2025-03-31"),
        "Bộ Nông nghiệp và Phát triển nông thôn đề nghị Ủy ban nhân dân các tỉnh, thành phố quan tâm, chỉ đạo "
        "thực hiện./.",
    ],
    distribution=["Như trên", "Bộ trưởng (để b/c)", "Các Thứ trưởng",
                  "Sở NN và PTNT các tỉnh, thành phố phía Bắc", "Lưu: VT, TT"],
    authority=["KT. Bộ trưởng"], title="Thứ trưởng", signer="Trịnh Văn Lộc",
    note="công văn of a ministry (plain .txt); no parent; two-line issuer; inline Kính gửi; one request with "
         "a) b) c) items is one task; deadlines in the next year",
)

# 15. Hướng dẫn of a district office with a one-row header, DOCX.
HD_PHUTHO = Spec(
    id="hd-pgddt-thanhson-ban-tru",
    doc_type="Hướng dẫn", issuer="Phòng Giáo dục và Đào tạo", issuer_parent="UBND huyện Thanh Sơn",
    number="19", code="HD-PGDĐT", place="Thanh Sơn", year=2024, month=9, day=6,
    subject="Tổ chức bán trú tại các trường tiểu học năm học 2024 - 2025",
    subject_lines=["Tổ chức bán trú tại các trường tiểu học", "năm học 2024 - 2025"],
    header_rows=1,
    body=[
        "Căn cứ Quyết định số 1082/QĐ-UBND ngày 02/8/2024 của UBND huyện Thanh Sơn về việc ban hành Kế "
        "hoạch thời gian năm học 2024 - 2025, Phòng Giáo dục và Đào tạo hướng dẫn tổ chức bán trú như sau:",
        H("1. Điều kiện tổ chức bán trú"),
        "Có phòng ăn, phòng nghỉ, bếp ăn bảo đảm an toàn thực phẩm; có hợp đồng cung cấp thực phẩm với cơ sở "
        "có giấy chứng nhận đủ điều kiện.",
        H("2. Tổ chức thực hiện"),
        Task(["Hiệu trưởng các trường tiểu học"], prefix="a) Hiệu trưởng các trường tiểu học ",
             action="xây dựng kế hoạch tổ chức bán trú, thông qua Ban đại diện cha mẹ học sinh và gửi về Phòng "
                    "Giáo dục và Đào tạo trước ngày 20/9/2024.",
             deadline="2024-09-20"),
        Task(["Bộ phận Kế toán Phòng"], prefix="b) Bộ phận Kế toán Phòng ",
             action="hướng dẫn các trường thu, chi, quyết toán các khoản thu dịch vụ bán trú theo quy định."),
        "Trong quá trình thực hiện, nếu có vướng mắc, các trường báo cáo về Phòng Giáo dục và Đào tạo để "
        "được hướng dẫn./.",
    ],
    distribution=["UBND huyện (b/c)", "Các trường tiểu học", "Lưu: VT"],
    authority=["KT. Trưởng phòng"], title="Phó Trưởng phòng", signer="Hà Thị Thu Hiền",
    references=[Ref("1082/QĐ-UBND", "Quyết định", "2024-08-02", "UBND huyện Thanh Sơn")],
    note="hướng dẫn (DOCX); district office under a district; single-row header; `Lưu: VT` alone",
)


# 16. Notice of a university office: parent over issuer, TL. Hiệu trưởng, schedule table,
#     deadlines without a year that fall in the next year.
TB_DHSPKT = Spec(
    id="tb-dhspkt-vinhlong-dang-ky-hoc-phan",
    doc_type="Thông báo", issuer="Phòng Đào tạo",
    issuer_parent="Trường Đại học Sư phạm Kỹ thuật Vĩnh Long",
    number="312", code="TB-ĐHSPKTVL-ĐT", place="Vĩnh Long", year=2024, month=12, day=20,
    subject="Kế hoạch đăng ký học phần học kỳ II năm học 2024 - 2025",
    body=[
        "Căn cứ Quy chế đào tạo trình độ đại học ban hành kèm theo Quyết định số 1045/QĐ-ĐHSPKTVL ngày "
        "15/8/2022 của Hiệu trưởng Trường Đại học Sư phạm Kỹ thuật Vĩnh Long, Phòng Đào tạo thông báo kế "
        "hoạch đăng ký học phần học kỳ II năm học 2024 - 2025 như sau:",
        H("1. Lịch đăng ký học phần"),
        BodyTable(
            header=["Công việc", "Người thực hiện", "Thời hạn"],
            rows=[["Đăng ký học phần trực tuyến trên cổng thông tin sinh viên", "Sinh viên", "Trước ngày 05/01"],
                  ["Duyệt danh sách lớp học phần, đề xuất hủy lớp dưới 15 sinh viên", "Các khoa",
                   "Trước ngày 08/01"]],
            tasks=[Task(["Sinh viên"], action="Đăng ký học phần trực tuyến trên cổng thông tin sinh viên",
                        deadline="2025-01-05"),
                   Task(["Các khoa"], action="Duyệt danh sách lớp học phần, đề xuất hủy lớp dưới 15 sinh viên",
                        deadline="2025-01-08")]),
        H("2. Trách nhiệm thực hiện"),
        Task(["Cố vấn học tập"], prefix="a) Cố vấn học tập ",
             action="hướng dẫn sinh viên lớp phụ trách lập kế hoạch học tập, đăng ký học phần đúng tiến độ."),
        Task(["Trung tâm Công nghệ thông tin"], prefix="b) Trung tâm Công nghệ thông tin ",
             action="bảo đảm hệ thống đăng ký học phần hoạt động ổn định; sao lưu dữ liệu đăng ký hằng ngày "
                    "trong thời gian đăng ký."),
        "Phòng Đào tạo thông báo để sinh viên và các đơn vị biết, thực hiện./.",
    ],
    distribution=["Ban Giám hiệu (b/c)", "Các khoa, Trung tâm CNTT", "Sinh viên (qua website)", "Lưu: VT, ĐT"],
    authority=["TL. Hiệu trưởng"], title="Trưởng phòng Đào tạo", signer="Trương Minh Nhựt",
    references=[Ref("1045/QĐ-ĐHSPKTVL", "Quyết định", "2022-08-15",
                    "Hiệu trưởng Trường Đại học Sư phạm Kỹ thuật Vĩnh Long")],
    note="thông báo of a university office (reportlab PDF); long parent wrapping over two lines; "
         "TL. Hiệu trưởng / Trưởng phòng; schedule table; `trước ngày 05/01` in a December document → "
         "next year",
)


# 17. Kế hoạch of a provincial hospital: its own departments (Khoa, Phòng, Tổ, Điều dưỡng trưởng) as
#     assignees; Tổ chức thực hiện opens with a sentence for the Ban Giám đốc, then lettered items in
#     the Vietnamese alphabet (… d), đ), e), g): no `f`); a content section whose sentence gives work;
#     an unruled schedule table of the born-digital PDF; the closing request is no task.
KH_BVDK_CANTHO = Spec(
    id="kh-bvdk-cantho-kiem-soat-nhiem-khuan",
    doc_type="Kế hoạch", issuer="Bệnh viện Đa khoa thành phố Cần Thơ",
    issuer_parent="Sở Y tế thành phố Cần Thơ",
    issuer_lines=["Bệnh viện Đa khoa", "thành phố Cần Thơ"],
    number="418", code="KH-BVĐK", place="Cần Thơ", year=2025, month=3, day=14,
    subject="Tăng cường kiểm soát nhiễm khuẩn bệnh viện năm 2025",
    body=[
        "Căn cứ Thông tư số 16/2018/TT-BYT ngày 20/7/2018 của Bộ Y tế quy định về kiểm soát nhiễm khuẩn "
        "trong các cơ sở khám bệnh, chữa bệnh, Bệnh viện xây dựng kế hoạch tăng cường kiểm soát nhiễm khuẩn "
        "năm 2025 như sau:",
        H("I. MỤC ĐÍCH, YÊU CẦU"),
        "Giảm tỷ lệ nhiễm khuẩn bệnh viện dưới 5%; bảo đảm an toàn cho người bệnh và nhân viên y tế.",
        H("II. NỘI DUNG"),
        H("1. Giám sát vệ sinh tay"),
        Task(["Từng khoa lâm sàng"], prefix="Từng khoa lâm sàng ",
             action="tự giám sát tuân thủ vệ sinh tay hằng tuần và gửi kết quả về Khoa Kiểm soát nhiễm khuẩn."),
        H("2. Lịch triển khai"),
        BodyTable(
            header=["TT", "Nội dung công việc", "Thời gian", "Đơn vị thực hiện"],
            rows=[["1", "Tập huấn quy trình vệ sinh tay cho điều dưỡng mới", "Trước ngày 31/3/2025",
                   "Phòng Điều dưỡng"],
                  ["2", "Bổ sung dung dịch sát khuẩn tay nhanh tại các buồng bệnh", "Từ 01/4/2025 đến 15/4/2025",
                   "Khoa Dược"]],
            ruled=False,
            tasks=[Task(["Phòng Điều dưỡng"], action="Tập huấn quy trình vệ sinh tay cho điều dưỡng mới",
                        deadline="2025-03-31"),
                   Task(["Khoa Dược"], action="Bổ sung dung dịch sát khuẩn tay nhanh tại các buồng bệnh",
                        deadline="2025-04-15")]),
        H("III. TỔ CHỨC THỰC HIỆN"),
        Task(["Ban Giám đốc"], prefix="Ban Giám đốc ",
             action="chỉ đạo các khoa, phòng triển khai Kế hoạch này; định kỳ hằng quý nghe báo cáo kết quả."),
        Task(["Khoa Kiểm soát nhiễm khuẩn"], prefix="a) Khoa Kiểm soát nhiễm khuẩn ",
             action="là đơn vị đầu mối giám sát nhiễm khuẩn bệnh viện; tổng hợp, báo cáo Ban Giám đốc trước ngày "
                    "25 hằng tháng."),
        Task(["Phòng Kế hoạch tổng hợp"], prefix="b) Phòng Kế hoạch tổng hợp ",
             action="đưa nội dung kiểm soát nhiễm khuẩn vào tiêu chí đánh giá chất lượng hằng tháng của các khoa."),
        Task(["Phòng Tài chính kế toán"], prefix="c) Phòng Tài chính kế toán ",
             action="bố trí kinh phí mua sắm vật tư, hóa chất kiểm soát nhiễm khuẩn từ nguồn thu sự nghiệp."),
        Task(["Khoa Dược"], prefix="d) Khoa Dược ",
             action="cung ứng đủ dung dịch sát khuẩn, hóa chất khử khuẩn theo dự trù của các khoa."),
        Task(["Phòng Điều dưỡng"], prefix="đ) Phòng Điều dưỡng ",
             action="kiểm tra việc thực hiện quy trình tiêm an toàn, thay băng vô khuẩn của điều dưỡng."),
        Task(["Điều dưỡng trưởng khoa"], prefix="e) Điều dưỡng trưởng khoa ",
             action="có trách nhiệm phân công điều dưỡng giám sát vệ sinh tay tại khoa."),
        Task(["Tổ Quản lý chất lượng"], prefix="g) Tổ Quản lý chất lượng ",
             action="khảo sát sự hài lòng của người bệnh về công tác vệ sinh, hoàn thành trong quý II/2025.",
             deadline="2025-06-30"),
        "Trên đây là Kế hoạch tăng cường kiểm soát nhiễm khuẩn bệnh viện năm 2025. Đề nghị các khoa, phòng "
        "nghiêm túc triển khai thực hiện./.",
    ],
    distribution=["Sở Y tế (b/c)", "Ban Giám đốc", "Các khoa, phòng", "Lưu: VT, KSNK"],
    authority=[], title="Giám đốc", signer="Lâm Văn Hậu",
    references=[Ref("16/2018/TT-BYT", "Thông tư", "2018-07-20", "Bộ Y tế")],
    note="kế hoạch of a hospital (LibreOffice PDF): its own departments and roles as assignees; "
         "Tổ chức thực hiện opens with a sentence for the Ban Giám đốc, then a) … đ) e) g) items (no f); a "
         "content section whose sentence gives work; unruled schedule table; the closing request is no task",
)

# 18. Thông báo of a university's graduate office: a procedure (Bước 1 …) whose steps name their
#     actor (NCS, Khoa Sau đại học, Hội đồng, Thư ký Hội đồng) and an unruled table of who does
#     what by when; plain sentences to students.
TB_DHCT_LUAN_AN = Spec(
    id="tb-dhct-bao-ve-luan-an",
    doc_type="Thông báo", issuer="Khoa Sau đại học", issuer_parent="Trường Đại học Cần Thơ",
    number="95", code="TB-KSĐH", place="Cần Thơ", year=2025, month=5, day=6,
    subject="Quy trình tổ chức bảo vệ luận án tiến sĩ cấp trường đợt 1 năm 2025",
    body=[
        "Căn cứ Quy chế tuyển sinh và đào tạo trình độ tiến sĩ ban hành kèm theo Quyết định số "
        "2210/QĐ-ĐHCT ngày 12/7/2022 của Hiệu trưởng Trường Đại học Cần Thơ, Khoa Sau đại học thông báo "
        "quy trình tổ chức bảo vệ luận án tiến sĩ cấp trường đợt 1 năm 2025 như sau:",
        H("1. Quy trình thực hiện"),
        Task(["NCS"], prefix="Bước 1: NCS ",
             action="làm giấy đăng ký bảo vệ luận án, nộp hồ sơ về Khoa Sau đại học trước ngày 30/5/2025.",
             deadline="2025-05-30"),
        Task(["Khoa Sau đại học"], prefix="Bước 2: Khoa Sau đại học ",
             action="tiến hành kiểm tra hồ sơ, trình Hiệu trưởng ra quyết định thành lập Hội đồng đánh giá luận án."),
        Task(["Thư ký Hội đồng"], prefix="Bước 3: Thư ký Hội đồng ",
             action="gửi luận án đến các thành viên Hội đồng chậm nhất 15 ngày trước buổi bảo vệ."),
        Task(["Hội đồng đánh giá luận án"], prefix="Bước 4: Hội đồng đánh giá luận án ",
             action="tổ chức buổi bảo vệ công khai và lập biên bản theo mẫu."),
        H("2. Lịch thực hiện"),
        BodyTable(
            header=["Công việc", "Người thực hiện", "Thời hạn"],
            rows=[["Cập nhật thông tin luận án trên cổng thông tin sau đại học", "Nghiên cứu sinh",
                   "Trước ngày 10/6/2025"],
                  ["Đăng tải tóm tắt luận án lên trang thông tin của Trường", "Phòng Quản lý khoa học",
                   "Trước ngày 20/6/2025"]],
            ruled=False,
            tasks=[Task(["Nghiên cứu sinh"], action="Cập nhật thông tin luận án trên cổng thông tin sau đại học",
                        deadline="2025-06-10"),
                   Task(["Phòng Quản lý khoa học"],
                        action="Đăng tải tóm tắt luận án lên trang thông tin của Trường", deadline="2025-06-20")]),
        Task(["Giảng viên hướng dẫn"], prefix="Giảng viên hướng dẫn ",
             action="có trách nhiệm xác nhận luận án đã hoàn thiện trước khi NCS nộp hồ sơ."),
        "Khoa Sau đại học thông báo để nghiên cứu sinh và các đơn vị biết, thực hiện./.",
    ],
    distribution=["Ban Giám hiệu (b/c)", "Các khoa, viện", "NCS (qua website)", "Lưu: VT, KSĐH"],
    authority=["TL. Hiệu trưởng", "KT. Trưởng khoa Sau đại học"], title="Phó Trưởng khoa", signer="Trần Thị Thu Hà",
    references=[Ref("2210/QĐ-ĐHCT", "Quyết định", "2022-07-12", "Hiệu trưởng Trường Đại học Cần Thơ")],
    note="thông báo of a university's graduate office (reportlab PDF): a procedure whose steps (`Bước 1:` …) "
         "name their actor; roles as assignees (NCS, Thư ký Hội đồng, Giảng viên hướng dẫn); unruled table "
         "without an STT column; the closing `thông báo để … biết, thực hiện` is no task",
)

# 19. Giấy mời of a university: the invited bodies after `Trân trọng kính mời` are no tasks (CONTRACT);
#     an invitation has no Kính gửi recipients.
GM_DHCT_HOI_THAO = Spec(
    id="gm-dhct-hoi-thao-chuyen-doi-so",
    doc_type="Giấy mời", issuer="Trường Đại học Cần Thơ",
    issuer_lines=["Trường Đại học", "Cần Thơ"],
    number="57", code="GM-ĐHCT", place="Cần Thơ", year=2025, month=9, day=3,
    subject="Dự Hội thảo khoa học chuyển đổi số trong giáo dục đại học",
    body=[
        "Trường Đại học Cần Thơ tổ chức Hội thảo khoa học “Chuyển đổi số trong giáo dục đại học”. "
        "Trường trân trọng kính mời:",
        "- Đại diện lãnh đạo các khoa, viện, trung tâm;",
        "- Trưởng các phòng chức năng;",
        "- Giảng viên, nghiên cứu viên quan tâm.",
        "Thời gian: 08 giờ 00, ngày 17 tháng 9 năm 2025.",
        "Địa điểm: Hội trường Rùa, Khu II, Trường Đại học Cần Thơ.",
        "Sự hiện diện của Quý đại biểu góp phần vào thành công của Hội thảo./.",
    ],
    distribution=["Như thành phần mời", "Lưu: VT, P.QLKH"],
    authority=["KT. Hiệu trưởng"], title="Phó Hiệu trưởng", signer="Trần Trung Tính",
    note="giấy mời of a university (reportlab PDF): the invited bodies after `trân trọng kính mời` are no "
         "tasks; time and place lines are no tasks; no recipients",
)


# id → (spec, format)
SAMPLES: dict[str, tuple[Spec, str]] = {s.id: (s, fmt) for s, fmt in [
    (CV_QUANGTRI, "docx"),
    (QD_NGHEAN, "pdf"),
    (KH_BINHDINH, "pdf"),
    (TB_TAYNINH, "scan-pdf"),
    (GM_CAMAU, "docx"),
    (TTR_LAMDONG, "pdf-rl"),
    (BC_TANPHUOC, "doc"),
    (CT_HAIDUONG, "scan-pdf"),
    (CD_QUANGBINH, "scan-png"),
    (CV_HAGIANG_DRAFT, "docx"),
    (CV_THANHHOA, "pdf"),
    (CV_DAKNONG, "pdf"),
    (QD_VINHLONG, "docx"),
    (CV_BNN, "txt"),
    (HD_PHUTHO, "docx"),
    (TB_DHSPKT, "pdf-rl"),
    (KH_BVDK_CANTHO, "pdf"),
    (TB_DHCT_LUAN_AN, "pdf-rl"),
    (GM_DHCT_HOI_THAO, "pdf-rl"),
]}
