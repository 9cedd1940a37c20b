"""When the cap is reached at this rate: a generated history with a known trend, the exact
month expected; net of cleanups; said in the app and in the HTML report."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

from helpers.tui import SIZE, open_insights

from aa_tui.analysis.forecast import forecast, monthly_rate, trend_window
from aa_tui.model.forecast import NEVER, OVER, REACHED, cap_date_text, forecast_sentence

GB = 10**9
NOW = datetime(2026, 1, 15, tzinfo=timezone.utc)


def history(per_month: int, first: str = "2024-01", last: str = "2025-12") -> dict[str, int]:
    """``per_month`` bytes uploaded in every month from ``first`` to ``last``."""
    out, (y, m) = {}, map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        out[f"{y:04d}-{m:02d}"] = per_month
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_a_steady_gigabyte_a_month_reaches_the_cap_in_the_month_expected():
    uploads = history(GB)
    uploads["2026-01"] = 50 * GB  # the scan's own month is partial: left out of the trend
    steps = [("as it is", 100 * GB), ("duplicates", 97 * GB), ("+ stale files", 90 * GB)]
    f = forecast(uploads, now=NOW, stored=100 * GB, cap=106 * GB, steps=steps)
    assert f.rate == GB and len(f.trend_months) == 12
    assert f.trend_months[0] == "2025-01" and f.trend_months[-1] == "2025-12"
    # 6 GB of room at 1 GB a month: 6 months after 15 January 2026
    assert [(d.state, d.month) for d in f.steps] == [
        (REACHED, "2026-07"),
        (REACHED, "2026-10"),
        (REACHED, "2027-05"),
    ]
    assert [round(d.gained or 0) for d in f.steps] == [0, 3, 10]
    assert forecast_sentence(f) == (
        "At 1.0 GB a month (the trend of the last 12 months), the 106 GB cap is reached in"
        " July 2026."
    )
    assert [cap_date_text(d) for d in f.steps] == [
        "Jul 2026",
        "Oct 2026, +3 mo",
        "May 2027, +10 mo",
    ]


def test_a_trend_that_triples_is_read_by_least_squares():
    # 1 GB a month for the first six months of the window, 3 GB a month for the last six. The
    # slope of the cumulative bytes weighs the k-th month's growth by k(12 - k) (11, 20, 27,
    # 32, 35 | 36, 35, 32, 27, 20, 11; 286 in all): (125 x 1 + 161 x 3) / 286 = 2.126 GB a
    # month, where the mean of the growth would be 2 GB.
    uploads = history(GB, "2025-01", "2025-06") | history(3 * GB, "2025-07", "2025-12")
    months = trend_window(uploads, NOW)
    assert monthly_rate(uploads, months) == round(608 / 286 * GB)
    f = forecast(uploads, now=NOW, stored=50 * GB, cap=75 * GB)
    # 25 GB of room / 2.126 GB = 11.76 months after 15 January 2026: early January 2027
    assert (f.steps[0].state, f.steps[0].month) == (REACHED, "2027-01")
    assert "At 2.1 GB a month" in forecast_sentence(f)


def test_missing_months_count_as_no_uploads():
    uploads = {m: GB for m in history(GB, "2025-01", "2025-12") if m <= "2025-06"}
    f = forecast(uploads, now=NOW, stored=10 * GB, cap=20 * GB)
    assert len(f.trend_months) == 12 and f.rate < GB / 2  # the last six months uploaded nothing


def test_no_growth_over_the_cap_and_too_little_history():
    flat = forecast({m: 0 for m in history(0)}, now=NOW, stored=10 * GB, cap=20 * GB)
    assert flat.steps[0].state == NEVER and cap_date_text(flat.steps[0]) == "not in 100 years"
    assert "never reached at this rate" in forecast_sentence(flat)
    over = forecast(
        history(GB),
        now=NOW,
        stored=30 * GB,
        cap=20 * GB,
        steps=[("as it is", 30 * GB), ("duplicates", 15 * GB)],
    )
    assert [d.state for d in over.steps] == [OVER, REACHED]
    assert over.steps[1].month == "2026-06" and over.steps[1].gained is None
    assert "already over its 20 GB cap" in forecast_sentence(over)
    short = forecast(history(GB, "2025-09"), now=NOW, stored=10 * GB, cap=20 * GB)
    assert short.why_not and not short.steps
    assert forecast_sentence(short).startswith("No forecast: 4 complete months of uploads")
    no_cap = forecast(history(GB), now=NOW, stored=10 * GB, cap=None)
    assert (
        "state the plan's cap" in forecast_sentence(no_cap) and cap_date_text(no_cap.steps[0]) == ""
    )


def test_the_demo_scan_forecast_is_net_of_what_cleanups_removed(scanned, data_copy):
    from dataclasses import replace

    from aa_tui.analysis.facts import month_of
    from aa_tui.service.forecast import forecast_of
    from aa_tui.store.store import Store

    results = Store(data_copy).results(scanned.exact_id)
    summary = results.summary()
    settings = replace(summary.insight_settings, cap=summary.totals.total_size + 10**6)
    before = forecast_of(results, settings)
    assert not before.why_not and before.rate > 0
    assert before.stored == summary.totals.total_size and before.steps[0].state == REACHED
    copies = [f for f in results.file_table().files() if f.is_copy][:5]
    gone = sum(f.size for f in copies)
    after = forecast_of(results, settings, frozenset(f.attachment_id for f in copies))
    assert (after.stored, after.removed) == (before.stored - gone, gone)
    # as it is: less what was removed; the duplicates step had freed those copies already
    assert after.steps[0].stored == before.steps[0].stored - gone
    assert [d.stored for d in after.steps[1:]] == [d.stored for d in before.steps[1:]]
    assert after.steps[0].months > before.steps[0].months  # more room: later
    # the trend is net of them too: the months they were uploaded in lost their bytes
    in_window = sum(f.size for f in copies if month_of(f.created) in set(before.trend_months))
    assert (after.rate < before.rate) == (in_window > 0)
    assert "net of cleanups" in forecast_sentence(after)


def test_each_step_date_follows_its_what_if_row_after_a_kept_copy_is_removed(scanned, data_copy):
    """A removed kept copy makes its twin the group's kept copy, no longer a duplicate: each
    step's level (and so its date) is the what-if row's "remains" after the cleanup, not the
    scan's what-if less the bytes removed (the dates said Jan 2028 beside 402.6 MB to spare
    that, at the rate shown, last until Dec 2027)."""
    from dataclasses import replace

    from aa_tui.service.forecast import forecast_of
    from aa_tui.service.insights import insights_of
    from aa_tui.store.store import Store

    results = Store(data_copy).results(scanned.exact_id)
    summary = results.summary()
    settings = replace(summary.insight_settings, cap=summary.totals.total_size + 10**6)
    kept = [f for f in results.file_table().files() if f.hash and not f.is_copy][:3]
    assert len(kept) == 3
    gone = frozenset(f.attachment_id for f in kept)
    before, after = forecast_of(results, settings), forecast_of(results, settings, gone)
    rows = insights_of(results, settings, gone).table("what_if")
    assert [(d.step, d.stored) for d in after.steps] == [(r.step, r.remaining_size) for r in rows]
    # the twins of the removed kept copies are kept now: what duplicates leave is as before
    assert after.steps[1].stored == before.steps[1].stored
    assert after.stored == before.stored - sum(f.size for f in kept)


def test_the_app_and_the_html_report_say_when_the_cap_is_reached(app, scanned, tmp_path):
    from dataclasses import replace

    from aa_tui.service.workspace import Workspace
    from aa_tui.tui.widgets.tables import VimDataTable

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.settings.insights = replace(app.settings.insights, cap=2 * 10**9)
            screen = await open_insights(pilot, scanned.exact_id)
            await pilot.press("2")
            said = str(screen.query_one("#forecast").render())
            table = screen.query_one("#what_if-table", VimDataTable)
            cells = [str(table.get_row_at(n)[-1]) for n in range(table.row_count)]
            return said, cells, screen.forecast, app.workspace

    said, cells, expected, workspace = asyncio.run(journey())
    assert expected is not None and not expected.why_not
    assert said == forecast_sentence(expected) and "the 2 GB cap is reached in" in said
    assert cells == [cap_date_text(d) for d in expected.steps] and cells[0]
    html = tmp_path / "r.html"
    assert isinstance(workspace, Workspace)
    workspace.export(scanned.exact_id, html_path=html, settings=app.settings.insights)
    page = html.read_text()
    assert forecast_sentence(expected).replace("'", "&#x27;") in page
    assert "Cap reached" in page and cells[0] in page
    report = tmp_path / "r.json"
    workspace.export(scanned.exact_id, json_path=report, settings=app.settings.insights)
    written = json.loads(report.read_text())["forecast"]
    assert written["sentence"] == said and written["rate"] == expected.rate
    assert [d["month"] for d in written["steps"]] == [d.month for d in expected.steps]


def test_the_months_gained_are_the_calendar_months_between_the_dates_shown():
    """Found trying the app: 'Jun 2030, +13 mo' after 'Apr 2029' (14 calendar months): the
    gain was the fractional months between the two moments, not between the months shown."""
    uploads = {f"2025-{m:02d}": GB for m in range(1, 13)}
    # at 1 GB a month from 15 January: 0.6 months is early February, 1.4 months late February
    steps = [("as it is", 100 * GB), ("duplicates", int(99.2 * GB))]
    f = forecast(uploads, now=NOW, stored=100 * GB, cap=int(100.6 * GB), steps=steps)
    assert [d.month for d in f.steps] == ["2026-02", "2026-02"]
    assert cap_date_text(f.steps[1]) == "Feb 2026"  # the same month: no "+1 mo"


def test_the_what_if_says_which_copies_became_kept_ones_after_a_cleanup(app, scanned):
    """A cleanup that removed a group's kept copy leaves another copy as the kept one, a
    duplicate no more: what-if "remains" can rise after it, and the what-if tab says why
    (a tester read the rise as a bug)."""
    from aa_tui.model.cleanup import Outcome, PlanFilters
    from aa_tui.model.insights import kept_anew_sentence
    from aa_tui.store.audit import AuditLog
    from aa_tui.store.store import Store

    workspace = app.workspace
    results = workspace.results(scanned.exact_id)
    files = results.file_table().files()
    kept = [f for f in files if f.hash and not f.is_copy][:2]
    assert len(kept) == 2
    cleanup = workspace.cleanup()
    plan = cleanup.save(cleanup.plan(scanned.exact_id, PlanFilters(limit=1)))
    journal = AuditLog(Store(workspace.data_dir)).open(plan.id)  # what an apply records
    for f in kept:  # as a stale cleanup removes a kept copy whose twin stays
        journal.intent(f.attachment_id)
        journal.outcome(f.attachment_id, Outcome.DELETED)
    journal.close()
    assert workspace.kept_anew(scanned.exact_id) == (2, sum(f.size for f in kept))

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_insights(pilot, scanned.exact_id)
            await pilot.press("2")
            return str(screen.query_one("#forecast").render())

    said = asyncio.run(journey())
    assert said.endswith(kept_anew_sentence(2, sum(f.size for f in kept)))
    page = workspace.data_dir.parent / "after.html"  # the HTML report, after cleanup, says it
    workspace.export(scanned.exact_id, html_path=page)
    assert kept_anew_sentence(2, sum(f.size for f in kept)) in page.read_text()
