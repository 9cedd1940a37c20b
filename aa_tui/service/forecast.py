"""When a scanned site reaches its storage cap at its recent rate, net of cleanups (for the
app's Insights and the HTML and JSON reports; :mod:`aa_tui.analysis.forecast` computes)."""

from __future__ import annotations

from aa_tui.analysis.forecast import forecast, net_levels, removed_by_month_and_step
from aa_tui.model.forecast import Forecast
from aa_tui.model.insights import InsightSettings
from aa_tui.service.insights import insights_of, scan_facts, scan_now, scan_table
from aa_tui.store.results import ScanResults


def forecast_of(
    results: ScanResults,
    settings: InsightSettings | None = None,
    removed: frozenset[str] = frozenset(),
) -> Forecast:
    """The scan's growth a month and, against ``settings.cap``, when each what-if step
    reaches it; ``removed``: the ids cleanups removed since the scan (out of what the site
    holds, of the months they were uploaded in, and of the steps that had not freed them)."""
    summary = results.summary()
    insights = insights_of(results, settings)
    now = scan_now(summary)
    by_month: dict[str, int] = {}
    by_step = [0] * 5
    if removed:  # the file table is read only when something was removed
        table = scan_table(results)
        facts = scan_facts(table, now, insights.settings)
        by_month, by_step = removed_by_month_and_step(table, facts, removed)
    gone = sum(by_step)
    uploads = {
        m.month: m.size - by_month.get(m.month, 0) for m in insights.table("uploads_by_month")
    }
    steps = net_levels([(r.step, r.remaining_size) for r in insights.table("what_if")], by_step)
    return forecast(
        uploads,
        now=now,
        stored=summary.totals.total_size - gone,
        cap=insights.settings.cap,
        steps=steps,
        removed=gone,
    )
