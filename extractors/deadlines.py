"""Deadlines of tasks: Vietnamese date expressions → ISO due dates, working-day arithmetic.

`find_deadline(text, doc_date)` returns a `Deadline(date, recurrence, text)`: the first due
date the text gives (`trước ngày 30/6/2023`, `ngày 15 tháng 7 năm 2023`, `trước 15/5`,
`trong tháng 12/2017`, `quý III/2023`, `trong thời hạn 10 ngày làm việc`) and a recurrence
(`định kỳ hằng tháng` → `monthly`). Dates without a year take the document's year, or the next
year when that falls before the document's date. Working days skip weekends and the public
holidays of the Labour Code (Tết Nguyên đán and Giỗ Tổ by the Vietnamese lunar calendar,
computed here, with the compensatory day off when a holiday falls on a weekend).
"""
from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# ---------------------------------------------------------------- lunar calendar (UTC+7)
# Hồ Ngọc Đức's astronomical algorithm for the Vietnamese lunar calendar.
_TZ = 7.0


def _jd_from_date(d: int, m: int, y: int) -> int:
    a = (14 - m) // 12
    y2 = y + 4800 - a
    m2 = m + 12 * a - 3
    jd = d + (153 * m2 + 2) // 5 + 365 * y2 + y2 // 4 - y2 // 100 + y2 // 400 - 32045
    if jd < 2299161:
        jd = d + (153 * m2 + 2) // 5 + 365 * y2 + y2 // 4 - 32083
    return jd


def _date_from_jd(jd: int) -> date:
    a = jd + 32044
    b = (4 * a + 3) // 146097
    c = a - (b * 146097) // 4
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = b * 100 + d - 4800 + m // 10
    return date(year, month, day)


