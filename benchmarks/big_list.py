"""The app with 100,000 duplicate groups: open, scroll, sort, filter, open a group.

    python benchmarks/big_list.py

The same journey as ``tests/test_tui_big_scan.py`` (which checks what each step shows), timed
here: the app runs headless (Textual's ``run_test``) on a store holding one synthetic scan of
100,000 groups, and each step is timed from its key press to the app being idle again. Then the
list's index alone (``GroupIndex``): every sort and three filters of the same 100,000 groups.
Targets: the results screen and then the list each shown under 1 s (RESULTS.md, "Where the time
went"), no stall of the interface over 0.5 s while the list opens, every later step under 1 s.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the tests' synthetic scan and app factory

GROUPS = 100_000
TARGETS = {"open": 1.0, "stall": 0.5, "step": 1.0}


async def journey(app, scan_id: str) -> dict[str, float]:
    from helpers.tui import SIZE, until

    from aa_tui.tui.screens.group_detail import GroupDetailScreen
    from aa_tui.tui.screens.results import ResultsScreen
    from aa_tui.tui.widgets.group_list import GroupList
    from aa_tui.tui.widgets.groups_pane import FilterInput, GroupsPane

    timings: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        ticks: list[float] = []
        app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
        await pilot.pause(0.05)
        started = time.perf_counter()
        app.push_screen(ResultsScreen(scan_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await pilot.pause()
        timings["results screen (overview)"] = time.perf_counter() - started
        started = time.perf_counter()
        await pilot.press("2")
        await until(pilot, lambda: app.screen.query_one(GroupsPane).index is not None)
        await pilot.pause()
        timings["open the list (load + index + first draw)"] = time.perf_counter() - started
        timings["longest stall while opening"] = max(
            b - a for a, b in zip(ticks, ticks[1:], strict=False) if a >= started
        )
        pane = app.screen.query_one(GroupsPane)
        groups = app.screen.query_one("#group-list", GroupList)
        for label, keys in (
            ("end of the list", ("G",)),
            ("page down", ("pagedown",)),
            ("sort by copies", ("s",)),
            ("sort by size", ("s",)),
            ("sort by name", ("s",)),
            ("reverse", ("r",)),
        ):
            started = time.perf_counter()
            await pilot.press(*keys)
            timings[label] = time.perf_counter() - started
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.focused, FilterInput))
        started = time.perf_counter()
        await pilot.press(*"file-12", "enter")
        timings["filter by text (typed)"] = time.perf_counter() - started
        started = time.perf_counter()
        pane.set_filter(pane.filter.with_facet("project", "OPS"))
        await pilot.pause()
        timings["filter by project"] = time.perf_counter() - started
        groups.focus()
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
        timings["open a group"] = time.perf_counter() - started
    return timings


def index_timings() -> dict[str, float]:
    from helpers.tui import synthetic_groups

    from aa_tui.tui.group_index import SORTS, GroupFilter, GroupIndex

    index = GroupIndex(synthetic_groups(GROUPS), now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    out: dict[str, float] = {}
    for sort in SORTS:
        started = time.perf_counter()
        index.view(sort)
        out[f"index: sort by {sort}"] = time.perf_counter() - started
    for label, flt in (
        ("text file-12", GroupFilter(text="file-12")),
        ("pdf in OPS", GroupFilter(file_type="pdf", project="OPS")),
    ):
        started = time.perf_counter()
        index.view("wasted", flt)
        out[f"index: filter {label}"] = time.perf_counter() - started
    return out


def main() -> int:
    from helpers.memory_keyring import MemoryKeyring
    from helpers.tui import make_app, store_synthetic_scan

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        scan_id = store_synthetic_scan(data, GROUPS)
        app = make_app(data, backend=MemoryKeyring())
        timings = asyncio.run(journey(app, scan_id))
    timings |= index_timings()
    print(f"{GROUPS:,} duplicate groups in the app (headless, {sys.platform})")
    missed = 0
    for label, seconds in timings.items():
        target = (
            TARGETS["open"] if label.startswith(("open the list", "results"))
            else TARGETS["stall"] if label.startswith("longest")
            else TARGETS["step"]
        )  # fmt: skip
        mark = "PASS" if seconds < target else "FAIL"
        missed += mark == "FAIL"
        print(f"{mark}  {label:42} {seconds * 1000:8.0f} ms   (target < {target * 1000:.0f} ms)")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
