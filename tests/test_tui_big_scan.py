"""A big scan stays responsive: 100,000 duplicate groups open, scroll, sort and filter."""

from __future__ import annotations

import asyncio

import pytest
from helpers.tui import SIZE, make_app, store_synthetic_scan, until

from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.groups_pane import FilterInput, GroupsPane

GROUPS = 100_000


@pytest.fixture(scope="module")
def big_scan(tmp_path_factory):
    data = tmp_path_factory.mktemp("big") / "data"
    return data, store_synthetic_scan(data, GROUPS)


def test_100k_groups_open_scroll_sort_filter(big_scan, memory_keyring):
    """Each step shows what it should; benchmarks/big_list.py times the same journey."""
    data, scan_id = big_scan
    app = make_app(data, backend=memory_keyring)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scan_id))
            await pilot.press("2")
            await until(pilot, lambda: app.screen.query_one(GroupsPane).index is not None)
            await pilot.pause()
            groups = app.screen.query_one("#group-list", GroupList)
            assert len(groups.view) == GROUPS
            pane = app.screen.query_one(GroupsPane)
            await pilot.press("G", "pagedown", "s", "s", "s", "r")
            assert pane.reverse and len(groups.view) == GROUPS
            await pilot.press("slash")
            # The index warms in a thread from here on; on a loaded machine the pilot's idle
            # wait can return before "/" is handled, and "i" of the text would open Insights.
            await until(pilot, lambda: isinstance(app.focused, FilterInput))
            await pilot.press(*"file-12", "enter")
            await until(pilot, lambda: pane.filter.text == "file-12")
            pane.set_filter(pane.filter.with_facet("project", "OPS"))
            await pilot.pause()
            assert pane.index.full_groups is None  # the store's group rows: no locations held
            groups.focus()
            await pilot.pause()
            await pilot.press("enter")  # one group, read by itself from groups.json
            await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
            opened = app.screen.group
            assert opened["hash"] == pane.index.groups[groups.selected_index]["hash"]
            assert len(opened["locations"]) == opened["copies"]
            return len(groups.view)

    shown = asyncio.run(journey())
    assert 0 < shown < GROUPS