def _new_moon(k: int) -> int:
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 = c1 - 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(dr * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return int(jd1 + c1 - deltat + 0.5 + _TZ / 24)


def _sun_longitude(jdn: int) -> int:
    t = (jdn - 2451545.5 - _TZ / 24) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    lon -= math.pi * 2 * int(lon / (math.pi * 2))
    if lon < 0:
        lon += 2 * math.pi
    return int(lon / math.pi * 6)


def _lunar_month11(y: int) -> int:
    off = _jd_from_date(31, 12, y) - 2415021
    k = int(off / 29.530588853)
    nm = _new_moon(k)
    if _sun_longitude(nm) >= 9:
        nm = _new_moon(k - 1)
    return nm


def _leap_month_offset(a11: int) -> int:
    k = int((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_longitude(_new_moon(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_longitude(_new_moon(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


@lru_cache(maxsize=512)
def lunar_to_solar(lunar_day: int, lunar_month: int, lunar_year: int, leap: bool = False) -> date:
    """The solar date of a (non-leap by default) Vietnamese lunar date."""
    if lunar_month < 11:
        a11, b11 = _lunar_month11(lunar_year - 1), _lunar_month11(lunar_year)
    else:
        a11, b11 = _lunar_month11(lunar_year), _lunar_month11(lunar_year + 1)
    k = int(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    off = lunar_month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = leap_off - 2
        if leap_month < 0:
            leap_month += 12
        if leap and lunar_month != leap_month:
            leap = False
        if leap or off >= leap_off:
            off += 1
    return _date_from_jd(_new_moon(k + off) + lunar_day - 1)


def tet(year: int) -> date:
    """Mùng 1 Tết Nguyên đán of the lunar year that starts in `year`."""
    return lunar_to_solar(1, 1, year)


# ---------------------------------------------------------------- public holidays
@lru_cache(maxsize=128)
def public_holidays(year: int) -> frozenset[date]:
    """Days off of the Labour Code (2019 code from 2021, 2012 code before), with compensatory days."""
    days: set[date] = {date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)}
    if year >= 2021:
        days.add(date(year, 9, 3))          # the 2nd day of Quốc khánh (adjacent day)
    t = tet(year)
    days.update(t + timedelta(days=i) for i in range(-1, 4))   # 30 Tết … mùng 4
    days.add(lunar_to_solar(10, 3, year))  # Giỗ Tổ Hùng Vương
    # a holiday on a weekend is made up on the next working day (nghỉ bù)
    extra: set[date] = set()
    for d in sorted(days):
        if d.weekday() >= 5:
            nxt = d + timedelta(days=1)
            while nxt.weekday() >= 5 or nxt in days or nxt in extra:
                nxt += timedelta(days=1)
            extra.add(nxt)
    return frozenset(days | extra)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in public_holidays(d.year)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted)."""
    d = start
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


# ---------------------------------------------------------------- expressions
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_D = r"(\d{1,2})"
_SEP = r"\s*[/.\-]\s*"
_YEAR = r"(\d{4}|\d{2})"
_DMY = re.compile(_D + _SEP + r"(\d{1,2})" + r"(?:" + _SEP + _YEAR + r")?(?!\d)(?!\s*(?:ngày|giờ|tháng|năm|buổi)\b)")
_DMY_WORDS = re.compile(r"ngày\s+" + _D + r"\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", re.I)
_MONTH = re.compile(r"(?:trong|hết|cuối|hoàn\s+thành\s+trong|trước|xong\s+trong|đến|tới)\s+tháng\s+(\d{1,2})"
                    r"(?:\s*(?:/|năm)\s*(\d{4}))?", re.I)
_QUARTER = re.compile(r"quý\s+(IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(\d{4}))?\b", re.I)
_WITHIN = re.compile(r"(?:trong\s+(?:thời\s+hạn|vòng)|chậm\s+nhất|không\s+quá|sau)\s+(\d{1,3})\s+ngày(\s+làm\s+việc)?", re.I)
_BEFORE_EVENT = re.compile(r"(?:\s*,?\s*trước|\s+sau(?!\s+(?:đó|này)\b))\s+(?!ngày\s+\d)(?!\d)", re.I)
_FROM_RECEIPT = re.compile(r"\s*,?\s*(?:kể\s+|tính\s+)?từ\s+(?:ngày\s+|khi\s+)?(?:nhận|tiếp\s+nhận)", re.I)
_RANGE = re.compile(_D + _SEP + r"(\d{1,2})(?:" + _SEP + _YEAR + r")?\s*(?:[-–—]|đến)\s*" + _D + _SEP
                    + r"(\d{1,2})(?:" + _SEP + _YEAR + r")?(?!\d)")
_RECUR = re.compile(r"(?:định\s+kỳ\s+)?(?:hằng|hàng)\s+(ngày|tuần|tháng|quý|năm)|định\s+kỳ\s+(sáu\s+tháng|6\s+tháng|"
                    r"tháng|quý|năm|hằng\s+\w+)", re.I)
_RECUR_NAMES = {"ngày": "daily", "tuần": "weekly", "tháng": "monthly", "quý": "quarterly", "năm": "yearly",
                "sáu tháng": "half-yearly", "6 tháng": "half-yearly"}
# a number that is a symbol or a law citation is not a date (`05/2008/TTLT`, `số 12/2023`)
_NOT_DATE_BEFORE = re.compile(r"(số|Số|ký hiệu)\s*$")


@dataclass
class Deadline:
    date: str | None = None
    recurrence: str | None = None
    text: str | None = None


def _year(y: str | None, fallback: int | None) -> int | None:
    if y is None:
        return fallback
    value = int(y)
    return value + 2000 if value < 100 else value


def _safe_date(y: int | None, m: int, d: int) -> date | None:
    if y is None or not (1 <= m <= 12):
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve_year(d: int, m: int, y: str | None, doc_date: date | None) -> date | None:
    if y is not None:
        return _safe_date(_year(y, None), m, d)
    if doc_date is None:
        return None
    cand = _safe_date(doc_date.year, m, d)
    if cand and cand < doc_date:
        cand = _safe_date(doc_date.year + 1, m, d)
    return cand


def _candidates(text: str, doc_date: date | None) -> list[tuple[int, date, str]]:
    """(position, due date, matched text) for every date expression of the text."""
    out: list[tuple[int, date, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _RANGE.finditer(text):
        end_y = m.group(6) or m.group(3)
        due = _resolve_year(int(m.group(4)), int(m.group(5)), end_y, doc_date)
        if due:
            out.append((m.start(), due, m.group(0)))
            taken.append(m.span())
    for m in _DMY_WORDS.finditer(text):
        due = _resolve_year(int(m.group(1)), int(m.group(2)), m.group(3), doc_date)
        if due and free(*m.span()):
            out.append((m.start(), due, m.group(0)))
            taken.append(m.span())
    for m in _DMY.finditer(text):
        if not free(*m.span()):
            continue
        after = text[m.end():m.end() + 2]
        if after[:1] == "/" or re.match(r"\s*/\s*[A-ZĐ]", text[m.end():m.end() + 4]):
            continue    # a symbol such as 05/2008/TTLT-…
        before = text[max(0, m.start() - 12):m.start()]
        if _NOT_DATE_BEFORE.search(before):
            continue
        if m.group(3) is None and not re.search(r"(ngày|trước|đến|từ|hạn|trong|sau)\s*$", before, re.I):
            # d/m without a year and without a date word before it: accept only inside a
            # short text (table cells) to avoid fractions like 1/2
            if len(text) > 40:
                continue
        due = _resolve_year(int(m.group(1)), int(m.group(2)), m.group(3), doc_date)
        if due:
            out.append((m.start(), due, m.group(0)))
            taken.append(m.span())
    for m in _MONTH.finditer(text):
        if not free(*m.span()):
            continue
        month = int(m.group(1))
        y = _year(m.group(2), doc_date.year if doc_date else None)
        if y is None or not 1 <= month <= 12:
            continue
        if m.group(2) is None and doc_date and (y, month) < (doc_date.year, doc_date.month):
            y += 1
        out.append((m.start(), date(y, month, calendar.monthrange(y, month)[1]), m.group(0)))
        taken.append(m.span())
    for m in _QUARTER.finditer(text):
        q = _ROMAN[m.group(1).lower()]
        y = _year(m.group(2), doc_date.year if doc_date else None)
        if y is None:
            continue
        month = q * 3
        out.append((m.start(), date(y, month, calendar.monthrange(y, month)[1]), m.group(0)))
    if doc_date is not None:
        for m in _WITHIN.finditer(text):
            if _FROM_RECEIPT.match(text[m.end():m.end() + 60]) or _BEFORE_EVENT.match(text[m.end():m.end() + 20]):
                continue    # counted from when the addressee receives it, or from an event
                # (`chậm nhất 15 ngày trước buổi bảo vệ`): no date can be given
            n = int(m.group(1))
            due = add_working_days(doc_date, n) if m.group(2) else doc_date + timedelta(days=n)
            out.append((m.start(), due, m.group(0)))
    return out


_DEADLINE_CUE = re.compile(r"(trước|chậm\s+nhất|hạn|hoàn\s+thành|xong|trong\s+(thời\s+hạn|tháng|quý|vòng)|"
                           r"đến\s+ngày|báo\s+cáo|gửi|nộp|không\s+quá|quý)", re.I)


def find_deadline(text: str, doc_date: date | None = None, table_cell: bool = False) -> Deadline:
    """The first due date (earliest) that `text` sets, and its recurrence (in a table cell: the last).

    In running text a date counts only with a deadline cue before it (`trước`, `hoàn thành`,
    `báo cáo … trước`, `chậm nhất`); dates of cited documents (`Công văn số … ngày 12/6/2023`)
    and meeting dates are not deadlines. In a schedule-table cell (`table_cell=True`) the date is
    the due date itself.
    """
    recurrence = None
    rm = _RECUR.search(text)
    if rm:
        key = (rm.group(1) or rm.group(2) or "").lower()
        key = re.sub(r"^hằng\s+|^hàng\s+", "", key)
        recurrence = _RECUR_NAMES.get(key, key)
    best: tuple[date, str] | None = None
    for pos, due, raw in _candidates(text, doc_date):
        if not table_cell:
            before = text[max(0, pos - 40):pos]
            if re.search(r"(số\s*\d|ký hiệu|Công văn|Quyết định|Kế hoạch|Thông báo|Chỉ thị|Nghị quyết|Thông tư|"
                         r"Nghị định|Tờ trình|Báo cáo|Luật)[^.;]{0,25}$", before) and not re.search(
                             r"(trước|chậm nhất|hạn)\s*(ngày\s*)?$", before, re.I):
                continue
            if not (_DEADLINE_CUE.search(before[-25:]) or _DEADLINE_CUE.match(raw)):
                continue
        # running text: the earliest due date; a schedule row's time cell: its end (`Từ 01/3 đến
        # 05/3`, `Dự kiến 20/7 … 23/7 — 14/8`), the last date the row runs to
        if best is None or (due > best[0] if table_cell else due < best[0]):
            best = (due, raw)
    cm = _CELL_MONTH.search(text) if table_cell and best is None else None
    if cm and 1 <= int(cm.group(1)) <= 12:
        # a schedule row's time cell that names a month (`Tháng 5/2026`): due at its end
        y, month = int(cm.group(2)), int(cm.group(1))
        best = (date(y, month, calendar.monthrange(y, month)[1]), cm.group(0))
    return Deadline(date=best[0].isoformat() if best else None, recurrence=recurrence,
                    text=best[1] if best else None)


_CELL_MONTH = re.compile(r"(?<!\w)tháng\s+(\d{1,2})\s*(?:/|-|năm)\s*(\d{4})(?!\d)", re.I)
