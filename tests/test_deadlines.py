"""Deadline expressions and working-day arithmetic (Tết, Giỗ Tổ, weekends)."""
from datetime import date

from extractors.deadlines import add_working_days, find_deadline, is_working_day, lunar_to_solar, public_holidays, tet


def test_tet_dates_from_the_lunar_calendar():
    assert tet(2023) == date(2023, 1, 22)
    assert tet(2024) == date(2024, 2, 10)
    assert tet(2025) == date(2025, 1, 29)
    assert tet(2007) == date(2007, 2, 17)   # Vietnam (UTC+7) differs from China this year
    assert lunar_to_solar(10, 3, 2024) == date(2024, 4, 18)   # Giỗ Tổ Hùng Vương


def test_public_holidays_and_compensatory_days():
    days = public_holidays(2024)
    assert date(2024, 4, 30) in days and date(2024, 5, 1) in days and date(2024, 9, 2) in days
    assert date(2024, 2, 9) in days          # 30 Tết
    assert not is_working_day(date(2024, 2, 12))
    assert is_working_day(date(2024, 2, 19))


def test_working_days_skip_tet_and_weekends():
    # Wednesday 7 Feb 2024; Tết break and weekends follow
    assert add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 8)
    assert add_working_days(date(2024, 2, 7), 5) == date(2024, 2, 21)
    # Friday + 1 working day = Monday
    assert add_working_days(date(2023, 6, 16), 1) == date(2023, 6, 19)


def test_absolute_and_partial_dates():
    d = date(2023, 6, 12)
    assert find_deadline("báo cáo UBND tỉnh trước ngày 30/6/2023.", d).date == "2023-06-30"
    assert find_deadline("hoàn thành trước ngày 15 tháng 7 năm 2023", d).date == "2023-07-15"
    assert find_deadline("gửi về Sở trước ngày 20/7", d).date == "2023-07-20"
    # a day/month before the document date falls in the next year
    assert find_deadline("nộp hồ sơ trước ngày 15/01", date(2023, 12, 20)).date == "2024-01-15"


def test_months_quarters_and_periods():
    d = date(2017, 10, 20)
    assert find_deadline("hoàn thành trong tháng 12/2017", d).date == "2017-12-31"
    assert find_deadline("báo cáo kết quả trước quý III/2023", date(2023, 1, 5)).date == "2023-09-30"
    assert find_deadline("trong thời hạn 10 ngày kể từ ngày ký", date(2023, 6, 1)).date == "2023-06-11"
    assert find_deadline("trong thời hạn 3 ngày làm việc", date(2023, 6, 16)).date == "2023-06-21"


def test_recurrence_is_kept_apart():
    dl = find_deadline("định kỳ hằng quý báo cáo UBND tỉnh", date(2023, 1, 1))
    assert dl.recurrence == "quarterly" and dl.date is None
    assert find_deadline("định kỳ sáu tháng báo cáo", None).recurrence == "half-yearly"


def test_cited_document_dates_are_not_deadlines():
    text = "Thực hiện Công văn số 1113/SLĐTBXH-BTXHTE ngày 12/6/2023 của Sở, đề nghị các đơn vị triển khai."
    assert find_deadline(text, date(2023, 6, 20)).date is None
    assert find_deadline("theo Thông tư liên tịch số 05/2008/TTLT-BKHCN-BNV", date(2009, 1, 1)).date is None


def test_schedule_cells_and_ranges():
    assert find_deadline("31/03/2014 – 04/04/2014", None, table_cell=True).date == "2014-04-04"
    assert find_deadline("24/03/2014", None, table_cell=True).date == "2014-03-24"
    assert find_deadline("Thời gian: 1/2 ngày", date(2014, 1, 1), table_cell=True).date is None


def test_relative_to_receipt_gives_no_date_and_field_words_are_no_citation():
    from datetime import date as _date

    from extractors.deadlines import find_deadline as _find
    doc = _date(2024, 7, 10)
    assert _find("báo cáo UBND tỉnh trong thời hạn 05 ngày làm việc kể từ ngày nhận được Công văn này", doc).date is None
    assert _find("báo cáo UBND tỉnh trong thời hạn 05 ngày làm việc", doc).date == "2024-07-17"
    # `chuyển đổi số` is no `số …` citation before the date
    assert _find("tuyên truyền về chuyển đổi số trong tháng 10/2024.", doc).date == "2024-10-31"
    assert _find("theo Công văn số 1985/SYT-NVY ngày 17/10/2024", doc).date is None


def test_days_counted_from_an_event_give_no_date():
    doc = date(2025, 5, 6)
    assert find_deadline("gửi luận án chậm nhất 15 ngày trước buổi bảo vệ.", doc).date is None
    assert find_deadline("báo cáo trong thời hạn 10 ngày, trước ngày 30/5/2025.", doc).date == "2025-05-16"
