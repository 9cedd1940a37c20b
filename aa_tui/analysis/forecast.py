"""When the site reaches its storage cap at its recent rate, and how far each what-if
cleanup step pushes that date.

The rate is the least-squares slope of the bytes the site holds, month by month (cumulative
uploads), over the last complete months: up to :data:`TREND_MONTHS`, at least
:data:`MIN_MONTHS`. Not the mean of those months' growth: that is (last - first) / N, which
the two end months alone decide, so one big upload at either end swings it; the slope weighs
every month. Months are upload months (UTC), each net of what cleanups removed from it; the
month the scan ran in is partial and left out. A site that does not grow (or shrinks) does not
reach its cap "at this rate".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from aa_tui.model.forecast import NEVER, NO_CAP, OVER, REACHED, CapDate, Forecast

TREND_MONTHS = 12  # the months the rate is drawn from, at most
MIN_MONTHS = 6  # fewer complete months of history: no trend
DAYS_A_MONTH = 365.2425 / 12
HORIZON_MONTHS = 100 * 12  # further than this: "not in 100 years"


def _index(month: str) -> int:
    year, _, number = month.partition("-")
    return int(year) * 12 + int(number) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def trend_window(uploads: Mapping[str, int], now: datetime) -> list[str]:
    """The complete months before ``now``'s, from the first upload, the last
    :data:`TREND_MONTHS` of them."""
    before = [m for m in uploads if m < now.strftime("%Y-%m")]
    if not before:
        return []
    last = _index(now.strftime("%Y-%m")) - 1
    first = max(_index(min(before)), last - TREND_MONTHS + 1)
    return [_month(i) for i in range(first, last + 1)]


def monthly_rate(uploads: Mapping[str, int], months: Sequence[str]) -> int:
    """The least-squares slope, in bytes a month, of cumulative ``uploads`` over ``months``
    (a month without uploads counts 0)."""
    n = len(months)
    if n < 2:
        return 0
    level, ys = 0, []
    for month in months:
        level += uploads.get(month, 0)
        ys.append(level)
    mean_x, mean_y = (n - 1) / 2, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return round(sum((x - mean_x) * (y - mean_y) for x, y in enumerate(ys)) / spread)


def forecast(
    uploads: Mapping[str, int],
    *,
    now: datetime,
    stored: int,
    cap: int | None,
    steps: Sequence[tuple[str, int]] = (),
    removed: int = 0,
) -> Forecast:
    """The rate of ``uploads`` (bytes per ``YYYY-MM``, net of cleanups) and, for each of
    ``steps`` (a what-if step and the bytes it would leave; the first is the site as it is,
    ``stored``), when it reaches ``cap``."""
    months = trend_window(uploads, now)
    if len(months) < MIN_MONTHS:
        why = f"{len(months)} complete months of uploads, a trend needs {MIN_MONTHS}"
        return Forecast(0, tuple(months), stored, removed, cap, why_not=why)
    rate = monthly_rate(uploads, months)
    levels = list(steps) or [("as it is", stored)]
    dates: list[CapDate] = []
    for step, level in levels:
        date = _cap_date(step, level, rate, cap, now)
        base = dates[0].months if dates and dates[0].state == REACHED else None
        first = _month_index(dates[0].month) if base is not None else 0
        if dates and base is not None and date.months is not None and date.state == REACHED:
            # in the calendar months shown (Apr 2029 -> Jun 2030 is +14, whatever the days)
            date = replace(date, gained=float(_month_index(date.month) - first))
        dates.append(date)
    return Forecast(rate, tuple(months), stored, removed, cap, tuple(dates))


def _month_index(month: str) -> int:
    """``YYYY-MM`` as a count of months (for calendar differences)."""
    year, _, number = month.partition("-")
    return int(year) * 12 + int(number) - 1


def _cap_date(step: str, level: int, rate: int, cap: int | None, now: datetime) -> CapDate:
    if cap is None:
        return CapDate(step, level, NO_CAP)
    if level > cap:
        return CapDate(step, level, OVER, 0.0)
    months = (cap - level) / rate if rate > 0 else None
    if months is None or months > HORIZON_MONTHS:
        return CapDate(step, level, NEVER)
    when = now + timedelta(days=months * DAYS_A_MONTH)
    return CapDate(step, level, REACHED, months, when.strftime("%Y-%m"))
