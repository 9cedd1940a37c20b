"""When the site reaches its storage cap at its recent rate: the records and their sentences
(``aa_tui.analysis.forecast`` computes them; the app and the HTML report say them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from aa_tui.model.insights import cap_text
from aa_tui.model.units import size_text

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


#: what a step's storage does against the cap
REACHED, OVER, NEVER, NO_CAP = "reached", "over", "never", "no cap"


@dataclass(frozen=True, slots=True)
class CapDate:
    """When one what-if step's storage reaches the cap: ``state`` (reached in ``month``,
    ``YYYY-MM``, ``months`` after the scan; over it already; never at this rate; no cap) and
    how many months later than doing nothing that is (``gained``)."""

    step: str
    stored: int
    state: str
    months: float | None = None
    month: str = ""
    gained: float | None = None


@dataclass(frozen=True, slots=True)
class Forecast:
    """The site's growth a month (net of cleanups) over the trend's months, what it stores
    now (net of cleanups) and, given a cap, when each what-if step reaches it."""

    rate: int  # bytes a month (least-squares slope); meaningless when ``why_not``
    trend_months: tuple[str, ...]  # the complete months the rate is drawn from
    stored: int  # bytes the site holds now: the scan's, less what cleanups removed
    removed: int  # bytes cleanups removed since the scan (already out of ``stored``)
    cap: int | None
    steps: tuple[CapDate, ...] = field(default_factory=tuple)
    why_not: str = ""  # why there is no trend ("" when there is one)

    def to_dict(self) -> dict[str, Any]:
        """The report's ``forecast`` object."""
        out = asdict(self)
        out["trend_months"] = list(self.trend_months)
        out["steps"] = [asdict(s) for s in self.steps]
        out["sentence"] = forecast_sentence(self)
        return out


def month_name(month: str, *, short: bool = False) -> str:
    """``2027-03`` -> ``March 2027`` (``Mar 2027`` when ``short``)."""
    year, _, number = month.partition("-")
    name = MONTH_NAMES[int(number) - 1]
    return f"{name[:3] if short else name} {year}"


def decimal_size(n: int) -> str:
    """A size in the decimal units caps are sold in: ``4.2 GB``, ``950 MB``, ``12 B``."""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if abs(n) >= factor:
            return f"{n / factor:,.1f} {unit}"
    return f"{n:,} B"


def rate_text(forecast: Forecast) -> str:
    """The growth a month, in the cap's units when there is a cap (else as every size)."""
    size = decimal_size if forecast.cap else size_text
    return f"{size(forecast.rate)} a month"


def forecast_sentence(forecast: Forecast) -> str:
    """``At 4.2 GB a month, the 250 GB cap is reached in March 2027.`` (or why not)."""
    if forecast.why_not:
        return f"No forecast: {forecast.why_not}."
    months = len(forecast.trend_months)
    trend = f"the trend of the last {months} months" + (
        ", net of cleanups" if forecast.removed else ""
    )
    rate = rate_text(forecast)
    if forecast.cap is None:
        return f"At {rate} ({trend}); state the plan's cap to see when it is reached."
    cap = cap_text(forecast.cap)
    if forecast.rate <= 0:
        return f"Storage is not growing ({trend}): the {cap} cap is never reached at this rate."
    now = forecast.steps[0] if forecast.steps else None
    if now is None or now.state != REACHED:
        if now is not None and now.state == OVER:
            return f"At {rate} ({trend}), the site is already over its {cap} cap."
        return f"At {rate} ({trend}), the {cap} cap is not reached within 100 years."
    return f"At {rate} ({trend}), the {cap} cap is reached in {month_name(now.month)}."


def cap_date_text(date: CapDate) -> str:
    """A what-if row's cell: ``Mar 2027``, ``Sep 2027, +6 mo``, ``over now``, ``not in 100
    years`` (or "" when there is no cap)."""
    if date.state != REACHED:
        return {OVER: "over now", NEVER: "not in 100 years"}.get(date.state, "")
    text = month_name(date.month, short=True)
    if date.gained:
        text += f", +{date.gained:.0f} mo"
    return text
