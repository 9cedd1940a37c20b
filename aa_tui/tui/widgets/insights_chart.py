"""The growth chart: bytes uploaded per month, the wasted part stacked on top (plotext)."""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

from aa_tui.model.insights import MonthRow
from aa_tui.tui.safe import visible

_UNITS = ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"), (1, "B"))


def unit_for(peak: int) -> tuple[int, str]:
    """The biggest binary unit that keeps ``peak`` at 1 or more."""
    return next(((f, n) for f, n in _UNITS if peak >= f), (1, "B"))


class GrowthChart(PlotextPlot):
    """Months on the x axis (``YYYY-MM``), kept and wasted bytes stacked."""

    DEFAULT_CSS = "GrowthChart { height: 1fr; min-height: 12; }"

    #: the title drawn last
    heading = ""

    def show_months(self, months: Sequence[MonthRow], project: str = "") -> None:
        """Draw ``months`` (of ``project``, named in the title, when given)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        known = [m for m in months if m.month != "unknown"]
        if not known:
            self.heading = "No uploads with a readable date."
            plt.title(self.heading)
            self.refresh()
            return
        factor, unit = unit_for(max(m.size for m in known))
        labels = [m.month for m in known]
        kept = [round((m.size - m.wasted_size) / factor, 2) for m in known]
        wasted = [round(m.wasted_size / factor, 2) for m in known]
        # textual-plotext's stub names the keyword `label`; plotext's stacked_bar takes `labels`
        plt.stacked_bar(labels, [kept, wasted], labels=["kept", "wasted by copies"])  # type: ignore[call-arg]
        where = f", project {visible(project)}" if project else ""  # plotext draws ANSI
        self.heading = f"Uploaded per month{where} ({unit})"
        plt.title(self.heading)
        step = max(1, len(labels) // 8)
        plt.xticks(list(range(1, len(labels) + 1, step)), labels[::step])
        self.refresh()
