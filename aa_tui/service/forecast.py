"""When a scanned site reaches its storage cap at its recent rate, net of cleanups (for the
app's Insights and the HTML and JSON reports; :mod:`aa_tui.analysis.forecast` computes)."""

from __future__ import annotations

from aa_tui.analysis.forecast import forecast
from aa_tui.model.forecast import Forecast
from aa_tui.model.insights import Insights, InsightSettings
from aa_tui.service.insights import insights_of, scan_now
from aa_tui.store.results import ScanResults


def forecast_of(
    results: ScanResults,
    settings: InsightSettings | None = None,
    removed: frozenset[str] = frozenset(),
    insights: Insights | None = None,
) -> Forecast:
    """The scan's growth a month and, against ``settings.cap``, when each what-if step
    reaches it; ``removed``: the ids cleanups removed since the scan. The months and the
    steps are the insights' after those cleanups, the what-if's own rows: a date follows its
    row's "remains" (a removed kept copy makes its twin the group's kept copy, no longer a
    duplicate, so what a step leaves is what the what-if now says, not the scan's what-if
    less the bytes removed). ``insights``: those insights, when the caller has them already
    (they are rebuilt from the scan's files once something was removed)."""
    summary = results.summary()
    insights = insights or insights_of(results, settings, removed)
    uploads = {m.month: m.size for m in insights.table("uploads_by_month")}
    steps = [(r.step, r.remaining_size) for r in insights.table("what_if")]
    stored = summary.totals.total_size
    if removed and steps:
        stored = steps[0][1]  # "as it is": what is left
    return forecast(
        uploads,
        now=scan_now(summary),
        stored=stored,
        cap=insights.settings.cap,
        steps=steps,
        removed=summary.totals.total_size - stored,
    )
